"""Validated, all-or-nothing loading (what ``cspkg load`` does), on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspkg.config import Settings, load_settings
from cspkg.errors import StoreUnavailable, ValidationFailed
from cspkg.services.loading import load_sources
from cspkg.store import AskResult, Store
from cspkg.store.sources import find_sources

from ..conftest import FIXTURES

BASE = "https://cspkg.example.org/"
PLAN = BASE + "graph/data/plans/tiny-plan-2024-25"


def _sources(*dirs: Path):  # type: ignore[no-untyped-def]
    return find_sources(BASE, dirs)


SETTINGS: Settings = load_settings(
    environ={},
    ontology_dir=FIXTURES / "ontology",
    data_dir=FIXTURES / "data",
    shapes_dir=FIXTURES / "service-shapes",
)


def test_loads_each_file_into_its_graph(store: Store) -> None:
    count = load_sources(store, _sources(FIXTURES / "ontology", FIXTURES / "data"), SETTINGS)
    assert count == 2
    assert PLAN in store.graphs() and BASE + "graph/ontology/cspkg" in store.graphs()
    assert not [g for g in store.graphs() if g.startswith("urn:cspkg:staging")]


def test_invalid_data_is_not_loaded(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "bad.ttl").write_text(
        "<urn:a> a <https://cspkg.example.org/def/cspkg#Action> ; "
        '<https://cspkg.example.org/def/cspkg#ordinal> "one" .'
    )
    with pytest.raises(ValidationFailed, match="violation"):
        load_sources(store, _sources(bad), SETTINGS)
    assert store.graphs() == []


class FailingStore:
    """Wraps a store and fails the n-th graph write, as a dropped connection would."""

    def __init__(self, inner: Store, fail_at: int) -> None:
        self.inner, self.fail_at, self.calls = inner, fail_at, 0

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise StoreUnavailable("connection lost")
        self.inner.load_graph(graph_iri, data, media_type)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_failed_load_leaves_store_as_it_was(store: Store) -> None:
    store.load_graph(PLAN, b"<urn:old> <urn:p> 1 .", "text/turtle")
    failing = FailingStore(store, fail_at=2)
    with pytest.raises(StoreUnavailable):
        load_sources(failing, _sources(FIXTURES / "ontology", FIXTURES / "data"), SETTINGS)  # type: ignore[arg-type]
    assert store.graphs() == [PLAN]
    assert store.query("ASK { <urn:old> <urn:p> 1 }") == AskResult(True)
