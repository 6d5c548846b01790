"""Plans whose actions are a table: a Word or PDF table, an Excel sheet or a CSV, one row each.

An action table is one whose header row names an Action column and at least one of Lead,
Priority or Timescale (``plan_columns``: the layout file's titles, the synonyms, then a
fuzzy score).  Several such tables with the same columns (one sheet per priority, or a
table per section) are one plan.  A priority may be a column, a row merged across the table
(a heading over the actions below it), the name of the sheet, or several of these.  A cell
may hold several agencies or priorities, on new lines or separated by semicolons; commas,
"and" and "&" split a cell only when every piece is a name the register (or the plan's
priority list) knows.  "N/A", "-", "TBC" and an empty cell mean none.  Rows under the
table that are notes ("Note: ...", or lone lines after the last action) end it and are
reported, never read as priorities.  Columns no field takes are kept on each action as
annotations and named in a warning.  Errors name the table, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..errors import PlanDocumentError
from .dates import Context, DateError, parse_target_date, plan_year
from .plan_columns import SYNONYMS, Column, acceptable, map_header, title_key
from .plan_document import Line, PlanDocument, Row, Table
from .plan_front_matter import read_front_matter
from .plan_layout import FIELDS, Layout
from .plan_record import (
    PRIORITY_PREFIX,
    ActionRecord,
    Named,
    Notice,
    PlanRecord,
    PriorityBook,
    Unlisted,
    is_none,
    priority_key,
    split_names,
    strip_bullet,
    target_notice,
)

HEADER_SEARCH = 30
SPLIT = re.compile(r"\n|;")
NOTE = re.compile(
    r"^(?:notes?\b|nb\b|n\.b\.|\*|source\b|key\b|please\b|last updated\b|updated\b|version\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ActionTable:
    """A table recognised as holding actions, and what each column holds."""

    table: Table
    header: int
    columns: tuple[Column, ...]
    titles: tuple[str, ...]

    @property
    def fields(self) -> dict[str, int]:
        return {c.field: c.index for c in self.columns if c.field}

    def column_name(self, column: int) -> str:
        title = next((c.title for c in self.columns if c.index == column), "")
        if self.table.sheet:
            return f"column {get_column_letter(column + 1)}" + (f" ('{title}')" if title else "")
        return f"column '{title}'" if title else f"column {column + 1}"

    def where(self, row: Row, column: int) -> str:
        place = f"row {row.number}, {self.column_name(column)}"
        return place if self.table.name == "the table" else f"{self.table.name}, {place}"


def _candidate(table: Table, layout: Layout) -> ActionTable | None:
    rows = range(len(table.rows))
    if layout.header_row is not None:
        rows = range(layout.header_row - 1, min(layout.header_row, len(table.rows)))
    for index in rows[:HEADER_SEARCH]:
        row = table.rows[index]
        if row.spanning or not any(cell.text.strip() for cell in row.cells):
            continue
        columns = map_header(row, layout)
        if acceptable(columns, layout):
            return ActionTable(table, index, columns, tuple(cell.text for cell in row.cells))
    return None


def find_action_tables(document: PlanDocument, layout: Layout) -> list[ActionTable]:
    """The tables holding the plan's actions: the first recognised (or the one the layout
    names), and every later one whose columns hold the same fields."""
    found: list[ActionTable] = []
    for number, table in enumerate(document.tables, start=1):
        if layout.table is not None and number != layout.table:
            continue
        if layout.sheet is not None and table.name != f"sheet '{layout.sheet}'":
            continue
        candidate = _candidate(table, layout)
        if candidate is None:
            continue
        if not found or set(candidate.fields) == set(found[0].fields):
            found.append(candidate)
    return found


def find_action_table(document: PlanDocument, layout: Layout) -> ActionTable | None:
    """The first action table, if any."""
    tables = find_action_tables(document, layout)
    return tables[0] if tables else None


def _kind(document: PlanDocument, found: ActionTable) -> str:
    if found.table.sheet:
        return "spreadsheet"
    return "PDF table" if document.media_type == "application/pdf" else "Word table"


def describe(
    document: PlanDocument, tables: list[ActionTable], headings: bool, layout: Layout
) -> str:
    """The layout in words, for the import report: which table or sheet, which columns."""
    found = tables[0]
    titles = ", ".join(c.title for c in found.columns if c.field)
    where = "priorities as row headings" if headings else "priorities as a column"
    if headings and "priorities" in found.fields:
        where = "priorities as row headings and a column"
    if "priorities" not in found.fields and not headings:
        where = "priorities from the sheet names"
    names = found.table.name
    if len(tables) > 1:
        names = "sheets " if found.table.sheet else "tables "
        names += ", ".join(
            t.table.name.removeprefix("sheet ").removeprefix("table ") for t in tables
        )
    text = f"{_kind(document, found)} ({names}, header row {found.header + 1}: {titles}; {where})"
    return text + (f", as layout file {layout.name} says" if layout.name else "")


def _front_lines(document: PlanDocument, tables: list[ActionTable]) -> tuple[Line, ...]:
    """What precedes the actions: the document's lines before the first table, or for a
    workbook every other sheet's rows and the action sheets' rows above their header."""
    first = tables[0]
    if not first.table.sheet:
        rows = first.table.rows
        start = rows[0].cells[0].line if rows and rows[0].cells else 1
        return tuple(line for line in document.lines if line.number < start)
    headers = {id(t.table): t.header for t in tables}
    lines: list[Line] = []
    for table in document.tables:
        for row in table.rows[: headers.get(id(table), len(table.rows))]:
            for index, cell in enumerate(row.cells):
                if index and cell is row.cells[index - 1]:
                    continue  # one merged cell, read once
                lines.extend(Line(row.number, text.strip()) for text in cell.text.splitlines())
    return tuple(lines)


def _unmapped(found: ActionTable) -> list[Column]:
    """Columns no field takes that have a title or any text below it."""
    body = found.table.rows[found.header + 1 :]
    out: list[Column] = []
    for column in found.columns:
        if column.field:
            continue
        filled = any(_own(r, column.index) for r in body)
        if filled or (column.title and not column.title.endswith("(continued)")):
            out.append(column)
    return out


def _own(row: Row, index: int) -> str:
    """The text of a row's cell in a column, unless it is the cell merged from the left."""
    if index >= len(row.cells) or (index and row.cells[index] is row.cells[index - 1]):
        return ""
    return row.cells[index].text.strip()


def parse_table_plan(
    document: PlanDocument,
    found: ActionTable | list[ActionTable],
    layout: Layout,
    unlisted: Unlisted = "add",
    knows_agency: Callable[[str], bool] | None = None,
) -> PlanRecord:
    """Read the front matter before the tables and one action per row below each header."""
    tables = found if isinstance(found, list) else [found]
    front = read_front_matter(
        document.name, _front_lines(document, tables), layout.partnership, layout.year
    )
    book = PriorityBook(document.name, front.priorities, unlisted)
    actions: list[ActionRecord] = []
    notices: list[Notice] = [*document.notices, *front.notices]
    headings = False
    for table in tables:
        reader = _RowReader(document.name, table, book, knows_agency or (lambda _name: False))
        reader.context = plan_year(front.year)
        headings |= _read_rows(table, layout, book, reader, actions, notices)
        for column in _unmapped(table):
            notices.append(
                Notice(
                    f"{table.table.name}, {table.column_name(column.index)}",
                    "no property holds this column; its cells are kept on each action as an "
                    "annotation (add its title to SYNONYMS or a layout file to map it)",
                )
            )
        notices += reader.notices
    if not actions:
        raise PlanDocumentError(
            document.name, None, f"{tables[0].table.name} has a header row but no actions"
        )
    return PlanRecord(
        source=document.name,
        partnership=front.partnership,
        year=front.year,
        introduction=front.introduction,
        priorities=book.priorities,
        commissioner=front.commissioner,
        actions=tuple(actions),
        layout=describe(document, tables, headings, layout),
        warnings=(*notices, *book.notices),
    )


def _single(row: Row) -> str | None:
    """The text of a row that is one merged cell or one filled first cell, else None."""
    if row.spanning:
        return next((c.text for c in row.cells if c.text.strip()), None)
    filled = [index for index, cell in enumerate(row.cells) if cell.text.strip()]
    return row.cells[0].text.strip() if filled == [0] else None


def _read_rows(
    found: ActionTable,
    layout: Layout,
    book: PriorityBook,
    reader: _RowReader,
    actions: list[ActionRecord],
    notices: list[Notice],
) -> bool:
    """Append the table's actions; report its notes; whether it had priority headings."""
    rows = [
        r
        for r in found.table.rows[found.header + 1 :]
        if any(c.text.strip() for c in r.cells) and not _repeats_header(r, found)
    ]
    last_action = max((i for i, r in enumerate(rows) if _single(r) is None), default=-1)
    heading: Named | None = None
    headings = False
    implied = _sheet_priority(found, book) if "priorities" not in found.fields else None
    for index, row in enumerate(rows):
        single = _single(row)
        if single is not None and index > last_action:
            notices += [_note(found, note, "under the table") for note in rows[index:]]
            break  # notes under the table end it
        if single is not None and NOTE.match(single):
            notices.append(_note(found, row, "in the table, between its actions"))
            continue
        if single is not None and layout.priorities != "column" and _heading_like(single):
            where = f"{found.table.name}, row {row.number}"
            heading = book.match(Named(" ".join(single.split()), row.cells[0].line, where))
            headings = True
            continue
        actions.append(reader.action(len(actions) + 1, row, heading, implied))
    return headings


def _heading_like(text: str) -> bool:
    return len(text) <= 120 and "\n" not in text


def _note(found: ActionTable, row: Row, place: str) -> Notice:
    """A note row reported where it stands: under the table (it ends it) or in it; a
    merged row's text once, not once per column it spans."""
    text = " ".join(" ".join(dict.fromkeys(c.text for c in row.cells if c.text.strip())).split())
    return Notice(
        f"{found.table.name}, row {row.number}",
        f"a note {place}, not an action: '{text[:100]}'",
    )


def _sheet_priority(found: ActionTable, book: PriorityBook) -> Named | None:
    """A sheet named after one of the plan's listed priorities ('Priority 2 - Fraud')."""
    if not found.table.sheet or found.table.name == "the table":
        return None
    name = found.table.name.removeprefix("sheet '").removesuffix("'")
    text = PRIORITY_PREFIX.sub("", name).strip()
    if priority_key(text) in {priority_key(p.label) for p in book.listed}:
        return Named(text, found.table.rows[0].number if found.table.rows else 1, found.table.name)
    return None


def _repeats_header(row: Row, found: ActionTable) -> bool:
    return tuple(cell.text for cell in row.cells) == found.titles


class _RowReader:
    """Turns one table row into an :class:`ActionRecord`, collecting notices."""

    def __init__(
        self, source: str, found: ActionTable, book: PriorityBook, knows: Callable[[str], bool]
    ) -> None:
        self.source, self.found, self.book, self.knows = source, found, book, knows
        self.context: Context = None
        self.notices: list[Notice] = []
        self.unmapped = _unmapped(found)

    def _cell(self, row: Row, name: str) -> tuple[str, int, str]:
        index = self.found.fields.get(name)
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
            pieces = split_names(part, known)
            if pieces:
                found += [Named(p, line, where) for p in pieces if not is_none(p)]
            elif not is_none(part):
                found.append(Named(part, line, where))
        return tuple(found)

    def action(
        self, ordinal: int, row: Row, heading: Named | None, implied: Named | None = None
    ) -> ActionRecord:
        text, line, where = self._cell(row, "action")
        paragraphs = tuple(p.strip() for p in text.splitlines() if p.strip())
        row_where = f"{self.found.table.name}, row {row.number}"
        if not paragraphs:
            raise self._fail(line, where or row_where, "the row has no action text")
        responsible = self.names(row, "responsible", self.knows)
        if not responsible and "responsible" in self.found.fields:
            _, r_line, r_where = self._cell(row, "responsible")
            raise self._fail(r_line, r_where, "the action has no lead (responsible) agency")
        if not responsible:
            raise self._fail(line, row_where, "the table has no Lead column for this action")
        known = lambda name: priority_key(name) in self.book.known  # noqa: E731
        priorities = [self.book.match(n) for n in self.names(row, "priorities", known)]
        for given in (implied, heading):
            if given is not None and priority_key(given.text) not in {
                priority_key(p.text) for p in priorities
            }:
                priorities.insert(0, self.book.match(given))
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
            annotations=self._annotations(row),
        )

    def _annotations(self, row: Row) -> tuple[tuple[str, str], ...]:
        kept: list[tuple[str, str]] = []
        for column in self.unmapped:
            if text := _own(row, column.index):
                title = column.title or self.found.column_name(column.index)
                kept.append((title, text))
        return tuple(kept)


__all__ = [
    "FIELDS",
    "SYNONYMS",
    "ActionTable",
    "find_action_table",
    "find_action_tables",
    "parse_table_plan",
    "title_key",
]
