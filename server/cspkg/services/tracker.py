"""``cspkg tracker``: a plan's quarterly progress return as an Excel workbook.

Partners already pass a spreadsheet round by email; this one is prefilled from the graph
(each action's number, short title, lead, target and last reported status) and reads
back with ``cspkg import-progress`` unchanged: its header row uses the import's column
names, each row carries its action number and quarter, and the status column offers the
scheme's labels as a drop-down.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from ..config import Settings
from ..namespaces import CSPKG
from ..rdf.periods import Quarter, parse_period
from ..rdf.progress_table import PLAN_CELL_LABEL, PROGRESS_SHEET
from .progress import PlanProgress, StatusScheme, current_update, status_scheme
from .progress_import import find_plan, load_plan_progress, read_data

HEADERS = (
    ("Action", 9), ("Short title", 48), ("Lead agency", 30), ("Target", 18),
    ("Last status", 24), ("Period", 10), ("Status", 14), ("% complete", 11),
    ("Commentary", 60), ("Reported by", 20), ("Reported on", 13),
)  # fmt: skip
"""Header text and column width; the import reads Action, Period, Status, % complete,
Commentary, Reported by and Reported on, and ignores the rest."""
HEADER_ROW = 5
FILL_ME = PatternFill("solid", fgColor="FFF2CC")
INSTRUCTIONS = (
    "How to fill in this progress return",
    "",
    "1. On the Progress sheet, fill in the yellow columns for each action you lead:",
    "   Status: choose from the list (Not started, On track, At risk, Off track, Complete,"
    " Withdrawn).",
    "   % complete: a whole number from 0 to 100 (optional).",
    "   Commentary: what happened this quarter, and for At risk or Off track what is being"
    " done about it.",
    "   Reported by: your name. Reported on: the date (optional; the import date otherwise).",
    "2. Leave a row's yellow cells empty if you have nothing to report on that action.",
    "3. Do not change the Action or Period columns, or the Plan cell: they tie each row to"
    " the plan.",
    "4. Send the file back. It is read with: cspkg import-progress FILE.xlsx",
    "",
    "A row that cannot be read (an unknown status, a percentage over 100, an action the plan"
    " does not have) is reported by its row and column, and nothing from the file is"
    " stored until it is corrected.",
    "A second return for the same action and quarter does not overwrite the first: both are"
    " kept, and the later one is shown as current.",
    "RAG: On track is Green; Not started and At risk are Amber; Off track is Red; Complete"
    " and Withdrawn have no colour.",
)


@dataclass(frozen=True)
class Tracker:
    """A built workbook and what it is for."""

    plan: URIRef
    quarter: Quarter
    actions: int
    content: bytes


def build_tracker(settings: Settings, plan_name: str, period: str) -> Tracker:
    """The workbook for one plan and quarter, as ``.xlsx`` bytes."""
    quarter = parse_period(period)
    plan, plan_path = find_plan(settings, plan_name)
    progress, plan_graph, _existing = load_plan_progress(
        settings, plan, plan_path, settings.data_dir
    )
    agencies_file = settings.data_dir / "agencies.ttl"
    names = (
        read_data([agencies_file], settings.data_dir.parent) if agencies_file.exists() else Graph()
    )
    scheme = status_scheme(settings)
    book = Workbook()
    sheet = book.active
    sheet.title = PROGRESS_SHEET
    _put(sheet, 1, 1, f"{progress.label}: progress return for {quarter.label}")
    sheet["A1"].font = Font(bold=True, size=14)
    _put(sheet, 2, 1, PLAN_CELL_LABEL.capitalize())
    _put(sheet, 2, 2, "/".join(progress.key))
    _put(sheet, 3, 1, "Period")
    _put(sheet, 3, 2, quarter.notation)
    for column, (text, width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    row = HEADER_ROW
    for ordinal in sorted(progress.actions):
        action = progress.actions[ordinal]
        row += 1
        values = (
            ordinal,
            action.label,
            "; ".join(_name(names, lead) for lead in action.leads),
            str(plan_graph.value(action.iri, CSPKG.targetText) or ""),
            _last_status(progress, action.iri, quarter, scheme, settings.base),
            quarter.notation,
        )
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in range(7, len(HEADERS) + 1):
            sheet.cell(row, column).fill = FILL_ME
        sheet.cell(row, 11).number_format = "yyyy-mm-dd"
    _validations(sheet, scheme, row)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    notes = book.create_sheet("Instructions")
    notes.column_dimensions["A"].width = 110
    for number, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(number, 1, line).alignment = Alignment(wrap_text=True)
    notes["A1"].font = Font(bold=True, size=14)
    buffer = io.BytesIO()
    book.save(buffer)
    return Tracker(plan, quarter, len(progress.actions), buffer.getvalue())


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write a cell; text from the graph stays text even when it starts with '=' or '+'.

    openpyxl stores a string beginning with '=' as a formula, so a plan whose action
    text began that way would put a live formula in every partner's workbook.
    """
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _validations(sheet: object, scheme: StatusScheme, last_row: int) -> None:
    first = HEADER_ROW + 1
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(scheme.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose a status from the list.",
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="% complete",
        error="A whole number from 0 to 100.",
    )
    reported = DataValidation(
        type="date", operator="greaterThan", formula1="36526", allow_blank=True
    )
    for rule, column in ((status, "G"), (percent, "H"), (reported, "K")):
        rule.add(f"{column}{first}:{column}{max(last_row, first)}")
        sheet.add_data_validation(rule)  # type: ignore[attr-defined]


def _name(graph: Graph, agency: URIRef) -> str:
    label = graph.value(agency, SKOS.prefLabel) or graph.value(agency, RDFS.label)
    return str(label) if label else str(agency).rsplit("/", 1)[-1]


def _last_status(
    progress: PlanProgress, action: URIRef, quarter: Quarter, scheme: StatusScheme, base: str
) -> str:
    """The current status of the latest quarter reported up to this one, with its quarter."""
    history = progress.history
    reported = sorted(
        {
            parse_period(str(p))
            for u in history.subjects(CSPKG.aboutAction, action)
            for p in history.objects(u, CSPKG.reportingPeriod)
        }
    )
    for earlier in reversed([q for q in reported if q <= quarter]):
        update = current_update(history, action, earlier.iri(base))
        status = history.value(update, CSPKG.progressStatus) if update else None
        if isinstance(status, URIRef) and status in scheme.labels:
            return f"{scheme.labels[status]} ({earlier.notation})"
    return "No update yet"


__all__ = ["HEADERS", "Tracker", "build_tracker"]
