"""What the commands share: the settings the group built, the store options and the
store a read-only command answers from, ``--out`` for written data files and the lines
that list them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ..catalog import Catalog, load_catalog
from ..config import Settings
from ..store.base import Store


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group callback built."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


PROFILE_OPTION = click.option(
    "--backend-profile",
    help="Which kind of server --backend is: oxigraph (default), virtuoso, generic "
    "(sets CSPKG_BACKEND_PROFILE; write credentials from CSPKG_BACKEND_USER/_PASSWORD).",
)


def store_options(command: Any) -> Any:
    """``--store``, ``--backend`` and ``--backend-profile``: every command that reads or
    fills a store takes the same three (``with_store`` applies them)."""
    command = PROFILE_OPTION(command)
    command = click.option(
        "--backend", help="Base URL of a remote SPARQL server instead of the store."
    )(command)
    return click.option(
        "--store", "store_dir", type=click.Path(file_okay=False), help="On-disk store."
    )(command)


def with_store(
    settings: Settings,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
    **more: Any,
) -> Settings:
    """The settings with a command's store options (and any other fields) applied."""
    return replace(
        settings,
        backend=backend or settings.backend,
        backend_profile=backend_profile or settings.backend_profile,
        store=Path(store_dir) if store_dir else settings.store,
        **more,
    )


def query_store(settings: Settings) -> Store:
    """The store a read-only command answers from: what ``cspkg load`` put in ``--store``
    or ``--backend``, as it is; else a throwaway in-memory store of the files (read by
    the one loading path, not validated: nothing is served from it)."""
    from ..services.loading import open_loaded_store
    from ..store.factory import open_store

    if settings.store is None and not settings.backend:
        return open_loaded_store(replace(settings, validate_on_load=False))
    return open_store(settings)


def open_catalog(settings: Settings) -> Catalog:
    """The canned queries of the settings' ``queries/`` folder."""
    return load_catalog(settings.queries_dir, settings.base)


OUT_OPTION = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the Turtle here instead of the data folder.",
)


def echo_written(written: list[Path], unchanged: list[Path]) -> None:
    """The files an import wrote, one a line, and how many it left as they were."""
    for path in written:
        click.echo(f"  wrote {path}")
    if unchanged:
        click.echo(f"  {len(unchanged)} file(s) already up to date")
