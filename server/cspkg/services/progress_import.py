"""``cspkg import-progress``: a filled tracker or CSV -> ``data/progress/{plan}.ttl``.

Reads the file (rdf/progress_table.py), checks the rows (services/progress.py), checks
the new updates with the shapes beside the plan they report on, then writes the plan's
progress file (and the reporting-periods file when a new quarter appears) all together
or not at all.  A refused return names every bad row and column and writes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..config import Settings
from ..errors import CspkgError, RdfInputError
from ..namespaces import CSPKG, PPLAN, bind_prefixes
from ..rdf.progress_table import ProgressTable, read_progress_file
from ..rdf.rdf_files import load_rdf_files
from ..rdf.validation import Severity, validate_graph
from .data_files import write_all
from .progress import (
    PERIODS_FILE,
    PlanProgress,
    ProgressImportReport,
    ProgressRejected,
    RowProblem,
    document_graph,
    periods_text,
    plan_progress,
    read_entries,
    resolve_plan,
    status_scheme,
    updates_graph,
)
from .progress_files import progress_file, render

COLUMN_OF = {
    str(CSPKG.aboutAction): "action",
    str(CSPKG.reportingPeriod): "period",
    str(CSPKG.progressStatus): "status",
    str(CSPKG.percentComplete): "progress",
    str(CSPKG.commentary): "commentary",
    str(CSPKG.reportedBy): "reported_by",
    "http://purl.org/dc/terms/date": "reported_on",
}
"""Which column a shape's path comes from, so a finding points at the cell."""
CONTEXT = ("priorities", "commissioner", "agencies.ttl")


def read_data(paths: list[Path], root: Path) -> Graph:
    try:
        return load_rdf_files(paths, root)
    except RdfInputError as exc:
        raise CspkgError(f"cannot read the data folder: {exc}") from None


def _plans(data_dir: Path) -> dict[URIRef, Path]:
    found: dict[URIRef, Path] = {}
    for path in sorted((data_dir / "plans").glob("*.ttl")):
        graph = read_data([path], data_dir.parent)
        for plan in graph.subjects(RDF.type, CSPKG.DeliveryPlan):
            found[URIRef(plan)] = path
    return found


def find_plan(
    settings: Settings, name: str | None, table: ProgressTable | None = None
) -> tuple[URIRef, Path]:
    """The plan a return is about: named, written in the tracker, or implied by its actions."""
    plans = _plans(settings.data_dir)
    if not plans:
        raise CspkgError("no delivery plan in the data folder: import a plan first")
    wanted = name or (table.plan if table else None)
    if wanted:
        index = Graph()
        for path in set(plans.values()):
            index += read_data([path], settings.data_dir.parent)
        plan = resolve_plan(wanted, index)
        return plan, plans[plan]
    if len(plans) == 1:
        [(plan, path)] = plans.items()
        return plan, path
    iris = {str(r.values.get("action") or "") for r in table.rows} if table else set()
    for plan, path in plans.items():
        graph = read_data([path], settings.data_dir.parent)
        if any((URIRef(i), PPLAN.isStepOfPlan, plan) in graph for i in iris):
            return plan, path
    raise CspkgError("several plans in the data folder: say which with --plan")


def load_plan_progress(
    settings: Settings, plan: URIRef, plan_path: Path, out_dir: Path
) -> tuple[PlanProgress, Graph, Graph]:
    """The plan's progress so far, the plan graph and the existing progress graph."""
    plan_graph = read_data([plan_path], settings.data_dir.parent)
    target = progress_file(out_dir, plan)
    existing = read_data([target], out_dir.parent) if target.exists() else Graph()
    return plan_progress(plan_graph + existing, plan), plan_graph, existing


def import_progress(
    source: Path,
    settings: Settings,
    plan_name: str | None = None,
    out_dir: Path | None = None,
    today: date | None = None,
) -> ProgressImportReport:
    """Import one return; ProgressRejected (nothing written) when any row is wrong."""
    out_dir = out_dir or settings.data_dir
    today = today or date.today()
    table = read_progress_file(source)
    plan, plan_path = find_plan(settings, plan_name, table)
    progress, plan_graph, existing = load_plan_progress(settings, plan, plan_path, out_dir)
    try:
        entries = read_entries(table, progress, status_scheme(settings), today)
    except ProgressRejected as exc:  # a formula read as empty may be why: say so
        raise ProgressRejected(exc.source, exc.problems, table.warnings) from None
    document, described = document_graph(table, progress, settings.base)
    new, rows, unchanged = updates_graph(entries, progress, settings.base, document)
    report = ProgressImportReport(
        table.source, plan, sorted(rows), unchanged, warnings=list(table.warnings)
    )
    if not rows:
        return report
    periods_path = out_dir / PERIODS_FILE
    known = periods_path if periods_path.exists() else settings.data_dir / PERIODS_FILE
    periods = read_data([known], known.parent.parent.parent) if known.exists() else Graph()
    new_periods = periods_text(periods, {e.quarter for e in entries}, settings.base)
    if new_periods is not None:
        periods = Graph().parse(data=new_periods, format="turtle")
    context = _context(settings) + plan_graph + periods + existing
    report.warnings += _check(table, new + described, context, rows, settings, today)
    merged = Graph()
    bind_prefixes(merged)
    merged += existing
    merged += new
    merged += described
    rendered = {progress_file(out_dir, plan): render(merged, progress.label)}
    if new_periods is not None:
        rendered[periods_path] = new_periods
    report.written = write_all(rendered).written
    return report


def _context(settings: Settings) -> Graph:
    paths: list[Path] = []
    for name in CONTEXT:
        path = settings.data_dir / name
        paths += sorted(path.glob("*.ttl")) if path.is_dir() else [path] if path.exists() else []
    return read_data(paths, settings.data_dir.parent)


def _check(
    table: ProgressTable,
    new: Graph,
    context: Graph,
    rows: dict[URIRef, int],
    settings: Settings,
    today: date,
) -> list[str]:
    """Validate the new updates beside their plan; refuse on a violation about them."""
    report = validate_graph(context + new, settings, today)
    problems: list[RowProblem] = []
    warnings: list[str] = []
    new_nodes = {str(s) for s in new.subjects()}
    for finding in report.findings:
        if finding.focus not in new_nodes:
            continue
        row = rows.get(URIRef(finding.focus), 0)
        column = table.column_name(COLUMN_OF.get(finding.path or "", "action"))
        if finding.severity is Severity.VIOLATION:
            problems.append(RowProblem(row, column, finding.message))
        else:
            warnings.append(f"row {row}: {finding.message}")
    if problems:
        raise ProgressRejected(table.source, problems)
    return warnings


__all__ = ["find_plan", "import_progress", "load_plan_progress", "progress_file", "read_data"]
