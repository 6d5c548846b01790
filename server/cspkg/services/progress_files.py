"""A plan's progress has one home: its file, ``data/progress/{partnership}-{year}.ttl``.

The file is the source.  Loading puts it in the plan's progress graph
(``{base}graph/progress/{partnership}/{year}``: ``store/sources.py``), the graph the
progress form and agencies' Graph Store writes go into; after each such write the service
writes the graph back to the file (``save``, with ``Settings.progress_files``, on in
``cspkg serve``), and ``cspkg import-progress`` reads the file's history before adding to
it.  So updates from a return, the form and the Graph Store form one history whichever
door they came by, a reload of ``data/`` loses none of them, and backing up the data
folder (it is plain Turtle; commit it) backs up every update.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode
from rdflib import Graph

from ..config import Settings
from ..errors import StoreUnavailable
from ..rdf.turtle import to_turtle
from ..store.base import Store
from ..store.sources import PROGRESS_GRAPHS
from .data_files import write_all
from .progress_write import constructed, name_of

HEADER = (
    "Progress updates for {label}.\n"
    "Written by `cspkg import-progress` and the delivery service. Updates are never\n"
    "removed: a later one revises (prov:wasRevisionOf) the one it supersedes."
)
"""The first lines of every progress file, whichever door wrote it."""


def progress_file(data_dir: Path, plan: str) -> Path:
    """``data/progress/{partnership}-{year}.ttl``: one file (one named graph) per plan."""
    partnership, year = plan.rstrip("/").split("/")[-2:]
    return data_dir / "progress" / f"{partnership}-{year}.ttl"


def render(graph: Graph, label: str) -> str:
    """The progress file's text: deterministic Turtle under the one header."""
    return to_turtle(graph, HEADER.format(label=label))


def save(store: Store, settings: Settings, graph_iri: str) -> Path | None:
    """Write a plan's progress graph, as the store now holds it, back to its file (when
    ``settings.progress_files`` is on).  Call under the write lock, after the write."""
    prefix = settings.base + PROGRESS_GRAPHS
    if not settings.progress_files or not graph_iri.startswith(prefix):
        return None
    plan = settings.base + "id/delivery-plan/" + graph_iri[len(prefix) :]
    graph = constructed(
        store,
        settings,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(graph_iri)} {{ ?s ?p ?o }} }}",
    )
    target = progress_file(settings.data_dir, plan)
    try:
        write_all({target: render(graph, name_of(store, settings, plan))})
    except OSError as exc:
        raise StoreUnavailable(
            f"the update is in the store, but its progress file could not be written "
            f"({exc.strerror}): it would be lost when data/ is next loaded"
        ) from None
    return target
