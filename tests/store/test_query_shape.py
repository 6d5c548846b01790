"""Shape limits: the crash payloads are measured for what they are; real queries pass."""

from __future__ import annotations

import pytest

from cspkg.catalog import load_catalog
from cspkg.config import load_settings
from cspkg.store.query_shape import Shape, ShapeLimits, measure

LIMITS = ShapeLimits(depth=200, chain=1000, patterns=500, path=100)


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("ASK { FILTER(" + "!" * 10_000 + "true) }", "expression depth"),
        ("ASK { FILTER(" + "-" * 10_000 + "1) }", "expression depth"),
        ("SELECT (" + "+".join(["1"] * 15_000) + " AS ?x) {}", "operator chain"),
        ("SELECT (" + "+".join(["ABS(1)"] * 15_000) + " AS ?x) {}", "operator chain"),
        ("ASK { FILTER(" + " && ".join(["true"] * 15_000) + ") }", "operator chain"),
        ("ASK { ?s " + "|".join(["<urn:p>"] * 20_000) + " ?o }", "property path length"),
        ("ASK { ?s " + "/".join(["<urn:p>"] * 1_000) + " ?o }", "property path length"),
        ("ASK { ?s " + "^" * 1_000 + "<urn:p> ?o }", "expression depth"),
        ("ASK { " + " . ".join(f"?s{i} <urn:p> ?o{i}" for i in range(1_000)) + " }", "triple"),
        ("SELECT * WHERE { " + "{" * 300 + "}" * 300 + " }", "expression depth"),
    ],
)
def test_crash_payloads_go_over_a_named_limit(query: str, limit: str) -> None:
    problem = LIMITS.problem(measure(query))
    assert problem is not None and limit in problem


def test_data_blocks_are_not_patterns() -> None:
    body = " ".join(f"<urn:s{i}> <urn:p> -{i}, 1.5, 2e3 ." for i in range(5_000))
    shape = measure(f"INSERT DATA {{ GRAPH <urn:g> {{ {body} }} }}")
    assert shape == Shape(depth=2, chain=0, patterns=0, path=0)
    rows = " ".join(f"(<urn:{i}> {i})" for i in range(3_000))
    assert measure(f"SELECT * {{ VALUES (?a ?b) {{ {rows} }} }}").patterns <= 1


def test_every_canned_query_is_well_within_the_limits() -> None:
    for query in load_catalog(load_settings(environ={}).queries_dir).queries:
        assert LIMITS.problem(measure(query.sparql)) is None, query.name


def test_shape_counts_what_it_says() -> None:
    shape = measure(
        "SELECT ?s WHERE { ?s <urn:a>/<urn:b>|<urn:c> ?o . ?o ?p 1 FILTER(!(1 + 2 > 3)) }"
    )
    assert shape.path == 2
    assert shape.chain == 2
    assert shape.patterns >= 2
    assert shape.depth == 4  # { ( ! (
