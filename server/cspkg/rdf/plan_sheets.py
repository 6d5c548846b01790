"""Read a plan spreadsheet (``.xlsx`` with openpyxl, or ``.csv``) into tables of cells.

A spreadsheet is untrusted input: the package was checked for its unpacked size before
this runs, openpyxl reads it in read-only (streaming) mode, and rows and columns are
bounded, so a hostile file costs at most a bounded read and ends in a message that names
the sheet and row.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path

from ..errors import PlanDocumentError
from .plan_document import MAX_ROWS, Cell, Row, Table

MAX_COLUMNS = 60
MAX_CELL = 20_000


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees: dates as ISO dates, 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()[:MAX_CELL]


def _row(number: int, values: list[object]) -> Row:
    return Row(number, tuple(Cell(cell_text(v), number, number) for v in values))


def _too_many(source: str, where: str) -> PlanDocumentError:
    return PlanDocumentError(source, None, f"{where} has more than {MAX_ROWS} rows")


def read_sheets(path: Path, raw: bytes) -> list[Table]:
    """Every sheet of an ``.xlsx`` (or the one table of a ``.csv``), rows numbered as shown."""
    if path.suffix.lower() == ".csv":
        return [_read_csv(path.name, raw)]
    with warnings.catch_warnings():  # openpyxl warns about parts it drops; we read values
        warnings.simplefilter("ignore")
        return _read_workbook(path, raw)


def _read_workbook(path: Path, raw: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as exc:
        reason = type(exc).__name__ if isinstance(exc, KeyError) else str(exc)
        reason = reason.splitlines()[0][:200] if reason else type(exc).__name__
        raise PlanDocumentError(
            path.name, None, f"not a readable Excel workbook ({reason})"
        ) from None
    tables: list[Table] = []
    try:
        for sheet in workbook.worksheets:
            rows: list[Row] = []
            name = f"sheet '{sheet.title}'"
            for number, values in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
            ):
                if number > MAX_ROWS:
                    raise _too_many(path.name, name)
                rows.append(_row(number, list(values)))
            tables.append(Table(name, tuple(rows), sheet=True))
    except (ValueError, TypeError, KeyError, SyntaxError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PlanDocumentError(
            path.name, None, f"not a readable Excel workbook ({reason})"
        ) from None
    finally:
        workbook.close()
    return tables


def _read_csv(source: str, raw: bytes) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanDocumentError(source, line, "text is not valid UTF-8") from None
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise _too_many(source, "the file")
            rows.append(_row(number, list(values[:MAX_COLUMNS])))
    except csv.Error as exc:
        raise PlanDocumentError(source, reader.line_num, f"not readable as CSV ({exc})") from None
    return Table("the table", tuple(rows), sheet=True)
