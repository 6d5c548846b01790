"""The on-disk store re-imports only changed sources; its workers read checkpoints."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from cspkg.config import load_settings
from cspkg.errors import QueryTimeout, RdfInputError
from cspkg.services.loading import load_sources
from cspkg.store import AskResult, EmbeddedStore, SelectResult, embedded
from cspkg.store.manifest import MANIFEST_NAME
from cspkg.store.sources import Source, find_sources

BASE = "https://cspkg.example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sources(root: Path) -> list:
    return find_sources(BASE, [root / "data"])


def write(root: Path, name: str, text: str) -> Path:
    path = root / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def count(store: EmbeddedStore) -> int:
    result = store.query(COUNT)
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write(tmp_path, "a.nt", '<urn:a> <urn:p> "1" .\n<urn:a> <urn:p> "2" .\n')
    write(tmp_path, "plans/b.ttl", "<urn:b> <urn:p> 1 .\n")
    return tmp_path


UNCHECKED = load_settings(environ={}, validate_on_load=False)


def load(store: EmbeddedStore, found: list[Source]) -> int:
    """The one loading path (no shapes here: these files are not plan data)."""
    return load_sources(store, found, UNCHECKED).loaded


def reopen(data: Path) -> tuple[EmbeddedStore, int]:
    store = EmbeddedStore(data / "store")
    return store, load(store, sources(data))


def test_first_load_then_nothing_to_do(data: Path) -> None:
    store, loaded = reopen(data)
    assert loaded == 2 and count(store) == 3
    store.close()
    store, loaded = reopen(data)
    assert loaded == 0 and count(store) == 3
    recorded = json.loads((data / "store" / MANIFEST_NAME).read_text())["graphs"]
    assert sorted(recorded) == [f"{BASE}graph/data/a", f"{BASE}graph/data/plans/b"]
    store.close()


def test_only_the_changed_source_is_reloaded(data: Path) -> None:
    reopen(data)[0].close()
    write(data, "plans/b.ttl", "<urn:b> <urn:p> 9 .\n")
    store, loaded = reopen(data)
    assert loaded == 1 and count(store) == 3
    assert store.query("ASK { <urn:b> <urn:p> 9 }") == AskResult(True)
    assert store.query("ASK { <urn:b> <urn:p> 1 }") == AskResult(False)
    store.close()


def test_a_removed_source_drops_its_graph_only(data: Path) -> None:
    store, _ = reopen(data)
    store.load_graph("urn:other", b"<urn:x> <urn:p> 1 .", "text/turtle")
    store.close()
    (data / "data" / "a.nt").unlink()
    store, loaded = reopen(data)  # nothing changed but the removal: nothing to load
    assert loaded == 0
    assert store.graphs() == [f"{BASE}graph/data/plans/b", "urn:other"]
    store.close()


def test_an_acknowledged_write_survives_a_restart(data: Path) -> None:
    """A write to a file's graph is kept while the file is unchanged (issue 7: a restart
    loses nothing that was acknowledged); only changing the file replaces the graph."""
    store, _ = reopen(data)
    store.update(
        "INSERT DATA { GRAPH <https://cspkg.example.org/graph/data/a> { <urn:z> <urn:p> 0 } }"
    )
    store.close()
    store, loaded = reopen(data)
    assert loaded == 0 and count(store) == 4
    store.close()
    write(data, "a.nt", '<urn:a> <urn:p> "3" .\n')
    store, loaded = reopen(data)
    assert loaded == 1 and count(store) == 2  # the changed file wins over the write
    store.close()


def test_a_failed_load_is_retried_next_time(data: Path) -> None:
    reopen(data)[0].close()
    write(data, "plans/b.ttl", "<urn:b> <urn:p> .\n")
    with pytest.raises(RdfInputError):
        reopen(data)
    recorded = json.loads((data / "store" / MANIFEST_NAME).read_text())["graphs"]
    assert list(recorded) == [f"{BASE}graph/data/a"]
    write(data, "plans/b.ttl", "<urn:b> <urn:p> 1 .\n")
    store, loaded = reopen(data)
    assert loaded == 1 and count(store) == 3
    store.close()


def test_in_memory_loads_everything(data: Path) -> None:
    store = EmbeddedStore()
    assert load(store, sources(data)) == 2
    assert load(store, sources(data)) == 2
    store.close()


@pytest.fixture
def on_disk_pool(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store", workers=2)
    data = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
    store.load_graph("urn:g", data, "text/turtle")
    for _ in range(2):  # both workers booted and holding the checkpoint
        store.query("ASK {}", timeout=30)
    yield store
    store.close()


def test_workers_read_a_checkpoint_not_a_replica(on_disk_pool: EmbeddedStore) -> None:
    assert count(on_disk_pool) == 300
    snapshot = on_disk_pool._snapshot()
    assert snapshot.is_dir()  # a RocksDB checkpoint, opened read-only by the workers
    on_disk_pool.update("INSERT DATA { GRAPH <urn:h> { <urn:new> <urn:p> 1 } }")
    assert on_disk_pool.query("ASK { <urn:new> ?p ?o }", timeout=10) == AskResult(True)
    assert on_disk_pool._snapshot() != snapshot


def test_on_disk_timeout_still_kills_and_others_proceed(on_disk_pool: EmbeddedStore) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    outcome: list[object] = []

    def run() -> None:
        try:
            on_disk_pool.query(slow, timeout=1.0)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    started = time.monotonic()
    thread.start()
    time.sleep(0.2)
    assert on_disk_pool.query("ASK { ?s ?p 5 }", timeout=5) == AskResult(True)
    assert time.monotonic() - started < 1.0
    thread.join()
    assert outcome and isinstance(outcome[0], QueryTimeout)


def test_a_big_bulk_load_is_compacted_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the size threshold a load ends with a full compaction (queries on a freshly
    bulk-loaded RocksDB were 3-4x slower at 10M); the data is all there after it."""
    monkeypatch.setattr(embedded, "COMPACT_AFTER_BYTES", 0)
    data = tmp_path / "data"
    data.mkdir()
    (data / "many.nt").write_text(
        "".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(2_000)), encoding="utf-8"
    )
    store = EmbeddedStore(tmp_path / "store")
    try:
        assert load(store, find_sources(BASE, [data])) == 1
        answer = store.query("SELECT (COUNT(*) AS ?n) { ?s <urn:p> ?o }")
        assert isinstance(answer, SelectResult) and answer.rows[0][0].value == "2000"
    finally:
        store.close()
