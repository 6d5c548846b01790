"""Choosing and opening the store at start-up, from settings."""

from __future__ import annotations

from ..config import Settings
from .base import Store
from .embedded import EmbeddedStore
from .remote import RemoteStore
from .sources import find_sources


def open_store(settings: Settings, *, load: bool = True) -> Store:
    """The remote store if ``settings.backend`` is set, else the embedded one.

    The embedded store loads ``ontology/`` and ``data/`` at start (each file its own
    named graph); a remote store is filled with ``cspkg load --backend URL``.
    """
    if settings.backend:
        return RemoteStore(settings.backend, write_timeout=max(settings.query_timeout * 10, 60))
    store = EmbeddedStore(settings.store, workers=settings.query_workers)
    if load:
        try:
            store.load_sources(find_sources(settings.base, source_dirs(settings)))
        except BaseException:
            store.close()
            raise
        store.warm()
    return store


def source_dirs(settings: Settings) -> tuple:
    """The directories whose RDF files make up the dataset."""
    return (settings.ontology_dir, settings.data_dir)
