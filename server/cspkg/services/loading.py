"""Load sources into a store, validated, without a half-loaded moment.

Approach: every graph is first written under a fresh staging name
(``urn:cspkg:staging:{uuid}:{n}``) and validated there, in batches of about
``BATCH_TRIPLES``: each batch's nodes with what the rest of the store (other staged
graphs, graphs not being replaced) says about them and what they point to
(``write_check.validate_changed``).  Memory follows the batch, not the store: the
whole union of a 10M-triple load never sits in one rdflib graph.  Only when all staged
writes succeeded and passed does one SPARQL Update ``MOVE`` each staging graph onto its
real name.  An update request is one
transaction (Oxigraph runs each request atomically, as the embedded store does), so
readers see either the old graphs or the new ones.  If staging fails, the staging
graphs are dropped and the real graphs were never touched.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

from pyoxigraph import NamedNode, Triple
from tqdm import tqdm

from ..config import Settings
from ..errors import CspkgError, RdfInputError, ValidationFailed
from ..rdf.validation import Report, Severity
from ..store.base import Store
from ..store.factory import STAGING_PREFIX
from ..store.sources import Source
from .write_check import graph_triples, validate_changed

BATCH_TRIPLES = 50_000
"""Statements validated together: big enough to amortise a pyshacl run, small enough
to keep memory flat."""


def load_sources(
    store: Store,
    sources: Sequence[Source],
    settings: Settings,
    *,
    drop: Sequence[str] = (),
    progress: bool | None = None,
) -> int:
    """Stage, validate, then swap in (and ``drop`` graphs whose source is gone, in the
    same transaction).  Returns the number of graphs loaded.

    ``progress`` shows a bar on stderr (``None``: only on a terminal)."""
    run = uuid.uuid4().hex
    staged: list[tuple[str, Source]] = []
    try:
        for n, source in enumerate(
            tqdm(sources, desc="staging", unit="file", disable=_off(progress))
        ):
            staging = f"{STAGING_PREFIX}{run}:{n}"
            try:
                store.load_graph(staging, source.path.read_bytes(), source.media_type)
            except RdfInputError as exc:
                raise RdfInputError(f"{source.name}: {exc}") from None
            staged.append((staging, source))
        _validate_staged(store, staged, settings, progress)
        swaps = [f"MOVE SILENT <{tmp}> TO <{s.graph_iri}>" for tmp, s in staged]
        swaps += [f"DROP SILENT GRAPH <{graph}>" for graph in drop]
        if swaps:
            store.update(" ;\n".join(swaps))
    except (CspkgError, OSError):
        _drop_quietly(store, [tmp for tmp, _ in staged])
        raise
    return len(staged)


def _off(progress: bool | None) -> bool | None:
    return None if progress is None else not progress


def _validate_staged(
    store: Store, staged: Sequence[tuple[str, Source]], settings: Settings, progress: bool | None
) -> None:
    """Each batch of staged graphs against the shapes, with the rest of the store as
    context; a failure names the files whose nodes broke a shape."""
    existing = set(store.graphs())
    # The old versions of the graphs being replaced are not context; the staged ones are.
    exclude = [s.graph_iri for _, s in staged if s.graph_iri in existing]
    before: list[Triple] = []
    after: list[Triple] = []
    names: dict[str, str] = {}

    def check() -> None:
        try:
            validate_changed(store, before, after, exclude, settings)
        except ValidationFailed as exc:
            report = exc.report
            broken = report.by_severity(Severity.VIOLATION) if isinstance(report, Report) else ()
            files = sorted({names[f.focus] for f in broken if f.focus in names})
            where = f"{', '.join(files)}: " if files else ""
            raise ValidationFailed(f"{where}{exc}", report) from None
        before.clear()
        after.clear()
        names.clear()

    for tmp, source in tqdm(staged, desc="validating", unit="file", disable=_off(progress)):
        new = graph_triples(store, [tmp], settings)
        after.extend(new)
        if source.graph_iri in existing:  # the version it replaces
            before.extend(graph_triples(store, [source.graph_iri], settings))
        names.update(
            {t.subject.value: source.name for t in new if isinstance(t.subject, NamedNode)}
        )
        if len(after) >= BATCH_TRIPLES:
            check()
    if after or before:
        check()


def _drop_quietly(store: Store, graphs: Sequence[str]) -> None:
    """Best-effort clean-up of staging graphs; the real graphs are untouched either way."""
    if not graphs:
        return
    with contextlib.suppress(CspkgError):
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
