"""Processes under test: start, wait until they answer, sample memory, stop.

Memory is the resident set (VmRSS) summed over a process and all its descendants
(gunicorn master + worker + query workers), sampled every 100 ms by a thread (the process tree
re-read each second); the peak
is the largest sum seen.  Read from ``/proc``: Linux only, no extra dependency.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants (a scan of /proc: done about once a second)."""
    tree = _children()
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(tree.get(current, []))
    return found


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants."""
    return sum(_rss(p) for p in tree_pids(pid))


class Process:
    """A started command whose tree's memory is sampled until it is stopped."""

    def __init__(
        self, command: Sequence[str], env: dict[str, str] | None = None, log: Path | None = None
    ) -> None:
        self.command = list(command)
        self.started = time.perf_counter()
        self._log = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
        self.popen = subprocess.Popen(
            self.command,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        self.peak = 0
        self.current = 0
        self._phase_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        pids: list[int] = []
        refreshed = 0.0
        while not self._stop.is_set():
            if time.monotonic() - refreshed > 1.0:
                pids, refreshed = tree_pids(self.popen.pid), time.monotonic()
            self.current = sum(_rss(pid) for pid in pids)
            self.peak = max(self.peak, self.current)
            self._phase_peak = max(self._phase_peak, self.current)
            self._stop.wait(0.1)

    def phase_peak(self) -> int:
        """The peak since the last call (e.g. loading, then serving)."""
        peak, self._phase_peak = max(self._phase_peak, self.current), self.current
        return peak

    def wait_http(self, url: str, timeout: float = 600.0) -> float:
        """Seconds from start until ``url`` answers 200; raises if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with {self.popen.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{url} did not answer within {timeout:g} s")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()


def run_timed(command: Sequence[str], log: Path | None = None) -> tuple[float, int]:
    """Run a command to completion: (seconds, peak tree RSS bytes)."""
    process = Process(command, log=log)
    code = process.popen.wait()
    seconds = time.perf_counter() - process.started
    process.stop()
    if code != 0:
        raise RuntimeError(f"{command[0]} failed with exit code {code}")
    return seconds, process.peak
