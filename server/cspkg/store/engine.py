"""Running one query on a pyoxigraph store and collecting a typed, row-limited result.

Shared by the in-process path, the query worker processes and the remote store (which
parses the server's answer with the same pyoxigraph classes).  Kept free of heavy
imports: worker processes import it at start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    Store,
    parse_query_results,
)

from ..errors import CspkgError, GraphNotFound, QuerySyntaxError, StoreUnavailable
from .base import AskResult, GraphResult, QueryResult, SelectResult
from .serialize import TABULAR_WRITERS
from .sparql_text import has_from_clause

Answer = QuerySolutions | QueryBoolean | QueryTriples

ENGINE_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
}
"""Result types the engine's own serializer writes for SELECT (CSV is ours: it defuses
formulas; TSV is ours: the engine writes numbers bare)."""
ENGINE_BUDGET = 16 * 2**20
"""Bytes the engine may write before the row limit is decided the slow way: an answer
far past ``max_rows`` must not be evaluated and written whole."""
_UNUSUAL = re.compile(rb'\{(?:\}|"[,}:\]])')
"""In the engine's compact JSON each non-empty row opens with ``[{"`` or ``,{"`` and then
a variable's first character, and a row with no binding is ``{}``.  Inside a string ``"``
is always escaped, so ``,{"`` there can only be a string ending in ``,{`` followed by its
closing quote and one of ``,}:]``, which no variable name starts with.  An answer with
none of these unusual spellings has exactly one ``,{"`` per row after the first; one
with any (rare: a literal ending in ``{``, an empty row) is parsed to count.  Plain
``bytes.count`` and one regex search: a regex counting rows cost as much as writing them."""

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


class _OverBudget(Exception):
    """The engine wrote more than ``ENGINE_BUDGET`` bytes."""


class _Capped:
    """A binary output that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _OverBudget
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing buffered here."""


def _count_rows(body: bytes, media_type: str) -> int:
    """Rows in an answer the engine wrote: exact (a row with no binding is ``{}``, which
    a literal can hold too, so then the answer is parsed to count)."""
    if ENGINE_FORMATS[media_type] == QueryResultsFormat.XML:
        return body.count(b"<result>")  # ``<`` in text is always escaped
    start = body.index(b'"bindings":[') + len(b'"bindings":[')
    if _UNUSUAL.search(body, start) is not None:
        return sum(1 for _ in parse_query_results(body, format=QueryResultsFormat.JSON))
    if not body.startswith(b'{"', start):
        return 0
    return 1 + body.count(b',{"', start)


def _first_rows(prefix: bytes, media_type: str, max_rows: int) -> SelectResult | None:
    """The first ``max_rows`` rows of an answer the engine stopped writing at the budget,
    read from what it wrote: the prefix is closed after its last whole row and parsed.
    ``None`` where that cannot be done safely (fewer whole rows, or in JSON one of the
    unusual spellings ``_UNUSUAL`` names, where a row mark could be inside a literal)."""
    if ENGINE_FORMATS[media_type] == QueryResultsFormat.XML:
        end = prefix.rfind(b"<result>")
        closed = prefix[:end] + b"</results></sparql>"
    else:
        start = prefix.find(b'"bindings":[')
        if start == -1 or _UNUSUAL.search(prefix, start) is not None:
            return None
        end = prefix.rfind(b',{"')
        closed = prefix[:end] + b"]}}"
    if end == -1:
        return None
    try:
        result = collect(parse_query_results(closed, format=ENGINE_FORMATS[media_type]), max_rows)
    except SyntaxError:
        return None
    if not isinstance(result, SelectResult) or len(result.rows) < max_rows:
        return None
    return SelectResult(result.variables, result.rows, truncated=True)


def written_by_engine(
    solutions: QuerySolutions, media_type: str, max_rows: int | None
) -> tuple[bytes, int, bool] | None:
    """A SELECT answer as the bytes the client gets, written by the engine (several
    times faster than materialising terms and writing them here): (body, rows,
    truncated).  Past ``max_rows`` the first ``max_rows`` rows are written by our writer,
    as they always were.  When the engine has written ``ENGINE_BUDGET`` bytes the first
    ``max_rows`` rows are taken from them (measured: running the query again, as this
    did first, doubled a 66,780-row answer's time at 1M triples).  ``None``: they hold
    fewer; run the query again and stop at ``max_rows`` (``collect``)."""
    output = _Capped(None if max_rows is None else ENGINE_BUDGET)
    try:
        solutions.serialize(output, format=ENGINE_FORMATS[media_type])
    except _OverBudget:
        assert max_rows is not None  # no budget without a row limit
        first = _first_rows(b"".join(output.parts), media_type, max_rows)
        if first is None:
            return None
        return b"".join(TABULAR_WRITERS[media_type](first)), max_rows, True
    body = b"".join(output.parts)
    rows = _count_rows(body, media_type)
    if max_rows is None or rows <= max_rows:
        return body, rows, False
    parsed = parse_query_results(body, format=ENGINE_FORMATS[media_type])
    result = collect(parsed, max_rows)
    return b"".join(TABULAR_WRITERS[media_type](result)), max_rows, True


def evaluate(
    store: Store,
    sparql: str,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    base_iri: str | None = None,
) -> Answer:
    """Run ``sparql`` with the protocol dataset if given, else over the union default graph.

    A query with its own FROM clauses keeps them: the union default graph would
    otherwise override what the query asked for.  Solutions are computed as they are read.
    """
    kwargs: dict[str, object] = {}
    if default_graph_uris or named_graph_uris:
        kwargs["default_graph"] = [NamedNode(u) for u in default_graph_uris]
        kwargs["named_graphs"] = [NamedNode(u) for u in named_graph_uris]
    elif not has_from_clause(sparql):
        kwargs["use_default_graph_as_union"] = True
    try:
        return store.query(sparql, base_iri=base_iri, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise syntax_error(str(exc.msg if hasattr(exc, "msg") else exc)) from None


def execute(
    store: Store,
    sparql: str,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    max_rows: int | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """``evaluate``, read into a typed result of at most ``max_rows`` rows."""
    answer = evaluate(store, sparql, default_graph_uris, named_graph_uris, base_iri)
    try:
        return collect(answer, max_rows)
    except SyntaxError as exc:
        raise syntax_error(str(exc.msg if hasattr(exc, "msg") else exc)) from None
