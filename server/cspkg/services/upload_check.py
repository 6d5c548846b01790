"""Checking an uploaded file in a process of its own, with a time and a memory limit.

Why: parsing and validating a hostile upload is unbounded work in the serving process
(measured before this: a 4.6 MB deeply nested RDF/XML took 143 s, an 800 KB nested
Turtle list 18.5 s, and eight such uploads at once made ``/health`` time out).  Each
upload is read and validated in a fresh interpreter (``limited_process.py``) that caps
its own address space (``worker_memory_mb``) and is killed at ``upload_timeout``; at most ``upload_workers`` run at once, and a request that finds
none free within a second is refused (503, ``Retry-After``) rather than queued.

The file travels to the process and the report back as pickles over pipes; errors come
back as (kind, message) and are raised here as the project's own exceptions, so the
page shows the same messages as before.
"""

from __future__ import annotations

import threading

from ..config import Settings
from ..errors import (
    CspkgError,
    PlanDocumentError,
    RdfInputError,
    RequestTooLarge,
    ServiceBusy,
    WorkerFailed,
)
from ..store.factory import worker_memory_bytes
from .limited_process import ChildFailed, ChildTimedOut, child_answer, child_input, run_child
from .validation_report import ReportView

_KINDS: dict[str, type[CspkgError]] = {
    "RequestTooLarge": RequestTooLarge,
    "RdfInputError": RdfInputError,
}

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _semaphore(count: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(count, threading.BoundedSemaphore(max(1, count)))


def check_upload(filename: str | None, data: bytes, settings: Settings) -> ReportView:
    """The report for an uploaded file, computed in a limited child process."""
    slots = _semaphore(settings.upload_workers)
    if not slots.acquire(timeout=1.0):
        raise ServiceBusy("other uploads are being checked; try again in a few seconds", 5)
    try:
        return _run(filename, data, settings)
    finally:
        slots.release()


def _run(filename: str | None, data: bytes, settings: Settings) -> ReportView:
    try:
        kind, payload = run_child(
            "cspkg.services.upload_check:child",
            (filename, data, settings),
            memory=worker_memory_bytes(settings),
            timeout=settings.upload_timeout,
        )
    except ChildTimedOut:
        raise WorkerFailed(
            f"checking the file took longer than {settings.upload_timeout:g} s and was "
            "stopped; try a smaller or simpler file"
        ) from None
    except ChildFailed:
        raise WorkerFailed(
            "checking the file needed more memory or time than an upload may use; "
            "try a smaller or simpler file"
        ) from None
    if kind == "ok":
        return payload  # type: ignore[return-value]
    name, message = payload  # type: ignore[misc]
    if name == "PlanDocumentError":
        error = PlanDocumentError.__new__(PlanDocumentError)
        Exception.__init__(error, message)
        error.source, error.line, error.problem = "", None, message
        raise error
    raise _KINDS.get(name, RdfInputError)(message)


def child() -> None:
    """In the child: (filename, bytes, settings) in, the outcome out."""
    from .uploads import read_upload
    from .validation_report import validate

    filename, data, settings = child_input()  # type: ignore[misc]
    try:
        child_answer("ok", validate(read_upload(filename, data, settings), settings))
    except CspkgError as exc:
        child_answer("error", (type(exc).__name__, str(exc)))
    except RecursionError:
        child_answer("error", ("RdfInputError", "the file nests too deeply to be checked"))
