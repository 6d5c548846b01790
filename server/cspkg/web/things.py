"""Linked-data dereferencing: ``/id/`` things, ``/def/`` concepts, ``/doc/`` pages.

UK public-sector URI patterns: ``/id/X`` names a thing (a plan, an action, an agency),
not a document, so it answers ``303 See Other`` to ``/doc/X``, the document about it.
``/def/X`` names a concept or concept scheme -- a definition, which is itself
information -- so it is answered directly (200) with ``Content-Location`` pointing at
the equivalent ``/doc/def/X`` page.  ``/doc/...`` is HTML for browsers and Turtle,
JSON-LD, N-Triples or RDF/XML by ``Accept`` or by extension (``.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.html``).  An IRI with no triples is 404.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request

from ..errors import PageNotFound
from ..namespaces import PREFIXES
from ..rdf.cut_labels import cut_short
from ..services.describe import ThingView, describe, thing_view
from ..services.explain import (
    explain_action,
    explain_agency,
    explain_commissioner_priority,
    explain_csp_priority,
    explain_plan,
    kind_of,
)
from ..services.overview import plan_overviews
from ..services.source_lines import source_lines
from ..services.status_history import status_history
from ..store.serialize import write_graph
from .context import services
from .errors import handle
from .negotiation import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE
from .pagekit import Alternate, link_header
from .respond import choose

bp = Blueprint("things", __name__)

EXTENSIONS = {".ttl": TURTLE, ".jsonld": JSONLD, ".nt": NTRIPLES, ".rdf": RDFXML, ".html": HTML}
_SAFE = "/:@!$&'()*+,;=-._~"


def _split_extension(rest: str) -> tuple[str, str | None]:
    for extension, media_type in EXTENSIONS.items():
        if rest.endswith(extension) and len(rest) > len(extension):
            return rest[: -len(extension)], media_type
    return rest, None


@bp.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """A thing is not a document: see the document about it."""
    response = redirect("/doc/" + quote(rest, safe=_SAFE), code=303)
    return response  # type: ignore[return-value]


def _term() -> str:
    """``?term=X`` names ``...#X`` in a hash vocabulary (browsers never send fragments)."""
    term = request.args.get("term", "")
    return "#" + term if term else ""


@bp.get("/def/<path:rest>")
def definition(rest: str) -> Response:
    path, media_type = _split_extension(rest)
    return _answer(services().settings.base + "def/" + path + _term(), "def/" + path, media_type)


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    path, media_type = _split_extension(rest)
    relative = path if path.startswith("def/") else "id/" + path
    return _answer(services().settings.base + relative + _term(), path, media_type)


def _answer(iri: str, doc_path: str, media_type: str | None) -> Response:
    found = services()
    doc = "/doc/" + quote(doc_path, safe=_SAFE)
    media_type = choose("thing", fixed=media_type)
    description = describe(found.store, iri, found.settings)
    if not description.found:
        return _not_found(iri, media_type)
    term = request.args.get("term")
    query = "?term=" + quote(term, safe="") if term else ""
    alternates = [
        Alternate(doc + ext + query, kind, name)
        for ext, kind, name in (
            (".ttl", TURTLE, "Turtle"),
            (".jsonld", JSONLD, "JSON-LD"),
            (".nt", NTRIPLES, "N-Triples"),
        )
    ]
    if media_type == HTML:
        view = thing_view(description, found.settings.base)
        heading = cut_short(view.label, HEADING_LENGTH)
        html = render_template(
            "thing.html",
            thing=view,
            heading=heading,
            heading_size="m" if len(heading) > LONG_HEADING else "l",
            alternates=alternates,
            **_explained(iri, view),
        )
        response = Response(html, mimetype="text/html")
    else:
        body = write_graph(description.as_graph(), media_type, PREFIXES)
        response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Link"] = link_header(alternates)
    extension = next(ext for ext, kind in EXTENSIONS.items() if kind == media_type)
    response.headers["Content-Location"] = doc + extension + query
    return response


HEADING_LENGTH = 400
"""A thing's name longer than this is cut (on a word boundary) in its page's heading; the
page and its title keep it whole."""
LONG_HEADING = 120
"""A heading longer than this is set in the smaller heading size, so it wraps onto fewer
lines on a phone."""

KIND_NAMES = {
    "action": "action",
    "agency": "agency",
    "csp-priority": "CSP priority",
    "commissioner-priority": "Commissioner priority",
    "plan": "delivery plan",
}
"""What each kind of thing is called in a page's caption and title."""


def _explained(iri: str, view: ThingView) -> dict[str, object]:
    """The kind-specific sections of a thing's page (``things/_KIND.html``)."""
    found = services()
    store, settings, catalog = found.store, found.settings, found.queries.catalog
    kind = kind_of(t.iri for t in view.types if t.iri)
    context: dict[str, object] = {"kind": kind, "kind_name": KIND_NAMES.get(kind or "")}
    if kind == "action":
        action = explain_action(store, iri, settings, request.args.get("commissionerPlan"))
        context["x"] = action
        context["source"] = source_lines(
            settings.data_dir, action.file_name, action.first_line, action.last_line
        )
        report = found.reports.get(store, settings)
        context["findings"] = [f for f in report.findings if f.focus == iri]
        context["history"] = status_history(found.queries, iri)
    elif kind == "agency":
        context["x"] = explain_agency(store, catalog, iri, settings)
    elif kind == "csp-priority":
        context["x"] = explain_csp_priority(store, catalog, iri, settings)
    elif kind == "commissioner-priority":
        context["x"] = explain_commissioner_priority(store, iri, settings)
    elif kind == "plan":
        context["x"] = explain_plan(store, iri, settings)
        context["overview"] = next(
            (p for p in plan_overviews(store, catalog, settings) if p.iri == iri), None
        )
    return context


def _not_found(iri: str, media_type: str) -> Response:
    """Through the one error table; a page for HTML, text for the RDF formats."""
    error = PageNotFound(f"Nothing is known about <{iri}>.")
    return handle(error, as_json=None if media_type == HTML else False)
