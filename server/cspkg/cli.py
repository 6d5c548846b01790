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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
