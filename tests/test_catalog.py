"""The catalogue: header parsing, load-time validation and binding values as RDF terms."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from cspkg.catalog import Catalog, load_catalog, parse_query
from cspkg.config import PROJECT_ROOT
from cspkg.errors import CatalogError, ParameterError, QueryNotFound

EXPECTED_NAMES = {
    "actions-per-csp-priority",
    "actions-per-commissioner-priority",
    "coverage-matrix",
    "priority-gaps",
    "agency-workload",
    "agency-partners",
    "action",
    "agency-actions",
    "overdue-actions",
    "delivery-status",
    "status-of-actions",
    "delivery-by-commissioner-priority",
    "exceptions",
    "missing-updates",
    "status-history",
    "ongoing-actions",
    "priority-actions",
    "external-identifiers",
    "plan-summary",
    # Joining the plan to police.uk crime, and comparing plans:
    "crime-by-priority",
    "crime-hotspots",
    "compare-priorities",
    "shared-agencies",
    "plan-changes",
    "crime-and-deprivation",  # federated: SERVICE to an allow-listed endpoint
    # Crime over months:
    "crime-trend",
    "crime-change",
    "crime-seasonal",
    "crime-rates",
    # The Commissioner's view across partnerships (confirmed links only):
    "commissioner-coverage",
    "commissioner-gaps",
    "commissioner-agencies",
    "commissioner-delivery",
}

GOOD = """\
# title: Things of a kind
# description: Every thing of a kind,
#   with its label.
# question: What is there?
# param: kind iri label="Kind of thing" class=skos:Concept default=<def/kinds/a>
# param: since date default=today
# param: note string optional
# columns: thing thingLabel
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
# a comment mentioning $nothing is not a placeholder
SELECT ?thing ?thingLabel WHERE {
  ?thing a $kind ; rdfs:label ?thingLabel .
  FILTER (?thingLabel != "$kind is text" && COALESCE(?thingLabel != $note, true))
  FILTER (?thing != <http://example.org/$kind> && NOW() > $since)
}
"""


def echo_query(kind: str) -> str:
    """A query that returns its one parameter as ?v: shows exactly what was bound."""
    return (
        f"# title: Echo\n# description: Echo a value.\n# param: v {kind}\n# columns: v\n"
        "SELECT ?v WHERE { BIND ($v AS ?v) }\n"
    )


def echo(kind: str, value: str) -> list[ox.Literal | ox.NamedNode]:
    """Bind ``value``, run the text on an empty store, return the ?v column."""
    text = parse_query("echo", echo_query(kind)).bind({"v": value})
    return [solution["v"] for solution in ox.Store().query(text)]


# --- The real catalogue --------------------------------------------------------------


def test_real_catalogue_has_exactly_the_agreed_queries(catalog: Catalog) -> None:
    assert set(catalog.names()) == EXPECTED_NAMES
    assert list(catalog.names()) == sorted(EXPECTED_NAMES)


def test_real_catalogue_defaults_point_at_seed_things(catalog: Catalog) -> None:
    agency = catalog.get("agency-partners").parameter("agency")
    assert agency.default == (
        "https://cspkg.example.org/id/organisation/cannock-chase-district-council/"
        "community-safety-team"
    )
    assert agency.rdf_class == "http://www.w3.org/ns/org#Organization"
    assert catalog.get("priority-actions").parameter("priority").default == (
        "https://cspkg.example.org/def/cannock-chase-csp/priorities/anti-social-behaviour"
    )
    assert catalog.get("overdue-actions").parameter("date").default == "today"
    assert catalog.get("priority-gaps").parameter("min").default == "3"
    assert catalog.get("plan-summary").parameter("plan").optional


def test_defaults_follow_the_configured_base() -> None:
    moved = load_catalog(Path(__file__).parents[1] / "queries", base="https://csp.example.net/")
    assert moved.get("agency-actions").parameter("agency").default == (
        "https://csp.example.net/id/organisation/cannock-chase-district-council/"
        "community-safety-team"
    )


def test_unknown_query_name() -> None:
    with pytest.raises(QueryNotFound, match="'nope'"):
        Catalog(()).get("nope")


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no canned queries"):
        load_catalog(tmp_path)


# --- Header parsing --------------------------------------------------------------------


def test_header_fields_and_parameters_are_parsed() -> None:
    query = parse_query("things", GOOD, base="https://base.example/")
    assert query.title == "Things of a kind"
    assert query.description == "Every thing of a kind, with its label."
    assert query.question == "What is there?"
    assert query.columns == ("thing", "thingLabel")
    kind, since, note = query.parameters
    assert (kind.name, kind.type, kind.label) == ("kind", "iri", "Kind of thing")
    assert kind.default == "https://base.example/def/kinds/a"
    assert kind.rdf_class == "http://www.w3.org/2004/02/skos/core#Concept"
    assert (since.type, since.default, since.optional) == ("date", "today", False)
    assert (note.type, note.default, note.optional) == ("string", None, True)
    assert query.sparql == GOOD


def test_placeholders_in_comments_strings_and_iris_are_left_alone() -> None:
    bound = parse_query("things", GOOD).bind({"note": "x"}, today=date(2025, 1, 2))
    assert "?thing a <https://cspkg.example.org/def/kinds/a> ;" in bound
    assert '"$kind is text"' in bound
    assert "<http://example.org/$kind>" in bound
    assert "mentioning $nothing" in bound
    assert '?thingLabel != "x"' in bound
    assert 'NOW() > "2025-01-02"^^<http://www.w3.org/2001/XMLSchema#date>' in bound


def test_optional_parameter_left_out_becomes_a_fresh_variable() -> None:
    bound = parse_query("things", GOOD).bind()
    assert "COALESCE(?thingLabel != ?_unbound_note, true)" in bound


BROKEN = [
    ("# title: T\n# description: D\nSELECT ?a WHERE {}\n", 1, "missing required header"),
    ("# title: T\n# descripton: D\n# columns: a\nSELECT ?a {}\n", 2, "unknown header field"),
    ("# title: T\n# title: U\n", 2, "given twice"),
    ("# title: T\n# just some prose\n", 2, "expected a header line"),
    ("# title:\n", 1, "is empty"),
    ("# title: T\n# description: D\n# param: x float\n", 3, "type must be one of"),
    ("# title: T\n# description: D\n# param: x\n", 3, "expected 'NAME TYPE"),
    ("# title: T\n# description: D\n# param: Bad-name iri\n", 3, "bad name"),
    ("# title: T\n# description: D\n# param: x iri colour=red\n", 3, "unexpected 'colour=red'"),
    ('# title: T\n# description: D\n# param: x iri label="open\n', 3, "No closing quotation"),
    ("# title: T\n# description: D\n# param: x integer default=many\n", 3, "bad default"),
    ("# title: T\n# description: D\n# param: x iri default=nope:x\n", 3, "known prefix"),
    ("# title: T\n# description: D\n# param: x string class=skos:Concept\n", 3, "iri only"),
    ("# title: T\n# description: D\n# param: x date optional default=today\n", 3, "conflict"),
    ("# title: T\n# description: D\n# param: x iri\n# param: x iri\n", 4, "declared twice"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BROKEN)
def test_broken_headers_name_the_file_and_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(CatalogError, match=problem) as caught:
        parse_query("broken", text + "# columns: a\nSELECT ?a WHERE {}\n")
    assert str(caught.value).startswith(f"broken.rq:{line}: ")
    assert caught.value.line == line


HEAD = "# title: T\n# description: D\n# columns: a\n"


def test_sparql_syntax_error_names_the_file_line() -> None:
    with pytest.raises(CatalogError, match=r"^bad\.rq:6: SPARQL: ") as caught:
        parse_query("bad", HEAD + "SELECT ?a\nWHERE {\n  ?a ?b\n}\n")
    assert caught.value.line == 6


def test_columns_must_match_the_projection() -> None:
    with pytest.raises(CatalogError, match=r"^bad\.rq:3: columns a but SELECT gives a b$"):
        parse_query("bad", HEAD + "SELECT ?a ?b WHERE {}\n")


def test_only_select_queries() -> None:
    with pytest.raises(CatalogError, match="must be SELECT"):
        parse_query("bad", HEAD + "ASK {}\n")


def test_undeclared_placeholder_names_its_line() -> None:
    with pytest.raises(CatalogError, match=r"^bad\.rq:5: \$who is not a declared param"):
        parse_query("bad", HEAD + "SELECT ?a WHERE {\n  ?a ?b $who\n}\n")


def test_declared_but_unused_parameter() -> None:
    text = "# title: T\n# description: D\n# param: who iri\n# columns: a\nSELECT ?a {}\n"
    with pytest.raises(CatalogError, match="'who' is declared but never used"):
        parse_query("bad", text)


def test_broken_file_stops_loading_the_directory(tmp_path: Path) -> None:
    (tmp_path / "a-good.rq").write_text(HEAD + "SELECT ?a {}\n", encoding="utf-8")
    (tmp_path / "b-bad.rq").write_text(HEAD + "SELECT ?a {\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^b-bad\.rq:\d+: SPARQL"):
        load_catalog(tmp_path)


# --- Parameter values ------------------------------------------------------------------


def test_unknown_and_missing_parameters() -> None:
    query = parse_query("echo", echo_query("string"))
    with pytest.raises(ParameterError, match="'colour': expected a known parameter") as caught:
        query.bind({"v": "x", "colour": "red"})
    assert caught.value.name == "colour"
    with pytest.raises(ParameterError, match="'v': expected a value"):
        query.bind({})


@pytest.mark.parametrize(
    ("kind", "raw", "lexical"),
    [
        ("iri", "https://cspkg.example.org/id/x", "https://cspkg.example.org/id/x"),
        ("iri", "<https://cspkg.example.org/id/x>", "https://cspkg.example.org/id/x"),
        ("iri", "http://example.org/a?b=c#d%20e", "http://example.org/a?b=c#d%20e"),
        ("iri", "http://example.org/café", "http://example.org/café"),
        ("iri", "urn:isbn:0451450523", "urn:isbn:0451450523"),
        ("integer", "+007", "7"),
        ("integer", "-3", "-3"),
        ("boolean", "TRUE", "true"),
        ("boolean", "0", "false"),
        ("date", "2024-02-29", "2024-02-29"),
    ],
)
def test_values_become_terms_of_the_declared_type(kind: str, raw: str, lexical: str) -> None:
    (term,) = echo(kind, raw)
    assert term.value == lexical
    if kind == "iri":
        assert isinstance(term, ox.NamedNode)
    else:
        assert term.datatype.value.endswith("#" + kind)


def test_today_is_a_date_parameter_value() -> None:
    query = parse_query("echo", echo_query("date"))
    assert '"2025-06-30"^^<http://www.w3.org/2001/XMLSchema#date>' in query.bind(
        {"v": "today"}, today=date(2025, 6, 30)
    )


HOSTILE_IRIS = [
    "",
    "relative/path",
    "http://example.org/a b",
    "http://example.org/>",
    "http://example.org/x> } UNION { ?s ?p ?o } #",
    'http://example.org/"',
    "http://example.org/{x}",
    "http://example.org/a|b",
    "http://example.org/a^b",
    "http://example.org/`",
    "http://example.org/a\\u003e",
    "http://example.org/\n",
    "<http://example.org/x>>",
    "http://example.org/" + "x" * 3000,
]


@pytest.mark.parametrize("raw", HOSTILE_IRIS)
def test_hostile_iris_are_refused(raw: str) -> None:
    with pytest.raises(ParameterError, match=r"^parameter 'v': expected an absolute IRI"):
        parse_query("echo", echo_query("iri")).bind({"v": raw})


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("integer", "1 } UNION { ?s ?p ?o"),
        ("integer", "1.5"),
        ("integer", "1e3"),
        ("integer", ""),
        ("boolean", "yes please"),
        ("date", "2024-02-30"),
        ("date", "2024-1-1"),
        ("date", "2025-01-01T00:00:00"),
        ("date", '2025-01-01"^^<x> } #'),
        ("string", "x" * 2001),
        ("string", "\ud800"),
    ],
)
def test_values_not_of_the_declared_type_are_refused(kind: str, raw: str) -> None:
    with pytest.raises(ParameterError, match=r"^parameter 'v': expected ") as caught:
        parse_query("echo", echo_query(kind)).bind({"v": raw})
    assert caught.value.name == "v"


HOSTILE_STRINGS = [
    '"',
    "'",
    '" } ; DROP ALL ; #',
    '""" ) } UNION { ?s ?p ?o } #',
    "' . } SELECT * WHERE { ?s ?p ?o",
    "}",
    ".",
    "SELECT * WHERE { ?s ?p ?o }",
    "$v",
    "?v",
    "<http://example.org/x>",
    "# not a comment",
    "\\",
    "a\\u0022b",
    "\\U0001F600",
    'end with backslash\\"',
    "line one\nline two\r\n\ttab",
    "unicode é \u2028 😀 \u0000",
]


@pytest.mark.parametrize("raw", HOSTILE_STRINGS)
def test_hostile_strings_stay_one_literal(raw: str) -> None:
    """Round trip: the query returns exactly one row holding exactly the value given."""
    (term,) = echo("string", raw)
    assert isinstance(term, ox.Literal)
    assert term.value == raw


def test_binding_changes_only_the_placeholders() -> None:
    query = parse_query("echo", echo_query("string"))
    bound = query.bind({"v": '" } UNION { ?s ?p ?o } #'})
    assert bound == query.sparql.replace("$v", '"\\" } UNION { ?s ?p ?o } #"')


def test_integer_range_is_checked_and_bound_as_a_bare_number() -> None:
    text = """# title: t
# description: d
# param: limit integer default=10 min=1 max=100
# param: shift integer default=-2
# columns: x
SELECT ?x WHERE { BIND ($shift AS ?x) } LIMIT $limit
"""
    query = parse_query("paged", text)
    assert query.bind({}).endswith(
        'BIND ("-2"^^<http://www.w3.org/2001/XMLSchema#integer> AS ?x) } LIMIT 10\n'
    )
    assert query.bind({"limit": "100"}).endswith("LIMIT 100\n")
    for bad in ("0", "101", "1.5"):
        with pytest.raises(ParameterError, match="from 1 to 100"):
            query.bind({"limit": bad})
    for header in ("# param: n string min=1", "# param: n integer min=x"):
        with pytest.raises(CatalogError, match="min= takes a whole number"):
            parse_query("bad", text.replace("# param: shift integer default=-2", header))


# --- Engine forms (queries/forms/DIALECT/NAME.rq) -----------------------------------------


def _with_form(tmp_path: Path, form: str) -> Path:
    (tmp_path / "things.rq").write_text(
        HEAD + "# param: v string default=x\nSELECT ?a WHERE { BIND ($v AS ?a) }\n",
        encoding="utf-8",
    )
    (tmp_path / "forms" / "virtuoso").mkdir(parents=True)
    (tmp_path / "forms" / "virtuoso" / "things.rq").write_text(form, encoding="utf-8")
    return tmp_path


def test_a_query_binds_its_engines_form_with_the_same_values(tmp_path: Path) -> None:
    form = "SELECT ?a WHERE { VALUES ?a { $v } }\n"
    query = load_catalog(_with_form(tmp_path, form)).get("things")
    assert 'VALUES ?a { "y" }' in query.bind({"v": "y"}, dialect="virtuoso")
    assert 'BIND ("y" AS ?a)' in query.bind({"v": "y"}, dialect="oxigraph")
    assert query.bind({"v": "y"}) == query.bind({"v": "y"}, dialect="generic")


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("SELECT ?b WHERE { BIND ($v AS ?b) }\n", "columns a but SELECT gives b"),
        ("SELECT ?a WHERE { BIND ($w AS ?a) }\n", "$w"),
        ("SELECT ?a WHERE { BIND ($v AS ?a)\n", "SPARQL"),
    ],
)
def test_a_form_that_is_not_the_same_question_stops_loading(
    tmp_path: Path, form: str, problem: str
) -> None:
    with pytest.raises(CatalogError, match=re.escape(problem)) as caught:
        load_catalog(_with_form(tmp_path, form))
    assert "forms/virtuoso/things.rq" in str(caught.value)


def test_the_real_forms_are_for_known_queries(catalog: Catalog) -> None:
    formed = {q.name: sorted(q.forms) for q in catalog.queries if q.forms}
    assert formed == {
        "commissioner-gaps": ["virtuoso"],
        "crime-and-deprivation": ["virtuoso"],
        "crime-by-priority": ["virtuoso"],
        "plan-summary": ["virtuoso"],
    }
    forms = PROJECT_ROOT / "queries" / "forms"
    assert {p.stem for p in forms.rglob("*.rq")} == set(formed)  # no form of a missing query
