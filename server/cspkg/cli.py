"""The ``cspkg`` command group.  Each subcommand is a thin shell over a service."""

from __future__ import annotations

import sys

import click

from . import __version__
from .catalog import Catalog, load_catalog
from .config import Settings, load_settings
from .errors import CspkgError, ParameterError, QueryNotFound
from .services.canned_queries import LocalStore, run_canned
from .services.results import FORMATS, render


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


def _catalog(settings: Settings) -> Catalog:
    try:
        return load_catalog(settings.queries_dir, settings.base)
    except CspkgError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command("queries")
@click.pass_context
def list_queries(ctx: click.Context) -> None:
    """List the canned queries and their parameters."""
    for query in _catalog(settings_of(ctx)).queries:
        click.echo(f"{query.name}: {query.title}")
        for parameter in query.parameters:
            default = "optional" if parameter.optional else f"default {parameter.default}"
            if parameter.default is None and not parameter.optional:
                default = "required"
            click.echo(f"    --param {parameter.name}=<{parameter.type}>  ({default})")


@cli.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Repeatable.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def run_query(ctx: click.Context, name: str, params: tuple[str, ...], form: str) -> None:
    """Run the canned query NAME on the embedded store (ontology/ and data/)."""
    settings = settings_of(ctx)
    values: dict[str, str] = {}
    for param in params:
        key, equals, value = param.partition("=")
        if not equals:
            raise click.UsageError(f"--param expects KEY=VALUE, got '{param}'")
        values[key] = value
    try:
        query = _catalog(settings).get(name)
        store = LocalStore.from_directories(settings.ontology_dir, settings.data_dir)
        table = run_canned(store, query, values)
    except (ParameterError, QueryNotFound) as exc:
        raise click.UsageError(str(exc)) from None
    except CspkgError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(table, form), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
