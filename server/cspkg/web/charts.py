"""``/charts``: the plan in pictures, each with a legend, links on every mark and its data
as a table; ``/charts/NAME.svg`` (a download) and ``/charts/NAME.json`` (the data).

Bar charts are inline SVG whose bars are links; grids (actions x priorities, CSP x
Commissioner priorities, agencies x priorities) are HTML tables with shaded cells, so
their headings wrap and every cell is reachable by keyboard.  SVG templates are Jinja2
with autoescape on (``.svg``), so no label can become markup.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from ..errors import DeliveryNotFound, PageNotFound, ParameterError
from ..services import delivery
from ..services.charts import CHARTS, Bars, Chart, Counts, Heatmap, crime_seasonal, default_plan
from ..services.crime_trends import Line, crime_trend
from ..services.delivery import resolve_plan
from ..services.overview import PlanOverview, plan_overviews
from .chart_layout import bars_layout, line_layout, matrix_layout, shade
from .context import services
from .pagekit import Alternate, catalog, data, page

bp = Blueprint("charts", __name__)

ABOUT = {
    "action-priority": "Which CSP priorities each action meets. A marked cell links to the action.",
    "priority-alignment": (
        "Which Commissioner priorities each CSP priority serves, by the project's alignment "
        "(a judgement, not the plan's). A marked cell links to the CSP priority, which gives "
        "the reasons."
    ),
    "actions-per-csp-priority": "How many actions meet each CSP priority.",
    "actions-per-commissioner-priority": (
        "How many actions serve each Commissioner priority through the project's alignment. "
        "A priority with no bar is served by no action."
    ),
    "agency-priority": (
        "How many of each agency's actions (led or supported, its units' included) meet "
        "each CSP priority; darker cells mean more. A cell links to the agency."
    ),
    "crime-trend": (
        "Street-level crimes police.uk recorded in the partnership's district, month by "
        "month (the crime-trend question)."
    ),
    "crime-seasonal": (
        "The same crimes by month of the year: for each month, the average recorded in it "
        "over the years loaded (the crime-seasonal question). A month with no bar is not "
        "loaded in any year."
    ),
}
"""What each chart shows, in a sentence under its heading."""

MARKED = {
    "action-priority": "meets the priority",
    "priority-alignment": "aligned (the project's judgement)",
}
"""The legend of a yes/no grid: what a marked cell means."""


def _build(name: str, plan: str | None = None) -> Chart:
    if name not in CHARTS:
        known = ", ".join(CHARTS)
        raise PageNotFound(f"There is no chart named '{name}'. The charts are: {known}.")
    found = services()
    priority = request.args.get("priority") if name in ("crime-trend", "crime-seasonal") else None
    if priority:  # one CSP priority's crime, as its page shows it
        plan = plan or _asked_plan()
        by = crime_trend if name == "crime-trend" else crime_seasonal
        return by(found.store, catalog(), found.settings, plan, priority)
    return CHARTS[name][1](found.store, catalog(), found.settings, plan or _asked_plan())


def _asked_plan() -> str | None:
    """The plan the request names (``?plan=``: key, title or IRI), else ``None``."""
    given = request.args.get("plan")
    if not given:
        return None
    found = services()
    try:
        return resolve_plan(found.store, found.settings, given).iri
    except DeliveryNotFound:  # a bad query-string value: 400, as everywhere
        held = delivery.plans(found.store, found.settings)
        known = tuple(delivery.plan_key(p.iri) for p in held)
        raise ParameterError("plan", "a plan this service holds", given[:80], known) from None


def plans_and_shown() -> tuple[list[PlanOverview], PlanOverview | None]:
    """Every plan, and the one a page's charts show: the one asked for (``?plan=``), else
    the canned queries' default plan, else the first."""
    found = services()
    plans = plan_overviews(found.store, catalog(), found.settings)
    wanted = _asked_plan() or default_plan(catalog())
    shown = next((p for p in plans if p.iri == wanted), plans[0] if plans else None)
    return plans, shown


def plan_key(iri: str) -> str | None:
    """What a link's ``?plan=`` says: nothing for the default plan, else its key
    (``exampleton-csp/2025-26``)."""
    if iri == default_plan(catalog()):
        return None
    return delivery.plan_key(iri)


def figure(name: str, width: int = 760, plan: str | None = None) -> dict[str, Any]:
    """What ``charts/_chart.html`` needs to show one chart in a page (for ``plan``, else
    the plan the request names, else the default plan)."""
    chart = _build(name, plan)
    shown: dict[str, Any] = {
        "name": name,
        "title": CHARTS[name][0],
        "about": ABOUT.get(name, ""),
        "chart": chart,
        "plan": plan_key(plan) if plan else request.args.get("plan"),
    }
    if isinstance(chart, Line):
        shown |= _line(chart, width)
    elif isinstance(chart, Bars):
        shown |= _bars(chart, width)
    else:
        shown["kind"] = "matrix"
        values = dict.fromkeys(chart.covered, 1) if isinstance(chart, Heatmap) else chart.values
        shown["values"] = values
        shown["counts"] = isinstance(chart, Counts)
        shown["biggest"] = max(values.values(), default=0)
        shown["marked"] = MARKED.get(name, "")
    return shown


def _line(chart: Line, width: int) -> dict[str, Any]:
    """A line chart drawn twice: for wide screens and for phones (shown by CSS), so its
    labels stay readable rather than shrink with the picture."""
    return {
        "kind": "line",
        "layout": line_layout(chart, width=width),
        "narrow": line_layout(chart, width=340, height=260),
    }


def _bars(chart: Bars, width: int) -> dict[str, Any]:
    """Bars; the months of the year also drawn narrow for phones (shown by CSS), as a
    line chart is, so twelve short labels stay readable rather than shrink."""
    months = chart.name == "crime-seasonal"
    return {
        "kind": "bars",
        "layout": bars_layout(chart, width=width, label_width=min(290, width // 2 - 40)),
        "narrow": bars_layout(chart, width=340, label_width=80) if months else None,
        "heading": "Month" if months else None,
    }


@bp.app_template_global("seasonal_figure")
def seasonal_figure(priority: str, plan: str | None) -> dict[str, Any] | None:
    """What ``charts/_chart.html`` needs for a CSP priority's crime by month of the year
    on its page (``None`` when no month is loaded)."""
    found = services()
    chart = crime_seasonal(found.store, catalog(), found.settings, plan, priority)
    if not chart.bars:
        return None
    title = "Recorded crime of this priority by month of the year"
    about = (
        "The same crimes by month of the year: for each month, the average recorded in "
        "it over the years loaded (the crime-seasonal question)."
    )
    return _for_priority(chart, title, about, plan, priority) | _bars(chart, 760)


def _for_priority(
    chart: Chart, title: str, about: str, plan: str | None, priority: str
) -> dict[str, Any]:
    """A chart of one CSP priority's crime on its page: links keep ``?priority=``."""
    return {
        "name": chart.name,
        "title": title,
        "about": about,
        "chart": chart,
        "plan": plan_key(plan) if plan else None,
        "priority": priority,
    }


@bp.app_template_global("trend_figure")
def trend_figure(chart: Line, priority: str, plan: str | None) -> dict[str, Any]:
    """What ``charts/_chart.html`` needs for a CSP priority's crime trend on its page."""
    title = "Recorded crime of this priority, month by month"
    about = (
        "Crimes of the police.uk categories above recorded in the partnership's "
        "district each month (the crime-trend question)."
    )
    return _for_priority(chart, title, about, plan, priority) | _line(chart, 760)


@bp.app_template_global("chart_shade")
def chart_shade(value: int, biggest: int) -> int:
    return shade(value, biggest)


@bp.get("/charts")
def index() -> Response:
    plans, shown = plans_and_shown()
    iri = shown.iri if shown else None
    return page(
        "charts.html",
        [Alternate("/charts.json", "application/json", "JSON")],
        charts=[figure(name, plan=iri) for name in CHARTS],
        plans=plans,
        shown=shown,
    )


@bp.get("/charts.json")
def index_json() -> Response:
    return data(
        [
            {"name": n, "title": t, "svg": f"/charts/{n}.svg", "data": f"/charts/{n}.json"}
            for n, (t, _) in CHARTS.items()
        ]
    )


@bp.get("/charts/<name>.json")
def chart_json(name: str) -> Response:
    chart = _build(name)
    return data(chart.as_json(), [Alternate(f"/charts/{name}.svg", "image/svg+xml", "SVG")])


@bp.get("/charts/<name>.svg")
def chart_svg(name: str) -> Response:
    chart = _build(name)
    if isinstance(chart, Line):
        svg = render_template("charts/line.svg", layout=line_layout(chart))
    elif isinstance(chart, Bars):
        svg = render_template("charts/bars.svg", layout=bars_layout(chart))
    else:
        svg = render_template("charts/matrix.svg", layout=matrix_layout(chart), shade=shade)
    response = Response(svg, content_type="image/svg+xml; charset=utf-8")
    response.headers["Link"] = f'</charts/{name}.json>; rel="alternate"; type="application/json"'
    return response
