"""Shared SPARQL fragments: ``#include NAME`` in a query takes ``queries/fragments/NAME.rq``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspkg.catalog import Catalog, load_catalog, parse_query
from cspkg.errors import CatalogError
from cspkg.fragments import expand, load_fragments

QUERY = """# title: Things
# description: Things of a type.
# columns: thing
SELECT ?thing WHERE {
  #include typed
}
"""


def test_an_include_line_takes_the_fragment_text() -> None:
    query = parse_query("things", QUERY, fragments={"typed": "?thing a ?type ."})
    assert "?thing a ?type ." in query.bind()
    assert "#include" not in query.bind()


def test_fragments_include_fragments() -> None:
    fragments = {"outer": "#include inner\n?x ?y ?z .", "inner": "?a ?b ?c ."}
    assert expand("q.rq", "{\n#include outer\n}", fragments) == "{\n?a ?b ?c .\n?x ?y ?z .\n}"


def test_an_unknown_fragment_names_the_file_and_line() -> None:
    with pytest.raises(CatalogError, match=r"things\.rq:5: #include typed: no such fragment"):
        parse_query("things", QUERY, fragments={})


def test_a_loop_of_includes_is_refused() -> None:
    with pytest.raises(CatalogError, match="include each other"):
        expand("q.rq", "#include a", {"a": "#include b", "b": "#include a"})


def test_the_real_delivery_queries_share_one_status_rule(catalog: Catalog) -> None:
    """The rule's text is written once (in fragments/) and stands in every query of it."""
    rule = load_fragments(Path(__file__).parents[1] / "queries")["current-update"]
    users = {q.name for q in catalog.queries if rule.strip() in q.sparql}
    assert {
        "status-of-actions",
        "delivery-status",
        "delivery-by-commissioner-priority",
        "exceptions",
        "missing-updates",
        "overdue-actions",
    } <= users
    folder = Path(__file__).parents[1] / "queries"
    written = [p.name for p in folder.glob("*.rq") if "wasRevisionOf ?latest" in p.read_text()]
    assert written == []  # no query spells the rule out again


def test_fragments_are_not_canned_queries(tmp_path: Path) -> None:
    (tmp_path / "fragments").mkdir()
    (tmp_path / "fragments" / "typed.rq").write_text("?thing a ?type .")
    (tmp_path / "things.rq").write_text(QUERY)
    catalog = load_catalog(tmp_path)
    assert catalog.names() == ("things",)
    assert catalog.expand("#include typed") == "?thing a ?type ."


def test_every_service_query_parses_with_its_iris_put_in() -> None:
    """queries/service/*.rq are read by the services that run them; a broken one fails here."""
    import pyoxigraph as ox

    from cspkg.fragments import service_query

    folder = Path(__file__).parents[1] / "queries"
    names = sorted(p.stem for p in (folder / "service").glob("*.rq"))
    assert {"action-rows", "delivery-plans", "plan-info", "progress-statuses"} <= set(names)
    for name in names:
        text = service_query(
            folder, name, plan="urn:x:plan", commissionerPlan=None, priority="urn:x:p"
        )
        text = text.replace("$actions", "<urn:x:action>")
        assert "$" not in text.split("SELECT", 1)[1], name
        ox.Store().query(text)  # parses (no answer needed)
