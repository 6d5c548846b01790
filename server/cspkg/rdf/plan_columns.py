"""Which column of an action table holds what: column titles matched to the plan's fields.

A title is matched first by the layout file (if one names it), then by the built-in
synonyms below, then by its fuzzy score against them (rapidfuzz's token sort ratio, so
"Target completion date" is a target and "Success measures" an outcome, while "Lead
officer" or "RAG" match nothing).  Each field takes the best-scoring column; a column no
field takes is *unmapped*: the import names it in a warning and keeps its cells on each
action as an annotation (column title and text), so nothing the plan says is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .plan_document import Row
from .plan_layout import Layout

SYNONYMS = {
    "reference": ("ref", "ref no", "reference", "no", "number", "#", "action ref", "action no",
                  "id", "action number"),
    "action": ("action", "actions", "activity", "activities", "what we will do", "description",
               "action description", "what will we do", "key actions", "action required",
               "actions to be taken"),
    "responsible": ("lead", "lead agency", "lead agencies", "owner", "responsible",
                    "responsible agency", "responsible agencies", "lead partner",
                    "lead organisation", "responsibility"),
    "supporting": ("partners", "supporting partners", "additional agencies",
                   "additional agencies involved", "supporting agencies", "partner agencies",
                   "key partners", "other partners", "support", "partners involved",
                   "key partners involved", "partner organisations"),
    "priorities": ("priority", "priorities", "strategic priority", "strategic priorities",
                   "theme", "themes", "priorities met", "priority area"),
    "target": ("timescale", "timescales", "target date", "target", "by when", "deadline",
               "due date", "due", "when", "completion date", "target dates", "timeframe",
               "due by", "completion by"),
    "outcome": ("outcome", "outcomes", "measure of success", "measures of success", "kpi",
                "kpis", "success measure", "expected outcome", "expected outcomes",
                "how we will know", "what success looks like", "outcome measure",
                "anticipated outcome", "measures"),
}  # fmt: skip
TITLES = {title: name for name, titles in SYNONYMS.items() for title in titles}
FUZZY_SCORE = 80
"""The least token-sort score at which a title not among the synonyms is taken as one."""
PROPERTIES = {
    "reference": "cspkg:actionReference",
    "action": "rdfs:label, dcterms:description",
    "responsible": "cspkg:responsibleAgency",
    "supporting": "cspkg:supportingAgency",
    "priorities": "cspkg:meetsPriority",
    "target": "cspkg:targetText, cspkg:targetDate",
    "outcome": "cspkg:measureOfSuccess",
}
UNMAPPED = "unmapped: kept as cspkg:annotation"


def title_key(text: str) -> str:
    """'No.', 'By when?', 'Lead Agency(s):' -> 'no', 'by when', 'lead agency'."""
    text = re.sub(r"\((?:s|es)\)", "", text.lower()).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


@dataclass(frozen=True)
class Column:
    """One column of a header row: its title, the field it holds (None: unmapped), the
    score of the match and how it was made."""

    index: int
    title: str
    field: str | None
    score: float
    how: str

    @property
    def property(self) -> str:
        return PROPERTIES[self.field] if self.field else UNMAPPED


def _candidates(key: str, layout: Layout, named: dict[str, str]) -> tuple[str, float, str] | None:
    if key in named:
        return named[key], 100.0, "layout file"
    if not key:
        return None
    if key in TITLES:
        return TITLES[key], 100.0, "synonym"
    found = process.extractOne(key, list(TITLES), scorer=fuzz.token_sort_ratio)
    if found is not None and found[1] >= FUZZY_SCORE:
        return TITLES[found[0]], float(found[1]), f"fuzzy, like '{found[0]}'"
    return None


def map_header(row: Row, layout: Layout) -> tuple[Column, ...]:
    """Every distinct cell of ``row`` as a column; each field goes to its best match."""
    named = {title_key(title): name for name, title in layout.columns.items()}
    offers: list[tuple[int, str, str, float, str]] = []
    for index, cell in enumerate(row.cells):
        if index and cell is row.cells[index - 1]:
            continue  # a merged header cell is one column
        found = _candidates(title_key(cell.text), layout, named)
        if found is not None:
            offers.append((index, cell.text, *found))
    taken: dict[str, tuple[int, float, str]] = {}
    for index, _title, name, score, how in sorted(offers, key=lambda o: (-o[3], o[0])):
        if name not in taken and index not in {t[0] for t in taken.values()}:
            taken[name] = (index, score, how)
    by_index = {index: (name, score, how) for name, (index, score, how) in taken.items()}
    columns: list[Column] = []
    for index, cell in enumerate(row.cells):
        title = " ".join(cell.text.split())
        if index and cell is row.cells[index - 1]:
            # under a title merged over several columns: its cells are kept, not dropped
            columns.append(Column(index, f"{title} (continued)" if title else "", None, 0.0, ""))
            continue
        name, score, how = by_index.get(index, (None, 0.0, ""))
        columns.append(Column(index, title, name, score, how))
    return tuple(columns)


def acceptable(columns: tuple[Column, ...], layout: Layout) -> bool:
    """An action table names an Action column and a Lead, Priority or Timescale one (and
    every column a layout file names)."""
    fields = {c.field for c in columns if c.field}
    if layout.columns and not set(layout.columns) <= fields:
        return False
    return "action" in fields and bool({"responsible", "priorities", "target"} & fields)
