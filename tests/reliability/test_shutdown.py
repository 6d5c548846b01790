"""Graceful shutdown and durable writes on ``cspkg serve`` (gunicorn).

SIGTERM: gunicorn stops accepting, lets in-flight requests finish, exits 0.  SIGKILL
after an acknowledged write: the on-disk store has it after restart, including a write
to a graph that came from a data file (the start-up load must not undo it).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import requests

from .conftest import kill_group, write_data

TOKEN = "reliability-token-4f9c2a7e81b3"  # 24+ characters: weak tokens stop start-up
SLOW_TRIPLES = 200


def _slow_data(tmp_path: Path) -> Path:
    data = write_data(tmp_path, "v1", 100)
    with (data / "slow.ttl").open("w", encoding="utf-8") as out:
        for i in range(SLOW_TRIPLES):
            out.write(f"<urn:slow:{i}> <urn:slow:p> {i} .\n")
    return data


SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://cspkg.example.org/graph/data/slow> "
    "{ ?a <urn:slow:p> ?b . ?c <urn:slow:p> ?d . ?e <urn:slow:p> ?f } }"
)


def test_sigterm_lets_the_inflight_request_finish(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(_slow_data(tmp_path))
    answers: list[requests.Response] = []
    started = time.monotonic()
    thread = threading.Thread(
        target=lambda: answers.append(
            requests.get(server.url + "/sparql", params={"query": SLOW}, timeout=60)
        )
    )
    thread.start()
    time.sleep(0.4)
    server.process.send_signal(signal.SIGTERM)
    thread.join(timeout=60)
    code = server.process.wait(timeout=30)
    (answer,) = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == str(SLOW_TRIPLES**3)
    assert time.monotonic() - started > 0.5  # it really was in flight at the signal
    assert code == 0


def _post(url: str, update: str) -> int:
    return requests.post(
        url + "/sparql",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    ).status_code


def _ask(url: str, query: str) -> bool:
    return bool(
        requests.get(url + "/sparql", params={"query": query}, timeout=10).json()["boolean"]
    )


def test_acknowledged_writes_survive_sigkill(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    data = write_data(tmp_path, "v1", 100)
    store_dir = str(tmp_path / "store")
    first = serve(data, "--store", store_dir, CSPKG_ADMIN_TOKEN=TOKEN)
    file_graph = "https://cspkg.example.org/graph/data/filler-one"
    assert _post(first.url, "INSERT DATA { GRAPH <urn:test:new> { <urn:a> <urn:b> 1 } }") == 204
    assert (
        _post(
            first.url,
            f'DELETE DATA {{ GRAPH <{file_graph}> {{ <urn:one:0> <urn:test:v> "v1-0" }} }} ;'
            f' INSERT DATA {{ GRAPH <{file_graph}> {{ <urn:one:0> <urn:test:v> "edited" }} }}',
        )
        == 204
    )
    kill_group(first.process)
    second = serve(data, "--store", store_dir, CSPKG_ADMIN_TOKEN=TOKEN)
    assert _ask(second.url, "ASK { GRAPH <urn:test:new> { <urn:a> <urn:b> 1 } }")
    assert _ask(second.url, 'ASK { <urn:one:0> <urn:test:v> "edited" }')
    assert not _ask(second.url, 'ASK { <urn:one:0> <urn:test:v> "v1-0" }')


def test_two_services_on_different_ports_stop_apart(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    """Before: gunicorn opened one control socket per user (``~/.gunicorn/gunicorn.ctl``),
    so a second ``make run`` took it over and stopping either deleted the other's."""
    data = write_data(tmp_path, "v1", 10)
    home = tmp_path / "home"
    home.mkdir()
    first = serve(data, HOME=str(home))
    second = serve(data, HOME=str(home))
    first.process.send_signal(signal.SIGTERM)
    assert first.process.wait(timeout=30) == 0
    assert requests.get(second.url + "/health", timeout=10).status_code == 200
    assert not (home / ".gunicorn").exists()
    kill_group(second.process, signal.SIGTERM)
