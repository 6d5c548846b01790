"""The SPARQL editor page (shown at ``/sparql`` to browsers) and its files.

The editor (YASGUI) is installed by ``npm ci`` and served from this app, never a CDN,
so the page works offline.  Without ``node_modules`` the page falls back to a form.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_from_directory

from ..config import PROJECT_ROOT
from ..errors import PageNotFound
from ..namespaces import PREFIXES
from .context import services

bp = Blueprint("pages", __name__)

STATIC_DIR = Path(__file__).parent / "static"

EDITOR_DIR = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
EDITOR_FILES = ("yasgui.min.js", "yasgui.min.css")
GOVUK_DIR = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
GOVUK_FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")
"""The GOV.UK Frontend files every page uses (its fonts and crown images are not served:
this is not a GOV.UK service)."""


def editor_available(directory: Path = EDITOR_DIR) -> bool:
    return all((directory / name).is_file() for name in EDITOR_FILES)


@bp.app_template_global()
def govuk_assets(directory: Path = GOVUK_DIR) -> bool:
    """Whether ``npm ci`` installed govuk-frontend (without it pages are plain HTML)."""
    return all((directory / name).is_file() for name in GOVUK_FILES)


def query_page() -> Response:
    """The YASGUI query editor (or a plain form if its files are not installed), with
    every canned query, bound to its defaults, as an example to start from."""
    queries = services().queries
    examples = [
        {"name": q.name, "title": q.title, "query": q.example(queries.check(q, {})[0])}
        for q in queries.catalog.queries
    ]
    html = render_template(
        "query.html",
        endpoint=request.url_root.rstrip("/") + "/sparql",
        prefixes=PREFIXES,
        editor=editor_available(),
        examples=examples,
    )
    response = Response(html, mimetype="text/html")
    return response


@bp.get("/assets/yasgui/<path:name>")
def editor_asset(name: str) -> Response:
    """Only the two bundle files (and their source maps) are served."""
    if name not in EDITOR_FILES and name.removesuffix(".map") not in EDITOR_FILES:
        raise PageNotFound("There is no such file.")
    response = send_from_directory(EDITOR_DIR, name, max_age=3600)
    return response


@bp.get("/assets/govuk/<path:name>")
def govuk_asset(name: str) -> Response:
    """Only govuk-frontend's stylesheet and script (and their source maps)."""
    if name.removesuffix(".map") not in GOVUK_FILES:
        raise PageNotFound("There is no such file.")
    return send_from_directory(GOVUK_DIR, name, max_age=3600)


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(STATIC_DIR, "favicon.ico", max_age=86400)
