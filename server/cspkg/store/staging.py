"""Writing graphs under staging names, then swapping them in with one update.

Used by ``services/loading.py`` (stage, validate, swap) and by the remote store's
``replace_sources`` (stage, swap): an update request is one transaction on both stores,
so readers see the old graphs or the new ones.  If anything fails before the swap, the
staging graphs are dropped and the real graphs were never touched.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

from ..errors import CspkgError
from ..rdf.safe_rdf import parse_rdf, to_ntriples
from .base import Progress, Store
from .sources import STAGING_PREFIX, Source

Staged = list[tuple[str, Source]]
"""(staging graph IRI, the source written there)."""


def stage(store: Store, sources: Sequence[Source], on_progress: Progress | None = None) -> Staged:
    """Write each source under a fresh staging name; drop them all if one fails."""
    run = uuid.uuid4().hex
    staged: Staged = []
    try:
        for n, source in enumerate(sources):
            if on_progress is not None:
                on_progress("staging", n, len(sources))
            triples = parse_rdf(
                source.path, source.media_type, name=source.name, base=source.graph_iri
            )
            staging = f"{STAGING_PREFIX}{run}:{n}"
            store.load_graph(staging, to_ntriples(triples), "application/n-triples")
            staged.append((staging, source))
    except (CspkgError, OSError):
        drop_quietly(store, [tmp for tmp, _ in staged])
        raise
    if on_progress is not None:
        on_progress("staging", len(sources), len(sources))
    return staged


def swap(store: Store, staged: Staged, drop: Sequence[str] = ()) -> None:
    """Move every staging graph onto its real name and drop ``drop``, in one update."""
    steps = [f"MOVE SILENT <{tmp}> TO <{source.graph_iri}>" for tmp, source in staged]
    steps += [f"DROP SILENT GRAPH <{graph}>" for graph in drop]
    if not steps:
        return
    try:
        store.update(" ;\n".join(steps))
    except (CspkgError, OSError):
        drop_quietly(store, [tmp for tmp, _ in staged])
        raise


def drop_quietly(store: Store, graphs: Sequence[str]) -> None:
    """Best-effort clean-up of staging graphs; the real graphs are untouched either way."""
    if not graphs:
        return
    with contextlib.suppress(CspkgError):
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
