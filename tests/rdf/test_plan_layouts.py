"""One FICTIONAL plan in five layouts: each imports to the same expected graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from cspkg.config import Settings
from cspkg.namespaces import CSPKG
from cspkg.services.plan_import import ImportReport, import_plan
from tests.fixtures.plans.layouts import BUILDERS, build_all

B = "https://cspkg.example.org/"
PLAN = URIRef(B + "id/delivery-plan/exampleton-csp/2026-27")
PRIORITY = B + "def/exampleton-csp/priorities/"
ORG = B + "id/organisation/"
POLICE, COUNCIL = ORG + "staffordshire-police", ORG + "cannock-chase-district-council"
D, M = XSD.date, XSD.gYearMonth
# label: (responsible, supporting, priority, targetText, targetDate, due, periodStart,
#         reference, outcome)
EXPECTED = {
    "Run a fictional patrol scheme in the town centre.": (
        {POLICE}, {COUNCIL, ORG + "vysions-youth-service"}, "anti-social-behaviour",
        "Q3 2026/27", Literal("2026-12", datatype=M), "2026-12-31", "2026-10-01",
        "1.1", "Fewer reports of anti-social behaviour"),
    "Fictional youth diversion sessions on Friday evenings.": (
        {ORG + "unregistered/exampleton-friends-of-the-park"}, set(), "anti-social-behaviour",
        "April - June 2026", Literal("2026-06", datatype=M), "2026-06-30", "2026-04-01",
        "1.2", None),
    "Fictional domestic abuse awareness week.": (
        {ORG + "unregistered/staffs-police"}, {POLICE, ORG + "probation-service"},
        "domestic-abuse", "by end of March 2027", Literal("2027-03", datatype=M),
        "2027-03-31", None, "2.1", "Awareness week held"),
    "Fictional fraud prevention talks for older residents.": (
        {POLICE}, set(), "fraud", "Spring 2027", Literal("2027-05", datatype=M), "2027-05-31",
        "2027-03-01", "3.1", "Ten talks given"),
    "Fictional scam mail interception pilot.": (
        {POLICE}, {COUNCIL}, "fraud", "TBC", None, None, None, "3.2", None),
}  # fmt: skip
TABLES = {name for name in BUILDERS if "narrative" not in name}


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[ImportReport, Graph]]:
    from cspkg.config import load_settings

    settings = load_settings(environ={})
    folder = tmp_path_factory.mktemp("layouts")
    results = {}
    for name, path in build_all(folder / "plans").items():
        out = folder / name
        report = import_plan(path, settings, out)
        results[name] = report, Graph().parse(out / "plans" / "exampleton-csp-2026-27.ttl")
    return results


def _value(graph: Graph, node: URIRef, prop: URIRef) -> str | None:
    found = graph.value(node, prop)
    return None if found is None else str(found)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_layout_gives_the_expected_graph(
    imported: dict[str, tuple[ImportReport, Graph]], name: str
) -> None:
    report, graph = imported[name]
    assert report.actions == 5
    actions = {str(graph.value(a, RDFS.label)): a for a in graph.subjects(RDF.type, CSPKG.Action)}
    assert set(actions) == set(EXPECTED)
    for label, node in actions.items():
        lead, partners, priority, text, date, due, start, ref, outcome = EXPECTED[label]
        assert {str(o) for o in graph.objects(node, CSPKG.responsibleAgency)} == lead
        assert {str(o) for o in graph.objects(node, CSPKG.supportingAgency)} == partners
        assert {str(o) for o in graph.objects(node, CSPKG.meetsPriority)} == {PRIORITY + priority}
        assert _value(graph, node, CSPKG.targetText) == text
        assert graph.value(node, CSPKG.targetDate) == date
        assert _value(graph, node, CSPKG.targetDue) == due
        assert _value(graph, node, CSPKG.periodStart) == start
        table = name in TABLES
        assert _value(graph, node, CSPKG.actionReference) == (ref if table else None)
        assert _value(graph, node, CSPKG.measureOfSuccess) == (outcome if table else None)
        heading = graph.value(node, CSPKG.listedUnder)
        assert heading == (URIRef(PRIORITY + priority) if "headings" in name else None)
    assert graph.value(PLAN, CSPKG.operatesUnder) == URIRef(
        B + "id/police-and-crime-plan/staffordshire/2024-28"
    )
    priorities = {str(p) for p in graph.objects(PLAN, CSPKG.strategicPriority)}
    assert priorities == {
        PRIORITY + p for p in ("anti-social-behaviour", "domestic-abuse", "fraud")
    }


def test_multi_line_action_cell_is_kept_whole(
    imported: dict[str, tuple[ImportReport, Graph]],
) -> None:
    for _report, graph in imported.values():
        node = next(graph.subjects(CSPKG.actionReference, Literal("1.1")), None) or next(
            graph.subjects(CSPKG.ordinal, Literal(1))
        )
        assert str(graph.value(node, URIRef("http://purl.org/dc/terms/description"))) == (
            "Run a fictional patrol scheme in the town centre.\n\nReview it after six months."
        )


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("exampleton-narrative.txt", "narrative (blocks headed 'Action')"),
        ("exampleton-table-priority-column.docx", "Word table (table 1, header row 1: Ref, "
         "Action, Lead, Supporting partners, Priority, By when, Outcome; priorities as a column)"),
        ("exampleton-table-priority-headings.docx", "Word table (table 1, header row 1: Ref, "
         "Action, Lead, Supporting partners, By when, Outcome; priorities as row headings)"),
        ("exampleton-sheet.xlsx", "spreadsheet (sheet 'Delivery plan', header row 9: Ref, "
         "Action, Lead, Supporting partners, Priority, By when, Outcome; priorities as a column)"),
    ],
)  # fmt: skip
def test_the_recognised_layout_is_reported(
    imported: dict[str, tuple[ImportReport, Graph]], name: str, layout: str
) -> None:
    assert imported[name][0].layout == layout


def test_warnings_name_the_cell(imported: dict[str, tuple[ImportReport, Graph]]) -> None:
    report = imported["exampleton-table-priority-column.docx"][0]
    staffs = next(u for u in report.unregistered if u.name == "Staffs Police")
    assert staffs.where == "table 1, row 4, column 'Lead'"
    assert staffs.suggestions[0] == "Staffordshire Police"
    assert [(w.where, w.message) for w in report.warnings] == [
        ("table 1, row 6, column 'By when'", "target 'TBC' gives no date yet")
    ]


def test_csv_reads_like_the_sheet(settings: Settings, tmp_path: Path) -> None:
    import csv

    from tests.fixtures.plans.layouts import ACTIONS, HEADER, TITLE

    path = tmp_path / "exampleton.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow(list(HEADER))
        for ref, text, lead, partners, priority, target, outcome in ACTIONS:
            writer.writerow(
                [ref, "\n".join(text), lead, "; ".join(partners), priority, target, outcome]
            )
    report = import_plan(path, settings, tmp_path / "out")
    assert report.actions == 5 and report.layout.startswith("spreadsheet (the table, header row 2")
    assert any("lists no strategic priorities" in w.message for w in report.warnings)


def test_the_2024_28_plan_is_linked_and_its_reference_data_looked_for(
    settings: Settings, tmp_path: Path
) -> None:
    from dataclasses import replace

    from tests.fixtures.plans.layouts import write_narrative_txt

    data = tmp_path / "data"
    (data / "reference").mkdir(parents=True)
    (data / "agency-register.toml").write_bytes(
        (settings.data_dir / "agency-register.toml").read_bytes()
    )
    local = replace(settings, data_dir=data)
    plan = write_narrative_txt(tmp_path / "plan.txt")
    missing = import_plan(plan, local, tmp_path / "one")
    assert [w.message for w in missing.warnings if "Commissioner" in w.message] == [
        "the Commissioner's plan is linked as "
        f"{B}id/police-and-crime-plan/staffordshire/2024-28, but the data folder has no "
        "reference data for it yet: the plan will not validate until it does"
    ]
    assert not (tmp_path / "one" / "commissioner").exists()
    (data / "reference" / "pcp.ttl").write_text(
        f"<{B}id/police-and-crime-plan/staffordshire/2024-28> a "
        "<https://cspkg.example.org/def/cspkg#PoliceAndCrimePlan> .\n",
        encoding="utf-8",
    )
    found = import_plan(plan, local, tmp_path / "two")
    assert not [w for w in found.warnings if "Commissioner" in w.message]
    from cspkg.services.uploads import read_upload

    uploaded = read_upload("plan.txt", plan.read_bytes(), local)  # what /validation checks
    pcp = URIRef(B + "id/police-and-crime-plan/staffordshire/2024-28")
    assert (pcp, RDF.type, CSPKG.PoliceAndCrimePlan) in uploaded


def test_table_plans_break_no_shape(settings: Settings, tmp_path: Path) -> None:
    """Imported beside the real data (which has the 2024-28 plan's reference data), a table
    plan breaks nothing in the model."""
    import shutil
    from datetime import date

    from cspkg.rdf.report_format import Severity
    from cspkg.rdf.validation import validate_files

    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    for name in ("exampleton-table-priority-headings.docx", "exampleton-sheet.xlsx"):
        import_plan(BUILDERS[name](tmp_path / name), settings, data)
    files = [*sorted(data.rglob("*.ttl")), *sorted(settings.ontology_dir.glob("*.ttl"))]
    report = validate_files(files, settings, date(2026, 5, 1))
    broken = {
        f.shape.rsplit("#", 1)[-1] for f in report.findings if f.severity == Severity.VIOLATION
    }
    assert broken == set()
    exampleton = [f for f in report.findings if "exampleton-csp/2026-27" in f.focus]
    found = {f.shape.rsplit("#", 1)[-1] for f in exampleton}
    assert found == {"ActionTargetShape"}  # the TBC action, as the import warned


def test_the_narrative_template_inside_a_word_table_reads_as_narrative(tmp_path: Path) -> None:
    """The seed's own Word file keeps each action in a table row, one section per cell."""
    from docx import Document

    from cspkg.rdf.plan_document import read_plan_document
    from cspkg.rdf.plan_parser import parse_plan
    from tests.fixtures.plans.layouts import ACTIONS, COMMISSIONER, MARK, PRIORITIES, TITLE

    document = Document()
    for line in (TITLE, MARK, "Our strategic priorities", *[f"· {p}" for p in PRIORITIES]):
        document.add_paragraph(line)
    document.add_paragraph(COMMISSIONER)
    table = document.add_table(rows=0, cols=5)
    for _ref, text, lead, partners, priority, target, _outcome in ACTIONS:
        cells = table.add_row().cells
        cells[0].text = "Action\n" + "\n".join(text)
        cells[1].text = "Responsible Agency\n" + lead
        cells[2].text = "Additional Agencies\n" + ("\n".join(partners) or "N/A")
        cells[3].text = "Priorities Met\n· " + priority
        cells[4].text = "Target Date\n" + target
    document.save(str(tmp_path / "seed-shaped.docx"))
    record = parse_plan(read_plan_document(tmp_path / "seed-shaped.docx"))
    assert record.layout == "narrative (blocks headed 'Action')"
    assert [a.paragraphs[0] for a in record.actions] == [a[1][0] for a in ACTIONS]
    assert [a.target.text for a in record.actions if a.target] == [a[5] for a in ACTIONS]
