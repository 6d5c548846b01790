"""Validated, all-or-nothing loading (start-up and ``cspkg load``), on both stores."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cspkg.cli import cli
from cspkg.config import Settings, load_settings
from cspkg.errors import RdfInputError, StoreUnavailable, ValidationFailed
from cspkg.services import loading
from cspkg.services.loading import load_sources
from cspkg.store import AskResult, EmbeddedStore, Store
from cspkg.store.factory import source_dirs
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
    outcome = load_sources(store, _sources(FIXTURES / "ontology", FIXTURES / "data"), SETTINGS)
    assert outcome.loaded == 2
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


def test_a_violation_names_its_file(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.ttl").write_text(
        '<urn:a> a <https://cspkg.example.org/def/cspkg#Action> ; <http://www.w3.org/2000/01/rdf-schema#label> "A" .'
    )
    (data / "bad.ttl").write_text("<urn:b> a <https://cspkg.example.org/def/cspkg#Action> .")
    with pytest.raises(ValidationFailed) as caught:
        load_sources(store, _sources(data), SETTINGS)
    assert str(caught.value).startswith("data/bad.ttl: 1 shape violation(s): urn:b: an action")
    assert store.graphs() == []


def test_a_syntax_error_names_its_file(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "broken.ttl").write_text("<urn:a> <urn:p> .")
    with pytest.raises(RdfInputError, match=r"^data/broken\.ttl: .*line 1 column 17"):
        load_sources(store, _sources(data), SETTINGS)
    assert store.graphs() == []


@pytest.mark.parametrize("batch", [50_000, 300])
def test_sources_are_checked_with_each_other_as_context(
    store: Store, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real seed with the real shapes: a plan's agencies are typed in another file.
    In small batches too, so context comes from staged graphs of other batches."""
    monkeypatch.setattr(loading, "BATCH_TRIPLES", batch)
    settings = load_settings(environ={})
    sources = find_sources(settings.base, source_dirs(settings))
    assert load_sources(store, sources, settings).loaded == len(sources)
    assert sorted(store.graphs()) == sorted(s.graph_iri for s in sources)


def _graphs(dump: bytes) -> dict[str, Graph]:
    dataset = Dataset()
    dataset.parse(data=dump, format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def test_start_up_and_cspkg_load_give_the_same_store(tmp_path: Path) -> None:
    """One loading path: the service's start-up and ``cspkg load --store`` from the same
    files hold the same graphs, each with the same statements."""
    started = loading.open_loaded_store(replace(SETTINGS, query_workers=0))
    try:
        at_start = _graphs(started.dump())
    finally:
        started.close()
    env = {
        "CSPKG_ONTOLOGY_DIR": str(SETTINGS.ontology_dir),
        "CSPKG_DATA_DIR": str(SETTINGS.data_dir),
        "CSPKG_SHAPES_DIR": str(SETTINGS.shapes_dir),
    }
    result = CliRunner().invoke(cli, ["load", "--store", str(tmp_path / "store")], env=env)
    assert result.exit_code == 0, result.output
    gc.collect()  # the CLI's handle on the directory is released
    loaded = EmbeddedStore(tmp_path / "store")
    try:
        by_cli = _graphs(loaded.dump())
    finally:
        loaded.close()
    assert sorted(at_start) == sorted(by_cli) == sorted(s.graph_iri for s in _all())
    for name, graph in at_start.items():
        assert isomorphic(graph, by_cli[name]), name


def _all() -> list:  # type: ignore[type-arg]
    return _sources(FIXTURES / "ontology", FIXTURES / "data")


def test_start_up_validates_as_cspkg_load_does(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.ttl").write_text("<urn:b> a <https://cspkg.example.org/def/cspkg#Action> .")
    settings = replace(SETTINGS, data_dir=data, query_workers=0)
    with pytest.raises(ValidationFailed, match=r"^data/bad\.ttl: 1 shape violation"):
        loading.open_loaded_store(settings)
    unchecked = loading.open_loaded_store(replace(settings, validate_on_load=False))
    try:
        assert BASE + "graph/data/bad" in unchecked.graphs()
    finally:
        unchecked.close()


def test_progress_is_reported_through_the_callback(store: Store) -> None:
    seen: list[tuple[str, int, int]] = []
    load_sources(store, _all(), SETTINGS, on_progress=lambda *step: seen.append(step))
    assert ("staging", 2, 2) in seen and ("validating", 2, 2) in seen
    assert next(s for s in seen if s[0] == "staging") == ("staging", 0, 2)
