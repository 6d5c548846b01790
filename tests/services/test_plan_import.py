"""Importing the seed: the graph's contents, byte-for-byte reproduction, no partial output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from cspkg.config import Settings
from cspkg.errors import PlanDocumentError
from cspkg.namespaces import CSPKG
from cspkg.services.plan_import import import_plan
from tests.conftest import FIXTURES, SEED_PLAN

PLAN_FILES = [
    "plans/cannock-chase-csp-2024-25.ttl",
    "priorities/cannock-chase-csp.ttl",
    "commissioner/staffordshire-police-and-crime-plan-2021-24.ttl",
    "agencies.ttl",
    "documents/cannock-chase-csp-delivery-plan-2024-25.txt",  # the text action pages quote
]


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    from cspkg.config import load_settings

    out = tmp_path_factory.mktemp("import")
    import_plan(SEED_PLAN, load_settings(environ={}), out)
    graph = Graph()
    for relative in PLAN_FILES:
        if relative.endswith(".ttl"):
            graph.parse(out / relative)
    return graph


def test_import_reproduces_committed_turtle_byte_for_byte(
    settings: Settings, tmp_path: Path
) -> None:
    report = import_plan(SEED_PLAN, settings, tmp_path)
    assert report.actions == 17
    for relative in PLAN_FILES:
        fresh = (tmp_path / relative).read_bytes()
        committed = (settings.data_dir / relative).read_bytes()
        assert fresh == committed, f"data/{relative} differs from a fresh import of the seed"


def test_reimport_over_existing_files_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    import_plan(SEED_PLAN, settings, tmp_path)
    report = import_plan(SEED_PLAN, settings, tmp_path)
    assert report.written == [] and len(report.unchanged) == len(PLAN_FILES)


def test_seed_counts(seed_graph: Graph) -> None:
    assert len(set(seed_graph.subjects(RDF.type, CSPKG.Action))) == 17
    assert len(set(seed_graph.subjects(RDF.type, CSPKG.StrategicPriority))) == 7
    assert len(set(seed_graph.subjects(RDF.type, CSPKG.CommissionerPriority))) == 5
    assert len(set(seed_graph.subjects(RDF.type, CSPKG.RecommendedApproach))) == 5


def test_every_action_has_agency_priority_and_provenance(seed_graph: Graph) -> None:
    for action in seed_graph.subjects(RDF.type, CSPKG.Action):
        assert seed_graph.value(action, CSPKG.responsibleAgency) is not None
        assert seed_graph.value(action, CSPKG.meetsPriority) is not None
        first = seed_graph.value(action, CSPKG.sourceFirstLine)
        last = seed_graph.value(action, CSPKG.sourceLastLine)
        assert first is not None and last is not None and first.toPython() < last.toPython()


def test_priority_variants_resolve_to_one_concept(seed_graph: Graph, settings: Settings) -> None:
    asb = URIRef(settings.base + "def/cannock-chase-csp/priorities/anti-social-behaviour")
    assert str(seed_graph.value(asb, SKOS.prefLabel)) == "Anti-Social Behaviour (ASB)"
    assert Literal("Anti-social Behaviour (ASB)") in set(seed_graph.objects(asb, SKOS.altLabel))
    users = set(seed_graph.subjects(CSPKG.meetsPriority, asb))
    assert len(users) == 12  # lines reading "Anti-social" or "Anti-Social" after line 36


def test_agency_spellings_resolve_to_one_uri(seed_graph: Graph, settings: Settings) -> None:
    team = URIRef(
        settings.base + "id/organisation/cannock-chase-district-council/community-safety-team"
    )
    led = set(seed_graph.subjects(CSPKG.responsibleAgency, team))
    supported = set(seed_graph.subjects(CSPKG.supportingAgency, team))
    assert len(led) == 14
    assert (
        len(supported) == 4
    )  # written "Cannock Chase District Council – Community Safety Team" once


def test_target_dates_are_typed(seed_graph: Graph) -> None:
    values = {o.datatype for o in seed_graph.objects(None, CSPKG.targetDate)}
    assert values == {XSD.date, XSD.gYearMonth}
    ongoing = set(seed_graph.subjects(CSPKG.ongoing, Literal(True)))
    assert len(ongoing) == 3


def test_unregistered_agency_is_reported_not_merged(settings: Settings, tmp_path: Path) -> None:
    report = import_plan(FIXTURES / "plans" / "minimal-plan.txt", settings, tmp_path)
    assert [(u.name, u.line) for u in report.unregistered] == [
        ("Exampleton Friends of the Park", 31)
    ]
    graph = Graph().parse(tmp_path / "plans" / "exampleton-csp-2030-31.ttl")
    assert (report.unregistered[0].iri, RDF.type, CSPKG.UnregisteredAgency) in graph


def test_broken_document_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    text = (FIXTURES / "plans" / "minimal-plan.txt").read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(text.replace("March 2031", "whenever"), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(PlanDocumentError):
        import_plan(bad, settings, out)
    assert not out.exists() or not any(out.rglob("*"))


def test_docx_in_the_same_template(settings: Settings, tmp_path: Path) -> None:
    """A Word document of the seed's paragraphs imports to the same actions."""
    document = Document()
    for line in SEED_PLAN.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "cannock-chase-csp-delivery-plan-2024-25.docx"
    document.save(str(path))
    out = tmp_path / "out"
    report = import_plan(path, settings, out)
    assert report.actions == 17
    from_docx = Graph().parse(out / PLAN_FILES[0])
    from_text = Graph().parse(settings.data_dir / PLAN_FILES[0])
    pairs = lambda g: {(s, o) for s, o in g.subject_objects(CSPKG.meetsPriority)}  # noqa: E731
    assert pairs(from_docx) == pairs(from_text)
    shutil.rmtree(out)
