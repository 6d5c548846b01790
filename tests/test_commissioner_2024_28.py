"""The Commissioner's Police and Crime Plan 2024-28, the crosswalk from 2021-24, and the
alignment of the CSP priorities to it: facts as verified, judgements with rationale and PROV."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from cspkg.config import PROJECT_ROOT
from cspkg.namespaces import CSPKG

B = "https://cspkg.example.org/"
DATA = PROJECT_ROOT / "data"
IDENTIFIERS = PROJECT_ROOT / "data" / "sources" / "identifiers.md"
PLAN_2024 = URIRef(B + "id/police-and-crime-plan/staffordshire/2024-28")
PLAN_2021 = URIRef(B + "id/police-and-crime-plan/staffordshire/2021-24")
OLD = B + "def/staffordshire-police-and-crime-plan-2021-24/priorities/"
NEW = B + "def/staffordshire-police-and-crime-plan-2024-28/priorities/"
CSP = B + "def/cannock-chase-csp/priorities/"
PROJECT = URIRef(B + "id/organisation/cspkg-project")
NEW_PRIORITIES = {
    "an-outstanding-local-police-service": "An outstanding local Police service",
    "prevent-harm-and-protect-people": "Prevent harm and protect people",
    "support-victims-and-witnesses": "Support victims and witnesses",
    "impactful-partnerships": "Impactful partnerships",
}
OLD_SLUGS = [
    "a-local-and-responsive-service", "prevent-harm-and-protect-people",
    "support-victims-and-witnesses", "reduce-offending-and-re-offending",
    "a-more-effective-criminal-justice-system",
]  # fmt: skip


@pytest.fixture(scope="module")
def plan() -> Graph:
    return Graph().parse(DATA / "commissioner" / "staffordshire-police-and-crime-plan-2024-28.ttl")


@pytest.fixture(scope="module")
def crosswalk() -> Graph:
    return Graph().parse(DATA / "alignment" / "staffordshire-pcp-2021-24-to-2024-28.ttl")


@pytest.fixture(scope="module")
def alignment() -> Graph:
    return Graph().parse(
        DATA / "alignment" / "cannock-chase-csp-2024-25-to-staffordshire-pcp-2024-28.ttl"
    )


def test_the_plan_has_exactly_the_four_verified_priorities(plan: Graph) -> None:
    listed = " ".join(IDENTIFIERS.read_text(encoding="utf-8").split())
    scheme = plan.value(PLAN_2024, CSPKG.priorityScheme)
    assert (PLAN_2024, RDF.type, CSPKG.PoliceAndCrimePlan) in plan
    assert (PLAN_2024, DCTERMS.replaces, PLAN_2021) in plan
    concepts = set(plan.subjects(SKOS.inScheme, scheme))
    labels = {str(c).removeprefix(NEW): str(plan.value(c, SKOS.prefLabel)) for c in concepts}
    assert labels == NEW_PRIORITIES
    for label in labels.values():
        assert f'"{label}"' in listed
    for concept in concepts:
        assert (concept, RDF.type, CSPKG.CommissionerPriority) in plan
        assert plan.value(concept, SKOS.definition) is None  # not verified: not recorded


def test_every_2021_priority_is_crosswalked_with_a_rationale(crosswalk: Graph) -> None:
    mappings = set(crosswalk.subjects(RDF.type, CSPKG.PriorityMapping))
    assert {str(crosswalk.value(m, CSPKG.mappedFrom)).removeprefix(OLD) for m in mappings} == set(
        OLD_SLUGS
    )
    for mapping in mappings:
        source = crosswalk.value(mapping, CSPKG.mappedFrom)
        target = crosswalk.value(mapping, CSPKG.mappedTo)
        relation = crosswalk.value(mapping, CSPKG.mappingRelation)
        assert str(target).removeprefix(NEW) in NEW_PRIORITIES
        assert relation in {SKOS.closeMatch, SKOS.relatedMatch}  # no exactMatch on titles alone
        assert (source, relation, target) in crosswalk  # the SKOS triple itself, for queries
        assert (mapping, PROV.wasAttributedTo, PROJECT) in crosswalk
        activity = crosswalk.value(mapping, PROV.wasGeneratedBy)
        assert "NOT stated by either plan" in str(crosswalk.value(activity, RDFS.comment))
        rationale = crosswalk.value(mapping, RDFS.comment)
        assert isinstance(rationale, Literal) and 20 < len(rationale) < 250
    direct = {
        (s, o)
        for p in (SKOS.closeMatch, SKOS.relatedMatch)
        for s, o in crosswalk.subject_objects(p)
    }
    assert len(direct) == len(mappings)


def test_the_csp_alignment_to_2024_28_mirrors_its_direct_links(alignment: Graph) -> None:
    nodes = set(alignment.subjects(RDF.type, CSPKG.PriorityAlignment))
    pairs = set()
    for node in nodes:
        source = alignment.value(node, CSPKG.fromPriority)
        target = alignment.value(node, CSPKG.toPriority)
        pairs.add((source, target))
        csp, pcc = str(source).removeprefix(CSP), str(target).removeprefix(NEW)
        assert pcc in NEW_PRIORITIES
        assert (
            str(node) == f"{B}id/alignment/cannock-chase-csp/{csp}/staffordshire-pcp-2024-28/{pcc}"
        )
        assert (node, PROV.wasAttributedTo, PROJECT) in alignment
        activity = alignment.value(node, PROV.wasGeneratedBy)
        assert "judgement by the CSP Knowledge Graph project" in str(
            alignment.value(activity, RDFS.comment)
        )
        assert re.fullmatch(r"[^\n]{20,250}", str(alignment.value(node, RDFS.comment)))
    assert pairs == set(alignment.subject_objects(SKOS.relatedMatch))
    per_csp: dict[URIRef, int] = {}
    for source, _ in pairs:
        per_csp[source] = per_csp.get(source, 0) + 1
    assert len(per_csp) == 7 and all(1 <= n <= 3 for n in per_csp.values())
    assert {str(t).removeprefix(NEW) for _, t in pairs} == set(NEW_PRIORITIES)
