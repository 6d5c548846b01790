"""SIGKILL in the middle of a load into the on-disk store: old data or new, never a mix.

``cspkg load --store DIR`` stages every graph and swaps them in with one update; the
server's first start bulk-loads and marks the store loaded only when done.  Each test
kills at several points of a load big enough to take seconds, then reopens the store.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests
from pyoxigraph import Store

from cspkg.store.factory import STAGING_PREFIX
from cspkg.store.manifest import MANIFEST_NAME

from .conftest import VERSION, cspkg_env, kill_group, start, write_data

FILLER = 25_000


def versions_seen(directory: Path) -> tuple[set[str], int, list[str]]:
    """What a reader of the reopened store sees, the way ``open_store`` would reopen it."""
    from dataclasses import replace

    from cspkg.store.factory import open_store

    from ..conftest import _settings

    store = open_store(replace(_settings(), store=directory, query_workers=0))
    try:
        result = store.query(f"SELECT DISTINCT ?v WHERE {{ <{VERSION}> ?p ?v }}")
        versions = {row[0].value for row in result.rows}  # type: ignore[union-attr]
        count = store.triple_count()
        graphs = store.graphs()
    finally:
        store.close()
    return versions, count, graphs


def raw_graphs(directory: Path) -> list[str]:
    store = Store(str(directory))
    try:
        return [g.value for g in store.named_graphs()]
    finally:
        del store


def test_kill_during_cspkg_load(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    old = write_data(tmp_path, "old", 2_000)
    new = write_data(tmp_path, "new", FILLER)
    subprocess.run(
        [sys.executable, "-m", "cspkg", "load", "--store", str(store_dir)],
        env=cspkg_env(old),
        check=True,
        capture_output=True,
        timeout=120,
    )
    _, old_count, _ = versions_seen(store_dir)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "cspkg", "load", "--store", str(tmp_path / "probe")],
        env=cspkg_env(new),
        check=True,
        capture_output=True,
        timeout=300,
    )
    full = time.monotonic() - started
    _, new_count, _ = versions_seen(tmp_path / "probe")
    outcomes, staging_seen = [], 0
    for fraction in (0.6, 0.8, 0.95):
        process = start(["load", "--store", str(store_dir)], cspkg_env(new))
        time.sleep(full * fraction)
        finished_first = process.poll() is not None
        kill_group(process)
        staging_seen += any(g.startswith(STAGING_PREFIX) for g in raw_graphs(store_dir))
        versions, count, graphs = versions_seen(store_dir)
        assert versions in ({"old"}, {"new"}), (fraction, versions)
        assert count == (old_count if versions == {"old"} else new_count), fraction
        assert not any(g.startswith(STAGING_PREFIX) for g in graphs)
        outcomes.append((fraction, finished_first, versions.pop()))
        if outcomes[-1][2] == "new":  # start the next round from the old data again
            subprocess.run(
                [sys.executable, "-m", "cspkg", "load", "--store", str(store_dir)],
                env=cspkg_env(old),
                check=True,
                capture_output=True,
                timeout=120,
            )
    assert not all(done for _, done, _ in outcomes), "every load finished before its kill"
    print(
        f"full load {full:.1f}s; outcomes {outcomes}; kills that left staging graphs {staging_seen}"
    )


def test_kill_during_first_start_then_restart(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    store_dir = tmp_path / "store"
    data = write_data(tmp_path, "new", FILLER)
    probe = serve(data, "--store", str(tmp_path / "probe"))
    expected = requests.get(probe.url + "/health", timeout=10).json()["triples"]
    kill_group(probe.process)
    for delay in (0.8, 1.5, 2.5):
        server = serve(data, "--store", str(store_dir), up=False)
        time.sleep(delay)
        kill_group(server.process)
        if (store_dir / MANIFEST_NAME).exists():
            break
    restarted = serve(data, "--store", str(store_dir))
    health = requests.get(restarted.url + "/health", timeout=10).json()
    assert health["status"] == "ok" and health["triples"] == expected
    assert (store_dir / MANIFEST_NAME).exists()
