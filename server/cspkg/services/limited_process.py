"""Work that must not take the server down, done in a fresh interpreter with limits.

One way for every such job (checking an upload, ``upload_check.py``; making a board
report, ``reports/worker.py``): a new ``python -c`` process (no fork of the threaded
server) gets its input as a pickle on stdin, caps its own address space, may lower its
CPU priority, and is killed at the time limit.  It answers ``("ok", value)`` or
``("error", (exception name, message))`` as a pickle on stdout.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_MEMORY = "CSPKG_CHILD_MEMORY"
_NICE = "CSPKG_CHILD_NICE"


class ChildTimedOut(Exception):
    """The child ran past its time limit and was killed."""


class ChildFailed(Exception):
    """The child died without an answer (its memory cap, most often)."""


def run_child(
    entry: str, payload: object, *, memory: int, timeout: float, nice: int = 0
) -> tuple[str, object]:
    """Run ``entry`` (``module:function``, called with no arguments in the child) on
    ``payload``; its answer, or ``ChildTimedOut`` / ``ChildFailed``."""
    module, _, function = entry.partition(":")
    boot = (
        "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        f"from {module} import {function}; {function}()"
    )  # Ctrl-C is the server's to handle, as for the query workers (store/pool.py)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    env[_MEMORY], env[_NICE] = str(memory), str(nice)
    try:
        done = subprocess.run(
            [sys.executable, "-c", boot],
            input=pickle.dumps(payload),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ChildTimedOut from None
    if done.returncode != 0 or not done.stdout:
        raise ChildFailed
    answer = pickle.loads(done.stdout)
    assert isinstance(answer, tuple) and len(answer) == 2
    return answer


def child_input() -> object:
    """In the child: apply the limits, then read the payload."""
    nice = int(os.environ.get(_NICE, "0"))
    if nice:
        os.nice(nice)
    limit = int(os.environ.get(_MEMORY, "0"))
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return pickle.loads(sys.stdin.buffer.read())


def child_answer(kind: str, value: object) -> None:
    """In the child: send the answer back."""
    sys.stdout.buffer.write(pickle.dumps((kind, value)))
