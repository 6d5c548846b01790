"""The ontology and shapes parse, and every cspkg: term they use is declared and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from cspkg.config import Settings
from cspkg.namespaces import AGENCY_KIND, CSPKG

AGENCY_KINDS_SCHEME = URIRef(str(AGENCY_KIND).rstrip("/"))
EXPECTED_KINDS = [
    "council",
    "council-service",
    "county-council-service",
    "police",
    "police-unit",
    "fire-and-rescue",
    "health",
    "probation",
    "youth-justice",
    "government",
    "voluntary",
    "commissioned-service",
    "commissioner",
    "utility",
    "housing",
    "education",
    "group",
    "unspecified",
]


def rdf_files(settings: Settings) -> list[Path]:
    """Ontology, shapes and every data file: a cspkg: term used anywhere must be declared."""
    return (
        sorted(settings.ontology_dir.glob("*.ttl"))
        + sorted(settings.shapes_dir.glob("*.ttl"))
        + sorted(settings.data_dir.rglob("*.ttl"))
    )


def ontology(settings: Settings) -> Graph:
    graph = Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        graph.parse(path)
    return graph


def terms_used(settings: Settings) -> set[URIRef]:
    """Every cspkg: IRI in the ontology, shapes and data, including inside SPARQL text."""
    used: set[URIRef] = set()
    for path in rdf_files(settings):
        graph = Graph().parse(path)
        for triple in graph:
            used |= {t for t in triple if isinstance(t, URIRef) and t.startswith(str(CSPKG))}
        for query in graph.objects(None, SH.select):
            used |= {CSPKG[name] for name in re.findall(r"\bcspkg:(\w+)", str(query))}
    return used


def test_every_file_parses(settings: Settings) -> None:
    files = rdf_files(settings)
    assert {p.name for p in files} >= {"cspkg.ttl", "agency-kinds.ttl", "action.ttl", "plan.ttl"}
    for path in files:
        assert len(Graph().parse(path)) > 0, path.name


def test_the_ontology_describes_itself(settings: Settings) -> None:
    graph = ontology(settings)
    [header] = [s for s in graph.subjects(RDF.type, OWL.Ontology) if str(s).endswith("/cspkg")]
    for predicate in (URIRef("http://purl.org/dc/terms/title"), OWL.versionInfo):
        assert graph.value(header, predicate) is not None, predicate


@pytest.mark.parametrize(
    "term",
    [
        "CommunitySafetyPartnership", "DeliveryPlan", "Action", "StrategicPriority",
        "CommissionerPriority", "RecommendedApproach", "PoliceAndCrimePlan",
        "PriorityAlignment", "UnregisteredAgency", "partnership", "priorityScheme",
        "approachScheme", "operatesUnder", "responsibleAgency", "supportingAgency",
        "meetsPriority", "fromPriority", "toPriority", "ordinal", "targetText", "targetDate",
        "targetDue", "periodStart", "periodEnd", "ongoing", "sourceFirstLine",
        "sourceLastLine", "fileName", "sha256",
    ],
)  # fmt: skip
def test_the_importers_terms_are_declared(settings: Settings, term: str) -> None:
    graph = ontology(settings)
    kinds = set(graph.objects(CSPKG[term], RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term


def test_every_cspkg_term_used_is_documented(settings: Settings) -> None:
    graph = ontology(settings)
    used = terms_used(settings)
    assert CSPKG.meetsPriority in used and CSPKG.UnregisteredAgency in used
    problems = []
    for term in sorted(used):
        kinds = set(graph.objects(term, RDF.type))
        if not kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}:
            problems.append(f"{term}: not declared")
            continue
        if not isinstance(graph.value(term, RDFS.label), Literal):
            problems.append(f"{term}: no rdfs:label")
        if graph.value(term, SKOS.definition) is None and graph.value(term, RDFS.comment) is None:
            problems.append(f"{term}: no definition")
        if OWL.Class in kinds and graph.value(term, RDFS.subClassOf) is None:
            problems.append(f"{term}: not a subclass of a reused class")
        if kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            for predicate in (RDFS.domain, RDFS.range):
                if graph.value(term, predicate) is None:
                    problems.append(f"{term}: no {predicate.fragment}")
    assert problems == []


def test_reused_superclasses_are_as_the_model_says(settings: Settings) -> None:
    graph = ontology(settings)
    org = "http://www.w3.org/ns/org#"
    assert (
        CSPKG.CommunitySafetyPartnership,
        RDFS.subClassOf,
        URIRef(org + "OrganizationalCollaboration"),
    ) in graph
    assert (CSPKG.DeliveryPlan, RDFS.subClassOf, URIRef("http://purl.org/net/p-plan#Plan")) in graph
    assert (CSPKG.Action, RDFS.subClassOf, URIRef("http://schema.org/Action")) in graph
    assert (CSPKG.responsibleAgency, RDFS.subPropertyOf, URIRef("http://schema.org/agent")) in graph


def test_agency_kinds_form_a_complete_scheme(settings: Settings) -> None:
    graph = ontology(settings)
    assert (AGENCY_KINDS_SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(SKOS.inScheme, AGENCY_KINDS_SCHEME))
    assert concepts == {AGENCY_KIND[kind] for kind in EXPECTED_KINDS}
    for concept in concepts:
        assert graph.value(concept, SKOS.prefLabel) is not None, concept
        assert graph.value(concept, SKOS.definition) is not None, concept
        assert (concept, SKOS.topConceptOf, AGENCY_KINDS_SCHEME) in graph, concept


def test_agency_kinds_used_by_shapes_exist(settings: Settings) -> None:
    graph = ontology(settings)
    used = set()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        objects = Graph().parse(path).objects()
        used |= {o for o in objects if isinstance(o, URIRef) and o.startswith(str(AGENCY_KIND))}
    assert used == {AGENCY_KIND.unspecified}
    assert all((kind, RDF.type, SKOS.Concept) in graph for kind in used)


def test_every_shape_is_named_and_explained(settings: Settings) -> None:
    shapes = Graph()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        shapes.parse(path)
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert len(named) > 40
    for shape in named:
        assert shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label), shape
        has_message = shapes.value(shape, SH.message) is not None or any(
            shapes.value(c, SH.message) for c in shapes.objects(shape, SH.sparql)
        )
        helper = shapes.value(None, SH["not"], shape) or shapes.value(None, SH.node, shape)
        grouping = shapes.value(shape, SH.property) is not None and not has_message
        assert has_message or helper or grouping, shape
