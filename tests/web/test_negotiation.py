"""Content negotiation is a pure function: strings in, a media type out."""

from __future__ import annotations

import pytest

from cspkg.errors import NotAcceptable
from cspkg.web.negotiation import acceptable, negotiate


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        ("results", None, "application/sparql-results+json"),
        ("results", "*/*", "application/sparql-results+json"),
        ("results", "text/csv", "text/csv"),
        ("results", "text/tab-separated-values", "text/tab-separated-values"),
        ("results", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("results", "application/json", "application/sparql-results+json"),
        (
            "results",
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("results", "text/*;q=0.9, */*;q=0.1", "text/csv"),
        ("graph", None, "text/turtle"),
        ("graph", "application/n-triples", "application/n-triples"),
        ("graph", "application/ld+json", "application/ld+json"),
        ("graph", "application/rdf+xml", "application/rdf+xml"),
        ("graph", "application/xml", "application/rdf+xml"),
        (
            "description",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "text/html",
        ),
        ("description", "*/*", "text/turtle"),
        ("description", None, "text/turtle"),
    ],
)
def test_accept(kind: str, accept: str | None, expected: str) -> None:
    assert negotiate(kind, accept) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("results", "csv", "text/csv"),
        ("results", "json", "application/sparql-results+json"),
        ("graph", "json", "application/ld+json"),
        ("graph", "ttl", "text/turtle"),
        ("graph", "application/n-triples", "application/n-triples"),
    ],
)
def test_format_parameter_wins(kind: str, name: str, expected: str) -> None:
    assert negotiate(kind, "application/sparql-results+xml", name) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "accept", "name"),
    [
        ("results", "image/png", None),
        ("graph", "text/csv", None),
        ("results", None, "turtle"),
        ("results", "text/csv;q=0", None),
    ],
)
def test_not_acceptable(kind: str, accept: str | None, name: str | None) -> None:
    with pytest.raises(NotAcceptable):
        negotiate(kind, accept, name)  # type: ignore[arg-type]
    assert acceptable(kind, accept, name) is None  # type: ignore[arg-type]
    with pytest.raises(NotAcceptable):  # remembered answers do not swallow the refusal
        negotiate(kind, accept, name)  # type: ignore[arg-type]


def test_acceptable_is_negotiate_when_something_fits() -> None:
    accept = "text/turtle, application/sparql-results+json;q=0.5"
    for kind in ("results", "graph"):
        assert acceptable(kind, accept) == negotiate(kind, accept)
    assert acceptable("graph", accept) == "text/turtle"
