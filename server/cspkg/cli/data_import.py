"""Data from outside into data/: ``import-crime`` (police.uk street-level crime),
``import-population`` (residents per LSOA) and ``harvest`` (a remote SPARQL endpoint)."""

from __future__ import annotations

from pathlib import Path

import click

from .failures import AFTER_FAILURE
from .options import OUT_OPTION, echo_written, settings_of


@click.command("import-crime")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--area", help="Keep rows whose LSOA name starts with this district's name.")
@click.option(
    "--lsoa-list", type=click.Path(dir_okay=False, path_type=Path),
    help="Keep rows in the LSOAs this file lists (one code a line).",
)  # fmt: skip
@OUT_OPTION
@click.pass_context
def import_crime_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    area: str | None,
    lsoa_list: Path | None,
    out_dir: Path | None,
) -> None:
    """Import police.uk street-level crime as RDF Data Cube observations, a file per month.

    PATHS are the data.police.uk archive (a zip, or its folder of month folders), folders
    of YYYY-MM-<force>-street.csv files, or single CSV files.  Importing a month again
    replaces that month.
    """
    from tqdm import tqdm

    from ..rdf.crime_import import RowFilter, read_lsoa_list
    from ..services.crime_import import import_crime

    if area and lsoa_list:
        raise click.UsageError("give --area or --lsoa-list, not both")
    settings = settings_of(ctx)
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    keep = RowFilter(area=area)
    if lsoa_list:
        keep = RowFilter(lsoas=read_lsoa_list(lsoa_list), list_name=lsoa_list.name)
    with (
        tqdm(desc="files", unit="file", disable=None, leave=False) as files,
        tqdm(desc="rows", unit="row", disable=None, leave=False, unit_scale=True) as rows,
    ):

        def on_source(name: str, done: int, total: int) -> None:
            files.total = total
            files.n = done
            files.set_postfix_str(name.rsplit("/", 1)[-1], refresh=True)

        report = import_crime(list(paths), settings, out_dir, keep, on_source, rows.update)
    click.echo(
        f"{report.sources} file(s), {report.rows} rows; kept {report.kept}"
        + (f"; {report.no_location} without a location (not counted)" if report.no_location else "")
    )
    for month in report.months:
        click.echo(
            f"  {month.month}: {month.records} records in {month.lsoas} LSOAs -> {month.dataset}"
        )
    echo_written(report.written, report.unchanged)
    for warning in report.warnings:
        click.echo(f"  warning: {warning}", err=True)


@click.command("import-population")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", help="The year of the estimates, when the file has no year column.")
@OUT_OPTION
@click.pass_context
def import_population_command(
    ctx: click.Context, file: Path, year: str | None, out_dir: Path | None
) -> None:
    """Import residents per LSOA (ONS mid-year estimates, or code,population) so crime can
    be given per 1,000 residents; a year imported again replaces that year."""
    from ..services.population_import import import_population

    settings = settings_of(ctx)
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_population(file, settings, out_dir, year)
    for when, count in report.lsoas_by_year.items():
        click.echo(f"  {when}: {count} LSOAs, {report.residents_by_year[when]:,} residents")
    echo_written(report.written, report.unchanged)


@click.command()
@click.argument("endpoint")
@click.option(
    "--query",
    "query_file",
    required=True,
    type=click.Path(path_type=Path),
    help="A CONSTRUCT or DESCRIBE query file.",
)
@click.option("--name", help="Name of the harvest (default: the query file's name).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per try.")
@click.option("--retries", type=int, default=2, show_default=True, help="Tries after the first.")
@click.pass_context
def harvest(
    ctx: click.Context,
    endpoint: str,
    query_file: Path,
    name: str | None,
    timeout: float,
    retries: int,
) -> None:
    """Fetch a graph from a remote SPARQL endpoint into data/harvest/, with provenance."""
    from ..services.harvest import harvest as run_harvest

    ctx.meta[AFTER_FAILURE] = "The last harvest, if any, is unchanged."
    report = run_harvest(endpoint, query_file, settings_of(ctx), name, timeout, retries)
    click.echo(
        f"{report.name}: {report.triples} triples from {report.endpoint} "
        f"({report.attempts} attempt(s)) -> {report.path}"
    )
