"""Choosing and opening the store at start-up, from settings."""

from __future__ import annotations

from ..config import Settings
from .base import Store
from .embedded import EmbeddedStore
from .remote import RemoteStore
from .sources import STAGING_PREFIX

__all__ = ["STAGING_PREFIX", "drop_staging_leftovers", "open_store", "source_dirs"]


def open_store(settings: Settings) -> Store:
    """The remote store if ``settings.backend`` is set, else the embedded one (empty, or
    on disk as it was left).  Filling it is ``services/loading.py``'s job."""
    if settings.backend:
        return RemoteStore(settings.backend, write_timeout=max(settings.query_timeout * 10, 60))
    store = EmbeddedStore(settings.store, workers=settings.query_workers)
    if settings.store is not None:
        try:
            drop_staging_leftovers(store)
        except BaseException:
            store.close()
            raise
    return store


def drop_staging_leftovers(store: Store) -> None:
    """Remove staging graphs a killed ``cspkg load`` left; they are never real data, and
    left in place they would show through the union default graph."""
    leftovers = [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]
    if leftovers:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))


def source_dirs(settings: Settings) -> tuple:
    """The directories whose RDF files make up the dataset."""
    return (settings.ontology_dir, settings.data_dir)
