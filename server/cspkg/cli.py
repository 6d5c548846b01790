"""The ``cspkg`` command group.  Each subcommand is a thin shell over a service.

Failures leave through one table (``EXIT_CODES``): a command raises the project's
exception and ``CspkgGroup`` prints ``Error: message`` (plus the command's note on what
the failure left unchanged, ``ctx.meta[AFTER_FAILURE]``) and exits with the code the
table gives.  0 success, 1 data problems found, 2 usage or input error.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from . import __version__
from .catalog import Catalog, load_catalog
from .config import Settings, load_settings
from .errors import CspkgError, QueryNotFound, ValidationFailed
from .rdf import report_format, validation
from .services.canned_queries import CannedQueries, precheck, request_values
from .services.results import FORMATS, render
from .store.base import Store

EXIT_OK = 0
EXIT_DATA_PROBLEMS = 1
EXIT_USAGE_OR_INPUT = 2

EXIT_CODES: tuple[tuple[type[CspkgError], int], ...] = (
    (ValidationFailed, EXIT_DATA_PROBLEMS),  # the data broke the shapes
    (CspkgError, EXIT_USAGE_OR_INPUT),  # bad arguments, unreadable input, unusable store
)
"""Exception type -> exit code, first match wins; the message is the exception's own."""

AFTER_FAILURE = "cspkg.after_failure"
"""``ctx.meta`` key: a line a command wants printed after its error (what is unchanged)."""


def exit_code(exc: CspkgError) -> int:
    """The exit code ``EXIT_CODES`` gives an exception."""
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


class CspkgGroup(click.Group):
    """Runs a subcommand and turns the project's exceptions into a message and exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CspkgError as exc:
            click.echo(f"Error: {exc}", err=True)
            if ctx.meta.get(AFTER_FAILURE):
                click.echo(ctx.meta[AFTER_FAILURE], err=True)
            ctx.exit(exit_code(exc))


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


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group callback built."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


PROFILE_OPTION = click.option(
    "--backend-profile",
    help="Which kind of server --backend is: oxigraph (default), virtuoso, generic "
    "(sets CSPKG_BACKEND_PROFILE; write credentials from CSPKG_BACKEND_USER/_PASSWORD).",
)


def store_options(command: Any) -> Any:
    """``--store``, ``--backend`` and ``--backend-profile``: every command that reads or
    fills a store takes the same three (``with_store`` applies them)."""
    command = PROFILE_OPTION(command)
    command = click.option(
        "--backend", help="Base URL of a remote SPARQL server instead of the store."
    )(command)
    return click.option(
        "--store", "store_dir", type=click.Path(file_okay=False), help="On-disk store."
    )(command)


def with_store(
    settings: Settings,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
    **more: Any,
) -> Settings:
    """The settings with a command's store options (and any other fields) applied."""
    return replace(
        settings,
        backend=backend or settings.backend,
        backend_profile=backend_profile or settings.backend_profile,
        store=Path(store_dir) if store_dir else settings.store,
        **more,
    )


def _check_backend(settings: Settings) -> None:
    """An unknown profile, a backend showing its own graphs or refusing the account stop
    ``serve`` with one line, before gunicorn starts."""
    from .store.factory import open_store
    from .store.profiles import get_profile

    try:
        get_profile(settings.backend_profile)
    except CspkgError as exc:
        raise click.UsageError(str(exc)) from None
    if settings.backend:
        open_store(settings).close()


OUT_OPTION = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the Turtle here instead of the data folder.",
)


def _written(written: list[Path], unchanged: list[Path]) -> None:
    for path in written:
        click.echo(f"  wrote {path}")
    if unchanged:
        click.echo(f"  {len(unchanged)} file(s) already up to date")


@cli.command("import")
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

    from .rdf.plan_layout import load_layout
    from .services.plan_import import import_plan

    settings = settings_of(ctx)
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    layout = load_layout(layout_file) if layout_file else None
    if explain:
        from .services.plan_explain import explain_plan

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
        _written(report.written, report.unchanged)
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
            from .cli_alignment import report_align
            from .services.alignment_files import cited_plan_to_align

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


@cli.command("import-crime")
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

    from .rdf.crime_import import RowFilter, read_lsoa_list
    from .services.crime_import import import_crime

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
    _written(report.written, report.unchanged)
    for warning in report.warnings:
        click.echo(f"  warning: {warning}", err=True)


@cli.command("import-population")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", help="The year of the estimates, when the file has no year column.")
@OUT_OPTION
@click.pass_context
def import_population_command(
    ctx: click.Context, file: Path, year: str | None, out_dir: Path | None
) -> None:
    """Import residents per LSOA (ONS mid-year estimates, or code,population) so crime can
    be given per 1,000 residents; a year imported again replaces that year."""
    from .services.population_import import import_population

    settings = settings_of(ctx)
    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_population(file, settings, out_dir, year)
    for when, count in report.lsoas_by_year.items():
        click.echo(f"  {when}: {count} LSOAs, {report.residents_by_year[when]:,} residents")
    _written(report.written, report.unchanged)


@cli.command("measures")
@click.argument("plan")
@click.option(
    "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)  # fmt: skip
@click.pass_context
def measures_command(ctx: click.Context, plan: str, out_file: Path) -> None:
    """Write a plan's outcome measures (baseline, targets per quarter) as a workbook to fill
    in; read it back with import-measures.  PLAN: cannock-chase-csp/2024-25, title or IRI."""
    from .services.measures import build_workbook

    context, content = build_workbook(settings_of(ctx), plan)
    out_file.write_bytes(content)
    click.echo(f"{context.key}: outcome measures -> {out_file}")


@cli.command("import-measures")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@OUT_OPTION
@click.pass_context
def import_measures_command(ctx: click.Context, file: Path, out_dir: Path | None) -> None:
    """Read a filled outcome-measures workbook into data/measures/ (all rows or none)."""
    from .services.measures import import_measures

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_measures(file, settings_of(ctx), out_dir)
    click.echo(f"{report.measures} measure(s), {report.targets} target(s) for {report.plan}")
    _written(report.written, report.unchanged)


@cli.command("tracker")
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
    from .rdf.periods import PeriodError
    from .services.tracker import build_tracker

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    try:
        tracker = build_tracker(settings_of(ctx), plan, period)
    except PeriodError as exc:
        raise CspkgError(str(exc)) from None
    out_file.write_bytes(tracker.content)
    click.echo(
        f"{out_file}: {tracker.actions} actions of {tracker.plan} for {tracker.quarter.label}"
    )


@cli.command("import-progress")
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
    from .services.progress_import import import_progress

    ctx.meta[AFTER_FAILURE] = "Nothing was written."
    report = import_progress(file, settings_of(ctx), plan, out_dir)
    click.echo(
        f"{report.source}: {len(report.updates)} new update(s) for {report.plan}"
        + (f", {report.unchanged} unchanged" if report.unchanged else "")
    )
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")
    _written(report.written, [])


@cli.command()
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
    from .services.harvest import harvest as run_harvest

    ctx.meta[AFTER_FAILURE] = "The last harvest, if any, is unchanged."
    report = run_harvest(endpoint, query_file, settings_of(ctx), name, timeout, retries)
    click.echo(
        f"{report.name}: {report.triples} triples from {report.endpoint} "
        f"({report.attempts} attempt(s)) -> {report.path}"
    )


def _query_store(settings: Settings) -> Store:
    """The store a read-only command answers from: what ``cspkg load`` put in ``--store``
    or ``--backend``, as it is; else a throwaway in-memory store of the files (read by
    the one loading path, not validated: nothing is served from it)."""
    from .services.loading import open_loaded_store
    from .store.factory import open_store

    if settings.store is None and not settings.backend:
        return open_loaded_store(replace(settings, validate_on_load=False))
    return open_store(settings)


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.queries_dir, settings.base)


@cli.command("queries")
@click.pass_context
def list_queries(ctx: click.Context) -> None:
    """List the canned queries and their parameters (a thing by its name: label, code or IRI)."""
    for query in _catalog(settings_of(ctx)).queries:
        click.echo(f"{query.name}: {query.title}")
        for parameter in query.parameters:
            default = "optional" if parameter.optional else f"default {parameter.default}"
            if parameter.default is None and not parameter.optional:
                default = "required"
            # Things of a class are found by name (services/parameters.py), so say so.
            kind = "name" if parameter.type == "iri" and parameter.rdf_class else parameter.type
            click.echo(f"    --param {parameter.name}=<{kind}>  ({default})")


@cli.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Repeatable.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="table", show_default=True)
@store_options
@click.pass_context
def run_query(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    form: str,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
) -> None:
    """Run the canned query NAME: on ontology/ and data/ in memory by default, or on
    the store `cspkg load --store DIR` / `--backend URL` filled (read as it is)."""
    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    pairs: list[tuple[str, str]] = []
    for param in params:
        key, equals, value = param.partition("=")
        if not equals:
            raise click.UsageError(f"--param expects KEY=VALUE, got '{param}'")
        pairs.append((key, value))
    catalog = _catalog(settings)
    try:
        query = catalog.get(name)
    except QueryNotFound as exc:
        raise QueryNotFound(f"{exc} (cspkg queries lists every query)") from None
    precheck(query, request_values(query, pairs))  # refuse bad values before loading
    store = _query_store(settings)
    try:
        if store.triple_count() == 0:
            click.echo("warning: the store is empty (fill it with cspkg load)", err=True)
        table = CannedQueries(catalog, store, settings).run(name, pairs).table
    finally:
        store.close()
    click.echo(render(table, form), nl=False)
    if table.truncated:
        click.echo(f"warning: only the first {settings.max_rows} rows are shown", err=True)


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@store_options
@click.option("--threads", type=int, help="Request threads (default: the http_threads setting).")
@click.option("--check-port", is_flag=True, help="Only check that the port is free, then exit.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    store_dir: str | None,
    backend: str | None,
    backend_profile: str | None,
    threads: int | None,
    check_port: bool,
) -> None:
    """Serve the SPARQL endpoint and query page on gunicorn."""
    from .web.wsgi import GunicornServer

    given = settings_of(ctx)
    settings = with_store(
        given,
        store_dir,
        backend,
        backend_profile,
        host=host or given.host,
        port=port or given.port,
        progress_files=True,  # updates written on the service go back to data/progress
    )
    ensure_port_free(settings.host, settings.port)  # before gunicorn: one line, not ten
    if check_port:
        return
    _check_backend(settings)
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(
        f"cspkg: open {url} (the plan, its questions and pages); SPARQL endpoint {url}sparql",
        err=True,
    )
    GunicornServer(settings, threads=threads).run()


def ensure_port_free(host: str, port: int) -> None:
    """``CspkgError`` saying how to choose another port if ``host:port`` is taken.

    Bound the way gunicorn binds (``SO_REUSEADDR``), so a port in TIME_WAIT counts as
    free, as it will be for gunicorn."""
    import errno
    import socket

    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror:
        raise CspkgError(f"cannot listen on '{host}': no such host or interface") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CspkgError(
                    f"port {port} on {host} is already in use; choose another with "
                    f"--port N (make run PORT=N)"
                ) from None
            raise CspkgError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@cli.command()
@store_options
@click.pass_context
def load(
    ctx: click.Context, store_dir: str | None, backend: str | None, backend_profile: str | None
) -> None:
    """Validate ontology/ and data/, then load them graph by graph, all or nothing.

    The same path as the service's start-up (services/loading.py): only files that
    changed since the last load into --store DIR are read and validated."""
    from .services.loading import load_sources, project_sources
    from .store.factory import open_store

    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    if not settings.backend and settings.store is None:
        raise click.UsageError("give --backend URL or --store DIR: an in-memory load is lost")
    ctx.meta[AFTER_FAILURE] = "Nothing was loaded: the store is as it was."
    store = open_store(settings)
    try:
        with ProgressBars() as bars:
            outcome = load_sources(store, project_sources(settings), settings, on_progress=bars)
    finally:
        store.close()
    click.echo(
        f"loaded {outcome.loaded} graph(s)"
        + (f", {outcome.unchanged} unchanged" if outcome.unchanged else "")
        + (f", dropped {outcome.dropped}" if outcome.dropped else "")
    )


class ProgressBars:
    """Draws a load's ``on_progress(step, done, total)`` as one tqdm bar per step, on
    stderr and only on a terminal."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __enter__(self) -> ProgressBars:
        return self

    def __call__(self, step: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(step)
        if bar is None:
            bar = self._bars[step] = tqdm(total=total, desc=step, unit="file", disable=None)
        bar.update(done - bar.n)

    def __exit__(self, *_exc: object) -> None:
        for bar in self._bars.values():
            bar.close()


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
    from .services.file_check import validate_files

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


@cli.command()
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
    from .reports.board import file_name, render
    from .services import delivery

    settings = with_store(settings_of(ctx), store_dir, backend, backend_profile, query_workers=0)
    store = _query_store(settings)
    try:
        queries = CannedQueries(_catalog(settings), store, settings)
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


@cli.command("token")
def token_command() -> None:
    """Make a random write token: the token for its holder, and the salted hash to put in
    the settings (admin_token, or an [agency_tokens] entry) instead of the token."""
    from .token_hash import new_token

    token, stored = new_token()
    click.echo(f"token (give it to its holder, once): {token}")
    click.echo(f"settings value (keep this):         {stored}")


def _register() -> None:
    from .cli_alignment import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cspkg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
