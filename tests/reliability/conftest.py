"""Fixtures for crash and shutdown tests: data folders, ``cspkg`` subprocesses, killing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from cspkg.config import PROJECT_ROOT

from ..conftest import FIXTURES, free_port

VERSION = "urn:test:version"


def write_data(root: Path, version: str, triples: int) -> Path:
    """A data folder: the fixture plan, a version stamp, and ``triples`` filler triples
    spread over two files (so a load has several graphs to stage)."""
    data = root / version / "data"  # graph names follow the folder name: keep it "data"
    (data / "plans").mkdir(parents=True)
    for source in (FIXTURES / "data" / "plans").glob("*.ttl"):
        (data / "plans" / source.name).write_bytes(source.read_bytes())
    for part in ("one", "two"):
        with (data / f"filler-{part}.nt").open("w", encoding="utf-8") as out:
            out.write(f'<{VERSION}> <urn:test:{part}> "{version}" .\n')
            for i in range(triples // 2):
                out.write(f'<urn:{part}:{i}> <urn:test:v> "{version}-{i}" .\n')
    return data


def cspkg_env(data: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_ROOT / "server"), env.get("PYTHONPATH")])
    )
    env.update(
        CSPKG_ONTOLOGY_DIR=str(FIXTURES / "ontology"),
        CSPKG_DATA_DIR=str(data),
        CSPKG_SHAPES_DIR=str(FIXTURES / "service-shapes"),
        CSPKG_QUERY_WORKERS="1",
    )
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``cspkg ARGS`` in its own process group (so it and its children can be killed)."""
    return subprocess.Popen(
        [sys.executable, "-m", "cspkg", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)
    if process.stderr is not None:
        process.stderr.close()


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    """Until ``url`` answers: gunicorn accepts connections before the app has loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """Start ``cspkg serve`` (gunicorn) on a free port; every one is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def run(data: Path, *args: str, up: bool = True, **env: str) -> Server:
        port = free_port()
        process = start(["serve", "--port", str(port), *args], cspkg_env(data, **env))
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        if up:
            wait_until_up(url + "/health", timeout=60)
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        return Server(process, url)

    yield run
    for process in started:
        kill_group(process)
