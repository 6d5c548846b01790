"""The pictures' data (from canned queries) and their geometry, as plain values.

Templates in ``web/templates/charts/`` only place what is computed here, so the layout
can be tested without a browser and the SVG stays free of logic.  Everything is
deterministic: same graph, same picture (the network uses a circle layout ordered by
label).  Labels are cut to fit; the full label always goes in a ``<title>`` tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..namespaces import PREFIXES
from ..store.base import Store
from .canned_queries import run_canned, select

CHAR_WIDTH = 6.6
"""Rough width in px of one character of the 12px sans-serif the SVGs use."""


def shorten(text: str, limit: int, units: bool = False) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis.

    With ``units``, agency names "Parent - Unit" keep the unit and abbreviate the parent
    to its initials ("Cannock Chase District Council - CCTV" -> "CCDC - CCTV"), since the
    unit is what tells neighbouring labels apart.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    parent, dash, unit = text.partition(" - ")
    if units and dash and unit:
        initials = "".join(word[0] for word in parent.split() if word[:1].isupper())
        text = f"{initials} - {unit}" if len(initials) > 1 else text
        if len(text) <= limit:
            return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–&") + "…"


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


@dataclass(frozen=True)
class HeatmapLayout:
    chart: Heatmap
    width: int
    height: int
    left: int
    top: int
    cell_width: int
    cell_height: int
    row_chars: int
    column_chars: int


def heatmap_layout(chart: Heatmap, cell_width: int = 34, cell_height: int = 20) -> HeatmapLayout:
    row_chars = min(58, max((len(r.label) for r in chart.rows), default=10))
    column_chars = min(34, max((len(c.label) for c in chart.columns), default=10))
    left = int(row_chars * CHAR_WIDTH) + 16
    top = int(column_chars * CHAR_WIDTH * 0.72) + 30
    overhang = int(column_chars * CHAR_WIDTH * 0.72) - cell_width * 1.5
    width = left + cell_width * (len(chart.columns) + 1) + int(max(40, overhang))
    height = top + cell_height * (len(chart.rows) + 1) + 16
    return HeatmapLayout(
        chart, width, height, left, top, cell_width, cell_height, row_chars, column_chars
    )


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


@dataclass(frozen=True)
class BarsLayout:
    chart: Bars
    width: int
    height: int
    left: int
    bar_height: int
    scale: float
    label_chars: int


def bars_layout(chart: Bars, plot_width: int = 380, bar_height: int = 26) -> BarsLayout:
    label_chars = min(48, max((len(i.label) for i, _ in chart.bars), default=10))
    left = int(label_chars * CHAR_WIDTH) + 16
    biggest = max((v for _, v in chart.bars), default=0)
    scale = plot_width / biggest if biggest else 0.0
    height = 40 + bar_height * len(chart.bars) + 10
    return BarsLayout(chart, left + plot_width + 50, height, left, bar_height, scale, label_chars)


# --- The agency network -----------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    name: str
    title: str
    nodes: tuple[tuple[Item, int], ...]
    """Each agency and how many actions it is named on."""
    edges: tuple[tuple[int, int, int], ...]
    """(node index, node index, shared actions)."""

    def as_json(self) -> dict[str, object]:
        return {
            "chart": self.name,
            "title": self.title,
            "nodes": [{"iri": i.iri, "label": i.label, "actions": n} for i, n in self.nodes],
            "edges": [
                {"source": self.nodes[a][0].iri, "target": self.nodes[b][0].iri, "shared": w}
                for a, b, w in self.edges
            ],
        }


@dataclass(frozen=True)
class PlacedNode:
    item: Item
    actions: int
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class PlacedEdge:
    source: PlacedNode
    target: PlacedNode
    weight: int
    stroke: float


@dataclass(frozen=True)
class NetworkLayout:
    chart: Network
    width: int
    height: int
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]
    label_chars: int


def network_layout(chart: Network, radius: float = 250, label_chars: int = 34) -> NetworkLayout:
    """Nodes on a circle in label order (deterministic); edges thicker with more sharing."""
    margin = label_chars * CHAR_WIDTH + 30
    cx, cy = radius + margin, radius + 50
    count = max(len(chart.nodes), 1)
    placed = []
    for k, (item, actions) in enumerate(chart.nodes):
        angle = -math.pi / 2 + 2 * math.pi * k / count
        cos, sin = math.cos(angle), math.sin(angle)
        r = 4 + 2.2 * math.sqrt(actions)
        placed.append(
            PlacedNode(
                item,
                actions,
                round(cx + radius * cos, 1),
                round(cy + radius * sin, 1),
                round(r, 1),
                round(cx + (radius + r + 6) * cos, 1),
                round(cy + (radius + r + 6) * sin + 4 + 6 * sin, 1),
                "start" if cos > 0.05 else "end" if cos < -0.05 else "middle",
            )
        )
    edges = tuple(
        PlacedEdge(placed[a], placed[b], w, round(min(1 + 1.5 * (w - 1), 9), 1))
        for a, b, w in sorted(chart.edges, key=lambda e: e[2])
    )
    width = int(2 * (radius + margin))
    return NetworkLayout(chart, width, int(2 * radius + 110), tuple(placed), edges, label_chars)


_EDGES = f"""PREFIX cspkg: <{PREFIXES["cspkg"]}>
PREFIX p-plan: <{PREFIXES["p-plan"]}>
SELECT ?a ?b (COUNT(DISTINCT ?action) AS ?shared) WHERE {{{{
  ?action p-plan:isStepOfPlan {{plan}} ;
          cspkg:responsibleAgency|cspkg:supportingAgency ?a, ?b .
  FILTER (STR(?a) < STR(?b))
}}}} GROUP BY ?a ?b ORDER BY ?a ?b"""
"""Pairs of agencies on the same action of one plan (``{plan}``: an N-Triples IRI)."""


# --- Building each chart from the store ------------------------------------------------

Chart = Heatmap | Bars | Network


def _records(store: Store, catalog: Catalog, settings: Settings, name: str) -> list:
    return run_canned(
        store, catalog.get(name), timeout=settings.query_timeout, max_rows=settings.max_rows
    ).records()


def action_priority(store: Store, catalog: Catalog, settings: Settings) -> Chart:
    rows = _records(store, catalog, settings, "coverage-matrix")
    return heatmap("action-priority", "Actions × CSP priorities", rows, "action")


def priority_alignment(store: Store, catalog: Catalog, settings: Settings) -> Chart:
    rows = _records(store, catalog, settings, "coverage-matrix")
    title = "CSP priorities × Commissioner priorities (the project's alignment)"
    return heatmap("priority-alignment", title, rows, "csp-priority")


def _bars(name: str, title: str, rows: list[dict[str, str | None]]) -> Bars:
    merged: dict[str, tuple[Item, int]] = {}
    for r in rows:
        iri = r["priority"] or ""
        item = Item(iri, r["priorityLabel"] or iri)
        merged[iri] = (item, merged.get(iri, (item, 0))[1] + int(r["actions"] or 0))
    return Bars(name, title, "actions", tuple(merged.values()))


def csp_priority_bars(store: Store, catalog: Catalog, settings: Settings) -> Chart:
    rows = _records(store, catalog, settings, "actions-per-csp-priority")
    return _bars("actions-per-csp-priority", "Actions per CSP priority", rows)


def commissioner_priority_bars(store: Store, catalog: Catalog, settings: Settings) -> Chart:
    rows = _records(store, catalog, settings, "actions-per-commissioner-priority")
    title = "Actions per Commissioner priority (through the alignment)"
    return _bars("actions-per-commissioner-priority", title, rows)


def agency_network(store: Store, catalog: Catalog, settings: Settings) -> Chart:
    """Agencies named on actions (``agency-workload``) joined by the actions they share."""
    workload = _records(store, catalog, settings, "agency-workload")
    # The edges count the actions of the plan agency-workload counted (its default): the
    # same nodes' actions, and not every plan's in the store.
    plan = NamedNode(catalog.get("agency-workload").parameter("plan").default or "")
    nodes = sorted(
        (
            (Item(r["agency"] or "", r["agencyLabel"] or r["agency"] or ""), int(r["actions"] or 0))
            for r in workload
        ),
        key=lambda node: (node[0].label.lower(), node[0].iri),
    )
    index = {item.iri: k for k, (item, _) in enumerate(nodes)}
    edges = []
    for a, b, shared in select(store, _EDGES.format(plan=plan), settings).rows:
        if a is not None and b is not None and a.value in index and b.value in index:
            edges.append((index[a.value], index[b.value], int(shared.value) if shared else 0))
    title = "Agencies that share actions"
    return Network("agency-network", title, tuple(nodes), tuple(edges))


CHARTS: dict[str, tuple[str, Callable[[Store, Catalog, Settings], Chart]]] = {
    "action-priority": ("Actions × CSP priorities", action_priority),
    "priority-alignment": ("CSP × Commissioner priorities", priority_alignment),
    "actions-per-csp-priority": ("Actions per CSP priority", csp_priority_bars),
    "actions-per-commissioner-priority": (
        "Actions per Commissioner priority",
        commissioner_priority_bars,
    ),
    "agency-network": ("Agencies that share actions", agency_network),
}
"""Chart name -> (short title, builder), in the order pages show them."""
