"""The commands end to end: ``serve`` on real gunicorn, ``load`` into a real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests
from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper

from bench import virtuoso as virtuoso_server
from cspkg.cli import cli
from cspkg.config import PROJECT_ROOT
from cspkg.store.embedded import EmbeddedStore
from cspkg.web.front import KEEPALIVE_LINGER_MS

from .conftest import FIXTURES, free_port, virtuoso_store, wait_until_up

FIXTURE_ENV = {
    "CSPKG_ONTOLOGY_DIR": str(FIXTURES / "ontology"),
    "CSPKG_DATA_DIR": str(FIXTURES / "data"),
    "CSPKG_SHAPES_DIR": str(FIXTURES / "service-shapes"),
}


def _serve(port: int, output: int) -> subprocess.Popen[bytes]:
    """``cspkg serve`` on the fixtures, as a user starts it; stderr joins ``output``."""
    env = {**os.environ, **FIXTURE_ENV, "PYTHONPATH": str(PROJECT_ROOT / "server")}
    return subprocess.Popen(
        [sys.executable, "-m", "cspkg", "serve", "--port", str(port)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def test_serve_runs_on_gunicorn_and_logs_each_request() -> None:
    port = free_port()
    process = _serve(port, subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/health", timeout=30)
        health = requests.get(url + "/health", timeout=10).json()
        assert health["store"] == "embedded" and health["triples"] > 0
        client = SPARQLWrapper(url + "/sparql")
        client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }")
        client.setReturnFormat(JSON)
        rows = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
        assert int(rows[0]["n"]["value"]) > 0
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    log = output.decode()
    assert "GuardedThreadWorker" in log and f"open {url}/" in log
    assert any('"GET /health' in line and line.endswith("ms") for line in log.splitlines())


def test_serve_keeps_connections_alive_quick_or_idle_or_pipelined() -> None:
    """One connection answers a quick next request (the thread lingers), one sent after
    an idle pause (the connection went back to gunicorn's poller) and two pipelined ones."""
    port = free_port()
    process = _serve(port, subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", timeout=30)
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
            sock.makefile("rb") as reader,
        ):
            request = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            for pause in (0.0, 0.0, KEEPALIVE_LINGER_MS / 1000 * 20, 0.0):
                time.sleep(pause)
                sock.sendall(request)
                assert _read_response(reader) == 200
            sock.sendall(request * 2)
            assert [_read_response(reader), _read_response(reader)] == [200, 200]
    finally:
        process.terminate()
        process.wait(timeout=30)


def _read_response(reader: BinaryIO) -> int:
    """Status of one HTTP/1.1 response read off a kept-alive connection (body skipped)."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    reader.read(length)
    return status


def test_load_into_backend(oxigraph: Callable[[], str], runner: CliRunner) -> None:
    url = oxigraph()
    result = runner.invoke(cli, ["load", "--backend", url], env=FIXTURE_ENV)
    assert result.exit_code == 0, result.output
    assert "loaded 2 graph(s)" in result.output
    graphs = requests.get(
        url + "/query",
        params={"query": "SELECT ?g { GRAPH ?g {} }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["results"]["bindings"]
    assert {b["g"]["value"] for b in graphs} == {
        "https://cspkg.example.org/graph/ontology/cspkg",
        "https://cspkg.example.org/graph/data/plans/tiny-plan-2024-25",
    }


def test_load_refuses_invalid_data(
    oxigraph: Callable[[], str], runner: CliRunner, tmp_path: Path
) -> None:
    url = oxigraph()
    (tmp_path / "bad.ttl").write_text("<urn:a> a <https://cspkg.example.org/def/cspkg#Action> .")
    env = {**FIXTURE_ENV, "CSPKG_DATA_DIR": str(tmp_path)}
    result = runner.invoke(cli, ["load", "--backend", url], env=env)
    assert result.exit_code != 0 and "violation" in result.output
    count = requests.get(
        url + "/query",
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["boolean"]
    assert count is False


def test_load_into_a_store_dir_loads_only_what_changed(runner: CliRunner, tmp_path: Path) -> None:
    """Second run: nothing to do; a changed file reloads alone; a removed one is dropped."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", data)
    (data / "notes.ttl").write_text('<urn:note> <urn:says> "hello" .')
    env = {**FIXTURE_ENV, "CSPKG_DATA_DIR": str(data)}
    store = str(tmp_path / "store")

    def load() -> str:
        result = runner.invoke(cli, ["load", "--store", store], env=env)
        assert result.exit_code == 0, result.output
        return result.output.strip()

    assert load() == "loaded 3 graph(s)"
    assert load() == "loaded 0 graph(s), 3 unchanged"
    (data / "notes.ttl").write_text('<urn:note> <urn:says> "hello again" .')
    assert load() == "loaded 1 graph(s), 2 unchanged"
    (data / "notes.ttl").unlink()
    assert load() == "loaded 0 graph(s), 2 unchanged, dropped 1"
    reopened = EmbeddedStore(Path(store))
    try:
        assert not any("notes" in g for g in reopened.graphs())
        assert any("tiny-plan" in g for g in reopened.graphs())
    finally:
        reopened.close()


def test_load_and_query_on_virtuoso(virtuoso: Callable[[], str], runner: CliRunner) -> None:
    """``cspkg load`` and ``cspkg query`` with ``--backend-profile virtuoso``: writes with
    the backend account from the environment; a second load replaces, never adds."""
    url = virtuoso()
    env = {
        **FIXTURE_ENV,
        "CSPKG_BACKEND_USER": virtuoso_server.USER,
        "CSPKG_BACKEND_PASSWORD": virtuoso_server.PASSWORD,
    }
    load = ["load", "--backend", url, "--backend-profile", "virtuoso"]
    for _ in range(2):
        result = runner.invoke(cli, load, env=env)
        assert result.exit_code == 0, result.output
        assert "loaded 2 graph(s)" in result.output
    store = virtuoso_store(url)
    try:
        assert store.graphs() == [
            "https://cspkg.example.org/graph/data/plans/tiny-plan-2024-25",
            "https://cspkg.example.org/graph/ontology/cspkg",
        ]
        count = store.triple_count()
        plan = "https://cspkg.example.org/id/delivery-plan/tiny-csp/2024-25"
        query = ["query", "ongoing-actions", "-p", f"plan={plan}", "--format", "csv"]
        query += ["--backend", url, "--backend-profile", "virtuoso"]
        result = runner.invoke(cli, query, env=env)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0].startswith("action,actionLabel")
        assert len(result.output.splitlines()) > 1
        # plan-summary answers on Virtuoso too (its Virtuoso form), no longer refused
        summary = runner.invoke(cli, [*query[:1], "plan-summary", *query[-4:]], env=env)
        assert summary.exit_code == 0, summary.output
        assert "tiny-csp/2024-25" in summary.output
        assert store.triple_count() == count
    finally:
        store.close()
