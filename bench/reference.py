"""The reference server: ``oxigraph serve``, stopped and started again on its port when
one of its queries runs past the bench's timeout.

Why not ``oxigraph serve --timeout-s``: it starts one thread per query that sleeps for
the whole timeout, whether the query ended sooner or not (oxigraph 0.5, ``cli/src/main.rs``
``evaluate_sparql_query``).  At R queries a second it holds R x timeout threads: a bench
of fast queries (thousands a second at 10k triples, 60 s timeout) reaches the thread
limit (the kernel's ``pid_max``, or ``vm.max_map_count`` for the threads' stacks) within a
minute, and from then on every query the server gets fails with 500 "Resource temporarily
unavailable (os error 11)", the ``EAGAIN`` of a thread that could not be created (ours in
front of it answered 503).  So the bench stops a runaway query itself: the client gives
up at the timeout and the server is restarted, with its data, on the same address (the
remote target in front of it keeps its backend URL).
"""

from __future__ import annotations

import http.client
from pathlib import Path

from .procs import Process, free_port


def post_nquads(base: str, path: Path) -> None:
    """Load an N-Quads file into an in-memory ``oxigraph serve`` through ``/store``."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=3600)
    with path.open("rb") as body:
        headers = {
            "Content-Type": "application/n-quads",
            "Content-Length": str(path.stat().st_size),
        }
        conn.request("POST", "/store", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
    conn.close()
    if response.status not in (200, 201, 204):
        raise RuntimeError(f"loading the reference failed: HTTP {response.status}")


class Reference:
    """One ``oxigraph serve`` (in memory when ``location`` is None, then loaded from
    ``data`` by :meth:`load`), with the union default graph as ours has."""

    def __init__(self, location: Path | None, log: Path, data: Path | None = None) -> None:
        self.location = location
        self.data = data
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.restarts = 0
        self.process = self._start()

    def _start(self) -> Process:
        command = ["oxigraph", "serve", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--union-default-graph"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        return Process(command, log=self.log)

    def wait(self) -> float:
        """Seconds from start until it answers a query."""
        return self.process.wait_http(self.url + "/query?query=ASK%7B%7D")

    def load(self) -> None:
        if self.data is not None:
            post_nquads(self.url, self.data)

    def restart(self) -> None:
        """Stop it (and whatever query it is still running), start it again, reload."""
        self.process.stop()
        self.process = self._start()
        self.wait()
        self.load()
        self.restarts += 1
        print(f"  reference restarted after a query ran past the timeout ({self.url})", flush=True)

    def stop(self) -> None:
        self.process.stop()
