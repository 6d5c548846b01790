"""Renderings of the one table type (the store's ``SelectResult``) for people.

The SPARQL results writers live in ``store/serialize.py`` (one CSV writer, one JSON
writer, used by the endpoint, the query workers, the CLI and the downloads); here are
the terminal table, the spreadsheet CSV's options and the developer JSON's cells.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from ..store.base import SelectResult
from ..store.serialize import XSD_STRING, defuse, write_csv, write_json

Term = ox.NamedNode | ox.BlankNode | ox.Literal
FORMATS = ("table", "csv", "json")
__all__ = ["FORMATS", "defuse", "json_rows", "render", "spreadsheet_csv"]


def render(table: SelectResult, form: str) -> str:
    """``table`` as ``table`` (aligned text), ``csv`` or ``json`` text (SPARQL results)."""
    if form == "csv":
        return b"".join(write_csv(table)).decode("utf-8")
    if form == "json":
        document = json.loads(b"".join(write_json(table)))
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return to_text(table)


def to_text(table: SelectResult, width: int = 60) -> str:
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


# --- Web twins: a CSV for spreadsheets and a JSON shape for developers -----------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + name
    for name in (
        "integer int long short byte nonNegativeInteger positiveInteger "
        "nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}


def label_columns(columns: Iterable[str]) -> dict[str, str]:
    """``{x: xLabel}`` for every column whose label column the query also selects."""
    columns = tuple(columns)
    return {name: name + "Label" for name in columns if name + "Label" in columns}


def spreadsheet_csv(table: SelectResult, titles: Iterable[str] | None = None) -> Iterator[bytes]:
    """CSV for people's spreadsheets: the one CSV writer with a header in words and a
    byte-order mark (Excel), formulas defused like every CSV the service sends."""
    return write_csv(table, titles, bom=True)


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


def json_rows(table: SelectResult) -> list[dict[str, dict[str, Any] | None]]:
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
