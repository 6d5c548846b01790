"""``/charts``: server-rendered SVG pictures of the plan, each with a JSON data twin.

``/charts/NAME.svg`` (``image/svg+xml``), ``/charts/NAME.json`` (the plain data) and a
``/charts`` page showing them all.  The SVG is a Jinja2 template with autoescape on
(``.svg``), so no label can become markup.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..errors import PageNotFound
from ..services.charts import (
    CHARTS,
    Bars,
    Heatmap,
    Network,
    bars_layout,
    heatmap_layout,
    network_layout,
    shorten,
)
from .context import services
from .links import link_for
from .pagekit import Alternate, catalog, data, page

bp = Blueprint("charts", __name__)


def _build(name: str) -> Heatmap | Bars | Network | None:
    if name not in CHARTS:
        return None
    found = services()
    return CHARTS[name][1](found.store, catalog(), found.settings)


def _missing(name: str) -> Response:
    known = ", ".join(CHARTS)
    raise PageNotFound(f"There is no chart named '{name}'. The charts are: {known}.")


@bp.get("/charts")
def index() -> Response:
    listed = [(name, title) for name, (title, _) in CHARTS.items()]
    return page(
        "charts.html", [Alternate("/charts.json", "application/json", "JSON")], charts=listed
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
    if chart is None:
        return _missing(name)
    return data(chart.as_json(), [Alternate(f"/charts/{name}.svg", "image/svg+xml", "SVG")])


@bp.get("/charts/<name>.svg")
def chart_svg(name: str) -> Response:
    chart = _build(name)
    if chart is None:
        return _missing(name)
    base = services().settings.base
    context = {"shorten": shorten, "href": lambda iri: link_for(iri, base)}
    if isinstance(chart, Heatmap):
        svg = render_template("charts/heatmap.svg", layout=heatmap_layout(chart), **context)
    elif isinstance(chart, Bars):
        svg = render_template("charts/bars.svg", layout=bars_layout(chart), **context)
    else:
        svg = render_template("charts/network.svg", layout=network_layout(chart), **context)
    response = Response(svg, content_type="image/svg+xml; charset=utf-8")
    response.headers["Link"] = f'</charts/{name}.json>; rel="alternate"; type="application/json"'
    return response
