"""The store contract, run on both implementations: same inputs, same answers."""

from __future__ import annotations

import pytest

from cspkg.errors import QuerySyntaxError, RdfInputError
from cspkg.store import AskResult, GraphResult, SelectResult, Store

G1, G2 = "http://example.org/g1", "http://example.org/g2"
DATA1 = b"<http://example.org/a> <http://example.org/p> 1 .\n"
DATA2 = b'<http://example.org/b> <http://example.org/p> "two"@en .\n'


@pytest.fixture
def filled(store: Store) -> Store:
    store.load_graph(G1, DATA1, "text/turtle")
    store.load_graph(G2, DATA2, "application/n-triples")
    return store


def test_default_graph_is_union_of_named_graphs(filled: Store) -> None:
    result = filled.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    assert isinstance(result, SelectResult)
    assert [row[0].value for row in result.rows] == ["http://example.org/a", "http://example.org/b"]


def test_from_clause_is_respected(filled: Store) -> None:
    result = filled.query(f"SELECT ?s FROM <{G2}> WHERE {{ ?s ?p ?o }}")
    assert isinstance(result, SelectResult)
    assert [row[0].value for row in result.rows] == ["http://example.org/b"]


def test_protocol_dataset_overrides(filled: Store) -> None:
    ask = "ASK { GRAPH ?g { <http://example.org/a> ?p ?o } }"
    assert filled.query(ask, named_graph_uris=[G1]) == AskResult(True)
    assert filled.query(ask, named_graph_uris=[G2]) == AskResult(False)
    assert filled.query("ASK { ?s ?p 1 }", default_graph_uris=[G2]) == AskResult(False)


def test_construct_gives_triples(filled: Store) -> None:
    result = filled.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, GraphResult) and len(result.triples) == 2


def test_rows_truncated_at_limit(filled: Store) -> None:
    result = filled.query("SELECT * WHERE { ?s ?p ?o }", max_rows=1)
    assert isinstance(result, SelectResult)
    assert len(result.rows) == 1 and result.truncated


def test_unbound_is_none(filled: Store) -> None:
    result = filled.query("SELECT ?s ?x WHERE { ?s ?p 1 OPTIONAL { ?s <urn:nope> ?x } }")
    assert isinstance(result, SelectResult) and result.rows[0][1] is None


def test_syntax_error_has_position(store: Store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        store.query("SELECT * WHERE {\n  ?s ?p \n}")
    assert (caught.value.line, caught.value.column) == (3, 1) or caught.value.line == 3
    assert "line 3" in str(caught.value)


def test_load_graph_replaces_graph(filled: Store) -> None:
    filled.load_graph(G1, b"<http://example.org/c> <http://example.org/p> 3 .", "text/turtle")
    result = filled.query(f"SELECT ?s WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, SelectResult)
    assert [row[0].value for row in result.rows] == ["http://example.org/c"]


def test_bad_data_leaves_graph_alone(filled: Store) -> None:
    with pytest.raises(RdfInputError):
        filled.load_graph(G1, b"<http://example.org/c> <http://example.org/p> .", "text/turtle")
    assert filled.query("ASK { <http://example.org/a> ?p 1 }") == AskResult(True)


def test_update_bumps_generation_and_applies(filled: Store) -> None:
    before = filled.generation
    filled.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:x> <urn:y> <urn:z> }} }}")
    assert filled.generation > before
    assert filled.query("ASK { <urn:x> <urn:y> <urn:z> }") == AskResult(True)


def test_update_with_using(filled: Store) -> None:
    filled.update(
        "INSERT { GRAPH <urn:out> { ?s a <urn:Found> } } WHERE { ?s ?p ?o }",
        using_graph_uris=[G1],
    )
    result = filled.query("SELECT ?s WHERE { GRAPH <urn:out> { ?s ?p ?o } }")
    assert isinstance(result, SelectResult)
    assert [row[0].value for row in result.rows] == ["http://example.org/a"]


def test_update_syntax_error(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        store.update("CLEAR XYZ")


def test_graphs_count_and_dump(filled: Store) -> None:
    assert filled.graphs() == [G1, G2]
    assert filled.triple_count() == 2
    dump = filled.dump()
    assert f"<{G1}>".encode() in dump and f"<{G2}>".encode() in dump


def test_count_follows_every_write(filled: Store) -> None:
    """The embedded store keeps its count per generation: a write must not leave it stale."""
    assert filled.triple_count() == 2
    filled.update("INSERT DATA { GRAPH <urn:g3> { <urn:a> <urn:b> <urn:c> } }")
    assert filled.triple_count() == 3
    filled.load_graph(G1, b"", "text/turtle")
    assert filled.triple_count() == 2


def test_query_mentioning_update_words_is_still_a_query(filled: Store) -> None:
    """A comment or IRI with "load", "add" or "drop" in it must not turn a query into an update."""
    text = (
        "# SPARQLWrapper strips only every other comment line, so the second one counts:\n"
        "# every month loaded; add nothing, drop nothing\n"
        "PREFIX add: <http://example.org/address#>\n"
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    )
    result = filled.query(text)
    assert isinstance(result, SelectResult)
    assert len(result.rows) == 2
