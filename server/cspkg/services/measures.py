"""``cspkg measures`` and ``cspkg import-measures``: a plan's outcome measures as a
workbook to fill in, and back into ``data/measures/{partnership}-{year}.ttl``.

Like the progress tracker: prefilled from the graph (the measures already recorded, or a
recorded-crime measure per CSP priority the alignment gives categories, with the plan's
own "measure of success" text beside it), drop-downs for direction, source and quarter,
and a file read back whole: a bad cell is named by sheet, row and column, and nothing is
written until every row is right.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ..config import Settings
from ..errors import CspkgError
from ..namespaces import CSPKG, PPLAN, bind_prefixes
from ..rdf.periods import Quarter, parse_period
from ..rdf.progress_table import MAX_ROWS, open_workbook, read_bounded
from ..rdf.slugs import slugify
from ..rdf.turtle import to_turtle
from ..rdf.validation import Severity, validate_graph
from .data_files import write_all
from .progress_import import find_plan, read_data

MEASURES, TARGETS = "Measures", "Targets"
COLUMNS = (
    ("Ref", 8), ("Name", 40), ("Unit", 12), ("Direction", 14), ("Source", 44),
    ("CSP priorities", 40), ("Actions", 12), ("Measure of success (plan)", 50),
    ("Baseline", 10), ("Baseline period", 14), ("Amber within (%)", 10),
)  # fmt: skip
TARGET_COLUMNS = (("Ref", 8), ("Quarter", 12), ("Target", 10), ("Actual (entered measures)", 14))
HEADER_ROW = 4
DIRECTIONS = {"Down is good": "down", "Up is good": "up"}
ENTERED = "Entered by the partnership"
CRIME = "Recorded crime: "
AMBER_DEFAULT = Decimal(5)
FILL_ME = PatternFill("solid", fgColor="FFF2CC")


class MeasuresRejected(CspkgError):
    """The workbook has bad cells: every one named, nothing written."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s), nothing written:\n{shown}")


@dataclass
class PlanContext:
    """What the workbook needs to know about a plan, read from the data folder."""

    plan: URIRef
    key: str
    graph: Graph
    priorities: dict[str, URIRef]
    """Label -> priority, in the plan's order."""
    series: dict[str, URIRef]
    """Label -> priority with police.uk categories (a crime series)."""
    actions: dict[int, URIRef]
    quarters: list[Quarter]
    measures_file: Path


def plan_context(settings: Settings, plan_name: str) -> PlanContext:
    plan, plan_path = find_plan(settings, plan_name)
    data = settings.data_dir
    paths = [
        plan_path,
        *sorted((data / "priorities").glob("*.ttl")),
        *sorted((data / "alignment").glob("*.ttl")),
    ]
    graph = read_data(paths, data.parent)
    key = str(plan).split("/delivery-plan/", 1)[-1]
    priorities = {
        str(graph.value(p, SKOS.prefLabel) or p): URIRef(p)
        for p in graph.objects(plan, CSPKG.strategicPriority)
    }
    series = {
        label: p
        for label, p in priorities.items()
        if any(
            str(c).find("/police-uk/crime-categories/") > 0
            for c in graph.objects(p, SKOS.relatedMatch)
        )
    }
    actions = {
        int(graph.value(a, CSPKG.ordinal)): URIRef(a)
        for a in graph.subjects(PPLAN.isStepOfPlan, plan)
        if graph.value(a, CSPKG.ordinal) is not None
    }
    year = int(key.rsplit("/", 1)[-1][:4])
    quarters = [Quarter(year, q) for q in (1, 2, 3, 4)]
    path = data / "measures" / f"{key.replace('/', '-')}.ttl"
    return PlanContext(
        plan,
        key,
        graph,
        dict(sorted(priorities.items())),
        series,
        dict(sorted(actions.items())),
        quarters,
        path,
    )


# --- Out: the workbook ---------------------------------------------------------------------


def _prefilled(context: PlanContext, settings: Settings) -> tuple[list[list[Any]], list[list[Any]]]:
    """Rows of the two sheets: the recorded measures, or one crime measure per priority."""
    if context.measures_file.exists():
        return _rows_of(Graph().parse(context.measures_file), context, settings)
    measures, targets = [], []
    for number, (label, priority) in enumerate(context.series.items(), start=1):
        acting = [
            o
            for o, a in context.actions.items()
            if (a, CSPKG.meetsPriority, priority) in context.graph
        ]
        success = [
            str(t)
            for o in acting
            for t in context.graph.objects(context.actions[o], CSPKG.measureOfSuccess)
        ]
        ref = f"C{number}"
        measures.append([
            ref, f"Recorded crime: {label}", "crimes", "Down is good", CRIME + label, label,
            "; ".join(str(o) for o in acting), "; ".join(success), None, None, AMBER_DEFAULT,
        ])  # fmt: skip
        targets += [[ref, q.notation, None, None] for q in context.quarters]
    return measures, targets


def _rows_of(
    graph: Graph, context: PlanContext, settings: Settings
) -> tuple[list[list[Any]], list[list[Any]]]:
    by_priority = {v: k for k, v in context.priorities.items()}
    by_action = {v: k for k, v in context.actions.items()}
    measures, targets = [], []
    for measure in sorted(
        graph.subjects(RDF.type, CSPKG.OutcomeMeasure),
        key=lambda m: str(graph.value(m, SKOS.notation)),
    ):
        ref = str(graph.value(measure, SKOS.notation))
        series = graph.value(measure, CSPKG.crimeSeriesOf)
        measures.append([
            ref, str(graph.value(measure, RDFS.label)), str(graph.value(measure, CSPKG.unit) or ""),
            "Up is good" if str(graph.value(measure, CSPKG.goodDirection)) == "up" else "Down is good",
            CRIME + by_priority[series] if series in by_priority else ENTERED,
            "; ".join(sorted(by_priority[p] for p in graph.objects(measure, CSPKG.measuresPriority) if p in by_priority)),
            "; ".join(str(o) for o in sorted(by_action[a] for a in graph.objects(measure, CSPKG.measuresAction) if a in by_action)),
            str(graph.value(measure, CSPKG.successText) or "") or None,
            _plain(graph.value(measure, CSPKG.baselineValue)), str(graph.value(measure, CSPKG.baselinePeriod) or "") or None,
            _plain(graph.value(measure, CSPKG.amberWithin)),
        ])  # fmt: skip
        found = {
            parse_period(str(graph.value(t, CSPKG.targetPeriod))): t
            for t in graph.objects(measure, CSPKG.hasTarget)
        }
        for quarter in context.quarters:
            node = found.get(quarter)
            targets.append([
                ref, quarter.notation,
                _plain(graph.value(node, CSPKG.targetValue)) if node else None,
                _plain(graph.value(node, CSPKG.actualValue)) if node else None,
            ])  # fmt: skip
    return measures, targets


def _plain(value: object) -> int | float | None:
    """A decimal from the graph as the number a spreadsheet shows (whole when it is)."""
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def build_workbook(settings: Settings, plan_name: str) -> tuple[PlanContext, bytes]:
    context = plan_context(settings, plan_name)
    measures, targets = _prefilled(context, settings)
    book = Workbook()
    sheet = book.active
    sheet.title = MEASURES
    sheet.cell(1, 1, f"Outcome measures: {context.key}").font = Font(bold=True, size=14)
    sheet.cell(2, 1, "Plan")
    sheet.cell(2, 2, context.key).data_type = "s"
    _table(sheet, COLUMNS, HEADER_ROW, measures)
    sources = [ENTERED, *(CRIME + label for label in context.series)]
    _choices(sheet, "D", list(DIRECTIONS), HEADER_ROW + 1, "Direction")
    _choices(sheet, "E", sources, HEADER_ROW + 1, "Source")
    _numbers(sheet, ("I", "K"), HEADER_ROW + 1)
    targets_sheet = book.create_sheet(TARGETS)
    _table(targets_sheet, TARGET_COLUMNS, 1, targets)
    _choices(targets_sheet, "B", [q.notation for q in context.quarters], 2, "Quarter")
    _numbers(targets_sheet, ("C", "D"), 2)
    notes = book.create_sheet("Instructions")
    notes.column_dimensions["A"].width = 110
    for number, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(number, 1, line)
    buffer = io.BytesIO()
    book.save(buffer)
    return context, buffer.getvalue()


INSTRUCTIONS = (
    "How to fill in the outcome measures",
    "Measures: one row per measure. Ref is its short name (unique). Direction: whether a higher"
    " or a lower figure is better. Source: a recorded-crime series from the graph (its figures"
    " come from police.uk each quarter) or 'Entered by the partnership' (you give the Actual on"
    " the Targets sheet).",
    "CSP priorities: the priorities' names, separated by ';'. Actions: the plan's action numbers,"
    " separated by ';'. Measure of success: the plan's own words, kept beside the measure.",
    "Baseline and Baseline period: the figure you start from and when it was measured (e.g."
    " 2023/24). Amber within (%): how far on the wrong side of its target a figure may be and be"
    " Amber rather than Red (5 if left empty).",
    "Targets: a row per measure and quarter; Actual only for entered measures.",
    "Read back with: cspkg import-measures FILE.xlsx. A bad cell is named by sheet, row and"
    " column, and nothing is stored until every row is right.",
)


def _table(
    sheet: Any, columns: tuple[tuple[str, int], ...], header: int, rows: list[list[Any]]
) -> None:
    for column, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(header, column, title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(header + offset, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text from the graph stays text, never a formula
            if value is None:
                cell.fill = FILL_ME


def _choices(sheet: Any, column: str, choices: list[str], first: int, title: str) -> None:
    rule = DataValidation(
        type="list", formula1='"' + ",".join(c.replace('"', "'") for c in choices) + '"',
        allow_blank=True, showErrorMessage=True, errorTitle=title, error=f"Choose a {title.lower()} from the list.",
    )  # fmt: skip
    rule.add(f"{column}{first}:{column}{first + 500}")
    sheet.add_data_validation(rule)


def _numbers(sheet: Any, columns: tuple[str, ...], first: int) -> None:
    rule = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="A number, 0 or more.",
    )
    for column in columns:
        rule.add(f"{column}{first}:{column}{first + 500}")
    sheet.add_data_validation(rule)


# --- In: the workbook read back ---------------------------------------------------------------


@dataclass
class MeasuresReport:
    plan: URIRef
    measures: int
    targets: int
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def _cells(path: Path) -> tuple[Any, Any]:
    """The two sheets, read through the one reader of untrusted workbooks (size, zip bomb
    and DTD checks first, values not formulas)."""
    raw = read_bounded(path)
    book = open_workbook(str(path), raw)
    if MEASURES not in book.sheetnames or TARGETS not in book.sheetnames:
        raise CspkgError(
            f"{path}: needs the sheets '{MEASURES}' and '{TARGETS}' (from cspkg measures)"
        )
    return book[MEASURES], book[TARGETS]


def _rows(sheet: Any, source: Path, first: int = 1) -> list[tuple[object, ...]]:
    found = []
    for number, row in enumerate(
        sheet.iter_rows(min_row=first, max_col=len(COLUMNS), values_only=True), start=first
    ):
        if number > MAX_ROWS:
            raise CspkgError(f"{source}: {sheet.title} sheet: more than {MAX_ROWS} rows")
        found.append(tuple(row))
    return found


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def import_measures(path: Path, settings: Settings, out_dir: Path | None = None) -> MeasuresReport:
    """Read the workbook, check every cell, write the plan's measures file (or nothing)."""
    measures_sheet, targets_sheet = _cells(path)
    rows = _rows(measures_sheet, path)
    if len(rows) < 2 or _text(rows[1][0]) != "Plan":
        raise CspkgError(f"{path}: {MEASURES} sheet, row 2: the Plan cell is missing")
    context = plan_context(settings, _text(rows[1][1]))
    problems: list[str] = []
    graph = Graph()
    bind_prefixes(graph)
    partnership, year = context.key.split("/")
    directions: dict[str, str] = {}
    sources: dict[str, str] = {}
    nodes: dict[str, URIRef] = {}
    titles = [t for t, _ in COLUMNS]
    if [_text(v) for v in rows[HEADER_ROW - 1][: len(titles)]] != titles:
        raise CspkgError(f"{path}: {MEASURES} sheet, row {HEADER_ROW}: the header row was changed")
    for number, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        cells = dict(zip(titles, list(row) + [None] * len(titles), strict=False))
        if not any(_text(v) for v in cells.values()):
            continue
        where = partial(_where, MEASURES, number, titles)
        ref = _text(cells["Ref"])
        if not ref or not slugify(ref):
            problems.append(f"{where('Ref')}: a measure needs a Ref")
            continue
        if ref in nodes:
            problems.append(f"{where('Ref')}: '{ref}' is used twice")
            continue
        node = URIRef(f"{settings.base}id/measure/{partnership}/{year}/{slugify(ref)}")
        nodes[ref] = node
        graph.add((node, RDF.type, CSPKG.OutcomeMeasure))
        graph.add((node, SKOS.notation, Literal(ref)))
        graph.add((node, CSPKG.forPlan, context.plan))
        name = _text(cells["Name"])
        if not name:
            problems.append(f"{where('Name')}: a measure needs a name")
        graph.add((node, RDFS.label, Literal(name or ref)))
        if _text(cells["Unit"]):
            graph.add((node, CSPKG.unit, Literal(_text(cells["Unit"]))))
        direction = DIRECTIONS.get(_text(cells["Direction"]))
        if direction is None:
            problems.append(
                f"{where('Direction')}: '{_text(cells['Direction'])}' is not one of {', '.join(DIRECTIONS)}"
            )
        else:
            graph.add((node, CSPKG.goodDirection, Literal(direction)))
            directions[ref] = direction
        source = _text(cells["Source"])
        if source.startswith(CRIME) and source[len(CRIME) :] in context.series:
            graph.add((node, CSPKG.crimeSeriesOf, context.series[source[len(CRIME) :]]))
            sources[ref] = "crime"
        elif source == ENTERED:
            sources[ref] = "entered"
        else:
            problems.append(f"{where('Source')}: '{source}' is not a source the list offers")
        for label in filter(None, (p.strip() for p in _text(cells["CSP priorities"]).split(";"))):
            if label in context.priorities:
                graph.add((node, CSPKG.measuresPriority, context.priorities[label]))
            else:
                problems.append(f"{where('CSP priorities')}: the plan has no priority '{label}'")
        for item in filter(None, (a.strip() for a in _text(cells["Actions"]).split(";"))):
            if item.isdigit() and int(item) in context.actions:
                graph.add((node, CSPKG.measuresAction, context.actions[int(item)]))
            else:
                problems.append(f"{where('Actions')}: the plan has no action {item}")
        if _text(cells["Measure of success (plan)"]):
            graph.add((node, CSPKG.successText, Literal(_text(cells["Measure of success (plan)"]))))
        for title, predicate in (
            ("Baseline", CSPKG.baselineValue),
            ("Amber within (%)", CSPKG.amberWithin),
        ):
            value = _decimal(cells[title], where(title), problems)
            if title == "Amber within (%)":
                if _text(cells[title]) == "":
                    value = AMBER_DEFAULT
                elif value is not None and value > 100:
                    problems.append(f"{where(title)}: a percentage from 0 to 100")
            if value is not None:
                graph.add((node, predicate, Literal(value, datatype=XSD.decimal)))
        if _text(cells["Baseline period"]):
            graph.add((node, CSPKG.baselinePeriod, Literal(_text(cells["Baseline period"]))))
    targets = _read_targets(
        _rows(targets_sheet, path, 2), context, nodes, sources, graph, problems, settings
    )
    if problems:
        raise MeasuresRejected(str(path), problems)
    report = validate_graph(context.graph + graph, settings)
    ours = {str(s) for s in graph.subjects()}
    violations = [
        f.message for f in report.findings if f.severity is Severity.VIOLATION and f.focus in ours
    ]
    if violations:
        raise MeasuresRejected(str(path), violations)
    target = (out_dir or settings.data_dir) / "measures" / context.measures_file.name
    header = f"Generated by `cspkg import-measures` from {path.name}: the outcome measures of {context.key}."
    result = write_all({target: to_turtle(graph, header)})
    return MeasuresReport(context.plan, len(nodes), targets, result.written, result.unchanged)


def _where(sheet: str, row: int, titles: list[str], title: str) -> str:
    """Where a bad cell is, as a person finds it in Excel."""
    return f"{sheet} sheet, row {row}, column {chr(65 + titles.index(title))} ({title})"


def _decimal(value: object, where: str, problems: list[str]) -> Decimal | None:
    if _text(value) == "":
        return None
    try:
        number = Decimal(_text(value))
    except InvalidOperation:
        problems.append(f"{where}: '{_text(value)}' is not a number")
        return None
    if number < 0 or not number.is_finite():
        problems.append(f"{where}: '{_text(value)}' is not a number of 0 or more")
        return None
    return (
        number.normalize() if number != number.to_integral_value() else number.quantize(Decimal(1))
    )


def _read_targets(
    rows: list[tuple[object, ...]], context: PlanContext, nodes: dict[str, URIRef], sources: dict[str, str],
    graph: Graph, problems: list[str], settings: Settings,
) -> int:  # fmt: skip
    titles = [t for t, _ in TARGET_COLUMNS]
    allowed = {q.notation: q for q in context.quarters}
    seen: set[tuple[str, str]] = set()
    count = 0
    for number, row in enumerate(rows, start=2):
        cells = dict(zip(titles, list(row) + [None] * len(titles), strict=False))
        where = partial(_where, TARGETS, number, titles)
        if not any(_text(v) for v in cells.values()):
            continue
        ref, period = _text(cells["Ref"]), _text(cells["Quarter"])
        if ref not in nodes:
            problems.append(f"{where('Ref')}: no measure '{ref}' on the {MEASURES} sheet")
            continue
        if period not in allowed:
            problems.append(
                f"{where('Quarter')}: '{period}' is not a quarter of {context.key} ({', '.join(allowed)})"
            )
            continue
        if (ref, period) in seen:
            problems.append(f"{where('Quarter')}: {ref} has two rows for {period}")
            continue
        seen.add((ref, period))
        goal = _decimal(cells["Target"], where("Target"), problems)
        actual = _decimal(
            cells["Actual (entered measures)"], where("Actual (entered measures)"), problems
        )
        if actual is not None and sources.get(ref) == "crime":
            problems.append(
                f"{where('Actual (entered measures)')}: {ref}'s actual comes from the crime series; leave it empty"
            )
        if goal is None and actual is None:
            continue
        node = URIRef(f"{nodes[ref]}/target/{allowed[period].slug}")
        graph.add((nodes[ref], CSPKG.hasTarget, node))
        graph.add((node, RDF.type, CSPKG.MeasureTarget))
        graph.add((node, CSPKG.targetPeriod, allowed[period].iri(settings.base)))
        if goal is not None:
            graph.add((node, CSPKG.targetValue, Literal(goal, datatype=XSD.decimal)))
        if actual is not None:
            graph.add((node, CSPKG.actualValue, Literal(actual, datatype=XSD.decimal)))
        count += 1
    return count
