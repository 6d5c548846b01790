"""Small helpers every page blueprint shares: HTML-or-data choice and twin links."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, jsonify, render_template

from ..catalog import Catalog
from .context import services
from .respond import wants_html as _wants_html


def catalog() -> Catalog:
    """The canned-query catalogue, as the query API serves it."""
    return services().queries.catalog


@dataclass(frozen=True)
class Alternate:
    """A machine twin of a page: a ``<link rel=alternate>`` and a ``Link`` header entry."""

    href: str
    type: str
    title: str


def wants_html() -> bool:
    """Browsers (HTML preferred over JSON) get pages; everything else gets data."""
    return _wants_html("page")


def link_header(alternates: list[Alternate]) -> str:
    return ", ".join(f'<{a.href}>; rel="alternate"; type="{a.type}"' for a in alternates)


def page(
    template: str, alternates: list[Alternate], status: int = 200, **context: object
) -> Response:
    """Render an HTML page that advertises its twins in the head and a Link header."""
    response = Response(
        render_template(template, alternates=alternates, **context),
        status=status,
        mimetype="text/html",
    )
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return response


def data(body: object, alternates: list[Alternate] | None = None, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return response
