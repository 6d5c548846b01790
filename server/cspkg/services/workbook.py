"""An answer as an Excel workbook (openpyxl): the answer, what it is, and wide grids.

Sheets: ``Answer`` (one column per label and one per IRI, cells typed: numbers as
numbers, dates as dates), one sheet per grid when the query's header names a ``matrix``
(row things down, column things across, full labels, IRIs in their own row and column),
and ``About`` (the query, its question, the values used, the data version and when the
workbook was made).  Text is always written as text, so a cell can never run as a
formula.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pyoxigraph import Literal, NamedNode

from ..catalog import CannedQuery
from ..presentation import Matrix
from ..store.base import SelectResult, Term
from .results import label_columns

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
DECIMALS = {XSD + t for t in ("decimal", "double", "float")}
BOLD = Font(bold=True)
MAX_WIDTH = 60
SHEET_NAME = 31  # Excel's limit


@dataclass(frozen=True)
class About:
    """What an answer is, for the ``About`` sheet (and anything else that says so)."""

    query: CannedQuery
    bound: Mapping[str, str | None]
    given: Mapping[str, str]
    data_version: str
    generated: datetime
    source: str


def workbook(table: SelectResult, about: About, titles: dict[str, str] | None = None) -> bytes:
    """The ``.xlsx`` bytes for one answer (``titles``: column titles beyond the query's
    own, such as the facts a list of actions adds)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Answer"
    _answer(sheet, table, about.query, titles or {})
    matrix = about.query.presentation.matrix
    if matrix is not None:
        for name, rows in _grids(table, matrix).items():
            title = matrix.sheets.get(name, name)
            _grid(book.create_sheet(_sheet_name(title, book)), rows, table, matrix, about.query)
    _about(book.create_sheet("About"), table, about)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _answer(
    sheet: Worksheet, table: SelectResult, query: CannedQuery, titles: dict[str, str]
) -> None:
    """One column per label, then its IRI; other columns as they come."""

    def title_of(name: str) -> str:
        return titles.get(name) or query.title_of(name)

    labels = label_columns(table.columns)
    label_of = {label: iri for iri, label in labels.items()}
    order: list[tuple[int, str]] = []
    index = {name: i for i, name in enumerate(table.columns)}
    for i, name in enumerate(table.columns):
        if name in label_of:
            continue
        if name in labels:
            order.append((index[labels[name]], title_of(name)))
            order.append((i, title_of(name) + " (IRI)"))
        else:
            order.append((i, title_of(name)))
    sheet.append([title for _, title in order])
    for cell in sheet[1]:
        cell.font = BOLD
    for row in table.rows:
        sheet.append([_cell(sheet, row[i]) for i, _ in order])
    sheet.freeze_panes = "A2"
    _widths(sheet)


def _grids(table: SelectResult, matrix: Matrix) -> dict[str, list[tuple[Term | None, ...]]]:
    """The answer's rows split by the matrix's ``by`` column (one grid if none)."""
    at = table.columns.index(matrix.by) if matrix.by else None
    grids: dict[str, list[tuple[Term | None, ...]]] = {}
    for row in table.rows:
        key = "Grid" if at is None or row[at] is None else row[at].value
        grids.setdefault(key, []).append(row)
    return grids


def _grid(
    sheet: Worksheet,
    rows: list[tuple[Term | None, ...]],
    table: SelectResult,
    matrix: Matrix,
    query: CannedQuery,
) -> None:
    """A wide grid: row things down (label, IRI), column things across (label row, IRI
    row), the value where they meet."""
    at = {name: i for i, name in enumerate(table.columns)}
    labels = label_columns(table.columns)

    def named(row: tuple[Term | None, ...], column: str) -> tuple[str, str]:
        term = row[at[column]]
        label = row[at[labels[column]]] if column in labels else None
        iri = term.value if term is not None else ""
        return iri, label.value if label is not None else iri

    row_things: dict[str, str] = {}
    column_things: dict[str, str] = {}
    values: dict[tuple[str, str], Term | None] = {}
    for row in rows:
        row_iri, row_label = named(row, matrix.rows)
        column_iri, column_label = named(row, matrix.columns)
        row_things.setdefault(row_iri, row_label)
        column_things.setdefault(column_iri, column_label)
        values[row_iri, column_iri] = row[at[matrix.value]]
    corner = query.title_of(matrix.rows)
    sheet.append([corner, corner + " (IRI)", *column_things.values()])
    sheet.append(["", "", *column_things.keys()])
    for cell in (*sheet[1], *sheet[2]):
        cell.font = BOLD
    for cell in sheet[1][2:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_iri, row_label in row_things.items():
        cells = [_text(sheet, row_label), _text(sheet, row_iri)]
        cells += [_cell(sheet, values.get((row_iri, c))) for c in column_things]
        sheet.append(cells)
    sheet.freeze_panes = "C3"
    _widths(sheet, across=24)


def about_lines(table: SelectResult, about: About) -> list[tuple[str, str]]:
    """What an answer is, in words: the one source for the ``About`` sheet and the CSV's
    metadata (``csv_metadata``)."""
    query = about.query
    lines: list[tuple[str, str]] = [
        ("Query", query.title),
        ("Question", query.question or ""),
        ("What it shows", query.description),
        ("Query name", query.name),
        ("Source", about.source),
        ("Data version", about.data_version),
        ("Generated at", about.generated.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Rows", str(len(table.rows)) + (" (cut at the row limit)" if table.truncated else "")),
    ]
    for parameter in query.parameters:
        value = about.bound.get(parameter.name) or "(any)"
        typed = about.given.get(parameter.name)
        shown = value if typed in (None, value) else f"{typed} ({value})"
        given = "" if parameter.name in about.given else " (default)"
        lines.append((f"Parameter: {parameter.label}", shown + given))
    return lines


def csv_metadata(
    table: SelectResult, about: About, csv_url: str, titles: dict[str, str] | None = None
) -> dict[str, Any]:
    """W3C CSV on the Web metadata (JSON-LD) for the CSV at ``csv_url``: the same facts
    as the ``About`` sheet, plus one column per CSV column (named as in its header).
    Notes use only prefixes CSVW knows (``dc:``, ``schema:``, ``rdfs:``); the query's
    name is ``dc:identifier``, each parameter value a ``schema:PropertyValue``."""
    query = about.query
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": query.title,
        "dc:description": query.description,
        "dc:source": about.source,
        "dc:created": {
            "@value": about.generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "@type": "xsd:dateTime",
        },
        "rdfs:comment": [f"{key}: {value}" for key, value in about_lines(table, about)],
        "dc:identifier": query.name,
        "schema:version": about.data_version,
        "schema:additionalProperty": [
            {
                "@type": "schema:PropertyValue",
                "schema:name": p.name,
                "schema:value": about.bound.get(p.name) or "",
                "schema:description": p.label,
            }
            for p in query.parameters
        ],
        "tableSchema": {
            "columns": [
                {
                    "name": column,
                    "titles": [
                        column,
                        (titles or {}).get(column) or query.presentation.title_of(column),
                    ],
                }
                for column in table.variables
            ]
        },
    }


def _about(sheet: Worksheet, table: SelectResult, about: About) -> None:
    lines = about_lines(table, about)
    for key, value in lines:
        sheet.append([_text(sheet, key), _text(sheet, value)])
        sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _cell(sheet: Worksheet, term: Term | None) -> Any:
    """A typed value: numbers, dates and booleans as themselves, the rest as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = term.datatype.value
        try:
            if datatype in INTEGERS:
                return int(term.value)
            if datatype in DECIMALS:
                return float(Decimal(term.value))
            if datatype == XSD + "date":
                return date.fromisoformat(term.value)
            if datatype == XSD + "boolean":
                return "Yes" if term.value in ("true", "1") else "No"
        except (ValueError, InvalidOperation):
            pass
    if isinstance(term, NamedNode):
        return _text(sheet, term.value)
    return _text(sheet, term.value)


def _text(sheet: Worksheet, value: str) -> Cell:
    """A cell holding ``value`` as text, never as a formula; characters XML cannot hold
    (``\x00``, ``\x0b``...: a parameter typed with them, a literal in the store) become
    U+FFFD, so a workbook is always written rather than a 500."""
    cell = Cell(sheet, value=None)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.data_type = "s"
    return cell


def _widths(sheet: Worksheet, across: int | None = None) -> None:
    """Column widths from the longest value (capped), so labels can be read."""
    for number, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        width = min(max(longest + 2, 8), MAX_WIDTH)
        if across is not None and number > 2:
            width = across
        sheet.column_dimensions[get_column_letter(number)].width = width


def _sheet_name(name: str, book: Workbook) -> str:
    """A unique sheet name Excel accepts (no ``[]:*?/\\``, at most 31 characters)."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name).strip() or "Grid"
    clean = clean[:SHEET_NAME]
    taken = set(book.sheetnames)
    candidate, n = clean, 2
    while candidate in taken:
        suffix = f" {n}"
        candidate, n = clean[: SHEET_NAME - len(suffix)] + suffix, n + 1
    return candidate
