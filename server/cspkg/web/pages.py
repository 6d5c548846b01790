"""The SPARQL editor page (shown at ``/sparql`` to browsers) and its files.

The editor (YASGUI) is installed by ``npm ci`` and served from this app, never a CDN,
so the page works offline.  Without ``node_modules`` the page falls back to a form.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_from_directory

from ..config import PROJECT_ROOT
from ..namespaces import PREFIXES

bp = Blueprint("pages", __name__)

EDITOR_DIR = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
EDITOR_FILES = ("yasgui.min.js", "yasgui.min.css")


def editor_available(directory: Path = EDITOR_DIR) -> bool:
    return all((directory / name).is_file() for name in EDITOR_FILES)


def query_page() -> Response:
    """The YASGUI query editor (or a plain form if its files are not installed)."""
    html = render_template(
        "query.html",
        endpoint=request.url_root.rstrip("/") + "/sparql",
        prefixes=PREFIXES,
        editor=editor_available(),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/assets/yasgui/<path:name>")
def editor_asset(name: str) -> Response:
    """Only the two bundle files (and their source maps) are served."""
    if name not in EDITOR_FILES and name.removesuffix(".map") not in EDITOR_FILES:
        return Response("not found\n", status=404, mimetype="text/plain")
    response = send_from_directory(EDITOR_DIR, name, max_age=3600)
    return response
