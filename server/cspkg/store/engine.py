"""Running one query on a pyoxigraph store and collecting a typed, row-limited result.

Shared by the in-process path, the query worker processes and the remote store (which
parses the server's answer with the same pyoxigraph classes).  Kept free of heavy
imports: worker processes import it at start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Store

from ..errors import CspkgError, GraphNotFound, QuerySyntaxError, StoreUnavailable
from .base import AskResult, GraphResult, QueryResult, SelectResult
from .sparql_text import has_from_clause

_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
_MISSING_GRAPH = re.compile(r"The graph (<[^<>\s]*>) does not exist")


def update_error(exc: Exception) -> CspkgError:
    """What the engine's refusal of an update means for the client: a missing graph
    (``CLEAR``/``DROP``/``MOVE`` without ``SILENT``) is 404, anything else 503.  The
    engine's own text is not passed on beyond the graph's IRI."""
    missing = _MISSING_GRAPH.search(str(exc))
    if missing is not None:
        return GraphNotFound(
            f"the store has no graph {missing.group(1)}; add SILENT to the operation "
            "to ignore a missing graph"
        )
    return StoreUnavailable("the update could not be applied")


def syntax_error(message: str) -> QuerySyntaxError:
    """Turn Oxigraph's ``error at L:C: ...`` message into an error carrying the position."""
    match = _POSITION.search(message)
    if match is None:
        return QuerySyntaxError(f"SPARQL syntax error: {message.strip()}")
    line, column = int(match.group(1)), int(match.group(2))
    detail = message[match.end() :].strip()
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {detail}", line, column
    )


def collect(answer: object, max_rows: int | None) -> QueryResult:
    """Materialise a pyoxigraph answer, stopping one past ``max_rows`` to flag truncation."""
    if isinstance(answer, QueryBoolean | bool):
        return AskResult(bool(answer))
    limit = max_rows if max_rows is not None else -1
    if isinstance(answer, QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        rows = []
        for solution in answer:
            if len(rows) == limit:
                return SelectResult(variables, rows, truncated=True)
            rows.append(tuple(solution))
        return SelectResult(variables, rows)
    triples = []
    for triple in answer:  # type: ignore[attr-defined]
        if len(triples) == limit:
            return GraphResult(triples, truncated=True)
        triples.append(triple)
    return GraphResult(triples)


def execute(
    store: Store,
    sparql: str,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    max_rows: int | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Run ``sparql`` with the protocol dataset if given, else over the union default graph.

    A query with its own FROM clauses keeps them: the union default graph would
    otherwise override what the query asked for.
    """
    kwargs: dict[str, object] = {}
    if default_graph_uris or named_graph_uris:
        kwargs["default_graph"] = [NamedNode(u) for u in default_graph_uris]
        kwargs["named_graphs"] = [NamedNode(u) for u in named_graph_uris]
    elif not has_from_clause(sparql):
        kwargs["use_default_graph_as_union"] = True
    try:
        answer = store.query(sparql, base_iri=base_iri, **kwargs)  # type: ignore[arg-type]
        return collect(answer, max_rows)
    except SyntaxError as exc:
        raise syntax_error(str(exc.msg if hasattr(exc, "msg") else exc)) from None
