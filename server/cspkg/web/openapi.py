"""``/openapi.json``: the data API described for tools, generated from the catalogue."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..services.openapi import openapi_document
from .context import services

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def document() -> Response:
    """OpenAPI 3.1, with this server's own URL so "try it" tools call the right host."""
    body = openapi_document(services().queries.catalog, request.url_root)
    return jsonify(body)
