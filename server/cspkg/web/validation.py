"""``/validation``: the served graph's SHACL report, and checking an uploaded file.

``GET`` shows the built graph's report (cached per store generation); ``POST`` takes a
plan document (``.txt``/``.docx``, imported in a temporary directory) or an RDF file and
shows its report.  Nothing posted here reaches the served graph.  Twins:
``/validation.json`` and ``POST`` with ``Accept: application/json``.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import (
    CspkgError,
    PlanDocumentError,
    RdfInputError,
    RequestTooLarge,
    StoreUnavailable,
)
from ..services.upload_check import check_upload
from ..services.uploads import accepted_suffixes, safe_name
from ..services.validation_report import ReportView
from .context import services
from .errors import status_for
from .links import link_for
from .pagekit import Alternate, data, page, wants_html

bp = Blueprint("validation", __name__)

_TWINS = [Alternate("/validation.json", "application/json", "JSON")]
_UPLOAD_ERRORS = (RdfInputError, PlanDocumentError, RequestTooLarge, StoreUnavailable)
_NAMED_IN_BRACKETS = re.compile(r"\s*\((?:[^()]*\s)?[a-z][a-z-]*:[A-Za-z]\w*[^()]*\)")
_PREFIXED = re.compile(r"\b[a-z][a-z-]*:([A-Za-z]\w*)")


def in_words(message: str) -> str:
    """A shape's message for the page: the model's names (``cspkg:targetDue``), which the
    JSON twin keeps for developers, left out or spelled ("progress update")."""
    text = _NAMED_IN_BRACKETS.sub("", message).replace(" an xsd:", " a xsd:")
    return _PREFIXED.sub(
        lambda m: " ".join(re.findall(r"[A-Z]?[a-z0-9]+", m.group(1))).lower(), text
    )


def _render(
    report: ReportView | None,
    subject: str,
    status: int = 200,
    linked: bool = True,
    **extra: object,
) -> Response:
    """``linked``: focus nodes link to their /doc pages (only the served graph has them)."""
    base = services().settings.base
    return page(
        "validation.html",
        _TWINS,
        status=status,
        report=report,
        subject=subject,
        accepted=accepted_suffixes(),
        max_bytes=services().settings.max_upload_bytes,
        doc_href=lambda iri: link_for(iri, base) if linked else None,
        in_words=in_words,
        **extra,
    )


@bp.get("/validation")
def index() -> Response:
    found = services()
    report = found.reports.get(found.store, found.settings)
    if not wants_html():
        return data(report.as_json(), [Alternate("/validation", "text/html", "HTML")])
    return _render(report, "the served graph")


@bp.get("/validation.json")
def index_json() -> Response:
    found = services()
    return data(found.reports.get(found.store, found.settings).as_json())


@bp.post("/validation")
def upload() -> Response:
    """Validate an uploaded file; errors go back on the page (HTML) or as JSON/text."""
    settings = services().settings
    try:
        if (request.content_length or 0) > settings.max_upload_bytes + 64_000:
            raise RequestTooLarge(_too_large(settings.max_upload_bytes))
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            raise RdfInputError("choose a file to check (form field 'file')")
        name = safe_name(sent.filename)
        body = sent.read(settings.max_upload_bytes + 1)
        report = check_upload(sent.filename, body, settings)  # its own process and limits
    except RequestEntityTooLarge:
        return _failed(RequestTooLarge(_too_large(settings.max_upload_bytes)))
    except _UPLOAD_ERRORS as exc:
        return _failed(exc)
    if not wants_html():
        return data({"file": name, **report.as_json()})
    return _render(report, name, linked=False)


def _too_large(limit: int) -> str:
    return f"the upload is larger than the limit of {limit} bytes"


def _failed(exc: CspkgError) -> Response:
    """Browsers see the message on the page; other clients get the usual error answer."""
    if wants_html():
        return _render(None, "your file", status=status_for(exc), linked=False, error=str(exc))
    raise exc
