"""Worker processes that run embedded-store queries and can be killed on timeout.

Why processes: pyoxigraph has no query timeout or cancellation, and a thread cannot be
stopped, so a runaway query in a thread keeps a core busy until it ends on its own.  A
worker process is killed at the deadline and replaced; the request gets 503 and the
server keeps serving others meanwhile.

Each worker reads a snapshot of the parent's store, named by generation: an in-memory
store's workers load a replica from an N-Quads dump; an on-disk store's workers open a
RocksDB checkpoint read-only (no replica).  A task carries the current snapshot and a
worker whose snapshot is older reopens first.  Workers are fresh interpreters (``python -c
...worker.main()``) talking over a socket pair: nothing is forked from a threaded
server (which could copy held locks) and no ``__main__`` is re-imported, as the
multiprocessing start methods would do.
"""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import QuerySyntaxError, QueryTimeout, StoreUnavailable
from .base import QueryResult, SerializedResult
from .worker import Task

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = "import sys; from cspkg.store.worker import main; main(int(sys.argv[1]))"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection


class QueryPool:
    """A fixed number of query worker processes; ``run`` blocks until a result or timeout."""

    def __init__(self, size: int, snapshot: Callable[[], Path]) -> None:
        self._snapshot = snapshot
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    @staticmethod
    def _spawn() -> _Worker:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        return _Worker(process, Connection(parent.detach()))

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.wait(timeout=5)
        worker.conn.close()
        if not self._closed:
            self._idle.put(self._spawn())

    def run(
        self,
        sparql: str,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout: float | None,
        max_rows: int | None,
        base_iri: str | None,
        formats: tuple[tuple[str, str], ...] = (),
    ) -> QueryResult | SerializedResult:
        """Run one query in a free worker; kill the worker if ``timeout`` passes first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"all query workers stayed busy for {timeout:g} s; try again later"
            ) from None
        task = Task(
            str(self._snapshot()),
            sparql,
            tuple(default_graph_uris),
            tuple(named_graph_uris),
            max_rows,
            base_iri,
            formats,
        )
        try:
            worker.conn.send(tuple(task))
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not worker.conn.poll(remaining):
                self._replace(worker)
                raise QueryTimeout(
                    f"the query ran longer than the {timeout:g} s limit and was stopped"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreUnavailable("a query worker stopped unexpectedly") from None
        self._idle.put(worker)
        if status == "written":
            return SerializedResult(*payload)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        if status == "syntax":
            message, line, column = payload
            raise QuerySyntaxError(message, line, column)
        raise StoreUnavailable("the store could not answer the query")

    def close(self) -> None:
        """Stop every worker; busy ones are killed."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            try:
                worker.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.conn.close()
