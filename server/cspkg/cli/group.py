"""The ``cspkg`` command group: the options every command shares (``--config``,
``--base``), the commands of the sibling modules, and the console-script entry point.

Each command is a thin shell over a service; it fails by raising the project's exception,
which ``CspkgGroup`` turns into ``Error: ...`` and an exit code (``failures.py``).
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..config import load_settings
from .alignment import align_command, alignment_command, import_alignment_command
from .data_import import harvest, import_crime_command, import_population_command
from .failures import CspkgGroup
from .load import load
from .plan_import import import_command
from .progress import (
    import_measures_command,
    import_progress_command,
    measures_command,
    tracker_command,
)
from .query import list_queries, run_query
from .reports import commissioner_report_command, report
from .serve import serve, token_command
from .validate import validate


@click.group(cls=CspkgGroup)
@click.version_option(__version__, prog_name="cspkg")
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--base", help="Base URI for things and concept schemes.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, base: str | None) -> None:
    """CSP Knowledge Graph: a Community Safety Partnership's plan as linked data."""
    ctx.obj = load_settings(Path(config_file) if config_file else None, base=base)


COMMANDS: tuple[click.Command, ...] = (
    import_command,
    validate,
    import_crime_command,
    import_population_command,
    harvest,
    tracker_command,
    import_progress_command,
    measures_command,
    import_measures_command,
    align_command,
    alignment_command,
    import_alignment_command,
    list_queries,
    run_query,
    report,
    commissioner_report_command,
    load,
    serve,
    token_command,
)
"""Every subcommand (``cspkg --help`` lists them by name)."""

for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")
