"""Validate the sources, then load them into a store without a half-loaded moment.

Approach: every graph is first written under a fresh staging name
(``urn:cspkg:staging:{uuid}:{n}``); only when all staged writes succeeded does one
SPARQL Update ``MOVE`` each staging graph onto its real name.  An update request is one
transaction (Oxigraph runs each request atomically, as the embedded store does), so
readers see either the old graphs or the new ones.  If staging fails, the staging
graphs are dropped and the real graphs were never touched.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

from rdflib import Graph

from ..config import Settings
from ..errors import CspkgError, RdfInputError
from ..store.base import Store
from ..store.sources import Source
from .validation_gate import validate_before_load


def read_sources(sources: Sequence[Source]) -> Graph:
    """All sources parsed into one graph: the thing that is validated."""
    union = Graph()
    for source in sources:
        try:
            union.parse(
                source.path, format="turtle" if source.media_type == "text/turtle" else "nt"
            )
        except (SyntaxError, ValueError) as exc:
            raise RdfInputError(f"{source.name}: {exc}") from None
    return union


def load_sources(store: Store, sources: Sequence[Source], settings: Settings) -> int:
    """Validate, stage, then swap in.  Returns the number of graphs loaded."""
    validate_before_load(read_sources(sources), settings)
    run = uuid.uuid4().hex
    staged: list[tuple[str, str]] = []
    try:
        for n, source in enumerate(sources):
            staging = f"urn:cspkg:staging:{run}:{n}"
            store.load_graph(staging, source.path.read_bytes(), source.media_type)
            staged.append((staging, source.graph_iri))
        if staged:
            store.update(" ;\n".join(f"MOVE SILENT <{tmp}> TO <{real}>" for tmp, real in staged))
    except (CspkgError, OSError):
        _drop_quietly(store, [tmp for tmp, _ in staged])
        raise
    return len(staged)


def _drop_quietly(store: Store, graphs: Sequence[str]) -> None:
    """Best-effort clean-up of staging graphs; the real graphs are untouched either way."""
    if not graphs:
        return
    with contextlib.suppress(CspkgError):
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
