"""The board reports as files: ``report`` (a plan's quarter) and ``commissioner-report``
(the Commissioner's edition, a Police and Crime Plan across every partnership's plan)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..errors import CspkgError
from ..services.canned_queries import CannedQueries
from .options import open_catalog, query_store, settings_of, store_options, with_store


@click.command()
@click.argument("plan")
@click.option("--period", required=True, help="The quarter: 2024-Q3 or 'Q3 2024/25'.")
@click.option(
    "--format", "form", type=click.Choice(("html", "docx", "pdf")), default="html",
    show_default=True,
)  # fmt: skip
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: a name from the plan and quarter).")  # fmt: skip
@click.option("--as-at", "as_at", type=click.DateTime(["%Y-%m-%d"]),
              help="Judge overdue on this day (default: the day after the quarter).")  # fmt: skip
@store_options
@click.pass_context
def report(
    ctx: click.Context,
    plan: str,
    period: str,
    form: str,
    out_file: Path | None,
    as_at: datetime | None,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
) -> None:
    """The quarterly board report for PLAN (its key, e.g. cannock-chase-csp/2024-25, its
    title or IRI): summary, RAG by priority, exceptions, missing updates, overdue actions
    and the alignment with the Commissioner's priorities, as HTML, Word or PDF."""
    from ..reports.board import file_name, render
    from ..services import delivery

    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    store = query_store(settings)
    try:
        queries = CannedQueries(open_catalog(settings), store, settings)
        found = delivery.resolve_plan(store, settings, plan)
        quarter = delivery.resolve_period(store, settings, period)
        judged = as_at.date() if as_at else None
        model = delivery.build(store, settings, found, quarter, judged, queries=queries)
    finally:
        store.close()
    body = render(model, form)
    target = out_file or Path(file_name(model, form))
    try:
        target.write_bytes(body)
    except OSError as exc:
        raise CspkgError(f"cannot write {target}: {exc.strerror}") from None
    click.echo(f"{model.plan.label}, {quarter.label}: {model.actions} actions -> {target}")


@click.command("commissioner-report")
@click.option("--commissioner-plan", help="The Police and Crime Plan (default: the newest).")
@click.option("--period", help="A quarter for the delivery section, e.g. 2024-Q3 (optional).")
@click.option(
    "--format",
    "form",
    type=click.Choice(["html", "docx", "pdf"]),
    default="html",
    show_default=True,
)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@store_options
@click.pass_context
def commissioner_report_command(
    ctx: click.Context,
    commissioner_plan: str | None,
    period: str | None,
    form: str,
    out_file: Path | None,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
) -> None:
    """The Commissioner's edition of the board report: a Police and Crime Plan across every
    partnership's plan (coverage, gaps, shared agencies, delivery in a quarter), confirmed
    links only, as HTML, Word or PDF: the figures of the /commissioner page."""
    from ..reports.commissioner import file_name, render
    from ..services.commissioner_view import build

    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    store = query_store(settings)
    try:
        view = build(
            CannedQueries(open_catalog(settings), store, settings), commissioner_plan, period
        )
    finally:
        store.close()
    if not view.plans:
        raise CspkgError("no Police and Crime Plan or no delivery plan in the data to report on")
    target = out_file or Path(file_name(view, form))
    try:
        target.write_bytes(render(view, form))
    except OSError as exc:
        raise CspkgError(f"cannot write {target}: {exc.strerror}") from None
    click.echo(f"{view.commissioner_label}: {len(view.plans)} partnership plan(s) -> {target}")
