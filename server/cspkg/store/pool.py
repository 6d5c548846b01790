"""Worker processes that run embedded-store queries and can be killed on timeout.

Why processes: pyoxigraph has no query timeout or cancellation, and a thread cannot be
stopped, so a runaway query in a thread keeps a core busy until it ends on its own.  A
worker process is killed at the deadline and replaced (by a spare already started, when
the service keeps one: ``QueryPool._replace``); the request gets 503 and the server keeps
serving others meanwhile.

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
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse

from ..errors import (
    GraphNotFound,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServiceBusy,
    StoreUnavailable,
    WorkerFailed,
)
from .admission import Admission, Grant
from .base import QueryResult, SerializedResult
from .worker import Task, UpdateTask

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "from cspkg.store.worker import main; main(*(int(a) for a in sys.argv[1:]))"
)
"""Ctrl-C in a terminal reaches the whole process group: a worker ignores it from its
first line (a traceback per worker is all it would add) and ends when the parent closes
its end of the socket pair."""


@dataclass(frozen=True)
class PoolLimits:
    """What each worker may use, and how the workers are shared (see ``admission.py``)."""

    memory_bytes: int = 0
    """Address-space cap per worker (``RLIMIT_AS``); 0: none."""
    max_result_bytes: int = 0
    """Largest answer a worker sends back; bigger is ``ResultTooLarge`` (413)."""
    per_client: int = 1
    queue_length: int = 32
    spares: int = 0
    """Workers kept started beside the ``size`` in service (see ``QueryPool._replace``);
    the service keeps ``spare_workers`` (1)."""


@dataclass(frozen=True)
class Change:
    """What an update run in a worker changed: quads to remove, then quads to add."""

    removed: list[Quad]
    added: list[Quad]


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection


class QueryPool:
    """A fixed number of worker processes; ``run`` and ``update`` block until an answer
    or the deadline, which counts the wait for a worker too."""

    def __init__(
        self, size: int, snapshot: Callable[[], Path], limits: PoolLimits | None = None
    ) -> None:
        self._snapshot = snapshot
        self.limits = limits or PoolLimits()
        self.admission = Admission(size, self.limits.per_client, self.limits.queue_length)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._spares: queue.Queue[_Worker] = queue.Queue()
        self._respawning: list[threading.Thread] = []
        self._closed = False
        booting = [self._spawn() for _ in range(size + max(0, self.limits.spares))]
        for n, worker in enumerate(booting):
            (self._idle if n < size else self._spares).put(self._booted(worker))

    def _booted(self, worker: _Worker) -> _Worker:
        """``worker`` once its interpreter has started (bounded wait).

        Why wait: starting Python and importing the engine takes a second or more on a
        busy machine; counted against a request's deadline, it made the first queries of
        a new service time out.  The first workers start together, so this costs about
        one start-up, once."""
        with contextlib.suppress(EOFError, OSError):
            worker.conn.send("ping")
            if worker.conn.poll(60):
                worker.conn.recv()
        return worker

    def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _BOOT,
                str(child.fileno()),
                str(self.limits.memory_bytes),
                str(self.limits.max_result_bytes),
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        return _Worker(process, Connection(parent.detach()))

    def _replace(self, worker: _Worker, slot: list[Grant]) -> int | None:
        """Kill ``worker`` (if still running) and put another in its place; its exit status.

        A spare worker (started, its snapshot open) takes the place at once and the slot
        is given back now; a new spare then starts in the background.  Why: a worker is
        killed when a lent one is taken back, and the client waiting for it would
        otherwise wait for a new interpreter to start and open the snapshot (measured:
        the first fast probe behind 20 slow clients waited 1.7 s on a loaded machine;
        with the spare it waits for the kill).  The price is one more process: its
        interpreter, and for an in-memory store one more replica of the data
        (``PoolLimits.spares`` = 0 keeps none).

        With no spare ready (two kills in quick succession), the new worker opens the
        current snapshot before it joins the idle ones and only then is the slot given
        back, so a free slot always stands for a worker ready to run, and a client whose
        query was killed cannot take the other worker meanwhile."""
        worker.process.kill()
        code = worker.process.wait(timeout=5)
        worker.conn.close()
        ticket = slot.pop()
        if self._closed:
            self.admission.release(ticket)
            return code
        try:
            spare = self._spares.get_nowait()
        except queue.Empty:
            self._start(self._respawn, self._idle, ticket)
        else:
            self._idle.put(spare)
            self.admission.release(ticket)
            self._start(self._respawn, self._spares, None)
        return code

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._respawning = [t for t in self._respawning if t.is_alive()] + [thread]
        thread.start()

    def _opened(self, worker: _Worker) -> _Worker:
        """``worker`` once it has opened the current snapshot (bounded wait)."""
        with contextlib.suppress(EOFError, OSError):
            worker.conn.send(("query", (str(self._snapshot()), "ASK {}", (), (), None, None)))
            if worker.conn.poll(60):
                worker.conn.recv()
        return worker

    def _respawn(self, into: queue.Queue[_Worker], ticket: Grant | None) -> None:
        """Start a worker, open the snapshot, then put it ``into`` the idle workers or
        the spares (and give back ``ticket``, the slot it stands for)."""
        fresh = self._opened(self._spawn())
        if self._closed:
            fresh.process.kill()
            fresh.process.wait()
            fresh.conn.close()
        else:
            into.put(fresh)
        if ticket is not None:
            self.admission.release(ticket)

    def warm_spares(self) -> None:
        """Have the spare workers open the current snapshot now (at start-up, beside the
        workers' warming), so one handed over does not first load it."""
        for worker in _drained(self._spares):
            self._spares.put(self._opened(worker))

    @staticmethod
    def _answered(worker: _Worker, deadline: float | None, grant: Grant) -> bool:
        """Whether the worker answered before the deadline (and, on a lent worker,
        before the grant was revoked: looked at every 20 ms)."""
        while True:
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not grant.lent:
                return worker.conn.poll(remaining)
            step = 0.02 if remaining is None else min(remaining, 0.02)
            if worker.conn.poll(step):
                return True
            if grant.revoked or (remaining is not None and remaining <= step):
                return False

    def _died(self, code: int | None) -> WorkerFailed:
        if code == -signal.SIGABRT:  # the engine aborts when an allocation fails
            mb = self.limits.memory_bytes // 2**20
            return WorkerFailed(
                f"the request needed more memory than a worker may use ({mb} MB) and was "
                "stopped; ask for less (add LIMIT, narrow the patterns)"
            )
        return WorkerFailed(
            "the request crashed its worker process; the service is unaffected and "
            "the worker has been replaced"
        )

    def _call(self, kind: str, fields: tuple[object, ...], timeout: float | None) -> object:
        deadline = None if timeout is None else time.monotonic() + timeout
        slot = [self.admission.acquire(deadline, timeout)]
        try:
            return self._call_admitted(kind, fields, timeout, deadline, slot)
        finally:
            if slot:  # not handed on to a replacement worker
                self.admission.release(slot.pop())

    def _call_admitted(
        self,
        kind: str,
        fields: tuple[object, ...],
        timeout: float | None,
        deadline: float | None,
        slot: list[Grant],
    ) -> object:
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
        try:
            worker = self._idle.get(timeout=remaining)
        except queue.Empty:
            raise QueryTimeout(
                f"all query workers stayed busy for {timeout:g} s; try again later"
            ) from None
        try:
            worker.conn.send((kind, (str(self._snapshot()), *fields)))
            if not self._answered(worker, deadline, slot[0]):
                grant = slot[0]
                self._replace(worker, slot)
                if grant.revoked:
                    raise ServiceBusy(
                        "the query was stopped: it ran on a worker beyond your share while "
                        "another client waited for it; retry in 1 s",
                        1,
                    )
                raise QueryTimeout(
                    f"the request ran longer than the {timeout:g} s limit and was stopped"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            raise self._died(self._replace(worker, slot)) from None
        if status == "memory":
            self._replace(worker, slot)  # a worker that ran out may hold on to what it took
            raise self._died(-signal.SIGABRT)
        self._idle.put(worker)
        if status == "syntax":
            message, line, column = payload
            raise QuerySyntaxError(message, line, column)
        if status == "too_big":
            limit = self.limits.max_result_bytes
            raise ResultTooLarge(
                f"the answer is larger than the {limit // 2**20} MB limit; "
                "ask for fewer rows or columns"
            )
        if status == "refused":
            name, message = payload
            raise (GraphNotFound if name == "GraphNotFound" else StoreUnavailable)(message)
        if status == "error":
            raise StoreUnavailable("the store could not answer the request")
        return status, payload

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
        task = Task(
            "",
            sparql,
            tuple(default_graph_uris),
            tuple(named_graph_uris),
            max_rows,
            base_iri,
            formats,
        )
        status, payload = self._call("query", tuple(task)[1:], timeout)  # type: ignore[misc]
        if status == "written":
            return SerializedResult(*payload)
        return payload  # type: ignore[no-any-return]

    def update(
        self,
        sparql: str,
        base_iri: str | None,
        graphs: Sequence[str] | None,
        timeout: float | None,
    ) -> Change:
        """Try an update in a worker on a copy of ``graphs`` (all when ``None``) of the
        current snapshot; what it would change.  The caller holds the write lock, so the
        snapshot is the state the change will be applied to."""
        task = UpdateTask("", sparql, base_iri, None if graphs is None else tuple(graphs))
        _status, (removed, added) = self._call("update", tuple(task)[1:], timeout)  # type: ignore[misc]
        return Change(_quads(removed), _quads(added))

    def close(self) -> None:
        """Stop every worker; busy ones are killed."""
        self._closed = True
        for thread in self._respawning:
            thread.join(timeout=60)
        for worker in _drained(self._idle) + _drained(self._spares):
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            try:
                worker.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.conn.close()


def _drained(workers: queue.Queue[_Worker]) -> list[_Worker]:
    found = []
    with contextlib.suppress(queue.Empty):
        while True:
            found.append(workers.get_nowait())
    return found


def _quads(nquads: bytes) -> list[Quad]:
    return list(parse(nquads, format=RdfFormat.N_QUADS)) if nquads else []
