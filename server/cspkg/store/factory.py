"""Choosing and opening the store at start-up, from settings."""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Settings
from .base import Store
from .embedded import EmbeddedStore
from .remote import RemoteStore
from .sources import find_sources

STAGING_PREFIX = "urn:cspkg:staging:"
"""Graph names ``cspkg load`` writes under before swapping them in (``services/loading``)."""


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The remote store if ``settings.backend`` is set, else the embedded one.

    The embedded store loads ``ontology/`` and ``data/`` at start (each file its own
    named graph); a remote store is filled with ``cspkg load --backend URL``.
    """
    if settings.backend:
        return RemoteStore(settings.backend, write_timeout=max(settings.query_timeout * 10, 60))
    store = EmbeddedStore(settings.store, workers=settings.query_workers)
    try:
        if settings.store is not None:
            drop_staging_leftovers(store)
        if load and not (settings.store is not None and is_loaded(settings.store)):
            store.load_sources(find_sources(settings.base, source_dirs(settings)))
            if settings.store is not None:
                mark_loaded(store, settings.store)
    except BaseException:
        store.close()
        raise
    return store


LOADED_MARKER = "cspkg-loaded"
"""File in an on-disk store's directory: a full load finished there at least once.

Why: the store, not the files, holds acknowledged writes.  Reloading the files at every
start would silently undo SPARQL updates to file-backed graphs; a start that was killed
half-way through its first load leaves no marker, so the next start loads again.
``cspkg load --store DIR`` (atomic) is how an on-disk store is refreshed from the files.
"""


def is_loaded(directory: Path) -> bool:
    return (directory / LOADED_MARKER).is_file()


def mark_loaded(store: EmbeddedStore, directory: Path) -> None:
    """Flush the store, then write the marker (so the marker never precedes the data)."""
    store.flush()
    marker = directory / LOADED_MARKER
    partial = marker.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write("a full load of ontology/ and data/ completed here\n")
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(marker)


def drop_staging_leftovers(store: EmbeddedStore) -> None:
    """Remove staging graphs a killed ``cspkg load`` left; they are never real data, and
    left in place they would show through the union default graph."""
    leftovers = [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]
    if leftovers:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))


def source_dirs(settings: Settings) -> tuple:
    """The directories whose RDF files make up the dataset."""
    return (settings.ontology_dir, settings.data_dir)
