"""A throwaway Virtuoso on loopback: the tests' and the benchmark's second backend.

Never the system service: each instance gets its own directory, a generated
``virtuoso.ini`` with free ports for HTTP and ISQL, and a copy of a template database
that has had the virtuoso profile's set-up (``cspkg.store.profiles.virtuoso_setup``).
Making a database from nothing takes Virtuoso 15-25 s (it loads its system schema);
the template is made once (with the account ``cspkg`` writes use) and cached, so an
instance starts in well under a second.  Instances are killed when stopped: their
database is thrown away, so there is nothing to checkpoint.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from cspkg.store.profiles import virtuoso_setup

from .procs import free_port

VIRTUOSO = shutil.which("virtuoso-t") or "virtuoso-t"
ISQL = shutil.which("isql-vt") or "isql-vt"
USER = "cspkg"
PASSWORD = "cspkg-backend-test"
"""The write account the template holds (loopback only, thrown away with the instance)."""
TEMPLATE_VERSION = "4"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 20
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_seconds}
MaxSortedTopRows = 100000
"""
"""Loopback only; no checkpoints (thrown away); result rows far above any row limit the
service applies (Virtuoso cuts results at ``ResultSetMaxRows`` without saying so)."""


class Virtuoso:
    """One running instance: ``url`` is its base URL (``/sparql`` etc. under it)."""

    def __init__(self, directory: Path, template: Path, *, buffers: int = 20000) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template / "virtuoso.db", directory / "virtuoso.db")
        self.http_port, self.sql_port = free_port(), free_port()
        (directory / "virtuoso.ini").write_text(
            INI.format(
                dir=directory,
                sql_port=self.sql_port,
                http_port=self.http_port,
                buffers=buffers,
                dirty=buffers * 3 // 4,
                max_seconds=60,
            ),
            encoding="utf-8",
        )
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process = _start(directory)
        try:
            _wait(self.url, self.process, directory, 30)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Kill it (the database is thrown away) and reap it."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait(timeout=10)


def _start(directory: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [VIRTUOSO, "-c", "virtuoso.ini", "+foreground"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(url: str, process: subprocess.Popen[bytes], directory: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    probe = url + "/sparql?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited; see {directory / 'virtuoso.log'}")
        try:
            with urllib.request.urlopen(probe, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"virtuoso-t did not answer in {seconds:g} s; see {directory}")


def template(cache: Path) -> Path:
    """The cached template database (made on first use: Virtuoso's own schema plus the
    ``cspkg`` account with the SPARQL_UPDATE role)."""
    folder = cache / f"virtuoso-template-{TEMPLATE_VERSION}"
    if (folder / "virtuoso.db").exists():
        return folder
    building = cache / f"virtuoso-building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    (building / "virtuoso.ini").write_text(
        INI.format(
            dir=building,
            sql_port=sql_port,
            http_port=http_port,
            buffers=10000,
            dirty=7500,
            max_seconds=60,
        ),
        encoding="utf-8",
    )
    process = _start(building)
    try:
        _wait(f"http://127.0.0.1:{http_port}", process, building, 180)
        statements = " ".join(
            (f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}');", *virtuoso_setup(USER), "checkpoint;")
        )
        subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
    finally:
        process.kill()
        process.wait(timeout=10)
    if (folder / "virtuoso.db").exists():  # another process finished first
        shutil.rmtree(building, ignore_errors=True)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(building, folder)
    return folder


def version() -> str:
    """``7.2.5.3229``-style version of the installed ``virtuoso-t``."""
    try:
        found = subprocess.run(
            [VIRTUOSO, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return "unknown"
    for line in (found.stdout + found.stderr).splitlines():
        if line.startswith("Version "):
            return line.split()[1].removesuffix("-pthreads")
    return "unknown"
