"""``cspkg import``: plan documents into Turtle under data/ (and, with ``--explain``, how
each would be read, writing nothing); a plan citing a Commissioner's plan is then aligned
to it (``alignment.report_align``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .alignment import report_align
from .failures import AFTER_FAILURE
from .options import OUT_OPTION, echo_written, settings_of


@click.command("import")
@click.argument("documents", nargs=-1, required=True, type=click.Path(path_type=Path))
@OUT_OPTION
@click.option(
    "--layout",
    "layout_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML layout file naming what recognition cannot (column titles, which table).",
)
@click.option(
    "--unlisted-priorities",
    type=click.Choice(["add", "refuse"]),
    default="add",
    show_default=True,
    help="A priority an action names that the plan's list lacks: add it (with a warning) "
    "or refuse the plan.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Print how each document would be read (columns, properties, scores, samples, "
    "front matter) and write nothing.",
)
@click.pass_context
def import_command(
    ctx: click.Context,
    documents: tuple[Path, ...],
    out_dir: Path | None,
    layout_file: Path | None,
    unlisted_priorities: str,
    explain: bool,
) -> None:
    """Import plan documents (.txt, .docx, .pdf, .xlsx or .csv) into Turtle under data/."""
    from tqdm import tqdm

    from ..rdf.plan_layout import load_layout
    from ..services.plan_import import import_plan

    settings = settings_of(ctx)
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    layout = load_layout(layout_file) if layout_file else None
    if explain:
        from ..services.plan_explain import explain_plan

        for document in documents:
            _print_explanation(explain_plan(document, settings, layout, unlisted_priorities))  # type: ignore[arg-type]
        return
    for document in documents:
        with tqdm(total=4, desc=document.name, unit="step", disable=None, leave=False) as bar:
            report = import_plan(
                document,
                settings,
                out_dir,
                on_step=lambda _s: bar.update(),
                layout=layout,
                unlisted=unlisted_priorities,  # type: ignore[arg-type]
            )
        click.echo(
            f"{report.source}: {report.actions} actions, {report.agencies} agencies "
            f"-> {report.plan_iri}"
        )
        click.echo(f"  layout: {report.layout}")
        echo_written(report.written, report.unchanged)
        for agency in report.unregistered:
            where = agency.where or f"line {agency.line}"
            hint = ""
            if agency.suggestions:
                hint = "; did you mean " + " or ".join(f"'{s}'" for s in agency.suggestions)
                hint += "? (add the spelling as an alias in the register)"
            click.echo(
                f"  warning: {where}: agency '{agency.name}' is not in the register; "
                f"imported as {agency.iri}{hint}",
                err=True,
            )
        for notice in report.warnings:
            click.echo(f"  warning: {notice.where}: {notice.message}", err=True)
        if report.plan_iri is not None:
            from ..services.alignment_files import cited_plan_to_align

            cited = cited_plan_to_align(settings, report.plan_iri, out_dir)
            if cited is not None:
                report_align(settings, str(report.plan_iri), str(cited), out_dir)


def _print_explanation(explanation: Any) -> None:
    """``cspkg import --explain``: the mapping, the front matter, what the import would say."""
    click.echo(explanation.source)
    if explanation.layout:
        click.echo(f"  layout: {explanation.layout}")
    record = explanation.record
    if record is not None:
        click.echo(f"  front matter: partnership '{record.partnership}', year {record.year}")
        listed = "; ".join(p.label for p in record.priorities) or "none listed"
        click.echo(f"    strategic priorities: {listed}")
        pcp = record.commissioner
        if pcp is not None:
            click.echo(f"    Commissioner's plan: {pcp.area} {pcp.title} {pcp.years}")
    for table in explanation.tables:
        click.echo(f"  {table.name}, header row {table.header_row}:")
        click.echo(
            f"    {'column':<7}{'title':<30}{'property':<36}{'score':>5}  {'match':<36}sample"
        )
        for c in table.columns:
            score = f"{c.score:.0f}" if c.score else "-"
            click.echo(
                f"    {c.column:<7}{c.title[:29]:<30}{c.property:<36}{score:>5}  "
                f"{c.how[:35]:<36}'{c.sample}'"
            )
    if record is not None:
        click.echo(f"  actions: {len(record.actions)}")
    for notice in explanation.warnings:
        click.echo(f"  warning: {notice.where}: {notice.message}")
    if explanation.problem:
        click.echo(f"  the import would stop: {explanation.problem}")
    click.echo("  nothing written (--explain)")
