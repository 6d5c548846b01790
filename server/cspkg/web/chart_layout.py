"""Chart geometry: where each bar, cell and label goes, in pixels (the web layer's job).

Labels are wrapped onto as many lines as they need, never cut; the SVG templates in
``templates/charts/`` only place what is computed here.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from ..services.charts import Bars, Counts, Heatmap, Item
from ..services.crime_trends import Line

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


# --- Lines (a value per month) -----------------------------------------------------------

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str) -> str:
    """``2019-01`` -> ``Jan 2019``: how people write a month."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


@dataclass(frozen=True)
class LinePoint:
    month: str
    label: str
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class LineLayout:
    chart: Line
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: tuple[LinePoint, ...]
    segments: tuple[str, ...]
    """SVG ``points`` attributes, one per run of consecutive months (a gap breaks the line)."""
    ticks: tuple[tuple[int, float], ...]
    """(value, y) of each axis tick."""
    x_labels: tuple[tuple[float, str, str], ...]
    """(x, month, year) of each labelled month: the year under the first label of each year."""


def line_layout(chart: Line, width: int = 760, height: int = 300) -> LineLayout:
    """Months along the bottom by their place in time (missing months leave a gap),
    values up the side from 0; labels are spaced so none overlaps another."""
    left, top, bottom, right = 56, 16, 48, 24
    plot_width, plot_height = width - left - right, height - top - bottom
    numbers = [_month_number(m) for m, _ in chart.points]
    first, last = (min(numbers), max(numbers)) if numbers else (0, 0)
    span = max(last - first, 1)
    biggest = max((v for _, v in chart.points), default=0)
    step = _nice_step(biggest)
    top_value = step * max(1, math.ceil(biggest / step))

    def x_of(number: int) -> float:
        if last == first:
            return round(left + plot_width / 2, 1)
        return round(left + (number - first) * plot_width / span, 1)

    def y_of(value: int) -> float:
        return round(top + plot_height - value * plot_height / top_value, 1)

    points = tuple(
        LinePoint(m, month_label(m), v, x_of(n), y_of(v))
        for (m, v), n in zip(chart.points, numbers, strict=True)
    )
    segments, run = [], []
    for i, point in enumerate(points):
        if run and numbers[i] != numbers[i - 1] + 1:
            segments.append(run)
            run = []
        run.append(f"{point.x},{point.y}")
    if run:
        segments.append(run)
    every = max(1, math.ceil((last - first + 1) * 40 / plot_width))  # ~40 px per label
    every = next(s for s in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120) if s >= every)
    labels, shown_year = [], None
    for n in range(first, last + 1) if numbers else ():
        if (n - first) % every == 0:
            year = n // 12  # under the first label of each year
            labels.append((x_of(n), MONTH_NAMES[n % 12], str(year) if year != shown_year else ""))
            shown_year = year
    ticks = tuple((v, y_of(v)) for v in range(0, top_value + 1, step))
    return LineLayout(
        chart, width, height, left, top, plot_width, plot_height, points,
        tuple(" ".join(r) for r in segments), ticks, tuple(labels),
    )  # fmt: skip


def _nice_step(biggest: int) -> int:
    """1, 2 or 5 times a power of ten, giving about five ticks."""
    rough = max(biggest / 5, 1)
    power = 10 ** int(math.log10(rough))
    return next(power * f for f in (1, 2, 5, 10) if power * f >= rough)
