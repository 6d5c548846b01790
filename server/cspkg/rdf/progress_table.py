"""Read a progress return (a filled tracker workbook or a CSV) into plain rows.

Both kinds come down to the same columns, so one checker (services/progress.py) reads
both: ``action, period, status, progress, commentary`` and optionally ``reported_by``,
``reported_on``.  Headers are matched loosely (``% complete`` is ``progress``); each row
keeps its number in the file and the column names as the person sees them, so a
problem can say "row 7, column F (Status)".  Nothing is interpreted here.

A return is untrusted: its size and row count are capped, and a workbook is opened
read-only without formulas being evaluated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import CspkgError
from . import spreadsheet
from .spreadsheet import SpreadsheetError, csv_rows

COLUMNS = ("action", "period", "status", "progress", "commentary", "reported_by", "reported_on")
REQUIRED = ("action", "period", "status")
MAX_BYTES = 5_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 50_000_000
"""A workbook is a zip: its parts, unpacked, may not exceed this (a zip bomb is refused)."""
PROGRESS_SHEET = "Progress"
PLAN_CELL_LABEL = "plan"

HEADER_ALIASES: dict[str, str] = {
    "action": "action",
    "action number": "action",
    "action no": "action",
    "no": "action",
    "number": "action",
    "period": "period",
    "quarter": "period",
    "reporting period": "period",
    "status": "status",
    "rag": "status",
    "rag status": "status",
    "progress": "progress",
    "percent complete": "progress",
    "percentage complete": "progress",
    "complete": "progress",
    "commentary": "commentary",
    "comment": "commentary",
    "comments": "commentary",
    "update": "commentary",
    "reported by": "reported_by",
    "reported on": "reported_on",
    "date reported": "reported_on",
}
"""Header text (lower case, punctuation dropped) -> column key."""

Cell = str | int | float | date | datetime | None


class ProgressFileError(CspkgError):
    """A progress return could not be read at all (wrong kind of file, no header...)."""


@dataclass(frozen=True)
class ProgressRow:
    """One data row: its number in the file and its raw values by column key."""

    row: int
    values: dict[str, Cell]


@dataclass(frozen=True)
class ProgressTable:
    """Every non-empty row of a return, and where each column was found."""

    source: str
    """The file's name (never a path)."""
    sha256: str
    rows: list[ProgressRow]
    columns: dict[str, str] = field(default_factory=dict)
    """Column key -> the name a person sees (``F (Status)`` or ``status``)."""
    plan: str | None = None
    """The plan a tracker workbook names in its ``Plan`` cell, when it has one."""
    warnings: tuple[str, ...] = ()
    """What was read but may not be what the person meant (a formula with no saved value)."""

    def column_name(self, key: str) -> str:
        return self.columns.get(key, key)


def header_key(text: object) -> str | None:
    """The column key a header means, or None for a column we do not read."""
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("%", " percent ")).split()
    normal = " ".join(w for w in words if w not in {"the", "of", "date", "yyyy", "mm", "dd"})
    if normal in HEADER_ALIASES:
        return HEADER_ALIASES[normal]
    return HEADER_ALIASES.get(" ".join(words))


def read_progress_file(path: Path) -> ProgressTable:
    """A ``.csv`` or ``.xlsx`` return as rows; ProgressFileError names what is wrong."""
    name = path.name
    data = read_bounded(path)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(name, digest, data)
    if suffix == ".xlsx":
        return _read_xlsx(name, digest, data)
    raise ProgressFileError(f"{name}: expected a tracker workbook (.xlsx) or a CSV file (.csv)")


def _table(
    name: str,
    digest: str,
    header: list[Cell],
    body: list[tuple[int, list[Cell]]],
    letters: list[str] | None = None,
    plan: str | None = None,
) -> ProgressTable:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = header_key(text)
        if key and key not in positions:
            positions[key] = index
    missing = [key for key in REQUIRED if key not in positions]
    if missing:
        raise ProgressFileError(
            f"{name}: no {', '.join(repr(m) for m in missing)} column; the header row needs "
            f"the columns {', '.join(COLUMNS[:5])} (and optionally reported_by, reported_on)"
        )
    rows = []
    for number, cells in body:
        values = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
        if all(_blank(v) for k, v in values.items() if k not in ("action", "period")):
            continue  # an action nobody reported on this time
        rows.append(ProgressRow(number, values))
    columns = {
        key: f"{letters[i]} ({str(header[i]).strip()})" if letters else str(header[i]).strip()
        for key, i in positions.items()
    }
    return ProgressTable(name, digest, rows, columns, plan)


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(name: str, digest: str, data: bytes) -> ProgressTable:
    try:
        lines = csv_rows(name, data, MAX_ROWS + 1, MAX_COLUMNS)
    except SpreadsheetError as exc:
        raise ProgressFileError(str(exc)) from None
    if not lines:
        raise ProgressFileError(f"{name}: the file is empty")
    header: list[Cell] = list(lines[0][1])
    body: list[tuple[int, list[Cell]]] = [(n, list(cells)) for n, cells in lines[1:]]
    return _table(name, digest, header, body)


def _capped(name: str, rows: object) -> object:
    for count, item in enumerate(rows):  # type: ignore[call-overload]
        if count > MAX_ROWS:
            raise ProgressFileError(f"{name}: more than {MAX_ROWS} rows")
        yield item


def open_workbook(name: str, data: bytes, formulas: bool = False) -> Any:
    """An untrusted ``.xlsx`` through the one spreadsheet reader (``spreadsheet.py``):
    a zip bomb or a DTD refused first, read-only, values not formulas (``formulas``: the
    formulas' text instead)."""
    try:
        return spreadsheet.open_workbook(name, data, MAX_UNPACKED_BYTES, formulas=formulas)
    except SpreadsheetError as exc:
        raise ProgressFileError(str(exc)) from None


def read_bounded(path: Path) -> bytes:
    """A return's bytes, refused (by name) when unreadable or over ``MAX_BYTES``."""
    try:
        size = path.stat().st_size
    except OSError:
        raise ProgressFileError(f"{path.name}: cannot be read") from None
    if size > MAX_BYTES:
        raise ProgressFileError(f"{path.name}: larger than {MAX_BYTES // 1_000_000} MB")
    return path.read_bytes()


def _read_xlsx(name: str, digest: str, data: bytes) -> ProgressTable:
    from openpyxl.utils import get_column_letter

    book = open_workbook(name, data)
    try:
        sheet = book[PROGRESS_SHEET] if PROGRESS_SHEET in book.sheetnames else book.worksheets[0]
        header: list[Cell] | None = None
        plan: str | None = None
        body: list[tuple[int, list[Cell]]] = []
        for number, cells in _capped(name, enumerate(sheet.iter_rows(values_only=True), 1)):  # type: ignore[arg-type]
            values = list(cells)
            if header is None:
                if values and str(values[0] or "").strip().lower().rstrip(":") == PLAN_CELL_LABEL:
                    plan = str(values[1]).strip() if len(values) > 1 and values[1] else None
                elif sum(header_key(v) is not None for v in values) >= len(REQUIRED):
                    header = values
                continue
            body.append((number, values))
    finally:
        book.close()
    if header is None:
        raise ProgressFileError(
            f"{name}: no header row with the columns {', '.join(REQUIRED)} "
            f"on the sheet '{sheet.title}'"
        )
    letters = [get_column_letter(i + 1) for i in range(len(header))]
    table = _table(name, digest, header, body, letters, plan)
    read = {key: letters.index(column.split(" ")[0]) for key, column in table.columns.items()}
    missing = _formulas_without_values(name, data, sheet.title, body, set(read.values()))
    by_index = {index: table.columns[key] for key, index in read.items()}
    return replace(
        table,
        warnings=tuple(
            f"row {row}, column {by_index[index]}: a formula with no saved value was read as "
            "empty; open the file in Excel and save it, or type the value in"
            for row, index in missing
        ),
    )


def _formulas_without_values(
    name: str, data: bytes, title: str, body: list[tuple[int, list[Cell]]], columns: set[int]
) -> list[tuple[int, int]]:
    """(row, column index) of formula cells in the read columns whose saved value is
    missing (a workbook written by a program that does not calculate): openpyxl reads
    them as empty, so without this they would vanish silently."""
    empty = {(n, i) for n, cells in body for i in columns if i >= len(cells) or cells[i] is None}
    if not empty:
        return []
    book = open_workbook(name, data, formulas=True)
    try:
        found = []
        rows = book[title].iter_rows(values_only=True)
        for number, cells in _capped(name, enumerate(rows, 1)):  # type: ignore[arg-type]
            for index in sorted(columns):
                value = cells[index] if index < len(cells) else None
                if (number, index) in empty and isinstance(value, str) and value.startswith("="):
                    found.append((number, index))
    finally:
        book.close()
    return found


__all__ = [
    "COLUMNS",
    "REQUIRED",
    "ProgressFileError",
    "ProgressRow",
    "ProgressTable",
    "header_key",
    "open_workbook",
    "read_bounded",
    "read_progress_file",
]
