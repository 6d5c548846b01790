"""What a newcomer meets: a busy port gets one line saying how to choose another, and
``make run PORT=N`` serves (and prints) the port asked for."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from .conftest import FIXTURES, PROJECT_ROOT

ENV = {
    **os.environ,
    "PYTHONPATH": str(PROJECT_ROOT / "server"),
    "CSPKG_ONTOLOGY_DIR": str(FIXTURES / "ontology"),
    "CSPKG_DATA_DIR": str(FIXTURES / "data"),
    "CSPKG_SHAPES_DIR": str(FIXTURES / "service-shapes"),
}


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something else is listening on (on every interface, as http.server does)."""
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        yield taken.getsockname()[1]


def test_serve_on_a_busy_port_says_so_in_one_line(busy_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cspkg", "serve", "--port", str(busy_port)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"Error: port {busy_port} on 127.0.0.1 is already in use; "
        "choose another with --port N (make run PORT=N)\n"
    )


def test_make_run_checks_the_port_before_anything_else(busy_port: int) -> None:
    if subprocess.run(["make", "-q", "setup"], cwd=PROJECT_ROOT).returncode != 0:
        pytest.skip("the .venv is not set up yet (make run would install it first)")
    done = subprocess.run(
        ["make", "--no-print-directory", "run", f"PORT={busy_port}"],
        cwd=PROJECT_ROOT,
        # As a newcomer's shell runs it: not as a sub-make of `make test` (make[1]: ...).
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("PORT", "CSPKG_PORT", "MAKELEVEL", "MAKEFLAGS", "MFLAGS")
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == (
        f"Error: port {busy_port} on 127.0.0.1 is already in use; "
        "choose another with --port N (make run PORT=N)"
    )
    assert len(lines) == 2 and lines[1].startswith("make: ***")  # make's own status line


def test_make_run_uses_the_port_asked_for_everywhere() -> None:
    done = subprocess.run(
        ["make", "-n", "run", "PORT=5017", "HOST=127.0.0.2"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    serves = [line for line in done.stdout.splitlines() if "cspkg serve" in line]
    assert serves and all("--host 127.0.0.2 --port 5017" in line for line in serves)
    assert not re.search(r"\b5000\b", done.stdout)


def test_ctrl_c_stops_the_service_without_tracebacks() -> None:
    """Ctrl-C reaches the whole process group (gunicorn, its worker, the query workers)."""
    import signal
    import time

    from .conftest import free_port, wait_until_up

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cspkg", "serve", "--port", str(port)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", timeout=60)
        time.sleep(1)  # the query workers are up too
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    log = output.decode()
    assert "Shutting down: Master" in log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log
