"""Source files map to stable named graph IRIs."""

from __future__ import annotations

from pathlib import Path

from cspkg.store.sources import find_sources, graph_iri


def test_graph_iri_pattern() -> None:
    assert (
        graph_iri("https://cspkg.example.org/", "data/plans/cannock-chase-csp-2024-25.ttl")
        == "https://cspkg.example.org/graph/data/plans/cannock-chase-csp-2024-25"
    )


def test_find_sources_recursive(tmp_path: Path) -> None:
    (tmp_path / "data" / "plans").mkdir(parents=True)
    (tmp_path / "data" / "plans" / "x.ttl").write_text("")
    (tmp_path / "data" / "notes.txt").write_text("")
    found = find_sources("https://b/", [tmp_path / "data", tmp_path / "missing"])
    assert [(s.name, s.graph_iri) for s in found] == [
        ("data/plans/x.ttl", "https://b/graph/data/plans/x")
    ]
