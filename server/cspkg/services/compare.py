"""Two plans' priorities side by side: what the data pairs, and suggestions by name.

``compare-priorities.rq`` pairs the priorities the data says are one (the same concept,
or a crosswalk's exact or close match).  Priorities of two partnerships usually have no
crosswalk, so what is left unpaired on each side is paired here by how alike the names
are (rapidfuzz), best pairs first, and each such pair says it is a suggestion and gives
its score: "Fraud" beside "Fraud and Scams" is likely one subject, but nobody said so.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal
from rapidfuzz import fuzz

from ..store.base import SelectResult

SUGGEST_AT = 80
"""The least score (0-100, rapidfuzz WRatio of the cleaned names) that suggests a pair."""
_BRACKETS = re.compile(r"\s*\([^)]*\)")


def name_key(label: str) -> str:
    """A priority's name for matching: no bracketed part, "&" read as "and", any case."""
    text = _BRACKETS.sub("", label).replace("&", " and ")
    return " ".join(text.casefold().split())


def suggestion(score: float) -> str:
    """How a pair made by name is described, in words."""
    return f"Suggested by name (score {round(score)} of 100)"


def pair_by_name(table: SelectResult) -> SelectResult:
    """The compare table with its one-sided rows paired by name where the names are alike.

    Columns are those of ``compare-priorities.rq``; rows end sorted by the first plan's
    priority name, then the second's, as the query sorts them."""
    columns = table.columns
    at = {name: i for i, name in enumerate(columns)}
    a, b = at["priorityALabel"], at["priorityBLabel"]
    only_a = [i for i, row in enumerate(table.rows) if row[at["priorityB"]] is None]
    only_b = [i for i, row in enumerate(table.rows) if row[at["priorityA"]] is None]
    scored = []
    for i in only_a:
        for j in only_b:
            left, right = table.rows[i][a], table.rows[j][b]
            if left is None or right is None:
                continue
            score = fuzz.WRatio(name_key(left.value), name_key(right.value))
            if score >= SUGGEST_AT:
                scored.append((score, i, j))
    used: set[int] = set()
    merged: dict[int, tuple] = {}
    for score, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if i in used or j in used:
            continue
        used.update((i, j))
        left, right = table.rows[i], table.rows[j]
        cells = [
            right[k] if name.endswith("B") or name.endswith("BLabel") else left[k]
            for k, name in enumerate(columns)
        ]
        cells[at["pairedBy"]] = Literal(suggestion(score))
        merged[i] = tuple(cells)
    rows = [merged.get(i, row) for i, row in enumerate(table.rows) if i not in used or i in merged]
    rows.sort(key=lambda row: (_key(row[a]), _key(row[b])))
    return SelectResult(table.variables, rows, table.truncated)


def _key(term: object) -> tuple[bool, str]:
    value = getattr(term, "value", None)
    return (value is None, str(value or "").casefold())
