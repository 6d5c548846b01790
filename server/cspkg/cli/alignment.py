"""The alignment commands: ``align`` (suggest), ``alignment`` (the review workbook) and
``import-alignment`` (a person's decisions back in).  Thin shells over
``services/alignment_files.py`` and ``services/alignment_review.py``."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Settings
from ..errors import CspkgError
from .failures import AFTER_FAILURE
from .options import OUT_OPTION, settings_of


def report_align(
    settings: Settings, plan: str, commissioner_plan: str | None, out_dir: Path | None
) -> None:
    from ..services.alignment_files import run_align

    report = run_align(settings, plan, commissioner_plan, out_dir)
    priorities = sum(s.kind == "priority" for s in report.suggestions)
    actions = len(report.suggestions) - priorities
    click.echo(
        f"  alignment to {report.commissioner_plan}: {priorities} priority and {actions} "
        f"action suggestion(s) from {report.evidence}"
        + (f"; {report.kept} decided earlier kept" if report.kept else "")
    )
    for path in report.written:
        click.echo(f"  wrote {path}")
    if report.suggestions:
        key = "/".join(str(report.plan).split("/")[-2:])
        click.echo(
            f"  suggestions are not alignment until confirmed: review them with "
            f"`cspkg alignment {key} --out review.xlsx` or on the review page"
        )


@click.command("align")
@click.argument("plan")
@click.option(
    "--commissioner-plan",
    help="The Police and Crime Plan (area/years, years, title or IRI); default: the newest "
    "one with suggester evidence in data/evidence/.",
)
@OUT_OPTION
@click.pass_context
def align_command(
    ctx: click.Context, plan: str, commissioner_plan: str | None, out_dir: Path | None
) -> None:
    """Suggest links from a plan's priorities and actions to a Commissioner plan's priorities."""
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    click.echo(f"{plan}:")
    report_align(settings_of(ctx), plan, commissioner_plan, out_dir)


@click.command("alignment")
@click.argument("plan")
@click.option("--commissioner-plan", help="The Police and Crime Plan (default: the newest).")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the review workbook (.xlsx).",
)
@click.pass_context
def alignment_command(
    ctx: click.Context, plan: str, commissioner_plan: str | None, out_file: Path
) -> None:
    """The review workbook: a row per suggestion, a decision drop-down and a reason column."""
    from ..services.alignment_workbook import build_review_workbook

    built = build_review_workbook(settings_of(ctx), plan, commissioner_plan)
    try:
        out_file.write_bytes(built.content)
    except OSError as exc:
        raise CspkgError(f"cannot write {out_file}: {exc.strerror}") from None
    click.echo(f"{built.label}: {built.rows} suggestion(s) -> {out_file}")


@click.command("import-alignment")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@OUT_OPTION
@click.pass_context
def import_alignment_command(ctx: click.Context, file: Path, out_dir: Path | None) -> None:
    """Read a filled review workbook: accepted and changed links confirmed, rejections kept."""
    from ..services.alignment_workbook import import_review

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_review(settings_of(ctx), file, out_dir)
    click.echo(
        f"{file.name}: {report.accepted} accepted, {report.changed} changed, "
        f"{report.rejected} rejected, {report.undecided} left undecided"
    )
    for path in report.written:
        click.echo(f"  wrote {path}")
