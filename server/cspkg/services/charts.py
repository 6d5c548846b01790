"""The pictures' data, from canned queries, as plain values: no geometry, no URLs.

``web/chart_layout.py`` places what is computed here and ``web/templates/charts/`` draws
it, so the data can be tested without a browser.  Everything is deterministic: same graph,
same picture.  Labels are kept whole (pages wrap them; nothing is cut).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..namespaces import PREFIXES
from ..store.base import Store
from .canned_queries import run_canned, select
from .crime_trends import Line, crime_rows, crime_trend


@dataclass(frozen=True)
class Item:
    iri: str
    label: str


# --- Heatmaps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Heatmap:
    """A grid of rows × columns; ``covered`` holds (row index, column index) pairs."""

    name: str
    title: str
    rows: tuple[Item, ...]
    columns: tuple[Item, ...]
    covered: frozenset[tuple[int, int]]

    def as_json(self) -> dict[str, object]:
        return {
            "chart": self.name,
            "title": self.title,
            "rows": [{"iri": r.iri, "label": r.label} for r in self.rows],
            "columns": [{"iri": c.iri, "label": c.label} for c in self.columns],
            "cells": [
                {"row": self.rows[i].iri, "column": self.columns[j].iri}
                for i, j in sorted(self.covered)
            ],
            "rowTotals": [self.row_total(i) for i in range(len(self.rows))],
            "columnTotals": [self.column_total(j) for j in range(len(self.columns))],
        }

    def row_total(self, i: int) -> int:
        return sum(1 for r, _ in self.covered if r == i)

    def column_total(self, j: int) -> int:
        return sum(1 for _, c in self.covered if c == j)


def heatmap(name: str, title: str, rows: list[dict[str, str | None]], kind: str) -> Heatmap:
    """Pivot coverage-matrix rows of one ``rowKind`` into a grid, keeping query order."""
    row_items: dict[str, Item] = {}
    column_items: dict[str, Item] = {}
    cells: set[tuple[str, str]] = set()
    for record in rows:
        if record["rowKind"] != kind:
            continue
        row, column = record["row"] or "", record["column"] or ""
        row_items.setdefault(row, Item(row, record["rowLabel"] or row))
        column_items.setdefault(column, Item(column, record["columnLabel"] or column))
        if record["covered"] == "true":
            cells.add((row, column))
    columns = sorted(column_items.values(), key=lambda c: c.label.lower())
    row_index = {iri: i for i, iri in enumerate(row_items)}
    column_index = {c.iri: j for j, c in enumerate(columns)}
    covered = frozenset((row_index[r], column_index[c]) for r, c in cells)
    return Heatmap(name, title, tuple(row_items.values()), tuple(columns), covered)


# --- Bar charts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bars:
    name: str
    title: str
    unit: str
    bars: tuple[tuple[Item, int], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "chart": self.name,
            "title": self.title,
            "unit": self.unit,
            "bars": [{"iri": i.iri, "label": i.label, "value": v} for i, v in self.bars],
        }


# --- Agencies x priorities --------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """A grid of rows x columns holding how many actions each cell has (absent: none)."""

    name: str
    title: str
    rows: tuple[Item, ...]
    columns: tuple[Item, ...]
    values: dict[tuple[int, int], int]

    def as_json(self) -> dict[str, object]:
        return {
            "chart": self.name,
            "title": self.title,
            "rows": [{"iri": r.iri, "label": r.label} for r in self.rows],
            "columns": [{"iri": c.iri, "label": c.label} for c in self.columns],
            "cells": [
                {"row": self.rows[i].iri, "column": self.columns[j].iri, "value": v}
                for (i, j), v in sorted(self.values.items())
            ],
        }

    def row_total(self, i: int) -> int:
        return sum(v for (r, _), v in self.values.items() if r == i)

    @property
    def biggest(self) -> int:
        return max(self.values.values(), default=0)


_AGENCY_PRIORITY = f"""PREFIX cspkg: <{PREFIXES["cspkg"]}>
PREFIX org: <{PREFIXES["org"]}>
PREFIX p-plan: <{PREFIXES["p-plan"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
SELECT ?agency (SAMPLE(?al) AS ?agencyLabel) ?priority (SAMPLE(?pl) AS ?priorityLabel)
       (COUNT(DISTINCT ?action) AS ?actions) WHERE {{{{
  ?action p-plan:isStepOfPlan {{plan}} ;
          cspkg:responsibleAgency|cspkg:supportingAgency ?named ;
          cspkg:meetsPriority ?priority .
  ?named org:unitOf* ?agency .
  FILTER NOT EXISTS {{{{ ?agency org:unitOf ?parent }}}}
  OPTIONAL {{{{ ?agency rdfs:label ?al }}}}
  OPTIONAL {{{{ ?priority skos:prefLabel ?pl }}}}
}}}} GROUP BY ?agency ?priority"""
"""Actions of one plan (``{{plan}}``) per agency (units counted with their parent) and CSP
priority."""


# --- Building each chart from the store ------------------------------------------------

Chart = Heatmap | Bars | Counts | Line


def _records(
    store: Store, catalog: Catalog, settings: Settings, name: str, plan: str | None
) -> list:
    """The canned query's rows for ``plan`` (its default plan when ``None``)."""
    return run_canned(
        store,
        catalog.get(name),
        {"plan": plan} if plan else None,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
    ).records()


def default_plan(catalog: Catalog) -> str:
    """The plan the charts show when none is asked for: the canned queries' default."""
    return catalog.get("actions-per-csp-priority").parameter("plan").default or ""


def action_priority(
    store: Store, catalog: Catalog, settings: Settings, plan: str | None = None
) -> Chart:
    rows = _records(store, catalog, settings, "coverage-matrix", plan)
    return heatmap("action-priority", "Actions × CSP priorities", rows, "action")


def priority_alignment(
    store: Store, catalog: Catalog, settings: Settings, plan: str | None = None
) -> Chart:
    rows = _records(store, catalog, settings, "coverage-matrix", plan)
    title = "CSP priorities × Commissioner priorities (confirmed links only)"
    return heatmap("priority-alignment", title, rows, "csp-priority")


def _bars(name: str, title: str, rows: list[dict[str, str | None]]) -> Bars:
    merged: dict[str, tuple[Item, int]] = {}
    for r in rows:
        iri = r["priority"] or ""
        item = Item(iri, r["priorityLabel"] or iri)
        merged[iri] = (item, merged.get(iri, (item, 0))[1] + int(r["actions"] or 0))
    return Bars(name, title, "actions", tuple(merged.values()))


def csp_priority_bars(
    store: Store, catalog: Catalog, settings: Settings, plan: str | None = None
) -> Chart:
    rows = _records(store, catalog, settings, "actions-per-csp-priority", plan)
    return _bars("actions-per-csp-priority", "Actions per CSP priority", rows)


def commissioner_priority_bars(
    store: Store, catalog: Catalog, settings: Settings, plan: str | None = None
) -> Chart:
    rows = _records(store, catalog, settings, "actions-per-commissioner-priority", plan)
    title = "Actions per Commissioner priority (confirmed links only)"
    return _bars("actions-per-commissioner-priority", title, rows)


def agency_priority(
    store: Store, catalog: Catalog, settings: Settings, plan: str | None = None
) -> Chart:
    """Which CSP priorities each agency's actions meet (lead or support, units included
    with their parent), for ``plan`` (the charts' default plan when ``None``)."""
    term = NamedNode(plan or default_plan(catalog))
    found = select(store, _AGENCY_PRIORITY.format(plan=term), settings).rows
    agencies: dict[str, Item] = {}
    priorities: dict[str, Item] = {}
    raw: dict[tuple[str, str], int] = {}
    for agency, agency_label, priority, priority_label, actions in found:
        if agency is None or priority is None:
            continue
        agencies.setdefault(
            agency.value, Item(agency.value, agency_label.value if agency_label else agency.value)
        )
        priorities.setdefault(
            priority.value,
            Item(priority.value, priority_label.value if priority_label else priority.value),
        )
        raw[(agency.value, priority.value)] = int(actions.value) if actions else 0
    columns = sorted(priorities.values(), key=lambda c: c.label.lower())
    column_index = {c.iri: j for j, c in enumerate(columns)}
    totals = {a: sum(v for (r, _), v in raw.items() if r == a) for a in agencies}
    rows = sorted(agencies.values(), key=lambda r: (-totals[r.iri], r.label.lower()))
    row_index = {r.iri: i for i, r in enumerate(rows)}
    values = {(row_index[a], column_index[p]): v for (a, p), v in raw.items()}
    title = "Agencies × CSP priorities: how many of each agency's actions meet each"
    return Counts("agency-priority", title, tuple(rows), tuple(columns), values)


MONTHS_OF_YEAR = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")  # fmt: skip


def crime_seasonal(
    store: Store,
    catalog: Catalog,
    settings: Settings,
    plan: str | None = None,
    priority: str | None = None,
) -> Bars:
    """The crime-seasonal question as bars, one per month of the year loaded (January
    first): the average a year, so years loaded unevenly still compare."""
    rows = crime_rows(store, catalog, settings, "crime-seasonal", plan, priority)
    bars = sorted((int(r["monthOfYear"]), int(r["average"] or 0)) for r in rows if r["monthOfYear"])
    title = "Recorded crime by month of the year (average a year)"
    return Bars(
        "crime-seasonal",
        title,
        "crimes a year, on average",
        tuple((Item("", MONTHS_OF_YEAR[m - 1]), v) for m, v in bars),
    )


CHARTS: dict[str, tuple[str, Callable[[Store, Catalog, Settings, str | None], Chart]]] = {
    "action-priority": ("Actions × CSP priorities", action_priority),
    "priority-alignment": ("CSP × Commissioner priorities", priority_alignment),
    "actions-per-csp-priority": ("Actions per CSP priority", csp_priority_bars),
    "actions-per-commissioner-priority": (
        "Actions per Commissioner priority",
        commissioner_priority_bars,
    ),
    "agency-priority": ("Agencies × CSP priorities", agency_priority),
    "crime-trend": ("Recorded crime month by month", crime_trend),
    "crime-seasonal": ("Recorded crime by month of the year", crime_seasonal),
}
"""Chart name -> (short title, builder), in the order pages show them."""
