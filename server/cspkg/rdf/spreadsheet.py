"""The one reader of spreadsheets from outside: ``.xlsx`` workbooks and ``.csv`` files.

Plans (``plan_sheets.py``), progress returns (``progress_table.py``) and alignment
review workbooks all come through here, so every spreadsheet meets the same guards and
says the same things when it cannot be read: a workbook is checked as a package first
(its unpacked size, no DTD: ``plan_document.check_package``) and opened read-only with
saved values, never formulas run; a CSV must be UTF-8 and its rows are capped.  Each
caller turns ``SpreadsheetError`` into its own kind of error (same words).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from ..errors import CspkgError


class SpreadsheetError(CspkgError):
    """A spreadsheet that cannot be read at all; names the file and, where known, line."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


def open_workbook(
    source: str, raw: bytes, max_unpacked: int, *, formulas: bool = False, checked: bool = False
) -> Any:
    """An untrusted ``.xlsx`` opened read-only: saved values (``formulas``: the formulas'
    text instead).  ``checked``: the caller already ran ``check_package`` on it."""
    from openpyxl import load_workbook

    from .plan_document import check_package

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SpreadsheetError(source, None, "not a readable Excel workbook (.xlsx)") from None
    if unpacked > max_unpacked:
        reason = f"the workbook unpacks to more than {max_unpacked // 1_000_000} MB"
        raise SpreadsheetError(source, None, reason)
    if not checked:
        check_package(Path(source), raw)
    with warnings.catch_warnings():  # openpyxl warns about parts it drops; we read values
        warnings.simplefilter("ignore")
        try:
            return load_workbook(io.BytesIO(raw), read_only=True, data_only=not formulas)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as exc:
            reason = type(exc).__name__ if isinstance(exc, KeyError) else str(exc)
            reason = reason.splitlines()[0][:200] if reason else type(exc).__name__
            raise SpreadsheetError(
                source, None, f"not a readable Excel workbook ({reason})"
            ) from None


def csv_rows(
    source: str, raw: bytes, max_rows: int, max_columns: int
) -> list[tuple[int, list[str]]]:
    """A CSV file's rows, numbered from 1 as a spreadsheet shows them, each cut to
    ``max_columns``; more than ``max_rows`` rows is refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpreadsheetError(source, line, "text is not valid UTF-8") from None
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, values in enumerate(reader, start=1):
            if number > max_rows:
                raise SpreadsheetError(source, None, f"the file has more than {max_rows} rows")
            rows.append((number, values[:max_columns]))
    except csv.Error as exc:
        raise SpreadsheetError(source, reader.line_num, f"not readable as CSV ({exc})") from None
    return rows
