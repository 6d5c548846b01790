"""``/sparql``: the SPARQL 1.1 Protocol endpoint (query, update, service description).

Everything protocol-shaped happens here; what may run and how is the service's job.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from ..namespaces import PREFIXES
from ..store.base import GraphResult, QueryResult, SerializedResult
from ..store.serialize import TABULAR_WRITERS, write_graph
from ..store.sparql_text import query_form
from .caching import cached_get
from .context import services
from .negotiation import HTML, Kind, acceptable, negotiate
from .pages import query_page
from .protocol import parse_operation
from .respond import choose

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "Cspkg-Results-Truncated"


def _content_type(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def _kind_of(result: QueryResult | SerializedResult | None, text: str) -> Kind:
    if isinstance(result, SerializedResult):
        return result.kind
    if result is not None:
        return "graph" if isinstance(result, GraphResult) else "results"
    return "graph" if query_form(text) in ("construct", "describe") else "results"


def render(result: QueryResult | SerializedResult, media_type: str, max_rows: int) -> Response:
    """Serialise a result; tabular formats stream as they are written."""
    if isinstance(result, SerializedResult):
        response = Response(result.body)
    elif isinstance(result, GraphResult):
        response = Response(write_graph(result, media_type, PREFIXES))
    else:
        response = Response(TABULAR_WRITERS[media_type](result))
    response.headers["Content-Type"] = _content_type(media_type)
    if getattr(result, "truncated", False):
        response.headers[TRUNCATED_HEADER] = f"true; max-rows={max_rows}"
        response.headers["Warning"] = f'199 - "results truncated at {max_rows} rows"'
    return response


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def endpoint() -> Response:
    op = parse_operation(
        request.method,
        request.headers.get("Content-Type"),
        request.args.to_dict(flat=False),
        request.get_data(cache=False),
    )
    found = services()
    if op.kind == "none":
        return describe(op.format)
    if op.kind == "update":
        found.sparql.update(
            op.text,
            authorization=request.headers.get("Authorization"),
            using_graph_uris=op.using_graph_uris,
            using_named_graph_uris=op.using_named_graph_uris,
            base_iri=request.base_url,
        )
        return Response(status=204)
    expected = _kind_of(None, op.text)
    accept = request.headers.get("Accept")
    media_type = choose(expected, op.format)
    formats = {expected: media_type}
    other: Kind = "graph" if expected == "results" else "results"
    other_type = acceptable(other, accept, op.format)
    if other_type is not None:
        formats[other] = other_type
    key = ("sparql", op.text, op.default_graph_uris, op.named_graph_uris, accept, op.format)
    key += (request.base_url,)

    def produce() -> Response:
        result = found.sparql.query(
            op.text,
            op.default_graph_uris,
            op.named_graph_uris,
            base_iri=request.base_url,
            formats=formats,
        )
        actual = _kind_of(result, op.text)
        chosen = media_type
        if isinstance(result, SerializedResult):
            chosen = result.media_type
        elif actual != expected:
            chosen = negotiate(actual, accept, op.format)
        return render(result, chosen, found.settings.max_rows)

    return cached_get(key, produce)


def describe(format_param: str | None) -> Response:
    """No query: the service description for machines, the query page for browsers."""
    from ..services.description import describe_service

    media_type = choose("description", format_param)
    if media_type == HTML:
        return query_page()
    found = services()
    triples = describe_service(
        request.base_url,
        found.store,
        writes=found.sparql.writes_enabled,
        federation=bool(found.settings.service_allow_list),
        void=url_for("data.void", _external=True),
    )
    response = Response(write_graph(triples, media_type, PREFIXES))
    response.headers["Content-Type"] = _content_type(media_type)
    return response
