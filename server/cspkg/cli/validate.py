"""``cspkg validate``: files (or the built graph) checked against the SHACL shapes; the
exit code says whether anything broke the model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..errors import CspkgError
from ..rdf import report_format, validation
from .failures import EXIT_DATA_PROBLEMS, EXIT_OK
from .options import settings_of


@click.command()
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
@click.option(
    "--alone",
    is_flag=True,
    help="Check the FILEs by themselves, without the project's graph as context.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    files: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    today: datetime | None,
    alone: bool,
) -> None:
    """Check FILEs (default: the built graph) against the SHACL shapes.

    FILEs are RDF or plan documents (.txt, .docx, .pdf, .xlsx, .csv: imported in memory).  They are checked
    with the project's graph (ontology/ and data/) as context, as they will be served,
    and the report covers their own nodes; --alone checks them by themselves.  Exits 0
    when nothing breaks the model (warnings allowed), 1 when there are violations, 2
    when validation could not run (unreadable file, bad RDF, bad shapes).
    """
    from ..services.file_check import validate_files

    settings = settings_of(ctx)
    as_of = today.date() if today else None
    if files:
        report = validate_files(files, settings, as_of, alone=alone)
    else:
        report = validation.validate_built_graph(settings, as_of)
    text = report_format.render(report, fmt)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CspkgError(f"cannot write {output}: {exc.strerror}") from None
        click.echo(report_format.summary(report))
    else:
        click.echo(text, nl=False)
    ctx.exit(EXIT_OK if report.conforms else EXIT_DATA_PROBLEMS)
