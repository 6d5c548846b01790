"""Board reports (and their Commissioner's edition) made in a process of their own, a
few at a time, each once.

Why: rendered in the serving process, a PDF holds the interpreter for about a second of
CPU (WeasyPrint), so 30 clients asking for PDFs made each take 44 s and fast questions up
to 1.75 s; nothing bounded a render's memory or time.  Here:

* the report is made in a fresh interpreter (``services/limited_process.py``) that caps
  its own address space (``worker_memory_mb``, as the query workers) and is killed at
  ``report_timeout`` (503);
* at most ``report_workers`` are made at once, at a lower CPU priority than the server
  (``nice`` 10); a request for another report past that is refused (429,
  ``Retry-After``) rather than queued behind them;
* requests for a report already being made wait for that one (one render, however many
  ask); the web layer keeps the result in the store's result cache, keyed by plan,
  quarter, as-at date and format, for the store's version (``web/caching.py``); a
  request's ``Cache-Control: no-cache`` does not make it again.

The model travels to the process and the report back as pickles over pipes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import date

from ..config import Settings
from ..errors import CspkgError, RateLimited, ReportUnavailable, WorkerFailed
from ..services.limited_process import (
    ChildFailed,
    ChildTimedOut,
    child_answer,
    child_input,
    run_child,
)
from ..store.factory import worker_memory_bytes

_KINDS: dict[str, type[CspkgError]] = {"ReportUnavailable": ReportUnavailable}


class _Pending:
    """One report being made: the requests that asked for it while it was wait here."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.body: bytes | None = None
        self.error: CspkgError | None = None


class ReportRenders:
    """The app's report renders: the bound on how many run, and who is making what."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = threading.BoundedSemaphore(max(1, settings.report_workers))
        self._lock = threading.Lock()
        self._pending: dict[Hashable, _Pending] = {}

    def render(
        self,
        key: Hashable,
        model: Callable[[], object],
        form: str,
        prepared: date,
        edition: str = "board",
    ) -> bytes:
        """The report ``key`` names, made from ``model()`` by ``EDITIONS[edition]`` in a
        limited process, or the one another request is making now.  ``RateLimited``
        (429) when every slot is taken."""
        with self._lock:
            pending = self._pending.get(key)
            owner = pending is None
            if pending is None:
                if not self.slots.acquire(blocking=False):
                    raise RateLimited(
                        f"{self.settings.report_workers} board report(s) are being made "
                        "now; try again in a few seconds",
                        5,
                    )
                pending = self._pending[key] = _Pending()
        if not owner:
            if not pending.done.wait(self.settings.report_timeout + 5):
                raise WorkerFailed("the report is taking too long; try again later")
            if pending.error is not None:
                raise pending.error
            assert pending.body is not None
            return pending.body
        try:
            pending.body = run(model(), form, prepared, self.settings, edition)
            return pending.body
        except CspkgError as exc:
            pending.error = exc
            raise
        finally:
            with self._lock:
                del self._pending[key]
            self.slots.release()
            pending.done.set()


EDITIONS = {"board": "cspkg.reports.board", "commissioner": "cspkg.reports.commissioner"}
"""Edition -> the module whose ``render(model, form, prepared)`` makes it."""


def run(
    model: object, form: str, prepared: date, settings: Settings, edition: str = "board"
) -> bytes:
    """An edition's ``render`` in a child process with the memory cap and time limit."""
    try:
        kind, payload = run_child(
            "cspkg.reports.worker:child",
            (EDITIONS[edition], model, form, prepared),
            memory=worker_memory_bytes(settings),
            timeout=settings.report_timeout,
            nice=19,  # the serving process's fast answers come first on a busy machine
        )
    except ChildTimedOut:
        raise WorkerFailed(
            f"making the report took longer than {settings.report_timeout:g} s and was "
            "stopped; try again later"
        ) from None
    except ChildFailed:
        raise WorkerFailed("making the report needed more memory than a report may use") from None
    if kind == "ok":
        return payload  # type: ignore[return-value]
    name, message = payload  # type: ignore[misc]
    raise _KINDS.get(name, CspkgError)(message)


def child() -> None:
    """In the child: (edition module, model, form, prepared) in, the report out."""
    import importlib

    module, model, form, prepared = child_input()  # type: ignore[misc]
    if module not in EDITIONS.values():
        raise SystemExit(2)  # only the project's own report modules are ever run
    render = importlib.import_module(module).render
    try:
        child_answer("ok", render(model, form, prepared))
    except CspkgError as exc:
        child_answer("error", (type(exc).__name__, str(exc)))
