"""Helpers for the hostile-load tests: a running ``cspkg serve``, raw sockets, figures.

Every client talks to 127.0.0.x only.  Different loopback addresses stand for different
clients (Linux routes all of 127/8 to the loopback interface), so the per-client limits
can be seen at work without leaving the machine.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from bench.procs import rss_bytes as tree_rss

from cspkg.config import PROJECT_ROOT

from ..conftest import ADMIN_TOKEN, free_port
from .conftest import kill_group, start, wait_until_up

MEMORY_QUERY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class Service:
    """A running ``cspkg serve`` over the project's own data (the seed graph)."""

    process: object
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def service_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_ROOT / "server"), env.get("PYTHONPATH")])
    )
    for name in list(env):
        if name.startswith("CSPKG_"):
            del env[name]
    env.update(
        CSPKG_ADMIN_TOKEN=ADMIN_TOKEN,
        CSPKG_QUERY_TIMEOUT="3",
        CSPKG_QUERY_WORKERS="2",
        CSPKG_WORKER_MEMORY_MB="600",
    )
    env.update(extra)
    return env


@contextmanager
def running(**extra: str) -> Iterator[Service]:
    port = free_port()
    process = start(["serve", "--port", str(port)], service_env(**extra))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", timeout=90)
        yield Service(process, port)
    finally:
        kill_group(process)


class MemorySampler:
    """The process tree's RSS every 50 ms while in the ``with`` block."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(tree_rss(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.samples, default=0) / 2**20


def request_from(
    service: Service,
    source: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes, float]:
    """One request from loopback address ``source``: (status, body, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(
        "127.0.0.1", service.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.monotonic() - started
    finally:
        conn.close()


def sparql(service: Service, query: str, source: str = "127.0.0.1") -> tuple[int, bytes, float]:
    return request_from(
        service,
        source,
        "POST",
        "/sparql",
        query.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )


def update(service: Service, text: str) -> requests.Response:
    return requests.post(
        service.url + "/sparql",
        data=text.encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=30,
    )


def half_open(service: Service, count: int, source: str = "127.0.0.1") -> list[socket.socket]:
    """``count`` connections that send half a request and then nothing: half stop in
    the head, half in a declared body."""
    held = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", service.port), source_address=(source, 0))
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        else:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                b"\r\nContent-Length: 1000\r\n\r\nSELECT"
            )
        held.append(sock)
    return held


def figures(name: str, seconds: list[float]) -> str:
    """``name: n=.. p50=.. ms max=.. ms`` for a list of latencies."""
    ms = sorted(s * 1000 for s in seconds)
    return (
        f"{name}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p95={ms[int(0.95 * (len(ms) - 1))]:.1f} ms max={ms[-1]:.1f} ms"
    )


def alive(service: Service) -> bool:
    try:
        return requests.get(service.url + "/health", timeout=10).json()["status"] == "ok"
    except (requests.RequestException, ValueError, KeyError):
        return False
