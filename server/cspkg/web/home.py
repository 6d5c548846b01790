"""``/``: the home page (what the plan is, its counts, where to go next) and ``/index.json``."""

from __future__ import annotations

from flask import Blueprint, Response

from ..services.charts import CHARTS
from ..services.crime_trends import periods_differ, plan_period
from ..services.overview import plan_overviews
from .charts import figure, plans_and_shown
from .context import services
from .links import link_for
from .pagekit import Alternate, catalog, data, page

bp = Blueprint("home", __name__)

DOWNLOADS = (
    ("/data/dataset.ttl", "text/turtle", "Turtle"),
    ("/data/dataset.nq", "application/n-quads", "N-Quads (one named graph per source)"),
    ("/data/dataset.jsonld", "application/ld+json", "JSON-LD"),
    ("/.well-known/void", "text/turtle", "VoID dataset description"),
)
"""Whole-dataset downloads (served by the API blueprint)."""

HOME_CHARTS = ("actions-per-csp-priority", "actions-per-commissioner-priority")

_TWINS = [Alternate("/index.json", "application/json", "JSON")]


def _links() -> list[dict[str, str]]:
    return [
        {"href": "/queries", "title": "Query catalogue", "about": "ready-made questions"},
        {"href": "/sparql", "title": "SPARQL editor", "about": "write your own query"},
        {"href": "/charts", "title": "Charts", "about": "coverage, alignment, partners"},
        {
            "href": "/validation",
            "title": "Validation",
            "about": "checks of the data against its rules; check a file",
        },
        {"href": "/data", "title": "Data downloads", "about": "the whole graph as files"},
    ]


@bp.get("/")
def index() -> Response:
    found = services()
    plans, shown = plans_and_shown()
    base = found.settings.base
    iri = shown.iri if shown else None
    return page(
        "home.html",
        _TWINS,
        plans=plans,
        shown=shown,
        doc_href=lambda iri: link_for(iri, base),
        links=_links(),
        charts=[figure(name, width=560, plan=iri) for name in HOME_CHARTS] if shown else [],
        crime=_crime(iri) if iri else None,
    )


def _crime(plan: str) -> dict[str, object] | None:
    """The plan's district's crime month by month, with the plan's period beside it so
    the page can say when the two differ; None when no crime is loaded for it."""
    found = services()
    chart = figure("crime-trend", width=760, plan=plan)
    months = chart["chart"].months
    if months[0] is None:
        return None
    period = plan_period(found.store, found.settings, plan)
    return {
        "chart": chart,
        "months": months,
        "period": period,
        "differs": periods_differ(months, period),
    }


@bp.get("/data")
def downloads() -> Response:
    """The whole-dataset downloads, described for people."""
    return page("downloads.html", [], downloads=DOWNLOADS)


@bp.get("/index.json")
def index_json() -> Response:
    found = services()
    plans = plan_overviews(found.store, catalog(), found.settings)
    return data(
        {
            "plans": [plan.as_json() for plan in plans],
            "links": _links(),
            "downloads": [{"href": h, "type": t, "title": n} for h, t, n in DOWNLOADS],
            "charts": [f"/charts/{name}.svg" for name in CHARTS],
        },
        [Alternate("/", "text/html", "HTML")],
    )
