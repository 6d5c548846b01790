""" "The current update" has one definition (queries/fragments/current-update.rq): the
write side (what a new update revises) and the read side (which update counts) agree,
also when two agencies reported the same action for the same quarter."""

from __future__ import annotations

from rdflib import Graph, URIRef

from cspkg.catalog import Catalog
from cspkg.services.canned_queries import run_canned
from cspkg.services.progress import current_update
from cspkg.store import EmbeddedStore

B = "https://cspkg.example.org/"
ACTION = B + "id/action/x-csp/2024-25/01-fictional"
PERIOD = B + "id/period/2024-25/q3"
U = B + "id/progress-update/x-csp/2024-25/01/2024-q3/"
HISTORY = f"""
@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{PERIOD}> a cspkg:ReportingPeriod ; cspkg:periodStart "2024-10-01"^^xsd:date ;
    cspkg:periodEnd "2024-12-31"^^xsd:date .
<{U}1> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION}> ; cspkg:reportingPeriod <{PERIOD}> ;
    cspkg:progressStatus <{B}def/progress-status/on-track> ; cspkg:revision 1 ;
    dcterms:date "2025-01-08"^^xsd:date .
<{U}2> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION}> ; cspkg:reportingPeriod <{PERIOD}> ;
    cspkg:progressStatus <{B}def/progress-status/at-risk> ; cspkg:revision 2 ;
    dcterms:date "2025-01-09"^^xsd:date ; prov:wasRevisionOf <{U}1> .
<{U}supporter> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION}> ;
    cspkg:reportingPeriod <{PERIOD}> ; cspkg:progressStatus <{B}def/progress-status/off-track> ;
    cspkg:revision 1 ; dcterms:date "2025-01-12"^^xsd:date .
"""


def test_the_write_side_and_the_read_side_pick_the_same_update(catalog: Catalog) -> None:
    graph = Graph().parse(data=HISTORY, format="turtle")
    # U2 revises U1; the supporter's, reported later and revising nothing, counts
    assert current_update(graph, URIRef(ACTION), URIRef(PERIOD)) == URIRef(U + "supporter")
    store = EmbeddedStore()
    store.load_graph(B + "graph/test", HISTORY.encode(), "text/turtle")
    rows = run_canned(store, catalog.get("status-history"), {"action": ACTION}).records()
    assert {r["update"]: r["current"] for r in rows} == {
        U + "1": "false",
        U + "2": "false",
        U + "supporter": "true",
    }
    store.close()


def test_with_nothing_reported_there_is_no_current_update() -> None:
    graph = Graph().parse(data=HISTORY, format="turtle")
    assert current_update(graph, URIRef(ACTION), URIRef(B + "id/period/2024-25/q4")) is None
