"""The hand-written reference data: the priority alignment and the areas."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from cspkg.config import PROJECT_ROOT
from cspkg.namespaces import CSPKG, ONS_GEOGRAPHY, OS_ID, SCHEMA, WIKIDATA

IDENTIFIERS = PROJECT_ROOT / "data" / "sources" / "identifiers.md"

B = "https://cspkg.example.org/"
CSP_SLUGS = [
    "anti-social-behaviour",
    "community-cohesion-and-tackling-extremism",
    "domestic-abuse",
    "drugs-and-county-lines",
    "fraud",
    "serious-violence-and-violence-against-women-and-girls",
    "safeguarding-vulnerable-persons",
]
PCC_SLUGS = [
    "a-local-and-responsive-service",
    "prevent-harm-and-protect-people",
    "support-victims-and-witnesses",
    "reduce-offending-and-re-offending",
    "a-more-effective-criminal-justice-system",
]
CSP = B + "def/cannock-chase-csp/priorities/"
PCC = B + "def/staffordshire-police-and-crime-plan-2021-24/priorities/"
PROJECT = URIRef(B + "id/organisation/cspkg-project")
ACTIVITY = URIRef(B + "id/activity/alignment/cannock-chase-csp-2024-25")
DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def alignment() -> Graph:
    path = DATA / "alignment" / "cannock-chase-csp-2024-25-to-staffordshire-pcp-2021-24.ttl"
    return Graph().parse(path)


@pytest.fixture(scope="module")
def areas() -> Graph:
    return Graph().parse(DATA / "reference" / "areas.ttl")


def test_every_csp_priority_reaches_one_to_three_commissioner_priorities(
    alignment: Graph,
) -> None:
    links = set(alignment.subject_objects(SKOS.relatedMatch))
    for slug in CSP_SLUGS:
        targets = {o for s, o in links if s == URIRef(CSP + slug)}
        assert 1 <= len(targets) <= 3, slug
    assert {str(s) for s, _ in links} == {CSP + slug for slug in CSP_SLUGS}
    assert {str(o) for _, o in links} <= {PCC + slug for slug in PCC_SLUGS}


def test_alignment_nodes_mirror_the_direct_links(alignment: Graph) -> None:
    nodes = set(alignment.subjects(RDF.type, CSPKG.PriorityAlignment))
    pairs = set()
    for node in nodes:
        source = alignment.value(node, CSPKG.fromPriority)
        target = alignment.value(node, CSPKG.toPriority)
        pairs.add((source, target))
        csp_slug, pcc_slug = str(source).rsplit("/", 1)[1], str(target).rsplit("/", 1)[1]
        assert str(node) == f"{B}id/alignment/cannock-chase-csp/{csp_slug}/{pcc_slug}"
        assert (node, RDF.type, PROV.Entity) in alignment
        assert (node, PROV.wasAttributedTo, PROJECT) in alignment
        assert (node, PROV.wasGeneratedBy, ACTIVITY) in alignment
        assert isinstance(alignment.value(node, RDFS.label), Literal)
        rationale = str(alignment.value(node, RDFS.comment))
        assert 20 < len(rationale) < 200 and "\n" not in rationale
    assert pairs == set(alignment.subject_objects(SKOS.relatedMatch))


def test_the_activity_says_it_is_a_judgement(alignment: Graph) -> None:
    assert (ACTIVITY, RDF.type, PROV.Activity) in alignment
    comment = str(alignment.value(ACTIVITY, RDFS.comment))
    assert "judgement by the CSP Knowledge Graph project, NOT stated" in comment
    assert "Method:" in comment
    assert (PROJECT, RDF.type, PROV.Agent) in alignment
    assert alignment.value(PROJECT, RDFS.label) == Literal("CSP Knowledge Graph project")


def test_areas_use_only_listed_identifiers(areas: Graph) -> None:
    listed = IDENTIFIERS.read_text(encoding="utf-8")
    text = (DATA / "reference" / "areas.ttl").read_text(encoding="utf-8")
    for code in re.findall(r"\b(?:E\d{8}|7\d{15}|Q\d+)\b", text):
        assert code in listed, code
    assert "staffordshire" not in {str(o) for o in areas.objects()}  # police.uk force id


def test_areas_shape(areas: Graph) -> None:
    places = set(areas.subjects(RDF.type, DCTERMS.Location))
    assert len(places) == 13
    for place in places:
        assert str(place).startswith(B + "id/area/")
        assert set(areas.objects(place, RDF.type)) == {DCTERMS.Location}
        gss = str(areas.value(place, SKOS.notation))
        assert (place, OWL.sameAs, ONS_GEOGRAPHY[gss]) in areas
        assert areas.value(place, RDFS.label) is not None
        assert areas.value(place, DCTERMS.type) is not None
    district = URIRef(B + "id/area/cannock-chase-district")
    county = URIRef(B + "id/area/staffordshire-county")
    assert (district, OWL.sameAs, OS_ID["7000000000014869"]) in areas
    assert (district, SCHEMA.containedInPlace, county) in areas
    districts = set(areas.subjects(SCHEMA.containedInPlace, county))
    assert len(districts) == 8 + 1  # eight districts and the constituency
    wikidata = {(str(s), str(o)) for s, o in areas.subject_objects(SKOS.closeMatch)}
    assert wikidata == {
        (str(county), str(WIKIDATA.Q23105)),
        (B + "id/area/cannock-chase-constituency", str(WIKIDATA.Q3138658)),
    }
    assert not any(str(o).startswith(str(WIKIDATA)) for o in areas.objects(None, OWL.sameAs))
