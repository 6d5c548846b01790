"""Checked writes on both stores: only what a write touches is copied and validated,
with the rest of the store as context, and the whole dataset when that is unknown."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cspkg.config import load_settings
from cspkg.errors import ValidationFailed
from cspkg.rdf.validation import Severity, validate_files
from cspkg.services.graph_store import GraphStore, Payload, Target
from cspkg.services.sparql_service import SparqlService
from cspkg.store import Store
from cspkg.store.factory import source_dirs
from cspkg.store.sources import find_sources

TOKEN = "Bearer t0ken"
TURTLE = "text/turtle"


@pytest.fixture
def seeded(store: Store) -> tuple[GraphStore, str, bytes]:
    """The real seed graph (real shapes and ontology), writes on; and the plan's graph."""
    settings = replace(load_settings(environ={}), admin_token="t0ken")
    plan = None
    for source in find_sources(settings.base, source_dirs(settings)):
        store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
        if source.path.parent.name == "plans":
            plan = source
    assert plan is not None
    return GraphStore(SparqlService(store, settings)), plan.graph_iri, plan.path.read_bytes()


def test_a_plan_alone_needs_its_context() -> None:
    """Why context is fetched: on its own, the plan's agencies and priorities are untyped."""
    base = load_settings(environ={})
    plan = next((base.data_dir / "plans").glob("*.ttl"))
    report = validate_files([plan], base, today=date(2025, 1, 1))
    assert not report.conforms
    violations = report.by_severity(Severity.VIOLATION)
    assert "ClassConstraintComponent" in {f.constraint for f in violations}


def test_replacing_a_plan_is_checked_with_its_context(
    seeded: tuple[GraphStore, str, bytes],
) -> None:
    gsp, graph, data = seeded
    before = gsp.store.triple_count()
    gsp.put(Target("graph", graph), [Payload(TURTLE, data)], TOKEN)
    assert gsp.store.triple_count() == before


def test_a_broken_plan_is_refused_and_nothing_changes(
    seeded: tuple[GraphStore, str, bytes],
) -> None:
    gsp, graph, data = seeded
    broken = data.replace(b"cspkg:responsibleAgency", b"cspkg:responsibleAgencyTypo")
    before = gsp.store.triple_count()
    with pytest.raises(ValidationFailed, match="responsible"):
        gsp.put(Target("graph", graph), [Payload(TURTLE, broken)], TOKEN)
    assert gsp.store.triple_count() == before


def test_other_graphs_problems_do_not_block_a_scoped_write(
    seeded: tuple[GraphStore, str, bytes],
) -> None:
    """A violation already in another graph is that graph's business: a write elsewhere
    is judged on what it changes.  An update that could touch anything is judged on the
    whole dataset, and so is refused."""
    gsp, _graph, _data = seeded
    gsp.store.load_graph(
        "urn:test:bad",
        b"<urn:test:x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        b" <https://cspkg.example.org/def/cspkg#Action> .",
        "application/n-triples",
    )
    note = b'<urn:test:note> <http://www.w3.org/2000/01/rdf-schema#label> "a note" .'
    gsp.put(Target("graph", "urn:test:notes"), [Payload(TURTLE, note)], TOKEN)
    gsp.sparql.update(
        'INSERT DATA { GRAPH <urn:test:notes> { <urn:test:n2> <urn:test:p> "x" } }',
        authorization=TOKEN,
    )
    with pytest.raises(ValidationFailed, match="urn:test:x"):
        gsp.sparql.update(
            "INSERT { GRAPH ?g { <urn:test:n3> <urn:test:p> 1 } }"
            " WHERE { GRAPH ?g { <urn:test:note> ?p ?o } }",
            authorization=TOKEN,
        )


def test_a_change_that_breaks_a_node_described_elsewhere_is_refused(
    seeded: tuple[GraphStore, str, bytes],
) -> None:
    """Removing an action's label from the plan: the action is checked with its other
    statements from the rest of the store, and the write is refused."""
    gsp, graph, _data = seeded
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"DELETE {{ GRAPH <{graph}> {{ ?a rdfs:label ?l }} }} "
        f"WHERE {{ GRAPH <{graph}> {{ ?a rdfs:label ?l }} }}"
    )
    before = gsp.store.triple_count()
    with pytest.raises(ValidationFailed):
        gsp.sparql.update(text, authorization=TOKEN)
    assert gsp.store.triple_count() == before


def test_an_update_reading_another_named_graph_runs_on_the_copy(
    seeded: tuple[GraphStore, str, bytes],
) -> None:
    """The WHERE clause reads a graph the update does not change: it is copied too, so
    the scratch run inserts what the real run will."""
    gsp, graph, _data = seeded
    text = (
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#> "
        "INSERT { GRAPH <urn:test:index> { ?a <urn:test:inPlan> true } } "
        f"WHERE {{ GRAPH <{graph}> {{ ?a a cspkg:Action }} }}"
    )
    gsp.sparql.update(text, authorization=TOKEN)
    assert len(gsp.read(Target("graph", "urn:test:index"), "application/n-triples")) > 0
    body = gsp.read(Target("graph", "urn:test:index"), "application/n-triples")
    assert isinstance(body, bytes) and body.count(b"\n") == 17
