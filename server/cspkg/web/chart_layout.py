"""Chart geometry: where each bar, cell and label goes, in pixels (the web layer's job).

Labels are wrapped onto as many lines as they need, never cut; the SVG templates in
``templates/charts/`` only place what is computed here.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from ..services.charts import Bars, Counts, Heatmap, Item

CHAR_WIDTH = 7.0
"""Rough width in px of one character of the 13px sans-serif the charts use."""
LINE_HEIGHT = 16


def wrap(text: str, width_px: float) -> list[str]:
    """``text`` on lines that fit ``width_px``; long words are broken, nothing is dropped."""
    chars = max(8, int(width_px / CHAR_WIDTH))
    return textwrap.wrap(" ".join(text.split()), chars) or [""]


@dataclass(frozen=True)
class BarRow:
    item: Item
    value: int
    lines: list[str]
    y: int
    height: int
    length: float


@dataclass(frozen=True)
class BarsLayout:
    chart: Bars
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    rows: tuple[BarRow, ...]
    ticks: tuple[tuple[int, float], ...]
    """(value, x) of each axis tick."""


def bars_layout(chart: Bars, width: int = 760, label_width: int = 290) -> BarsLayout:
    """Horizontal bars; each label wraps within ``label_width`` and its row grows to fit."""
    left, top = label_width + 12, 12
    plot_width = width - left - 40
    biggest = max((v for _, v in chart.bars), default=0)
    step = max(1, math.ceil(biggest / 5)) if biggest else 1
    top_value = step * math.ceil(biggest / step) if biggest else 1
    scale = plot_width / top_value
    rows, y = [], top
    for item, value in chart.bars:
        lines = wrap(item.label, label_width)
        height = max(28, len(lines) * LINE_HEIGHT + 10)
        rows.append(BarRow(item, value, lines, y, height, round(value * scale, 1)))
        y += height
    ticks = tuple((v, round(left + v * scale, 1)) for v in range(0, top_value + 1, step))
    return BarsLayout(chart, width, y + 34, left, top, plot_width, tuple(rows), ticks)


@dataclass(frozen=True)
class MatrixRow:
    item: Item
    lines: list[str]
    y: int
    height: int
    cells: tuple[tuple[int, int], ...]
    """(column index, value) of its non-empty cells."""
    total: int


@dataclass(frozen=True)
class MatrixLayout:
    """A grid for the SVG download: full row labels wrapped, column labels slanted."""

    name: str
    title: str
    columns: tuple[Item, ...]
    rows: tuple[MatrixRow, ...]
    biggest: int
    width: int
    height: int
    left: int
    top: int
    cell: int


def matrix_layout(chart: Heatmap | Counts, cell: int = 34, label_width: int = 320) -> MatrixLayout:
    values = dict.fromkeys(chart.covered, 1) if isinstance(chart, Heatmap) else dict(chart.values)
    longest = max((len(c.label) for c in chart.columns), default=10)
    top = int(longest * CHAR_WIDTH * 0.72) + 20
    left = label_width + 12
    rows, y = [], top
    for i, item in enumerate(chart.rows):
        lines = wrap(item.label, label_width)
        height = max(cell - 10, len(lines) * LINE_HEIGHT + 6)
        cells = tuple((j, v) for (r, j), v in sorted(values.items()) if r == i)
        rows.append(MatrixRow(item, lines, y, height, cells, sum(v for _, v in cells)))
        y += height
    overhang = int(longest * CHAR_WIDTH * 0.72)
    width = left + cell * (len(chart.columns) + 1) + max(40, overhang - cell)
    return MatrixLayout(
        chart.name, chart.title, chart.columns, tuple(rows), max(values.values(), default=0),
        width, y + 20, left, top, cell,
    )  # fmt: skip


def shade(value: int, biggest: int) -> int:
    """Which of four shades (0: none .. 3: most) a count gets on the colour scale."""
    if value <= 0 or biggest <= 0:
        return 0
    return min(3, 1 + (3 * (value - 1)) // max(biggest, 1))
