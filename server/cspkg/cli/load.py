"""``cspkg load``: the files into an on-disk store or a backend, all or nothing, by the
service's own loading path, its progress drawn as bars."""

from __future__ import annotations

from typing import Any

import click

from .failures import AFTER_FAILURE
from .options import settings_of, store_options, with_store


@click.command()
@store_options
@click.pass_context
def load(
    ctx: click.Context, store_dir: str | None, backend: str | None, backend_profile: str | None
) -> None:
    """Validate ontology/ and data/, then load them graph by graph, all or nothing.

    The same path as the service's start-up (services/loading.py): only files that
    changed since the last load into --store DIR are read and validated."""
    from ..services.loading import load_sources, project_sources
    from ..store.factory import open_store

    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    if not settings.backend and settings.store is None:
        raise click.UsageError("give --backend URL or --store DIR: an in-memory load is lost")
    ctx.meta[AFTER_FAILURE] = "Nothing was loaded: the store is as it was."
    store = open_store(settings)
    try:
        with ProgressBars() as bars:
            outcome = load_sources(store, project_sources(settings), settings, on_progress=bars)
    finally:
        store.close()
    click.echo(
        f"loaded {outcome.loaded} graph(s)"
        + (f", {outcome.unchanged} unchanged" if outcome.unchanged else "")
        + (f", dropped {outcome.dropped}" if outcome.dropped else "")
    )


class ProgressBars:
    """Draws a load's ``on_progress(step, done, total)`` as one tqdm bar per step, on
    stderr and only on a terminal."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __enter__(self) -> ProgressBars:
        return self

    def __call__(self, step: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(step)
        if bar is None:
            bar = self._bars[step] = tqdm(total=total, desc=step, unit="file", disable=None)
        bar.update(done - bar.n)

    def __exit__(self, *_exc: object) -> None:
        for bar in self._bars.values():
            bar.close()
