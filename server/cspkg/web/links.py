"""Where a link to an IRI goes: the one rule every page and chart uses.

Things under the configured base's ``id/`` and ``def/`` are pages of this service
(``/doc/...``; a ``#term`` of a vocabulary becomes ``?term=``, since browsers never send
fragments).  Other web IRIs link out.  Nothing links to the base's host otherwise (it may
not be where the service runs), and only ``http``, ``https`` and ``mailto`` IRIs ever
become links: a stored ``javascript:`` IRI is shown as text.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Blueprint

from .context import services

bp = Blueprint("links", __name__)

SAFE_SCHEMES = ("http", "https", "mailto")
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


def page_href(iri: str, base: str) -> str | None:
    """This service's page about ``iri``, or ``None`` when it is not one of ours."""
    for family in ("id/", "def/"):
        if iri.startswith(base + family):
            rest = iri[len(base) :] if family == "def/" else iri[len(base) + 3 :]
            path, hash_mark, term = rest.partition("#")
            href = "/doc/" + quote(path, safe=_SAFE_PATH)
            return href + ("?term=" + quote(term, safe="") if hash_mark and term else "")
    return None


def link_for(iri: str | None, base: str) -> str | None:
    """Where a link to ``iri`` may go; ``None`` means show it as text."""
    if not iri:
        return None
    local = page_href(iri, base)
    if local is not None:
        return local
    parts = urlsplit(iri)
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and parts.hostname == urlsplit(base).hostname:
        return None  # the base's host is a name, not necessarily where we are deployed
    return iri


@bp.app_template_global("href")
def href(iri: str | None) -> str | None:
    """Templates: ``href(iri)`` is the link for an IRI under this deployment's base."""
    return link_for(iri, services().settings.base)
