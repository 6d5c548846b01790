"""Several front ends over one store: two ``cspkg serve --backend`` processes over one
Virtuoso answer the same, a write through one is seen by the other on its next request,
and neither serves a stale cached answer (both read the store version from the backend).
Also what a front end over Virtuoso sends when the backend fails: never a 500, never the
backend's password."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests

from bench import virtuoso as virtuoso_server
from cspkg.config import PROJECT_ROOT

from ..conftest import (
    ADMIN_TOKEN,
    _settings,
    fill,
    free_port,
    serve_command,
    served_env,
    virtuoso_store,
)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"
SECRET = "not-the-password-5e2a"


@dataclass
class FrontEnds:
    backend: str
    urls: list[str]
    processes: list[subprocess.Popen[bytes]]


def _start(backend: str, password: str) -> tuple[subprocess.Popen[bytes], str]:
    settings = _settings(admin_token=ADMIN_TOKEN, query_timeout=5.0)
    env = served_env(settings, virtuoso_server.USER, password)
    return serve_command(["--backend", backend, "--backend-profile", "virtuoso"], env)


@pytest.fixture(scope="module")
def front_ends(virtuoso: Callable[[], str]) -> Iterator[FrontEnds]:
    backend = virtuoso()
    store = virtuoso_store(backend)
    fill(store)
    store.close()
    started = [_start(backend, virtuoso_server.PASSWORD) for _ in range(2)]
    yield FrontEnds(backend, [url for _, url in started], [p for p, _ in started])
    for process, _ in started:
        process.terminate()
        process.communicate(timeout=30)


def _count(url: str, **headers: str) -> tuple[int, requests.Response]:
    response = requests.get(
        url + "/sparql", params={"query": COUNT}, headers={"Accept": JSON, **headers}, timeout=30
    )
    assert response.status_code in (200, 304), response.text
    if response.status_code == 304:
        return -1, response
    return int(response.json()["results"]["bindings"][0]["n"]["value"]), response


def _insert(url: str, subject: str) -> None:
    update = f'INSERT DATA {{ GRAPH <urn:test:front-ends> {{ <{subject}> <urn:p> "x" }} }}'
    response = requests.post(
        url + "/sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 204, response.text


def test_two_front_ends_answer_the_same_and_see_each_others_writes(
    front_ends: FrontEnds,
) -> None:
    first, second = front_ends.urls
    before, answer = _count(first)
    assert _count(second)[0] == before
    etag = answer.headers["ETag"]  # the result cache is on over a shared store version
    assert _count(first, **{"If-None-Match": etag})[1].status_code == 304

    _insert(second, "urn:test:written-through-the-second")
    after, answer = _count(first, **{"If-None-Match": etag})  # the next request on the first
    assert after == before + 1 and answer.headers["ETag"] != etag
    assert _count(second)[0] == after

    _insert(first, "urn:test:written-through-the-first")
    assert _count(second)[0] == _count(first)[0] == before + 2
    listing = {"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 100"}
    answers = [
        requests.get(url + "/sparql", params=listing, headers={"Accept": JSON}, timeout=30)
        for url in (first, second)
    ]
    rows = [answer.json()["results"]["bindings"] for answer in answers]
    assert rows[0] == rows[1] and len(rows[0]) == 100


def test_backend_errors_are_the_services_own(front_ends: FrontEnds) -> None:
    url = front_ends.urls[0]
    unsupported = requests.get(
        url + "/sparql",
        params={"query": "SELECT ?b WHERE { BIND (BNODE() AS ?b) }"},
        headers={"Accept": JSON},
        timeout=30,
    )
    assert unsupported.status_code == 501 and "cannot run this query" in unsupported.text
    syntax = requests.get(url + "/sparql", params={"query": "SELECT * {"}, timeout=30)
    assert syntax.status_code == 400 and "Virtuoso" not in syntax.text


def test_a_front_end_with_a_wrong_backend_password_stops_without_showing_it(
    front_ends: FrontEnds,
) -> None:
    """The account is checked at start (it reads the store version): a wrong password
    stops ``cspkg serve`` with a message naming the settings, not their values."""
    settings = _settings(admin_token=ADMIN_TOKEN)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "server")}
    env.update(served_env(settings, virtuoso_server.USER, SECRET))
    command = [sys.executable, "-m", "cspkg", "serve", "--port", str(free_port())]
    command += ["--backend", front_ends.backend, "--backend-profile", "virtuoso"]
    finished = subprocess.run(command, env=env, capture_output=True, timeout=120)
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0
    assert b"CSPKG_BACKEND_PASSWORD" in output and SECRET.encode() not in output
