"""The corpus of FICTIONAL plans (PDFs, council workbooks): each imports to the graph its
spec states, with the warnings a person needs; nothing a column says is dropped."""

from __future__ import annotations

from datetime import datetime

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from cspkg.config import Settings, load_settings
from cspkg.namespaces import CSPKG
from cspkg.rdf.agency_register import REGISTER_FILE, load_register
from cspkg.rdf.slugs import slugify, year_slug
from cspkg.services.plan_import import ImportReport, import_plan
from tests.fixtures.plans.corpus import PLANS, Act, CorpusPlan

B = "https://cspkg.example.org/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ImportReport, Graph]]:
    settings = load_settings(environ={})
    folder = tmp_path_factory.mktemp("corpus")
    results = {}
    for plan in PLANS:
        path = plan.build(plan, folder / plan.name)
        report = import_plan(path, settings, folder / "out" / plan.name)
        slug = f"{slugify(plan.partnership)}-csp-{year_slug(plan.year)}"
        graph = Graph().parse(folder / "out" / plan.name / "plans" / f"{slug}.ttl")
        results[plan.name] = report, graph
    return results


def _agency(settings: Settings, name: str) -> str:
    agency = load_register(settings.data_dir / REGISTER_FILE).resolve(name)
    assert agency is not None, name
    return f"{B}id/organisation/{agency.slug}"


def _expected(settings: Settings, plan: CorpusPlan, act: Act) -> dict[str, object]:
    scheme = f"{B}def/{slugify(plan.partnership)}-csp/priorities/"
    target = None if isinstance(act.target, datetime) else act.target
    return {
        "description": "\n\n".join(act.text),
        "lead": {_agency(settings, n) for n in act.lead},
        "partners": {_agency(settings, n) for n in act.partners},
        "priorities": {scheme + slugify(act.priority)},
        "target": target,
        "due": act.due,
        "reference": act.ref or None,
        "outcome": act.outcome or None,
        "annotations": set(act.extra),
    }


def _found(graph: Graph, node: URIRef, written: bool) -> dict[str, object]:
    def one(prop: URIRef) -> str | None:
        value = graph.value(node, prop)
        return None if value is None else str(value)

    notes = {
        (str(graph.value(n, CSPKG.columnTitle)), str(graph.value(n, RDF.value)))
        for n in graph.objects(node, CSPKG.annotation)
    }
    return {
        "description": one(DCTERMS.description),
        "lead": {str(o) for o in graph.objects(node, CSPKG.responsibleAgency)},
        "partners": {str(o) for o in graph.objects(node, CSPKG.supportingAgency)},
        "priorities": {str(o) for o in graph.objects(node, CSPKG.meetsPriority)},
        "target": one(CSPKG.targetText) if written else None,
        "due": one(CSPKG.targetDue),
        "reference": one(CSPKG.actionReference),
        "outcome": one(CSPKG.measureOfSuccess),
        "annotations": notes,
    }


@pytest.mark.parametrize("plan", PLANS, ids=[p.name for p in PLANS])
def test_each_corpus_plan_imports_to_its_spec(
    imported: dict[str, tuple[ImportReport, Graph]], settings: Settings, plan: CorpusPlan
) -> None:
    report, graph = imported[plan.name]
    assert report.actions == len(plan.actions)
    plan_iri = URIRef(f"{B}id/delivery-plan/{slugify(plan.partnership)}-csp/{year_slug(plan.year)}")
    assert (plan_iri, RDF.type, CSPKG.DeliveryPlan) in graph
    assert str(graph.value(plan_iri, RDFS.label)) == (
        f"{plan.partnership} CSP Delivery Plan {plan.year}"
    )
    scheme = f"{B}def/{slugify(plan.partnership)}-csp/priorities/"
    assert {str(p) for p in graph.objects(plan_iri, CSPKG.strategicPriority)} == {
        scheme + slugify(p) for p in plan.priorities
    }
    nodes = sorted(
        graph.subjects(RDF.type, CSPKG.Action), key=lambda n: graph.value(n, CSPKG.ordinal)
    )
    assert len(nodes) == len(plan.actions)
    for node, act in zip(nodes, plan.actions, strict=True):
        expected = _expected(settings, plan, act)
        assert _found(graph, node, expected["target"] is not None) == expected, act.text[0]
    texts = [f"{w.where}: {w.message}" for w in report.warnings]
    for phrase in plan.warnings:
        assert any(phrase in text for text in texts), (phrase, texts)
    assert not report.unregistered


def test_every_unmapped_column_is_warned_and_kept(
    imported: dict[str, tuple[ImportReport, Graph]],
) -> None:
    """Nothing silently dropped: each column title no property holds is in a warning, and
    every filled cell of it is an annotation."""
    for plan in PLANS:
        report, graph = imported[plan.name]
        titles = {title for act in plan.actions for title, _ in act.extra}
        for title in titles:
            assert any(
                f"'{title}'" in w.where and "no property holds" in w.message
                for w in report.warnings
            ), (plan.name, title)
        kept = len(list(graph.subjects(RDF.type, CSPKG.ColumnAnnotation)))
        assert kept == sum(len(act.extra) for act in plan.actions)


def test_the_sheet_holding_the_actions_is_named(
    imported: dict[str, tuple[ImportReport, Graph]],
) -> None:
    layouts = {name: report.layout for name, (report, _g) in imported.items()}
    assert "(sheet 'Action plan', header row 4:" in layouts["kettlewick-council-workbook.xlsx"]
    assert layouts["brackenfold-sheet-per-priority.xlsx"].startswith(
        "spreadsheet (sheets 'Anti-Social Behaviour', 'Priority 2 - Domestic Abuse', 'Fraud', "
        "header row 1:"
    )
    assert layouts["brackenfold-sheet-per-priority.xlsx"].endswith(
        "priorities from the sheet names)"
    )
    assert layouts["northmere-table-three-pages.pdf"].startswith("PDF table (table 1, header row 1")
