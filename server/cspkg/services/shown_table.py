"""An answer as people see it, once: the rows and columns the page shows and every
download (``.json``, ``.csv``, ``.xlsx``) carries, in the same order.

A query whose header says ``rows: NAME`` is shown one row per distinct ``NAME``, the other
cells listing their distinct values; a list of actions (``rows: action``) also shows what
an analyst reads about each action (lead, supporting agencies, target, CSP and
Commissioner priorities; ``services/action_rows.py``).  The page renders the cells as
linked lists; the downloads flatten them (``flat``): one value as itself, several joined
with "; ", IRIs beside their labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from ..catalog import CannedQuery
from ..store.base import SelectResult, Term
from .action_rows import ActionFacts

FACT_TITLES = {
    "lead": "Lead",
    "supporter": "Supporting agencies",
    "target": "Target",
    "csp": "CSP priorities",
    "commissioner": "Commissioner priorities",
}
"""What a list of actions shows about each action, in the page's words and order."""
SAID_BY = {"target": ("targetText",)}
"""Columns of a query that already say a fact, so it is not shown twice."""
JOIN = "; "

Cell = list[Term]
Facts = Callable[[Iterable[str]], dict[str, ActionFacts]]


@dataclass(frozen=True)
class ShownTable:
    """Column names (a query's variables, then fact columns ``lead``/``leadLabel``...)
    and rows of cells, each cell the distinct values in the order met."""

    columns: tuple[str, ...]
    rows: list[list[Cell]]
    truncated: bool = False
    facts: tuple[str, ...] = ()
    """The fact kinds added (``lead``...), whose titles are ``FACT_TITLES``."""

    def title_of(self, query: CannedQuery, column: str) -> str:
        """A column's title in words (a fact column's, or the query's own)."""
        name = column.removesuffix("Label") if column.endswith("Label") else column
        if name in self.facts:
            return FACT_TITLES[name]
        return query.title_of(column)

    def titles(self, query: CannedQuery) -> dict[str, str]:
        return {column: self.title_of(query, column) for column in self.columns}


def fact_kinds(query: CannedQuery, columns: Iterable[str]) -> tuple[str, ...]:
    """The facts a list of actions adds: all of them unless the query says one already."""
    if query.rows_per != "action":
        return ()
    have = set(columns)
    return tuple(k for k in FACT_TITLES if not set(SAID_BY.get(k, ())) & have)


def shown_table(query: CannedQuery, table: SelectResult, facts: Facts) -> ShownTable:
    """``table`` merged to one row per ``rows:`` value, with the action facts added."""
    key_at = table.columns.index(query.rows_per) if query.rows_per in table.columns else None
    rows: list[list[Cell]] = []
    keys: dict[Term, int] = {}
    for row in table.rows:
        cells: list[Cell] = [[term] if term is not None else [] for term in row]
        key = row[key_at] if key_at is not None else None
        if key is not None:
            at = keys.get(key)
            if at is not None:
                for merged, cell in zip(rows[at], cells, strict=True):
                    merged.extend(term for term in cell if term not in merged)
                continue
            keys[key] = len(rows)
        rows.append(cells)
    kinds = fact_kinds(query, table.columns)
    columns = list(table.columns)
    if kinds:
        found = facts([key.value for key in keys if isinstance(key, NamedNode)])
        for kind in kinds:
            columns += [kind] if kind == "target" else [kind, kind + "Label"]
        for key, row in zip(keys, rows, strict=True):
            item = found.get(key.value) if isinstance(key, NamedNode) else None
            for kind in kinds:
                pairs = getattr(item, kind) if item is not None else []
                labels: Cell = [Literal(label) for _, label in pairs]
                if kind == "target":
                    row.append(labels)
                else:
                    row += [[NamedNode(iri) for iri, _ in pairs if iri], labels]
    return ShownTable(tuple(columns), rows, table.truncated, kinds)


def flat(shown: ShownTable) -> SelectResult:
    """The same rows as one value per cell, for downloads: several values joined."""
    return SelectResult(
        shown.columns,
        [tuple(_one(cell) for cell in row) for row in shown.rows],
        shown.truncated,
    )


def _one(cell: Cell) -> Term | None:
    if not cell:
        return None
    if len(cell) == 1:
        return cell[0]
    return Literal(JOIN.join(term.value for term in cell))
