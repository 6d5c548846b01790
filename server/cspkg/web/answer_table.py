"""An answer as a table for people: column titles in words, labels instead of IRIs
(linked to this service's pages), one row per thing where the query says so, and dates
that do not wrap.  The rows and columns are ``services/shown_table.py``'s, which the
``.json``, ``.csv`` and ``.xlsx`` twins carry too; only the SPARQL results formats keep
the query's own rows.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode

from ..services.action_rows import action_facts
from ..services.canned_queries import Answer
from ..services.results import label_columns
from ..services.shown_table import ShownTable, shown_table
from .context import services
from .links import link_for

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
DATES = {XSD + "date", XSD + "dateTime", XSD + "gYearMonth", XSD + "gYear"}
_PREFIXES_SHOWN = 60


def shown(answer: Answer) -> ShownTable:
    """The answer as people see it (``services/shown_table.py``): the rows the page
    shows and every download carries."""
    found = services()
    return shown_table(
        answer.query,
        answer.table,
        lambda actions: action_facts(found.store, found.settings, actions),
    )


def people_table(answer: Answer) -> dict[str, Any]:
    """``{"headers": [...], "rows": [[cell, ...]], "count": n, "merged": bool}``.

    The rows and columns are ``shown(answer)``'s; a label column ``xLabel`` is folded
    into its IRI column ``x`` (the label shown, the page linked); a column the header
    marks ``hidden`` is left out, and so is a column empty in every row.
    """
    query = answer.query
    table = shown(answer)
    base = services().settings.base
    labels = label_columns(table.columns)
    folded = set(labels.values()) | set(query.hidden)
    keep = [i for i, name in enumerate(table.columns) if name not in folded]
    index = {name: i for i, name in enumerate(table.columns)}
    rows = []
    for row in table.rows:
        cells = []
        for i in keep:
            name = table.columns[i]
            named = row[index[labels[name]]] if name in labels else []
            cells.append(_cells(row[i], named, base))
        rows.append(cells)
    headers = [table.title_of(query, table.columns[i]) for i in keep]
    numeric = [_numeric(table, i) for i in keep]
    filled = [i for i in range(len(headers)) if any(row[i] for row in rows)] if rows else []
    if rows and len(filled) < len(headers):  # a column empty in every row says nothing
        headers = [headers[i] for i in filled]
        numeric = [numeric[i] for i in filled]
        rows = [[row[i] for i in filled] for row in rows]
    total = None
    raw = answer.table
    if query.presentation.total is not None and raw.rows:
        value = raw.rows[0][raw.columns.index(query.presentation.total[0])]
        total = int(value.value) if value is not None and value.value.isdigit() else None
    return {
        "total": total,
        "headers": headers,
        "numeric": numeric,
        "rows": rows,
        "count": len(rows),
        "merged": query.rows_per is not None and len(rows) < len(raw.rows),
        "truncated": raw.truncated,
    }


def _cells(terms: list[Any], labels: list[Any], base: str) -> list[dict[str, Any]]:
    """One cell's values; an IRI takes the label at its place when the label column has
    one per IRI, else a readable stand-in."""
    paired = len(labels) == len(terms)
    return [_value(term, labels[i] if paired else None, base) for i, term in enumerate(terms)]


def _value(term: Any, label: Any, base: str) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        text = label.value if label is not None else _short(term.value)
        return {"text": text, "href": link_for(term.value, base), "title": term.value}
    if isinstance(term, Literal) and term.datatype.value in DATES:
        return {"text": term.value, "nowrap": True}
    return {"text": term.value}


def _short(iri: str) -> str:
    """A readable stand-in for an unlabelled IRI: its last segment, words spaced."""
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail.replace("-", " ").replace("_", " ")[:_PREFIXES_SHOWN] or iri


def _numeric(table: ShownTable, column: int) -> bool:
    """Whether a column holds numbers (right-aligned, as GOV.UK tables do)."""
    seen = [term for row in table.rows for term in row[column]]
    return bool(seen) and all(
        isinstance(term, Literal) and term.datatype.value in NUMBERS for term in seen
    )
