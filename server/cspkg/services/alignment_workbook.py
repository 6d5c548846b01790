"""The alignment review as a workbook: ``cspkg alignment PLAN --out review.xlsx`` and
``cspkg import-alignment review.xlsx``.

Modelled on the progress tracker (``tracker.py``): a prefilled sheet a person fills in
Excel (a row per suggestion; Decision and Change to as drop-downs; Reason and Your name),
an Instructions sheet, and the plan and Commissioner plan in named cells so the file
reads back by itself.  Reading is bounded (``progress_table.open_workbook``) and every
bad row is named by row and column before anything is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..config import Settings
from ..errors import CspkgError
from ..rdf.progress_table import MAX_ROWS, open_workbook, read_bounded
from .alignment_review import (
    DECISIONS,
    Decision,
    ReviewOutcome,
    ReviewRejected,
    apply_decisions,
    load_review,
)
from .tracker import _put

SHEET = "Review"
HEADERS = (
    ("Suggestion", 34), ("Link from", 44), ("Suggested Commissioner priority", 30),
    ("Score", 8), ("Evidence that matched", 60), ("Decision", 11), ("Change to", 30),
    ("Reason", 50), ("Your name", 20),
)  # fmt: skip
FIELDS = ("key", "source", "target", "score", "evidence", "decision", "change_to", "reason", "by")
HEADER_ROW = 5
FILL_ME = PatternFill("solid", fgColor="FFF2CC")
PLAN_CELL, PCP_CELL = "Plan", "Commissioner plan"
INSTRUCTIONS = (
    "How to review alignment suggestions",
    "",
    "The suggester read each CSP priority's name and its actions (and some actions alone)"
    " against curated evidence for each Commissioner priority: key phrases, police.uk crime"
    " categories and kinds of agency. Each row is one suggested link, with its score (0 to 1)"
    " and the evidence that matched, so you can check it.",
    "A suggestion is NOT counted as alignment until you confirm it.",
    "",
    "1. On the Review sheet, for each row you decide, fill in the yellow columns:",
    "   Decision: accept (the link is right), reject (it is not), or change (the link should"
    " go to another Commissioner priority: choose it in Change to).",
    "   Reason: why, in a sentence. It becomes the confirmed link's rationale.",
    "   Your name: who decided.",
    "2. Leave a row's yellow cells empty to decide it later.",
    "3. Do not change the Suggestion column, or the Plan and Commissioner plan cells.",
    "4. Send the file back. It is read with: cspkg import-alignment FILE.xlsx",
    "",
    "A row that cannot be used (an unknown decision, no reason, change without a priority) is"
    " reported by its row and column, and nothing from the file is stored until it is corrected.",
    "A rejected suggestion is remembered and not suggested again. A decided row cannot be"
    " decided again in a later file.",
)


@dataclass(frozen=True)
class BuiltReview:
    label: str
    rows: int
    content: bytes


def build_review_workbook(
    settings: Settings, plan_name: str, commissioner_plan: str | None
) -> BuiltReview:
    """The review workbook for one plan and Commissioner plan, as ``.xlsx`` bytes."""
    review = load_review(settings, plan_name, commissioner_plan)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    title = f"{review.plan_label}: alignment suggestions to the {review.commissioner_label}"
    _put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, PLAN_CELL)
    _put(sheet, 2, 2, "/".join(str(review.plan).split("/")[-2:]))
    _put(sheet, 3, 1, PCP_CELL)
    _put(sheet, 3, 2, "/".join(str(review.commissioner_plan).split("/")[-2:]))
    for column, (text, width) in enumerate(HEADERS, start=1):
        cell = _put(sheet, HEADER_ROW, column, text)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row_number = HEADER_ROW
    for row in review.rows:
        row_number += 1
        decided = row.status != "suggested"
        values = (
            row.key, row.source_label, row.target_label, row.score, "; ".join(row.evidence),
            row.status if decided else "", row.changed_to, row.reason, row.decided_by,
        )  # fmt: skip
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row_number, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in range(6, 10):
            sheet.cell(row_number, column).fill = FILL_ME
    last = max(row_number, HEADER_ROW + 1)
    decision = DataValidation(
        type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="Decision", error="Choose accept, reject or change.",
    )  # fmt: skip
    choices = sorted(review.priorities)
    lists = book.create_sheet("Lists")
    for index, label in enumerate(choices, start=1):
        _put(lists, index, 1, label)
    lists.sheet_state = "hidden"
    change = DataValidation(
        type="list", formula1=f"Lists!$A$1:$A${max(len(choices), 1)}", allow_blank=True,
        showErrorMessage=True, errorTitle="Change to", error="Choose a Commissioner priority.",
    )  # fmt: skip
    decision.add(f"F{HEADER_ROW + 1}:F{last}")
    change.add(f"G{HEADER_ROW + 1}:G{last}")
    sheet.add_data_validation(decision)
    sheet.add_data_validation(change)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    notes = book.create_sheet("Instructions", 1)
    notes.column_dimensions["A"].width = 110
    for number, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(number, 1, line).alignment = Alignment(wrap_text=True)
    notes["A1"].font = Font(bold=True, size=14)
    buffer = io.BytesIO()
    book.save(buffer)
    return BuiltReview(title, len(review.rows), buffer.getvalue())


@dataclass(frozen=True)
class FilledReview:
    source: str
    plan: str
    commissioner_plan: str
    decisions: list[Decision]


def read_review_workbook(path: Path) -> FilledReview:
    """The decisions in a filled review workbook; a file it cannot read is named."""
    name = path.name
    if path.suffix.lower() != ".xlsx":
        raise CspkgError(f"{name}: expected a review workbook (.xlsx)")
    book = open_workbook(name, read_bounded(path))
    try:
        if SHEET not in book.sheetnames:
            raise CspkgError(f"{name}: no '{SHEET}' sheet: is this a review workbook?")
        cells: dict[str, str] = {}
        decisions: list[Decision] = []
        header = False
        letters = [f"{get_column_letter(i)} ({text})" for i, (text, _) in enumerate(HEADERS, 1)]
        columns = tuple(zip(FIELDS, letters, strict=True))
        for number, values in enumerate(book[SHEET].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise CspkgError(f"{name}: more than {MAX_ROWS} rows")
            texts = ["" if v is None else str(v).strip() for v in values]
            if not header:
                if texts and texts[0] in (PLAN_CELL, PCP_CELL) and len(texts) > 1:
                    cells[texts[0]] = texts[1]
                header = bool(texts) and texts[0] == HEADERS[0][0]
                continue
            texts += [""] * (len(FIELDS) - len(texts))
            if not any(texts):
                continue
            row = dict(zip(FIELDS, texts, strict=False))
            decisions.append(
                Decision(
                    row["key"],
                    row["decision"],
                    row["reason"],
                    row["by"],
                    row["change_to"],
                    f"row {number}",
                    columns,
                )
            )
    finally:
        book.close()
    if not header:
        raise CspkgError(f"{name}: no header row starting '{HEADERS[0][0]}' on the '{SHEET}' sheet")
    if not cells.get(PLAN_CELL):
        raise CspkgError(f"{name}: the '{PLAN_CELL}' cell (B2) is empty")
    return FilledReview(name, cells[PLAN_CELL], cells.get(PCP_CELL, ""), decisions)


def import_review(settings: Settings, path: Path, out_dir: Path | None = None) -> ReviewOutcome:
    """Apply a filled workbook's decisions: all of them, or (on any bad row) none."""
    filled = read_review_workbook(path)
    review = load_review(settings, filled.plan, filled.commissioner_plan or None, out_dir)
    try:
        return apply_decisions(settings, review, filled.decisions, data_dir=out_dir)
    except ReviewRejected as exc:
        raise ReviewRejected(filled.source, exc.problems) from None


__all__ = ["BuiltReview", "build_review_workbook", "import_review", "read_review_workbook"]
