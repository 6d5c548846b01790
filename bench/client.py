"""The load generator: keep-alive HTTP GETs, latency samples and throughput.

``http.client`` rather than requests: less client-side overhead per request, so more of
each figure is the server's.  The same client measures ours and the reference.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

JSON = "application/sparql-results+json"
NO_CACHE = {"Cache-Control": "no-cache"}
MAX_URL = 8000


@dataclass(frozen=True)
class Request:
    """One GET: a path with its query string, and extra headers."""

    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    """A form body: then the request is a POST (for queries too long for a URL)."""


def sparql_get(endpoint_path: str, text: str, *, cache: bool = False) -> Request:
    headers = {"Accept": JSON} | ({} if cache else NO_CACHE)
    path = f"{endpoint_path}?{urlencode({'query': text})}"
    if len(path) > MAX_URL:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return Request(endpoint_path, tuple(headers.items()), urlencode({"query": text}).encode())
    return Request(path, tuple(headers.items()))


def canned_get(name: str, values: dict[str, str], *, cache: bool = False) -> Request:
    suffix = f"?{urlencode(values)}" if values else ""
    headers = {"Accept": JSON} | ({} if cache else NO_CACHE)
    return Request(f"/queries/{name}{suffix}", tuple(headers.items()))


class Client:
    """One keep-alive connection to ``base`` (``http://host:port``)."""

    def __init__(self, base: str, timeout: float = 600.0, source: str | None = None) -> None:
        parts = urlsplit(base)
        address = (source, 0) if source and parts.hostname == "127.0.0.1" else None
        self._conn = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=timeout, source_address=address
        )

    def get(self, request: Request) -> tuple[int, bytes]:
        try:
            method = "GET" if request.body is None else "POST"
            self._conn.request(
                method, request.path, body=request.body, headers=dict(request.headers)
            )
            response = self._conn.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self._conn.close()
            raise

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p95_ms: float
    count: int
    rows: int | None


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rows(body: bytes) -> int | None:
    """Rows in a SPARQL JSON answer (counted once, after the warm-up)."""
    try:
        return len(json.loads(body)["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return None


def measure(
    base: str,
    request: Request,
    seconds: float,
    min_runs: int = 3,
    max_runs: int = 200,
    timeout: float = 600.0,
) -> Latency | None:
    """Median and p95 of repeated requests (one warm-up first); ``None`` on 404.
    A request unanswered after ``timeout`` seconds raises ``TimeoutError``."""
    client = Client(base, timeout=timeout)
    try:
        status, body = client.get(request)
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError(f"{request.path[:80]}: HTTP {status}: {body[:200]!r}")
        rows = _rows(body)
        samples: list[float] = []
        started = time.perf_counter()
        while len(samples) < max_runs and (
            len(samples) < min_runs or time.perf_counter() - started < seconds
        ):
            t0 = time.perf_counter()
            status, _ = client.get(request)
            samples.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"{request.path[:80]}: HTTP {status}")
        return Latency(statistics.median(samples), p95(samples), len(samples), rows)
    finally:
        client.close()


def throughput(
    base: str, requests: Sequence[Request], clients: int, seconds: float
) -> tuple[float, int]:
    """(answered requests per second, requests that failed) with ``clients`` connections
    cycling through ``requests``.  A failure (a 503 at the query timeout when big queries
    queue behind each other) is counted and the client goes on: the report shows it."""
    done = [0] * clients
    failed = [0] * clients
    errors: list[str] = []
    stop = threading.Event()

    def work(index: int) -> None:
        # Each client from its own loopback address, as distinct clients would be: the
        # service shares its query workers fairly per address (store/admission.py).
        client = Client(base, source=f"127.0.0.{40 + index}")
        position = index
        try:
            while not stop.is_set():
                status, _ = client.get(requests[position % len(requests)])
                position += 1
                if status == 200:
                    done[index] += 1
                else:
                    failed[index] += 1
        except OSError as exc:
            errors.append(str(exc))
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"throughput run failed: {errors[0]}")
    return sum(done) / elapsed, sum(failed)
