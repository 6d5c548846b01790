"""The one loading path: start-up (``open_loaded_store``) and ``cspkg load`` both call
``load_sources``, with the same guarantees.

- What: the store is asked which sources changed since it last recorded them
  (``Store.changed_sources``: on disk, content hashes; in memory or remote, all of them)
  and which graphs lost their file.  Only those are read.
- Parsing: every file through ``rdf/safe_rdf.py``, the parser for untrusted input.
- Validation (``settings.validate_on_load``, on unless turned off): the changed graphs are
  written under staging names (``store/staging.py``) and validated there in batches of
  about ``BATCH_TRIPLES`` statements, each batch's nodes with what the rest of the store
  says about them (``write_check.validate_changed``), so memory follows the batch, not
  the store.  A violation names its files, and nothing is replaced.
- Atomic replacement: validated graphs are swapped in with one update (one transaction);
  unvalidated ones go through ``Store.replace_sources`` (the embedded store's bulk
  loader under its write lock, or stage-and-swap on a remote server).  Readers see the
  old graphs or the new ones.
- Afterwards the store records what it now holds (``Store.record_sources``).

Progress is reported through ``on_progress(step, done, total)``; the CLI draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from ..config import Settings
from ..errors import ValidationFailed
from ..rdf.validation import Report, Severity
from ..store.base import Progress, Store
from ..store.factory import open_store, source_dirs
from ..store.sources import Source, find_sources
from ..store.staging import Staged, drop_quietly, stage, swap
from .write_check import graph_triples, validate_changed

BATCH_TRIPLES = 50_000
"""Statements validated together: big enough to amortise a pyshacl run, small enough
to keep memory flat."""


@dataclass(frozen=True)
class LoadOutcome:
    """How many sources were (re)loaded, left as they were, and graphs dropped."""

    loaded: int
    unchanged: int
    dropped: int


def project_sources(settings: Settings) -> list[Source]:
    """The files that make up the dataset: ``ontology/`` and ``data/``, one graph each."""
    return find_sources(settings.base, source_dirs(settings))


def open_loaded_store(settings: Settings, on_progress: Progress | None = None) -> Store:
    """The store for serving: opened, and (unless it is a remote server, which
    ``cspkg load --backend`` fills) brought up to date with the project's files."""
    store = open_store(settings)
    try:
        if not settings.backend:
            load_sources(store, project_sources(settings), settings, on_progress=on_progress)
    except BaseException:
        store.close()
        raise
    store.warm()
    return store


def load_sources(
    store: Store,
    sources: Sequence[Source],
    settings: Settings,
    *,
    on_progress: Progress | None = None,
) -> LoadOutcome:
    """Bring ``store`` up to date with ``sources`` (all of the dataset's files)."""
    changed, gone = store.changed_sources(sources)
    with store.loading():
        if changed or gone:
            _replace(store, changed, gone, settings, on_progress)
        store.record_sources(sources)
    return LoadOutcome(len(changed), len(sources) - len(changed), len(gone))


def reload_sources(store: Store, changed: Sequence[Source], settings: Settings) -> None:
    """Replace just these sources' graphs, after the service itself rewrote their files
    (a review's decisions): staged and validated against the rest of the store and swapped
    in, as ``load_sources`` does, without reading every other file again."""
    with store.loading():
        _replace(store, changed, [], settings, None)
        store.record_sources(project_sources(settings))


def _replace(
    store: Store,
    changed: Sequence[Source],
    gone: Sequence[str],
    settings: Settings,
    on_progress: Progress | None,
) -> None:
    """Changed graphs validated and swapped in with one update (or bulk-replaced when
    validation is off); the graphs of ``gone`` dropped."""
    if not settings.validate_on_load:
        store.replace_sources(changed, gone, on_progress)
        return
    staged = stage(store, changed, on_progress)
    try:
        _validate_staged(store, staged, settings, on_progress)
    except BaseException:
        drop_quietly(store, [tmp for tmp, _ in staged])
        raise
    swap(store, staged, gone)


def _validate_staged(
    store: Store, staged: Staged, settings: Settings, on_progress: Progress | None
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

    for done, (tmp, source) in enumerate(staged):
        if on_progress is not None:
            on_progress("validating", done, len(staged))
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
    if on_progress is not None:
        on_progress("validating", len(staged), len(staged))
