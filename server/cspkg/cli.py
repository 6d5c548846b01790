"""The ``cspkg`` command group.  Each subcommand is a thin shell over a service."""

from __future__ import annotations

import sys

import click

from . import __version__
from .config import Settings, load_settings
from .errors import CspkgError


@click.group()
@click.version_option(__version__, prog_name="cspkg")
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--base", help="Base URI for things and concept schemes.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, base: str | None) -> None:
    """CSP Knowledge Graph: a Community Safety Partnership's plan as linked data."""
    from pathlib import Path

    try:
        ctx.obj = load_settings(Path(config_file) if config_file else None, base=base)
    except CspkgError as exc:
        raise click.ClickException(str(exc)) from None


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group callback built."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="On-disk store.")
@click.option("--backend", help="Base URL of a remote SPARQL server instead of the store.")
@click.option("--threads", default=8, show_default=True, help="Request threads.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    store_dir: str | None,
    backend: str | None,
    threads: int,
) -> None:
    """Serve the SPARQL endpoint and query page on gunicorn."""
    from dataclasses import replace
    from pathlib import Path

    from .web.wsgi import GunicornServer

    settings = settings_of(ctx)
    settings = replace(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        store=Path(store_dir) if store_dir else settings.store,
        backend=backend or settings.backend,
    )
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(f"cspkg: open {url} (query page); SPARQL endpoint {url}sparql", err=True)
    GunicornServer(settings, threads=threads).run()


@cli.command()
@click.option("--backend", help="Base URL of the SPARQL server to load into.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="On-disk store.")
@click.pass_context
def load(ctx: click.Context, backend: str | None, store_dir: str | None) -> None:
    """Validate ontology/ and data/, then load them graph by graph, all or nothing."""
    from dataclasses import replace
    from pathlib import Path

    from .services.loading import load_sources
    from .store.factory import open_store, source_dirs
    from .store.sources import find_sources

    settings = settings_of(ctx)
    settings = replace(
        settings,
        backend=backend or settings.backend,
        store=Path(store_dir) if store_dir else settings.store,
        query_workers=0,
    )
    if not settings.backend and settings.store is None:
        raise click.UsageError("give --backend URL or --store DIR: an in-memory load is lost")
    sources = find_sources(settings.base, source_dirs(settings))
    try:
        store = open_store(settings, load=False)
        try:
            count = load_sources(store, sources, settings.shapes_dir)
        finally:
            store.close()
    except CspkgError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"loaded {count} graph(s)")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
