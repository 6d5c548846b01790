"""Which graphs an update changes and reads, from its text: bounded forms and the rest."""

from __future__ import annotations

import pytest

from cspkg.store.update_scope import UpdateScope, update_scope


def scope(changes: set[str], reads: set[str] = frozenset()) -> UpdateScope:  # type: ignore[assignment]
    return UpdateScope(frozenset(changes), frozenset(reads))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", scope({"urn:g"})),
        (
            "PREFIX e: <http://e/> DELETE DATA { GRAPH e:g { e:a e:b 'x ; } GRAPH ?h {' } } ;"
            " DROP SILENT GRAPH <urn:h>",
            scope({"http://e/g", "urn:h"}),
        ),
        (
            "WITH <urn:w> DELETE { ?s ?p ?o } INSERT { GRAPH <urn:x> { ?s ?p 1 } }"
            " WHERE { ?s ?p ?o FILTER (?o != <urn:q>) }",
            scope({"urn:w", "urn:x"}, {"urn:w"}),
        ),
        (
            "DELETE { GRAPH <urn:g> { ?s ?p ?o } } WHERE { GRAPH <urn:g> { ?s ?p ?o } }",
            scope({"urn:g"}, {"urn:g"}),
        ),
        (
            "INSERT { GRAPH <urn:g> { ?s ?p ?o } } USING <urn:u> USING NAMED <urn:n>"
            " WHERE { ?s ?p ?o OPTIONAL { GRAPH <urn:n> { ?s ?q ?z } } }",
            scope({"urn:g"}, {"urn:u", "urn:n"}),
        ),
        (
            "INSERT { GRAPH <urn:g> { ?s ?p ?o } }"
            " WHERE { GRAPH <urn:a> { { ?s ?p ?o } UNION { ?o ?p ?s } } }",
            scope({"urn:g"}, {"urn:a"}),
        ),
        ("DELETE WHERE { GRAPH <urn:g> { ?s <urn:p> ?o } }", scope({"urn:g"}, {"urn:g"})),
        ("MOVE <urn:a> TO GRAPH <urn:b>", scope({"urn:a", "urn:b"}, {"urn:a"})),
        ("COPY GRAPH <urn:a> TO <urn:b>", scope({"urn:b"}, {"urn:a"})),
        ("CREATE GRAPH <urn:new> ; CLEAR GRAPH <urn:old>", scope({"urn:new", "urn:old"})),
        ("BASE <http://b/> CLEAR GRAPH <g>", scope({"http://b/g"})),
        ("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } } ;", scope({"urn:g"})),
        ("# DROP ALL\nCLEAR GRAPH <urn:g>", scope({"urn:g"})),
        ("\\u0043LEAR GRAPH <urn:g>", scope({"urn:g"})),
    ],
)
def test_bounded_updates(text: str, expected: UpdateScope) -> None:
    assert update_scope(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",  # the store's default graph
        "DELETE { GRAPH <urn:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }",  # reads the default
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DROP ALL",
        "DROP NAMED",
        "CLEAR DEFAULT",
        "COPY DEFAULT TO <urn:b>",
        "LOAD <http://example.org/x> INTO GRAPH <urn:g>",
        "INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "CLEAR GRAPH undeclared:g",
        "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } } DROP ALL",
        "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> }",  # unbalanced
        "SELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_unbounded_or_unknown_updates(text: str) -> None:
    """Anything that could touch a graph not named in the text: ``None`` (check it all)."""
    assert update_scope(text) is None


def test_empty_text_touches_nothing() -> None:
    assert update_scope("") == scope(set())


def test_protocol_using_graphs_are_read() -> None:
    text = "INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    assert update_scope(text) is None
    assert update_scope(text, ["urn:u"]) == scope({"urn:g"}, {"urn:u"})
    assert update_scope(text, [], ["urn:n"]) == scope({"urn:g"}, {"urn:n"})


def test_relative_iris_resolve_against_the_request() -> None:
    assert update_scope("DROP GRAPH <g>", base_iri="http://host/sparql") == scope({"http://host/g"})
