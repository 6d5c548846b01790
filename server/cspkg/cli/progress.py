"""A plan's workbooks out and back: ``tracker`` and ``import-progress`` (quarterly
progress returns), ``measures`` and ``import-measures`` (outcome measures)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CspkgError
from .failures import AFTER_FAILURE
from .options import OUT_OPTION, echo_written, settings_of


@click.command("measures")
@click.argument("plan")
@click.option(
    "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)  # fmt: skip
@click.pass_context
def measures_command(ctx: click.Context, plan: str, out_file: Path) -> None:
    """Write a plan's outcome measures (baseline, targets per quarter) as a workbook to fill
    in; read it back with import-measures.  PLAN: cannock-chase-csp/2024-25, title or IRI."""
    from ..services.measures import build_workbook

    context, content = build_workbook(settings_of(ctx), plan)
    out_file.write_bytes(content)
    click.echo(f"{context.key}: outcome measures -> {out_file}")


@click.command("import-measures")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@OUT_OPTION
@click.pass_context
def import_measures_command(ctx: click.Context, file: Path, out_dir: Path | None) -> None:
    """Read a filled outcome-measures workbook into data/measures/ (all rows or none)."""
    from ..services.measures import import_measures

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_measures(file, settings_of(ctx), out_dir)
    click.echo(f"{report.measures} measure(s), {report.targets} target(s) for {report.plan}")
    echo_written(report.written, report.unchanged)


@click.command("tracker")
@click.argument("plan")
@click.option("--period", required=True, help="The quarter, e.g. 2024-Q3 or 'Q3 2024/25'.")
@click.option(
    "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)  # fmt: skip
@click.pass_context
def tracker_command(ctx: click.Context, plan: str, period: str, out_file: Path) -> None:
    """Write a plan's quarterly progress return (an Excel workbook) for partners to fill in.

    PLAN is the plan's name as partnership/year (cannock-chase-csp/2024-25), its title or
    its IRI.
    """
    from ..rdf.periods import PeriodError
    from ..services.tracker import build_tracker

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    try:
        tracker = build_tracker(settings_of(ctx), plan, period)
    except PeriodError as exc:
        raise CspkgError(str(exc)) from None
    out_file.write_bytes(tracker.content)
    click.echo(
        f"{out_file}: {tracker.actions} actions of {tracker.plan} for {tracker.quarter.label}"
    )


@click.command("import-progress")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", "plan", help="The plan (partnership/year, title or IRI).")
@OUT_OPTION
@click.pass_context
def import_progress_command(
    ctx: click.Context, file: Path, plan: str | None, out_dir: Path | None
) -> None:
    """Import a filled progress return (tracker .xlsx or .csv) as progress updates.

    A CSV has the columns action, period, status, progress, commentary and optionally
    reported_by, reported_on; action is the action's number in the plan (or its IRI).
    """
    from ..services.progress_import import import_progress

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_progress(file, settings_of(ctx), plan, out_dir)
    click.echo(
        f"{report.source}: {len(report.updates)} new update(s) for {report.plan}"
        + (f", {report.unchanged} unchanged" if report.unchanged else "")
    )
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")
    echo_written(report.written, [])
