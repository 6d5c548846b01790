"""The ``cspkg`` command group.  Each subcommand is a thin shell over a service."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .config import Settings, load_settings
from .errors import CspkgError
from .rdf import report_format, validation


@click.group()
@click.version_option(__version__, prog_name="cspkg")
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--base", help="Base URI for things and concept schemes.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, base: str | None) -> None:
    """CSP Knowledge Graph: a Community Safety Partnership's plan as linked data."""
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
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report_format.FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge overdue targets as of this date (YYYY-MM-DD) instead of the clock.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    today: datetime | None,
) -> None:
    """Check FILEs (default: the built graph) against the SHACL shapes.

    Exits 0 when nothing breaks the model (warnings allowed), 1 when there are
    violations, 2 when validation could not run (unreadable file, bad RDF, bad shapes).
    """
    settings = settings_of(ctx)
    as_of = today.date() if today else None
    try:
        if files:
            report = validation.validate_files(files, settings, as_of)
        else:
            report = validation.validate_built_graph(settings, as_of)
        text = report_format.render(report, fmt)
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CspkgError(f"cannot write {output.name}: {exc.strerror}") from None
            click.echo(report_format.summary(report))
        else:
            click.echo(text, nl=False)
    except CspkgError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)
    ctx.exit(0 if report.conforms else 1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
