"""Plans whose actions are a table: a Word table, an Excel sheet or a CSV, one row each.

The action table is the first whose header row names an Action column and at least one
of Lead, Priority or Timescale, by the built-in synonyms below (or the titles a layout
file gives).  A priority may be a column, or a row merged across the table (a heading
over the actions below it), or both.  A cell may hold several agencies or priorities, on
new lines or separated by semicolons; commas split a cell only when every piece is a
name the register (or the plan's priority list) knows.  "N/A", "-", "TBC" and an empty
cell mean none.  Errors name the table, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import PlanDocumentError
from .dates import Context, DateError, parse_target_date, plan_year
from .plan_document import Line, PlanDocument, Row, Table
from .plan_front_matter import read_front_matter
from .plan_layout import FIELDS, Layout
from .plan_record import (
    ActionRecord,
    Named,
    Notice,
    PlanRecord,
    PriorityBook,
    Unlisted,
    is_none,
    priority_key,
    strip_bullet,
    target_notice,
)

SYNONYMS = {
    "reference": ("ref", "ref no", "reference", "no", "number", "#", "action ref", "action no",
                  "id", "action number"),
    "action": ("action", "actions", "activity", "activities", "what we will do", "description",
               "action description", "what will we do"),
    "responsible": ("lead", "lead agency", "lead agencies", "owner", "responsible",
                    "responsible agency", "responsible agencies", "lead partner",
                    "lead organisation", "responsibility"),
    "supporting": ("partners", "supporting partners", "additional agencies",
                   "additional agencies involved", "supporting agencies", "partner agencies",
                   "key partners", "other partners", "support"),
    "priorities": ("priority", "priorities", "strategic priority", "strategic priorities",
                   "theme", "themes", "priorities met", "priority area"),
    "target": ("timescale", "timescales", "target date", "target", "by when", "deadline",
               "due date", "due", "when", "completion date", "target dates"),
    "outcome": ("outcome", "outcomes", "measure of success", "measures of success", "kpi",
                "kpis", "success measure", "expected outcome", "expected outcomes"),
}  # fmt: skip
TITLES = {title: name for name, titles in SYNONYMS.items() for title in titles}
HEADER_SEARCH = 30
SPLIT = re.compile(r"\n|;")


def title_key(text: str) -> str:
    """'No.', 'By when?', 'Lead Agency(s):' -> 'no', 'by when', 'lead agency'."""
    text = re.sub(r"\((?:s|es)\)", "", text.lower()).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


@dataclass(frozen=True)
class ActionTable:
    """The table recognised as the plan's actions, and what each column holds."""

    table: Table
    header: int
    columns: dict[str, int]
    titles: tuple[str, ...]

    def where(self, row: Row, column: int) -> str:
        title = self.titles[column] if column < len(self.titles) else ""
        if self.table.sheet:
            letter = _letter(column)
            place = f"row {row.number}, column {letter}" + (f" ('{title}')" if title else "")
            return place if self.table.name == "the table" else f"{self.table.name}, {place}"
        return f"{self.table.name}, row {row.number}, column '{title}'"


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _map_header(row: Row, layout: Layout) -> dict[str, int]:
    named = {title_key(title): name for name, title in layout.columns.items()}
    columns: dict[str, int] = {}
    for index, cell in enumerate(row.cells):
        key = title_key(cell.text)
        name = named.get(key) or (TITLES.get(key) if key else None)
        if name and name not in columns and (index == 0 or cell is not row.cells[index - 1]):
            columns[name] = index
    return columns


def _acceptable(columns: dict[str, int], layout: Layout) -> bool:
    if layout.columns and not set(layout.columns) <= set(columns):
        return False
    return "action" in columns and bool({"responsible", "priorities", "target"} & set(columns))


def find_action_table(document: PlanDocument, layout: Layout) -> ActionTable | None:
    """The first table with a recognisable header row (or the one the layout names)."""
    for number, table in enumerate(document.tables, start=1):
        if layout.table is not None and number != layout.table:
            continue
        if layout.sheet is not None and table.name != f"sheet '{layout.sheet}'":
            continue
        rows = range(len(table.rows))
        if layout.header_row is not None:
            rows = range(layout.header_row - 1, min(layout.header_row, len(table.rows)))
        for index in rows[:HEADER_SEARCH]:
            row = table.rows[index]
            if row.spanning:
                continue
            columns = _map_header(row, layout)
            if _acceptable(columns, layout):
                titles = tuple(cell.text for cell in row.cells)
                return ActionTable(table, index, columns, titles)
    return None


def describe(found: ActionTable, headings: bool, layout: Layout) -> str:
    """The layout in words, for the import report."""
    titles = ", ".join(found.titles[i] for i in sorted(found.columns.values()))
    where = "priorities as row headings" if headings else "priorities as a column"
    if headings and "priorities" in found.columns:
        where = "priorities as row headings and a column"
    kind = "spreadsheet" if found.table.sheet else "Word table"
    text = f"{kind} ({found.table.name}, header row {found.header + 1}: {titles}; {where})"
    return text + (f", as layout file {layout.name} says" if layout.name else "")


def _front_lines(document: PlanDocument, found: ActionTable) -> tuple[Line, ...]:
    """What precedes the table: the document's lines, or the sheet's rows above the header."""
    if not found.table.sheet:
        first = found.table.rows[0].cells[0].line if found.table.rows[0].cells else 1
        return tuple(line for line in document.lines if line.number < first)
    lines: list[Line] = []
    for row in found.table.rows[: found.header]:
        for cell in row.cells:
            lines.extend(Line(row.number, text.strip()) for text in cell.text.splitlines())
    return tuple(lines)


def parse_table_plan(
    document: PlanDocument,
    found: ActionTable,
    layout: Layout,
    unlisted: Unlisted = "add",
    knows_agency: Callable[[str], bool] | None = None,
) -> PlanRecord:
    """Read the front matter above the table and one action per row below its header."""
    front = read_front_matter(
        document.name, _front_lines(document, found), layout.partnership, layout.year
    )
    book = PriorityBook(document.name, front.priorities, unlisted)
    reader = _RowReader(document.name, found, book, knows_agency or (lambda _name: False))
    reader.context = plan_year(front.year)
    heading: Named | None = None
    headings = False
    actions: list[ActionRecord] = []
    for row in found.table.rows[found.header + 1 :]:
        texts = [cell.text for cell in row.cells]
        if not any(t.strip() for t in texts) or _repeats_header(row, found):
            continue
        if _is_heading(row, layout):
            cell = next(c for c in row.cells if c.text.strip())
            where = f"{found.table.name}, row {row.number}"
            heading = book.match(Named(" ".join(cell.text.split()), cell.line, where))
            headings = True
            continue
        actions.append(reader.action(len(actions) + 1, row, heading))
    if not actions:
        raise PlanDocumentError(
            document.name, None, f"{found.table.name} has a header row but no actions"
        )
    return PlanRecord(
        source=document.name,
        partnership=front.partnership,
        year=front.year,
        introduction=front.introduction,
        priorities=book.priorities,
        commissioner=front.commissioner,
        actions=tuple(actions),
        layout=describe(found, headings, layout),
        warnings=(*front.notices, *reader.notices, *book.notices),
    )


def _repeats_header(row: Row, found: ActionTable) -> bool:
    return tuple(cell.text for cell in row.cells) == found.titles


def _is_heading(row: Row, layout: Layout) -> bool:
    """A row merged across the table, or one short line in its first cell and nothing else
    (a sheet cannot say it merged cells when read as values)."""
    if layout.priorities == "column":
        return False
    if row.spanning:
        return True
    filled = [index for index, cell in enumerate(row.cells) if cell.text.strip()]
    if filled != [0]:
        return False
    text = row.cells[0].text.strip()
    return len(text) <= 120 and "\n" not in text


class _RowReader:
    """Turns one table row into an :class:`ActionRecord`, collecting notices."""

    def __init__(
        self, source: str, found: ActionTable, book: PriorityBook, knows: Callable[[str], bool]
    ) -> None:
        self.source, self.found, self.book, self.knows = source, found, book, knows
        self.context: Context = None
        self.notices: list[Notice] = []

    def _cell(self, row: Row, name: str) -> tuple[str, int, str]:
        index = self.found.columns.get(name)
        if index is None or index >= len(row.cells):
            return "", row.cells[0].line if row.cells else row.number, ""
        cell = row.cells[index]
        return cell.text.strip(), cell.line, self.found.where(row, index)

    def _fail(self, line: int, where: str, problem: str) -> PlanDocumentError:
        return PlanDocumentError(self.source, line, problem, where=where)

    def names(self, row: Row, name: str, known: Callable[[str], bool]) -> tuple[Named, ...]:
        text, line, where = self._cell(row, name)
        found: list[Named] = []
        for part in SPLIT.split(text):
            part = strip_bullet(part)[0].strip().rstrip(".")
            pieces = [p.strip() for p in part.split(",")]
            if len(pieces) > 1 and all(known(p) for p in pieces if p):
                found += [Named(p, line, where) for p in pieces if p and not is_none(p)]
            elif not is_none(part):
                found.append(Named(part, line, where))
        return tuple(found)

    def action(self, ordinal: int, row: Row, heading: Named | None) -> ActionRecord:
        text, line, where = self._cell(row, "action")
        paragraphs = tuple(p.strip() for p in text.splitlines() if p.strip())
        row_where = f"{self.found.table.name}, row {row.number}"
        if not paragraphs:
            raise self._fail(line, where or row_where, "the row has no action text")
        responsible = self.names(row, "responsible", self.knows)
        if not responsible and "responsible" in self.found.columns:
            _, r_line, r_where = self._cell(row, "responsible")
            raise self._fail(r_line, r_where, "the action has no lead (responsible) agency")
        if not responsible:
            raise self._fail(line, row_where, "the table has no Lead column for this action")
        known = lambda name: priority_key(name) in self.book.known  # noqa: E731
        priorities = [self.book.match(n) for n in self.names(row, "priorities", known)]
        if heading is not None and priority_key(heading.text) not in {
            priority_key(p.text) for p in priorities
        }:
            priorities.insert(0, heading)
        if not priorities:
            raise self._fail(line, row_where, "the action meets no strategic priority")
        target_text, target_line, target_where = self._cell(row, "target")
        target = None
        if target_text and not (is_none(target_text) and target_text.lower() != "tbc"):
            try:
                target = parse_target_date(target_text, self.context)
            except DateError as exc:
                raise self._fail(target_line, target_where, str(exc)) from None
            self.notices += target_notice(target, target_where)
        reference, _, _ = self._cell(row, "reference")
        outcome, _, _ = self._cell(row, "outcome")
        lines = [c.line for c in row.cells] + [c.last_line for c in row.cells]
        return ActionRecord(
            ordinal=ordinal,
            first_line=min(lines),
            last_line=max(lines),
            paragraphs=paragraphs,
            responsible=responsible,
            supporting=self.names(row, "supporting", self.knows),
            priorities=tuple(priorities),
            target=target,
            target_line=target_line if target is not None else None,
            reference=None if is_none(reference) else " ".join(reference.split()),
            outcome=None if is_none(outcome) else outcome,
            heading=heading,
        )


__all__ = ["FIELDS", "SYNONYMS", "ActionTable", "find_action_table", "parse_table_plan"]
