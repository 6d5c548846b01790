"""``/health``: is the store reachable, what kind is it, how much does it hold."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..errors import StoreUnavailable
from .context import services

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    store = services().store
    try:
        count = store.triple_count()
    except StoreUnavailable:
        response = jsonify({"status": "unavailable", "store": store.kind})
        response.status_code = 503
        return response
    return jsonify(
        {"status": "ok", "store": store.kind, "triples": count, "generation": store.generation}
    )
