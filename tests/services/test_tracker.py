"""The tracker workbook: prefilled from the graph, a drop-down of statuses, and a round trip."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from cspkg.config import Settings
from cspkg.namespaces import CSPKG
from cspkg.rdf.periods import PeriodError
from cspkg.rdf.progress_table import ProgressFileError
from cspkg.services.progress import ProgressRejected
from cspkg.services.progress_import import import_progress, progress_file
from cspkg.services.tracker import build_tracker

B = "https://cspkg.example.org/"
PLAN = URIRef(B + "id/delivery-plan/cannock-chase-csp/2024-25")
STATUS = B + "def/progress-status/"


def workbook(content: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(content))


def test_the_tracker_lists_every_action_with_its_lead_target_and_last_status(
    delivery_settings: Settings,
) -> None:
    tracker = build_tracker(delivery_settings, "Cannock Chase CSP Delivery Plan 2024/25", "2025-Q1")
    sheet = workbook(tracker.content)["Progress"]
    assert sheet["A1"].value.endswith("progress return for Q1 2025/26 (April to June 2025)")
    assert (sheet["A2"].value, sheet["B2"].value) == ("Plan", "cannock-chase-csp/2024-25")
    header = [c.value for c in sheet[5]]
    assert header[:9] == [
        "Action", "Short title", "Lead agency", "Target", "Last status", "Period", "Status",
        "% complete", "Commentary",
    ]  # fmt: skip
    rows = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert sorted(rows) == list(range(1, 18))
    assert rows[12][1].startswith("Bleed Kits - Installation of 6 additional bleed kits")
    assert rows[12][2] == "Cannock Chase District Council - Community Safety Team"
    assert rows[12][3] == "April 2025"
    # the latest quarter reported up to Q1 2025/26, its current (superseding) update
    assert rows[10][4] == "Complete (2024-Q3)"
    assert rows[8][4] == "Off track (2024-Q3)"
    assert rows[2][4] == "No update yet"
    assert {r[5] for r in rows.values()} == {"2025-Q1"}
    assert all(r[6] is None for r in rows.values())


def test_before_a_quarter_is_reported_the_last_status_is_the_one_before(
    delivery_settings: Settings,
) -> None:
    sheet = workbook(
        build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "2024-Q2").content
    )
    rows = {r[0]: r for r in sheet["Progress"].iter_rows(min_row=6, values_only=True)}
    assert rows[12][4] == "At risk (2024-Q2)"
    assert rows[16][4] == "No update yet"


def test_status_has_a_drop_down_of_the_schemes_labels_and_percent_is_bounded(
    delivery_settings: Settings,
) -> None:
    book = workbook(
        build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "2024-Q4").content
    )
    rules = {str(r.sqref): r for r in book["Progress"].data_validations.dataValidation}
    status = rules["G6:G22"]
    assert status.type == "list"
    assert status.formula1 == '"Not started,On track,At risk,Off track,Complete,Withdrawn"'
    percent = rules["H6:H22"]
    assert (percent.type, percent.formula1, percent.formula2) == ("whole", "0", "100")
    notes = [c.value for c in book["Instructions"]["A"] if c.value]
    assert notes[0] == "How to fill in this progress return"
    assert any("cspkg import-progress" in line for line in notes)


def test_a_filled_tracker_reads_back_as_exactly_what_was_filled(
    delivery_settings: Settings, tmp_path: Path
) -> None:
    tracker = build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "Q4 2024/25")
    book = workbook(tracker.content)
    sheet = book["Progress"]
    filled = {  # action number -> status, % complete, commentary (FICTIONAL)
        2: ("Complete", 100, "Final year of funding spent (fictional)."),
        7: ("Off track", 10, "Worker post vacant since January (fictional)."),
        17: ("On track", None, "Quarterly Prevent meeting held (fictional)."),
    }
    for row in sheet.iter_rows(min_row=6):
        if row[0].value in filled:
            status, percent, commentary = filled[row[0].value]
            row[6].value, row[7].value, row[8].value = status, percent, commentary
            row[9].value, row[10].value = "Test Officer D (fictional)", datetime(2025, 4, 7)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    report = import_progress(
        path, delivery_settings, out_dir=tmp_path / "out", today=date(2025, 4, 30)
    )
    assert len(report.updates) == 3 and report.warnings == []
    graph = Graph().parse(progress_file(tmp_path / "out", PLAN))
    labels = {"Complete": "complete", "Off track": "off-track", "On track": "on-track"}
    read_back = {}
    for update in report.updates:
        action = graph.value(update, CSPKG.aboutAction)
        ordinal = int(str(action).rsplit("/", 1)[-1][:2])
        percent = graph.value(update, CSPKG.percentComplete)
        read_back[ordinal] = (
            str(graph.value(update, CSPKG.progressStatus)),
            percent.toPython() if percent is not None else None,
            str(graph.value(update, CSPKG.commentary)),
        )
        assert graph.value(update, CSPKG.reportedBy) == Literal("Test Officer D (fictional)")
        assert graph.value(update, DCTERMS.date).toPython() == date(2025, 4, 7)
        assert str(graph.value(update, CSPKG.reportingPeriod)) == B + "id/period/2024-25/q4"
    assert read_back == {n: (STATUS + labels[s], p, c) for n, (s, p, c) in filled.items()}


def test_a_bad_cell_in_a_tracker_is_named_by_its_column_letter(
    delivery_settings: Settings, tmp_path: Path
) -> None:
    book = workbook(
        build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "2024-Q4").content
    )
    sheet = book["Progress"]
    sheet["G8"], sheet["H8"] = "On track", 140  # action 3; Excel's own check bypassed
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(
        ProgressRejected, match=r"row 8, column H \(% complete\): '140' is not a percentage"
    ):
        import_progress(tmp_path / "bad.xlsx", delivery_settings, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_unreadable_period_is_refused(delivery_settings: Settings) -> None:
    with pytest.raises(PeriodError):
        build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "autumn")


def test_text_from_the_plan_never_becomes_a_formula(delivery_settings: Settings) -> None:
    plan_file = delivery_settings.data_dir / "plans" / "cannock-chase-csp-2024-25.ttl"
    text = plan_file.read_text(encoding="utf-8")
    hostile = "=HYPERLINK(A1)&SUM(1,2)"
    plan_file.write_text(
        text.replace('rdfs:label "Bleed Kits - ', f'rdfs:label "{hostile} - ', 1), encoding="utf-8"
    )
    sheet = workbook(
        build_tracker(delivery_settings, "cannock-chase-csp/2024-25", "2024-Q4").content
    )
    cell = next(r[1] for r in sheet["Progress"].iter_rows(min_row=6) if r[0].value == 12)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(")


def test_a_workbook_that_unpacks_too_large_is_refused(
    delivery_settings: Settings, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ProgressFileError, match="unpacks to more than 50 MB"):
        import_progress(bomb, delivery_settings, out_dir=tmp_path / "out")
