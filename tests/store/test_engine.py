"""The engine's own results writer: rows counted exactly, the row limit kept as before."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from cspkg.store import engine
from cspkg.store.engine import collect, evaluate, written_by_engine
from cspkg.store.serialize import TABULAR_WRITERS, write_json

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
TRICKY = [
    ',{"a":{"type":',
    "[{a",
    "x,{b",
    '}},{"s":{"type":"uri"',
    "<result>",
    "line\nbreak",
    'quote " and back\\slash',
    "ünï,{cödé",
]
"""Literals holding the text that marks rows in the engine's JSON and XML.  A literal
ending in ``{`` or holding ``{}`` (an empty row's spelling) makes the count parse the
answer: ``test_unusual_literals``."""


@pytest.fixture
def store() -> Store:
    s = Store()
    p = NamedNode("urn:p")
    for i, text in enumerate(TRICKY):
        s.add(Quad(NamedNode(f"urn:s{i}"), p, Literal(text)))
        s.add(Quad(NamedNode(f"urn:s{i}"), NamedNode("urn:q"), Literal(text, language="en")))
    return s


QUERIES = [
    "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o",
    "SELECT ?o WHERE { ?s <urn:p> ?o }",
    # rows with no binding at all, next to rows with some
    "SELECT ?x ?o WHERE { { ?s <urn:p> ?o } UNION { BIND(1 AS ?y) } }",
    "SELECT * WHERE { }",
    "SELECT ?x WHERE { VALUES ?x { UNDEF UNDEF 1 } }",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 OFFSET 2",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(false) }",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("media_type", [JSON, XML])
def test_rows_counted_exactly(store: Store, query: str, media_type: str) -> None:
    expected = collect(evaluate(store, query), None)
    found = written_by_engine(evaluate(store, query), media_type, 1000)
    assert found is not None
    body, rows, truncated = found
    assert rows == len(expected.rows) and not truncated
    if media_type == JSON:
        assert len(json.loads(body)["results"]["bindings"]) == rows
    else:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(body).findall(f"{ns}results/{ns}result")) == rows


def test_same_bindings_as_our_writer(store: Store) -> None:
    query = QUERIES[0]
    found = written_by_engine(evaluate(store, query), JSON, None)
    assert found is not None
    ours = b"".join(write_json(collect(evaluate(store, query), None)))
    assert json.loads(found[0]) == json.loads(ours)


@pytest.mark.parametrize("media_type", [JSON, XML])
def test_past_the_limit_cut_and_marked_as_before(store: Store, media_type: str) -> None:
    _assert_cut_as_collect_cuts(store, QUERIES[0], media_type, 5)


def _assert_cut_as_collect_cuts(store: Store, query: str, media_type: str, limit: int) -> None:
    """Past ``limit`` the engine-written answer is what the usual path writes, marked cut."""
    found = written_by_engine(evaluate(store, query), media_type, limit)
    assert found is not None
    body, rows, truncated = found
    before = collect(evaluate(store, query), limit)
    assert truncated and before.truncated and rows == limit
    assert body == b"".join(TABULAR_WRITERS[media_type](before))


def test_over_the_budget_leaves_it_to_the_usual_path(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "ENGINE_BUDGET", 100)
    assert written_by_engine(evaluate(store, QUERIES[0]), JSON, 5) is None
    # no row limit: nothing to decide, so no budget either
    assert written_by_engine(evaluate(store, QUERIES[0]), JSON, None) is not None


@pytest.mark.parametrize("text", ["{},{}", "x,{", "[{", "},{"])
def test_unusual_literals(store: Store, text: str) -> None:
    store.add(Quad(NamedNode("urn:t"), NamedNode("urn:p"), Literal(text)))
    found = written_by_engine(evaluate(store, QUERIES[1]), JSON, 1000)
    assert found is not None and found[1] == len(TRICKY) + 1


def _many_rows() -> Store:
    """300 plain rows: more than one 8 KiB chunk of the engine's output."""
    many = Store()
    for i in range(300):
        many.add(Quad(NamedNode(f"urn:s{i:03}"), NamedNode("urn:p"), Literal(f"value {i}")))
    return many


@pytest.mark.parametrize("media_type", [JSON, XML])
def test_over_the_budget_the_first_rows_come_from_what_was_written(
    media_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not evaluated twice: the rows the engine wrote before the budget give the answer."""
    many = _many_rows()
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    monkeypatch.setattr(engine, "ENGINE_BUDGET", 10_000)  # the engine writes 8 KiB at a time
    _assert_cut_as_collect_cuts(many, query, media_type, 5)
    # a budget holding fewer whole rows than the limit: the usual path runs it again
    assert written_by_engine(evaluate(many, query), media_type, 200) is None


def test_over_the_budget_with_unusual_literals_runs_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A literal that could hide a row mark: the written rows are not trusted, run again."""
    many = _many_rows()
    many.add(Quad(NamedNode("urn:a"), NamedNode("urn:p"), Literal("ends in {")))
    monkeypatch.setattr(engine, "ENGINE_BUDGET", 10_000)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    assert written_by_engine(evaluate(many, query), JSON, 2) is None
    assert written_by_engine(evaluate(many, query), XML, 2) is not None  # XML escapes ``<``
