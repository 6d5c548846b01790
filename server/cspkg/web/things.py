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

from flask import Blueprint, Response, redirect, render_template

from ..errors import PageNotFound
from ..namespaces import PREFIXES
from ..services.describe import describe, thing_view
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


@bp.get("/def/<path:rest>")
def definition(rest: str) -> Response:
    path, media_type = _split_extension(rest)
    return _answer(services().settings.base + "def/" + path, "def/" + path, media_type)


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    path, media_type = _split_extension(rest)
    relative = path if path.startswith("def/") else "id/" + path
    return _answer(services().settings.base + relative, path, media_type)


def _answer(iri: str, doc_path: str, media_type: str | None) -> Response:
    found = services()
    doc = "/doc/" + quote(doc_path, safe=_SAFE)
    media_type = choose("thing", fixed=media_type)
    description = describe(found.store, iri, found.settings)
    if not description.found:
        return _not_found(iri, media_type)
    alternates = [
        Alternate(doc + ext, kind, name)
        for ext, kind, name in (
            (".ttl", TURTLE, "Turtle"),
            (".jsonld", JSONLD, "JSON-LD"),
            (".nt", NTRIPLES, "N-Triples"),
        )
    ]
    if media_type == HTML:
        view = thing_view(description, found.settings.base)
        html = render_template("thing.html", thing=view, alternates=alternates, prefixes=PREFIXES)
        response = Response(html, mimetype="text/html")
    else:
        body = write_graph(description.as_graph(), media_type, PREFIXES)
        response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Link"] = link_header(alternates)
    extension = next(ext for ext, kind in EXTENSIONS.items() if kind == media_type)
    response.headers["Content-Location"] = doc + extension
    return response


def _not_found(iri: str, media_type: str) -> Response:
    """Through the one error table; a page for HTML, text for the RDF formats."""
    error = PageNotFound(f"Nothing is known about <{iri}>.")
    return handle(error, as_json=None if media_type == HTML else False)
