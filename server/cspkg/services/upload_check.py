"""Checking an uploaded file in a process of its own, with a time and a memory limit.

Why: parsing and validating a hostile upload is unbounded work in the serving process
(measured before this: a 4.6 MB deeply nested RDF/XML took 143 s, an 800 KB nested
Turtle list 18.5 s, and eight such uploads at once made ``/health`` time out).  Each
upload is read and validated in a fresh interpreter (``python -c``, no fork of the
threaded server) that caps its own address space (``worker_memory_mb``) and is killed
at ``upload_timeout``; at most ``upload_workers`` run at once, and a request that finds
none free within a second is refused (503, ``Retry-After``) rather than queued.

The file travels to the process and the report back as pickles over pipes; errors come
back as (kind, message) and are raised here as the project's own exceptions, so the
page shows the same messages as before.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
import threading
from pathlib import Path

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
from .validation_report import ReportView

_BOOT = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "from cspkg.services.upload_check import child; child()"
)  # Ctrl-C is the server's to handle, as for the query workers (store/pool.py)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
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
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    env["CSPKG_UPLOAD_MEMORY"] = str(worker_memory_bytes(settings))
    try:
        done = subprocess.run(
            [sys.executable, "-c", _BOOT],
            input=pickle.dumps((filename, data, settings)),
            capture_output=True,
            timeout=settings.upload_timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise WorkerFailed(
            f"checking the file took longer than {settings.upload_timeout:g} s and was "
            "stopped; try a smaller or simpler file"
        ) from None
    if done.returncode != 0 or not done.stdout:
        raise WorkerFailed(
            "checking the file needed more memory or time than an upload may use; "
            "try a smaller or simpler file"
        )
    kind, payload = pickle.loads(done.stdout)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    name, message = payload
    if name == "PlanDocumentError":
        error = PlanDocumentError.__new__(PlanDocumentError)
        Exception.__init__(error, message)
        error.source, error.line, error.problem = "", None, message
        raise error
    raise _KINDS.get(name, RdfInputError)(message)


def child() -> None:
    """In the child: read (filename, bytes, settings) from stdin, write the outcome."""
    limit = int(os.environ.get("CSPKG_UPLOAD_MEMORY", "0"))
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from .uploads import read_upload
    from .validation_report import validate

    filename, data, settings = pickle.loads(sys.stdin.buffer.read())
    try:
        outcome: tuple[str, object] = (
            "ok",
            validate(read_upload(filename, data, settings), settings),
        )
    except CspkgError as exc:
        outcome = ("error", (type(exc).__name__, str(exc)))
    except RecursionError:
        outcome = ("error", ("RdfInputError", "the file nests too deeply to be checked"))
    sys.stdout.buffer.write(pickle.dumps(outcome))
