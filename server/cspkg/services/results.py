"""A query's answer as a plain table, and its CSV, JSON and text renderings.

Kept apart from any store so the CLI and (later) the web layer render the same way.  CSV
and JSON follow the W3C SPARQL 1.1 results formats, so other tools can read them.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Table:
    """Column names and rows of RDF terms (``None`` where a variable is unbound).

    ``truncated`` says the store stopped at the row limit, so more rows exist.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]
    truncated: bool = False

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of lexical values: easy to compare in tests and templates."""
        return [
            {
                name: None if term is None else term.value
                for name, term in zip(self.columns, row, strict=True)
            }
            for row in self.rows
        ]


def render(table: Table, form: str) -> str:
    """``table`` as ``table`` (aligned text), ``csv`` or ``json`` text."""
    if form == "csv":
        return to_csv(table)
    if form == "json":
        return to_json(table)
    return to_text(table)


def to_csv(table: Table) -> str:
    """SPARQL 1.1 CSV results: a header of names, then plain values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_plain(term) for term in row] for row in table.rows)
    return out.getvalue()


def to_json(table: Table) -> str:
    """SPARQL 1.1 JSON results (``application/sparql-results+json``)."""
    bindings = [
        {
            name: _json_term(term)
            for name, term in zip(table.columns, row, strict=True)
            if term is not None
        }
        for row in table.rows
    ]
    document = {"head": {"vars": list(table.columns)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_text(table: Table, width: int = 60) -> str:
    """Aligned columns for a terminal; long cells are cut at ``width`` characters."""
    cells = [list(table.columns)] + [[_cut(_plain(t), width) for t in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    count = len(table.rows)
    return "\n".join(lines) + f"\n({count} row{'' if count == 1 else 's'})\n"


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    result = {"type": "literal", "value": term.value}
    if term.language:
        result["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        result["datatype"] = term.datatype.value
    return result


# --- Web twins: a CSV for spreadsheets and a JSON shape for developers -----------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheet programs."""
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + name
    for name in (
        "integer int long short byte nonNegativeInteger positiveInteger "
        "nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}
_ROWS_PER_CHUNK = 500


def label_columns(columns: tuple[str, ...]) -> dict[str, str]:
    """``{x: xLabel}`` for every column whose label column the query also selects."""
    return {name: name + "Label" for name in columns if name + "Label" in columns}


def defuse(text: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of running it (CWE-1236)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_csv(table: Table) -> Iterator[bytes]:
    """CSV for people's spreadsheets: UTF-8 with BOM (Excel), CRLF, formulas defused.

    Columns are the query's own, so each IRI column is followed by its label column.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    for start in range(0, len(table.rows), _ROWS_PER_CHUNK):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        chunk = table.rows[start : start + _ROWS_PER_CHUNK]
        writer.writerows([defuse(_plain(term)) for term in row] for row in chunk)
        yield out.getvalue().encode("utf-8")


def json_cell(term: Term | None, label: Term | None = None) -> dict[str, Any] | None:
    """One cell for the developer JSON: ``type`` in plain words, ``value`` native when
    JSON has the type (integers, booleans, finite doubles), ``label`` for IRIs."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        cell: dict[str, Any] = {"type": "iri", "value": term.value}
        if label is not None:
            cell["label"] = label.value
        return cell
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if not isinstance(term, ox.Literal):
        return {"type": "triple", "value": str(term)}
    if term.language:
        return {"type": "string", "value": term.value, "lang": term.language}
    datatype = term.datatype.value
    cell = {"type": "literal", "value": term.value, "datatype": datatype}
    if datatype == XSD_STRING:
        return {"type": "string", "value": term.value}
    if datatype.startswith(_XSD):
        cell["type"] = datatype[len(_XSD) :]
    try:
        if datatype in _INTEGER_TYPES:
            cell["type"], cell["value"] = "integer", int(term.value)
        elif datatype == _XSD + "boolean":
            cell["value"] = term.value in ("true", "1")
        elif datatype in (_XSD + "double", _XSD + "float"):
            number = float(term.value)
            if math.isfinite(number):
                cell["value"] = number
    except ValueError:
        pass  # an ill-typed literal keeps its lexical form
    return cell


def json_rows(table: Table) -> list[dict[str, dict[str, Any] | None]]:
    """Rows as ``{column: cell}``; an IRI cell carries the label from ``columnLabel``."""
    index = {name: i for i, name in enumerate(table.columns)}
    labels = label_columns(table.columns)
    return [
        {
            name: json_cell(row[i], row[index[labels[name]]] if name in labels else None)
            for i, name in enumerate(table.columns)
        }
        for row in table.rows
    ]
