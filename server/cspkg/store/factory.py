"""Choosing and opening the store at start-up, from settings."""

from __future__ import annotations

import os

from ..config import Settings
from .base import Store
from .embedded import EmbeddedStore
from .pool import PoolLimits
from .remote import RemoteStore
from .sources import STAGING_PREFIX

__all__ = ["STAGING_PREFIX", "drop_staging_leftovers", "open_store", "source_dirs"]


def open_store(settings: Settings) -> Store:
    """The remote store if ``settings.backend`` is set, else the embedded one (empty, or
    on disk as it was left).  Filling it is ``services/loading.py``'s job."""
    if settings.backend:
        remote = RemoteStore(
            settings.backend,
            write_timeout=max(settings.query_timeout * 10, 60),
            profile=settings.backend_profile,
            user=settings.backend_user,
            password=settings.backend_password,
        )
        try:
            remote.check_setup()
        except BaseException:
            remote.close()
            raise
        return remote
    store = EmbeddedStore(
        settings.store, workers=settings.query_workers, limits=pool_limits(settings)
    )
    try:
        if settings.store is not None:
            drop_staging_leftovers(store)
    except BaseException:
        store.close()
        raise
    return store


def worker_memory_bytes(settings: Settings) -> int:
    """The per-worker memory cap: the setting, or physical memory / (2 x (workers + 1))."""
    if settings.worker_memory_mb > 0:
        return settings.worker_memory_mb * 2**20
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(physical // (2 * (settings.query_workers + 1)), 512 * 2**20)


def pool_limits(settings: Settings) -> PoolLimits:
    workers = max(settings.query_workers, 1)
    return PoolLimits(
        memory_bytes=worker_memory_bytes(settings),
        max_result_bytes=settings.max_result_bytes,
        per_client=settings.worker_share_per_client or max(1, workers // 2),
        queue_length=settings.query_queue_length,
        spares=max(0, settings.spare_workers),
    )


def drop_staging_leftovers(store: Store) -> None:
    """Remove staging graphs a killed ``cspkg load`` left; they are never real data, and
    left in place they would show through the union default graph."""
    leftovers = [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]
    if leftovers:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))


def source_dirs(settings: Settings) -> tuple:
    """The directories whose RDF files make up the dataset."""
    return (settings.ontology_dir, settings.data_dir)
