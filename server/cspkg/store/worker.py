"""The body of a worker process (see ``pool.py``): open a snapshot, answer tasks.

Two kinds of task, sent as ``(kind, fields)``:

* ``"query"``: run a query on the snapshot; the answer comes back as it is or already
  written in the negotiated format: a SELECT in SPARQL JSON or XML by the engine's own
  serializer (``engine.written_by_engine``: no terms made in Python), else by ours.
* ``"update"``: run a SPARQL Update on a scratch copy of the graphs it touches (all of
  them when that is not known) and send back what it changed, as two N-Quads documents
  (removed, added).  The parent checks that change against the shapes and applies it to
  its store: the engine never evaluates a client's update in the serving process, so a
  crash or a runaway costs this worker only.

Replies are ``("ok", result)``, ``("written", (kind, media type, body, truncated,
rows))``, ``("changed", (removed, added))``, ``("syntax", (message, line, column))``,
``("refused", (error class name, message))``,
``("too_big", bytes)``, ``("memory", None)`` or ``("error", None)``: plain tuples pickle
several times faster than dataclasses, and this round trip is paid by every query.
Exception text from the engine may hold paths, so it stays here.

Limits: the worker caps its own address space (``RLIMIT_AS``, set before it opens
anything), so a query that would take the machine's memory fails here first (the
engine aborts, or Python raises ``MemoryError``); the parent then answers 503 and
starts a new worker.  An answer bigger than the result limit is not sent (413).
"""

from __future__ import annotations

import pickle
import resource
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store, parse, serialize

from ..errors import CspkgError, QuerySyntaxError, StoreUnavailable
from ..namespaces import PREFIXES
from .base import GraphResult, QueryResult, SelectResult, SerializedResult
from .engine import (
    ENGINE_FORMATS,
    Answer,
    collect,
    evaluate,
    syntax_error,
    update_error,
    written_by_engine,
)
from .serialize import GRAPH_FORMATS, TABULAR_WRITERS, write_graph


class Task(NamedTuple):
    """What a worker needs to run one query (sent as ``("query", tuple(task))``)."""

    snapshot: str
    sparql: str
    default_graph_uris: Sequence[str]
    named_graph_uris: Sequence[str]
    max_rows: int | None
    base_iri: str | None
    formats: tuple[tuple[str, str], ...] = ()
    """(kind, media type): write the result here in that type, ship bytes."""


class UpdateTask(NamedTuple):
    """One update to try (sent as ``("update", tuple(task))``)."""

    snapshot: str
    sparql: str
    base_iri: str | None
    graphs: tuple[str, ...] | None
    """The named graphs the update changes or reads; ``None``: copy the whole dataset."""


def written(result: QueryResult, formats: dict[str, str]) -> QueryResult | SerializedResult:
    """The result in the media type asked for its kind, or as it is if none was."""
    if isinstance(result, GraphResult):
        media_type = formats.get("graph")
        if media_type not in GRAPH_FORMATS:
            return result
        body = write_graph(result, media_type, PREFIXES)
        return SerializedResult("graph", media_type, body, result.truncated, len(result.triples))
    media_type = formats.get("results")
    if media_type not in TABULAR_WRITERS:
        return result
    body = b"".join(TABULAR_WRITERS[media_type](result))
    rows = len(result.rows) if isinstance(result, SelectResult) else None
    return SerializedResult("results", media_type, body, getattr(result, "truncated", False), rows)


def open_snapshot(snapshot: str) -> Store:
    """A checkpoint directory opens read-only (no copy); an N-Quads file loads a replica.

    The replica keeps the parent's blank node labels (``parse`` then ``bulk_extend``;
    ``bulk_load`` would rename them), so a change computed here names the same nodes
    in the parent's store."""
    if Path(snapshot).is_dir():
        return Store.read_only(snapshot)
    store = Store()
    store.bulk_extend(parse(path=snapshot, format=RdfFormat.N_QUADS))
    return store


def nquads(quads: Iterable[Quad]) -> bytes:
    return serialize(list(quads), format=RdfFormat.N_QUADS) or b""


def try_update(store: Store, task: UpdateTask) -> tuple[bytes, bytes]:
    """Apply the update to a scratch copy; the quads it removed and added, as N-Quads."""
    scratch = Store()
    if task.graphs is None:
        scratch.extend(store)
    else:
        for graph in task.graphs:
            scratch.extend(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    before = set(scratch)
    try:
        scratch.update(task.sparql, base_iri=task.base_iri)
    except SyntaxError as exc:
        raise syntax_error(str(exc)) from None
    except RuntimeError as exc:  # a missing graph without SILENT, for example
        raise update_error(exc) from None
    after = set(scratch)
    return nquads(before - after), nquads(after - before)


def answer(store: Store, kind: str, fields: tuple[object, ...]) -> tuple[str, object]:
    if kind == "update":
        return ("changed", try_update(store, UpdateTask(*fields)))  # type: ignore[arg-type]
    task = Task(*fields)  # type: ignore[arg-type]
    formats = dict(task.formats)
    args = (task.sparql, task.default_graph_uris, task.named_graph_uris, task.base_iri)
    try:
        answer = evaluate(store, *args)
        found = _engine_written(answer, task.max_rows, formats.get("results"))
        if found is None:
            if isinstance(answer, QuerySolutions) and formats.get("results") in ENGINE_FORMATS:
                answer = evaluate(store, *args)  # read (partly) by the engine: run again
            found = written(collect(answer, task.max_rows), formats)
    except RuntimeError as exc:  # the engine's text may name hosts: not passed on
        if "returned by service" in str(exc):
            raise StoreUnavailable(
                "a SERVICE endpoint answered with something other than SPARQL results"
            ) from None
        raise
    if isinstance(found, SerializedResult):
        return (
            "written",
            (found.kind, found.media_type, found.body, found.truncated, found.rows),
        )
    return ("ok", found)


def _engine_written(
    answer: Answer, max_rows: int | None, media_type: str | None
) -> SerializedResult | None:
    """A SELECT answer written by the engine's serializer, where it writes the type asked
    for; ``None``: take the usual path (terms collected up to ``max_rows``, then ours),
    also when the engine stopped past its budget or on an error, which that path raises
    again as it always did."""
    if not isinstance(answer, QuerySolutions) or media_type not in ENGINE_FORMATS:
        return None
    try:
        found = written_by_engine(answer, media_type, max_rows)
    except (OSError, RuntimeError, ValueError):
        return None
    if found is None:
        return None
    body, rows, truncated = found
    return SerializedResult("results", media_type, body, truncated, rows)


def serve(conn: Connection, max_result_bytes: int = 0) -> None:
    """Answer tasks until the parent sends ``None`` or goes away."""
    store = Store()
    loaded: str | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message == "ping":  # the pool waits for this before a new worker takes requests
            conn.send_bytes(pickle.dumps(("ok", None)))
            continue
        kind, fields = message
        reply: tuple[str, object]
        try:
            if fields[0] != loaded:
                store = Store()  # let the old replica go before the new one loads
                store = open_snapshot(fields[0])
                loaded = fields[0]
            reply = answer(store, kind, fields)
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
            if max_result_bytes and len(data) > max_result_bytes:
                data = pickle.dumps(("too_big", len(data)))
        except QuerySyntaxError as exc:
            data = pickle.dumps(("syntax", (str(exc), exc.line, exc.column)))
        except CspkgError as exc:
            data = pickle.dumps(("refused", (type(exc).__name__, str(exc))))
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception:  # e.g. a SERVICE endpoint answering something else: not fatal here
            data = pickle.dumps(("error", None))
        conn.send_bytes(data)


def main(fd: int, memory_bytes: int = 0, max_result_bytes: int = 0) -> None:
    """Entry point of a worker process: ``fd`` is its end of the socket pair (SIGINT is
    ignored from the boot line on: ``pool._BOOT``)."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    serve(Connection(fd), max_result_bytes)
