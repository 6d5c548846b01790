"""Read a plan spreadsheet (``.xlsx`` with openpyxl, or ``.csv``) into tables of cells.

Councils' workbooks are made for people: a title merged over the columns, a priority
merged down the rows it covers, dates as Excel dates shown "Mar-26", rows or columns
hidden, a read-me sheet.  So a merged cell's text fills every row and column it spans
(a merge across a whole row is one cell, as in Word), a date shown without its day is read
as its month, and hidden rows, columns and sheets are read like the rest and reported.

A spreadsheet is untrusted input: the package was checked for its unpacked size before
this runs, the project's one spreadsheet reader (``spreadsheet.py``) opens it read-only
(streaming), rows and columns are bounded,
and a sheet ends after a long run of empty rows (formatting applied down a whole column
makes a million of them), so a hostile file costs at most a bounded read and ends in a
message that names the sheet and row.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from ..errors import PlanDocumentError
from .plan_document import MAX_ROWS, MAX_UNZIPPED, Cell, Row, Table
from .plan_record import Notice
from .spreadsheet import SpreadsheetError, csv_rows, open_workbook

MAX_COLUMNS = 60
MAX_CELL = 20_000
BLANK_RUN = 500
"""Empty rows in a row after which a sheet is taken to have ended."""
MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
HIDDEN = re.compile(rb"\bhidden=\"(?:1|true)\"")
ROW_TAG = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
MAX_HIDDEN = 10_000
COLUMN = re.compile(rb"<(?:\w+:)?col\s[^>]*>")
ATTRIBUTE = re.compile(rb"\b(min|max|hidden)=\"([^\"]*)\"")
QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as the text a person sees: dates as ISO dates (or the month, when
    the cell shows no day: 'mmm-yy' is 'March 2026'), 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        shown = QUOTED.sub("", number_format or "").lower()
        if "m" in shown and "y" in shown and "d" not in shown:
            return day.strftime("%B %Y")
        return day.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()[:MAX_CELL]


def _too_many(source: str, where: str) -> PlanDocumentError:
    return PlanDocumentError(source, None, f"{where} has more than {MAX_ROWS} rows")


def read_sheets(path: Path, raw: bytes) -> tuple[list[Table], list[Notice]]:
    """Every sheet of an ``.xlsx`` (or the one table of a ``.csv``), rows numbered as shown,
    and what a person may not see in the workbook (hidden parts, where reading stopped)."""
    if path.suffix.lower() == ".csv":
        return [_read_csv(path.name, raw)], []
    with warnings.catch_warnings():  # openpyxl warns about parts it drops; we read values
        warnings.simplefilter("ignore")  # (iterating a read-only sheet warns too)
        return _read_workbook(path, raw)


def _column(letters: bytes) -> int:
    return column_index_from_string(letters.decode())


class _SheetXml:
    """What read-only openpyxl does not give: merged ranges, hidden rows and columns,
    found in the sheet's XML (checked for size and DTDs by ``check_package``)."""

    def __init__(self, raw: bytes, part: str) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as package:
                xml = package.read(part.lstrip("/"))
        except (KeyError, zipfile.BadZipFile):
            xml = b""
        self.merges = [
            (int(m[2]), _column(m[1]), int(m[4] or m[2]), _column(m[3] or m[1]))
            for m in MERGE.finditer(xml)
        ][:10_000]
        rows: set[int] = set()
        for number, found in enumerate(HIDDEN.finditer(xml)):
            if number >= MAX_HIDDEN:
                break
            start = xml.rfind(b"<", 0, found.start())
            tag = ROW_TAG.match(xml, start, found.start())
            if tag is not None:
                rows.add(int(tag[1]))
        self.hidden_rows = sorted(rows)
        columns: set[int] = set()
        for tag in COLUMN.finditer(xml):
            found = {k.decode(): v.decode() for k, v in ATTRIBUTE.findall(tag.group(0))}
            if found.get("hidden") in ("1", "true") and found.get("min", "").isdigit():
                low = int(found["min"])
                high = min(int(found.get("max", low) or low), MAX_COLUMNS)
                columns.update(range(low, high + 1))
        self.hidden_columns = sorted(c for c in columns if c <= MAX_COLUMNS)


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    for number in numbers:
        if parts and parts[-1].split("-")[-1] == str(number - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts[:20]) + (" ..." if len(parts) > 20 else "")


def _read_workbook(path: Path, raw: bytes) -> tuple[list[Table], list[Notice]]:
    try:  # plan_document.read_document has checked the package
        workbook = open_workbook(path.name, raw, MAX_UNZIPPED, checked=True)
    except SpreadsheetError as exc:
        raise PlanDocumentError(exc.source, exc.line, exc.reason) from None
    tables: list[Table] = []
    notices: list[Notice] = []
    try:
        for sheet in workbook.worksheets:
            name = f"sheet '{sheet.title}'"
            xml = _SheetXml(raw, getattr(sheet, "_worksheet_path", ""))
            values, stopped = _sheet_values(path.name, name, sheet)
            tables.append(Table(name, tuple(_rows(values, xml.merges)), sheet=True))
            notices += _hidden(name, sheet, xml, len(values))
            if stopped:
                notices.append(
                    Notice(name, f"reading stopped at row {stopped}: {BLANK_RUN} empty rows in a "
                           "row (formatting down the sheet); anything further down is not read")
                )  # fmt: skip
    except (ValueError, TypeError, KeyError, SyntaxError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PlanDocumentError(
            path.name, None, f"not a readable Excel workbook ({reason})"
        ) from None
    finally:
        workbook.close()
    return tables, notices


def _sheet_values(source: str, name: str, sheet: Any) -> tuple[list[list[str]], int]:
    """The sheet's cell texts, up to the last non-empty row; and the row where a long run
    of empty rows stopped the read (0 when the sheet simply ended)."""
    values: list[list[str]] = []
    blank = 0
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        texts = [cell_text(c.value, getattr(c, "number_format", "General")) for c in cells]
        if any(texts):
            blank = 0
        else:
            blank += 1
            if blank >= BLANK_RUN:
                return values[: len(values) - blank + 1], number
        if number > MAX_ROWS:
            raise _too_many(source, name)
        values.append(texts)
    while values and not any(values[-1]):
        values.pop()
    return values, 0


def _hidden(name: str, sheet: Any, xml: _SheetXml, rows: int) -> list[Notice]:
    found: list[Notice] = []
    if getattr(sheet, "sheet_state", "visible") != "visible":
        found.append(Notice(name, "the sheet is hidden; it was read like the others"))
    hidden_rows = [r for r in xml.hidden_rows if r <= rows]
    if hidden_rows:
        found.append(Notice(name, f"hidden rows {_ranges(hidden_rows)} were read like the others"))
    if xml.hidden_columns:
        letters = ", ".join(get_column_letter(c) for c in xml.hidden_columns[:20])
        found.append(Notice(name, f"hidden columns {letters} were read like the others"))
    return found


def _rows(values: list[list[str]], merges: list[tuple[int, int, int, int]]) -> list[Row]:
    """Rows of cells, each merged range's text in every position it covers (but a row
    empty of its own stays empty); a range merged across columns is one cell in its row
    (as Word gives it)."""
    width = max((len(v) for v in values), default=0)
    grid = [v + [""] * (width - len(v)) for v in values]
    cells: list[list[Cell]] = [
        [Cell(text, number, number) for text in row] for number, row in enumerate(grid, start=1)
    ]
    spanning: set[int] = set()
    for top, left, bottom, right in merges:
        if top > len(grid) or left > width:
            continue
        text = grid[top - 1][left - 1]
        for number in range(top, min(bottom, len(grid)) + 1):
            if number > top and not any(grid[number - 1]):
                continue  # a spacer row inside a merge stays a spacer
            shared = Cell(text, number, number)
            for column in range(left, min(right, width) + 1):
                cells[number - 1][column - 1] = shared
            outside = [
                t for c, t in enumerate(grid[number - 1], start=1) if t and not left <= c <= right
            ]
            if right > left and not outside and text:
                spanning.add(number)
    return [
        Row(number, tuple(row), number in spanning) for number, row in enumerate(cells, start=1)
    ]


def _read_csv(source: str, raw: bytes) -> Table:
    try:
        found = csv_rows(source, raw, MAX_ROWS, MAX_COLUMNS)
    except SpreadsheetError as exc:
        raise PlanDocumentError(exc.source, exc.line, exc.reason) from None
    rows = [
        Row(number, tuple(Cell(cell_text(v), number, number) for v in values))
        for number, values in found
    ]
    return Table("the table", tuple(rows), sheet=True)
