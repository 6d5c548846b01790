"""The body of a query worker process (see ``pool.py``): open a snapshot, answer tasks.

Tasks travel as plain tuples (the fields of ``Task``) and replies as ``("ok", result)``,
``("written", (kind, media type, body, truncated, rows))``, ``("syntax", (message, line,
column))`` or ``("error", None)``: plain tuples pickle several times faster than
dataclasses, and this round trip is paid by every query.  Exception text from the
engine may hold paths, so it stays here.
"""

from __future__ import annotations

from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

from pyoxigraph import RdfFormat, Store

from ..errors import QuerySyntaxError
from ..namespaces import PREFIXES
from .base import GraphResult, QueryResult, SelectResult, SerializedResult
from .engine import execute
from .serialize import GRAPH_FORMATS, TABULAR_WRITERS, write_graph


class Task(NamedTuple):
    """What a worker needs to run one query (sent as ``tuple(task)``)."""

    snapshot: str
    sparql: str
    default_graph_uris: Sequence[str]
    named_graph_uris: Sequence[str]
    max_rows: int | None
    base_iri: str | None
    formats: tuple[tuple[str, str], ...] = ()
    """(kind, media type): write the result here in that type, ship bytes."""


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
    """A checkpoint directory opens read-only (no copy); an N-Quads file loads a replica."""
    if Path(snapshot).is_dir():
        return Store.read_only(snapshot)
    store = Store()
    store.bulk_load(path=snapshot, format=RdfFormat.N_QUADS)
    return store


def serve(conn: Connection) -> None:
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
        task = Task(*message)
        try:
            if task.snapshot != loaded:
                store = open_snapshot(task.snapshot)
                loaded = task.snapshot
            result = execute(
                store,
                task.sparql,
                task.default_graph_uris,
                task.named_graph_uris,
                task.max_rows,
                task.base_iri,
            )
            answer = written(result, dict(task.formats))
            reply: tuple[str, object] = (
                (
                    "written",
                    (answer.kind, answer.media_type, answer.body, answer.truncated, answer.rows),
                )
                if isinstance(answer, SerializedResult)
                else ("ok", answer)
            )
        except QuerySyntaxError as exc:
            reply = ("syntax", (str(exc), exc.line, exc.column))
        except (OSError, ValueError):
            reply = ("error", None)
        conn.send(reply)


def main(fd: int) -> None:
    """Entry point of a worker process: ``fd`` is its end of the socket pair."""
    serve(Connection(fd))
