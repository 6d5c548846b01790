"""An answer as a table for people: column titles in words, labels instead of IRIs
(linked to this service's pages), one row per thing where the query says so, and dates
that do not wrap.  The data twins (JSON, CSV, SPARQL results) keep the query's rows.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode

from ..services.action_rows import action_facts
from ..services.canned_queries import Answer
from ..services.results import label_columns
from .context import services
from .links import link_for

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
DATES = {XSD + "date", XSD + "dateTime", XSD + "gYearMonth", XSD + "gYear"}
_PREFIXES_SHOWN = 60
FACT_COLUMNS = {
    "lead": "Lead",
    "supporter": "Supporting",
    "target": "Target",
    "csp": "CSP priorities",
    "commissioner": "Commissioner priorities",
}
"""What a list of actions shows for each action (``rows: action`` in the header)."""
SAID_BY = {"target": ("targetText",), "lead": (), "supporter": (), "csp": (), "commissioner": ()}
"""Columns of a query that already say a fact, so it is not shown twice."""


def people_table(answer: Answer) -> dict[str, Any]:
    """``{"headers": [...], "rows": [[cell, ...]], "count": n, "merged": bool}``.

    A label column ``xLabel`` is folded into its IRI column ``x`` (the label shown, the
    page linked); a column the header marks ``hidden`` is left out.  When the header
    says ``rows: NAME`` the rows are merged to one per distinct ``NAME``, other columns
    listing their distinct values.
    """
    query = answer.query
    table = answer.table
    base = services().settings.base
    labels = label_columns(table.columns)
    folded = set(labels.values()) | set(query.hidden)
    shown = [i for i, name in enumerate(table.columns) if name not in folded]
    index = {name: i for i, name in enumerate(table.columns)}
    rows: list[list[list[dict[str, Any]]]] = []
    keys: dict[object, int] = {}
    key_at = index.get(query.rows_per) if query.rows_per else None
    for row in table.rows:
        cells = []
        for i in shown:
            name = table.columns[i]
            label = row[index[labels[name]]] if name in labels else None
            cells.append(_cell(row[i], label, base))
        if key_at is not None:
            key = row[key_at]
            at = keys.get(key)
            if at is not None:
                for merged, cell in zip(rows[at], cells, strict=True):
                    if cell and cell[0] not in merged:
                        merged.append(cell[0])
                continue
            keys[key] = len(rows)
        rows.append(cells)
    headers = [query.title_of(table.columns[i]) for i in shown]
    numeric = [_numeric(table, i) for i in shown]
    if query.rows_per == "action" and key_at is not None:
        actions = [key.value for key in keys if isinstance(key, NamedNode)]
        found = services()
        facts = action_facts(found.store, found.settings, actions)
        kinds = [k for k in FACT_COLUMNS if not set(SAID_BY[k]) & set(table.columns)]
        for row, key in zip(rows, keys, strict=True):
            item = facts.get(key.value) if isinstance(key, NamedNode) else None
            for kind in kinds:
                pairs = getattr(item, kind) if item is not None else []
                row.append([_fact(iri, label, base) for iri, label in pairs])
        headers += [FACT_COLUMNS[k] for k in kinds]
        numeric += [False] * len(kinds)
    filled = [i for i in range(len(headers)) if any(row[i] for row in rows)] if rows else []
    if rows and len(filled) < len(headers):  # a column empty in every row says nothing
        headers = [headers[i] for i in filled]
        numeric = [numeric[i] for i in filled]
        rows = [[row[i] for i in filled] for row in rows]
    total = None
    if query.presentation.total is not None and table.rows:
        value = table.rows[0][index[query.presentation.total[0]]]
        total = int(value.value) if value is not None and value.value.isdigit() else None
    return {
        "total": total,
        "headers": headers,
        "numeric": numeric,
        "rows": rows,
        "count": len(rows),
        "merged": key_at is not None and len(rows) < len(table.rows),
        "truncated": table.truncated,
    }


def _fact(iri: str, label: str, base: str) -> dict[str, Any]:
    if not iri:
        return {"text": label}
    return {"text": label, "href": link_for(iri, base), "title": iri}


def _cell(term: Any, label: Any, base: str) -> list[dict[str, Any]]:
    """One cell as a list of values (a merged cell may hold several)."""
    if term is None:
        return []
    if isinstance(term, NamedNode):
        text = label.value if label is not None else _short(term.value)
        return [{"text": text, "href": link_for(term.value, base), "title": term.value}]
    if isinstance(term, Literal) and term.datatype.value in DATES:
        return [{"text": term.value, "nowrap": True}]
    return [{"text": term.value}]


def _short(iri: str) -> str:
    """A readable stand-in for an unlabelled IRI: its last segment, words spaced."""
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail.replace("-", " ").replace("_", " ")[:_PREFIXES_SHOWN] or iri


def _numeric(table: Any, column: int) -> bool:
    """Whether a column holds numbers (right-aligned, as GOV.UK tables do)."""
    seen = [row[column] for row in table.rows if row[column] is not None]
    return bool(seen) and all(
        isinstance(term, Literal) and term.datatype.value in NUMBERS for term in seen
    )
