"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (Oxigraph's path for it).

Only HTTP lives here (target, bodies, negotiation, status codes); what a read or write
means, who may write and what is checked is ``services/graph_store.py``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import ProtocolError
from ..services.graph_store import GraphStore, Payload, target_of
from .context import services
from .respond import choose

bp = Blueprint("graph_store", __name__)

MULTIPART = "multipart/form-data"


def _payloads() -> list[Payload]:
    """The body as one RDF document, or each file of a multipart POST (merged in order)."""
    if request.method == "POST" and request.mimetype == MULTIPART:
        if request.form:
            raise ProtocolError("every part of a multipart body must be an RDF file")
        return [
            Payload(part.content_type, part.read())
            for parts in request.files.listvalues()
            for part in parts
        ]
    return [Payload(request.headers.get("Content-Type"), request.get_data(cache=False))]


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
def endpoint() -> Response:
    graph_store = GraphStore(services().sparql)
    target = target_of(request.args.to_dict(flat=False))
    authorization = request.headers.get("Authorization")
    if request.method in ("GET", "HEAD"):
        kind = "dataset" if target.kind == "store" else "stored_graph"
        media_type = choose(kind)
        response = Response(graph_store.read(target, media_type))
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
        return response
    if request.method == "DELETE":
        graph_store.delete(target, authorization)
        return Response(status=204)
    if request.method == "PUT":
        outcome = graph_store.put(target, _payloads(), authorization)
    else:
        outcome = graph_store.post(target, _payloads(), authorization)
    response = Response(status=201 if outcome.created or outcome.update else 204)
    if target.kind == "store":
        response.headers["Location"] = outcome.graph
    if outcome.update is not None:
        response.headers["Location"] = outcome.update  # the address the service gave it
    return response
