"""Progress updates in: rows (from a file or a form) -> checked ``cspkg:ProgressUpdate``s.

The one way in for progress.  ``cspkg import-progress`` reads a file into rows
(rdf/progress_table.py); the web form gives rows too.  Both call ``read_entries`` (every
problem named by row and column, nothing half-accepted) and ``updates_graph`` (new
updates that revise, never overwrite, the current ones).  ``import_progress`` adds the
file side: find the plan, validate with the shapes, write the plan's progress file and
any new reporting period, all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from ..config import Settings
from ..errors import CspkgError
from ..fragments import service_query
from ..namespaces import CSPKG, PPLAN, bind_prefixes
from ..rdf.periods import PeriodError, Quarter, parse_period, period_graph, quarters_in
from ..rdf.progress_table import ProgressTable
from ..unicode_text import clean_name
from .parameters import PLAN, resolve_among

STATUS_SCHEME = URIRef("https://cspkg.example.org/def/progress-status")
STATUS = "https://cspkg.example.org/def/progress-status/"
RAG_READS_AS = {"green": "on-track", "amber": "at-risk", "red": "off-track", "g": "on-track",
                "a": "at-risk", "r": "off-track"}  # fmt: skip
"""A colour alone is read as the status that means it (ontology/progress-status.ttl)."""
COMMENTARY_MAX = 4_000
"""Longest commentary a report may carry, in characters (a board report quotes it)."""
PERIODS_FILE = Path("reference") / "reporting-periods.ttl"
PERIODS_HEADER = (
    "Reporting periods: the quarters of the financial years 2020/21 to 2029/30.\n"
    "Generated from rdf/periods.py (tests compare it); cspkg import-progress adds any "
    "other quarter it meets."
)


@dataclass(frozen=True)
class RowProblem:
    """Why one cell of one row was refused."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ProgressRejected(CspkgError):
    """Rows that cannot become progress updates; nothing was stored."""

    def __init__(
        self, source: str, problems: Sequence[RowProblem], notes: Sequence[str] = ()
    ) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join([f"  {p}" for p in self.problems] + [f"  note: {n}" for n in notes])
        super().__init__(f"{source}: {len(self.problems)} problem(s), nothing written:\n{lines}")


@dataclass(frozen=True)
class ActionInfo:
    iri: URIRef
    ordinal: int
    label: str
    leads: tuple[URIRef, ...]
    supporters: tuple[URIRef, ...]


@dataclass
class PlanProgress:
    """A plan's actions and the updates already reported: what new rows are checked against."""

    plan: URIRef
    label: str
    start: date | None
    actions: dict[int, ActionInfo]
    history: Graph
    """Every progress update of the plan reported so far (and its documents)."""

    @property
    def key(self) -> tuple[str, str]:
        """``(partnership, year)`` from ``…/delivery-plan/{partnership}/{year}``."""
        partnership, year = str(self.plan).rstrip("/").split("/")[-2:]
        return partnership, year

    def action_by_iri(self, iri: str) -> ActionInfo | None:
        return next((a for a in self.actions.values() if str(a.iri) == iri), None)


@dataclass(frozen=True)
class Entry:
    """One checked row: everything an update needs."""

    row: int
    action: ActionInfo
    quarter: Quarter
    status: URIRef
    percent: int | None
    commentary: str | None
    reported_by: str | None
    reported_on: date


@dataclass
class ProgressImportReport:
    """What an import did, for the CLI to print and tests to check."""

    source: str
    plan: URIRef
    updates: list[URIRef] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


# --- the status scheme ------------------------------------------------------------------


class StatusScheme:
    """The progress statuses, in scheme order, and every way a person may write one."""

    def __init__(self, ontology: Graph) -> None:
        concepts = [c for c in ontology.subjects(SKOS.inScheme, STATUS_SCHEME)]
        self.order: list[URIRef] = sorted(
            (URIRef(c) for c in concepts), key=lambda c: _STATUS_ORDER.index(str(c)[len(STATUS) :])
        )
        self.labels = {c: str(ontology.value(c, SKOS.prefLabel)) for c in self.order}
        self._names: dict[str, URIRef] = {}
        for concept in self.order:
            self._names[_normal(self.labels[concept])] = concept
            self._names[_normal(str(ontology.value(concept, SKOS.notation)))] = concept
        for colour, slug in RAG_READS_AS.items():
            self._names[colour] = URIRef(STATUS + slug)

    def lookup(self, text: str) -> URIRef | None:
        return self._names.get(_normal(text))

    @property
    def choices(self) -> list[str]:
        """The labels a person picks from (a drop-down), in scheme order."""
        return [self.labels[c] for c in self.order]


_STATUS_ORDER = ["not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn"]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def status_scheme(settings: Settings) -> StatusScheme:
    graph = Graph().parse(settings.ontology_dir / "progress-status.ttl", format="turtle")
    return StatusScheme(graph)


# --- the plan ---------------------------------------------------------------------------


def plan_progress(graph: Graph, plan: URIRef) -> PlanProgress:
    """A plan's actions and reported updates, from a graph holding the plan and its progress."""
    actions: dict[int, ActionInfo] = {}
    for action in graph.subjects(PPLAN.isStepOfPlan, plan):
        ordinal = graph.value(action, CSPKG.ordinal)
        if not isinstance(action, URIRef) or ordinal is None:
            continue
        actions[int(ordinal)] = ActionInfo(
            action,
            int(ordinal),
            str(graph.value(action, RDFS.label) or action),
            tuple(sorted(URIRef(o) for o in graph.objects(action, CSPKG.responsibleAgency))),
            tuple(sorted(URIRef(o) for o in graph.objects(action, CSPKG.supportingAgency))),
        )
    start = graph.value(plan, CSPKG.periodStart)
    history = Graph()
    bind_prefixes(history)
    iris = {a.iri for a in actions.values()}
    for update in set(graph.subjects(RDF.type, CSPKG.ProgressUpdate)):
        if graph.value(update, CSPKG.aboutAction) in iris:
            history += graph.triples((update, None, None))
            for document in graph.objects(update, PROV.wasDerivedFrom):
                history += graph.triples((document, None, None))
    label = graph.value(plan, RDFS.label) or graph.value(plan, DCTERMS.title) or plan
    return PlanProgress(
        plan, str(label), start.toPython() if isinstance(start, Literal) else None, actions, history
    )


def named(graph: Graph, thing: URIRef) -> tuple[str, str, list[str]]:
    """A thing's IRI, label and every name (label, title, IRI) for ``resolve_among``."""
    names = [graph.value(thing, RDFS.label), graph.value(thing, DCTERMS.title), thing]
    label = str(graph.value(thing, RDFS.label) or thing)
    return str(thing), label, [str(n) for n in names if n is not None]


def resolve_plan(text: str, graph: Graph) -> URIRef:
    """A plan in ``graph`` (plan files, before any store) by IRI, key
    (``cannock-chase-csp/2024-25``), label or title: the one name rule
    (``parameters.resolve``) the store's doors use too."""
    plans = sorted(URIRef(p) for p in graph.subjects(RDF.type, CSPKG.DeliveryPlan))
    found = resolve_among(PLAN, text, [named(graph, plan) for plan in plans])
    if found is not None:
        return URIRef(found)
    known = ", ".join("/".join(str(p).split("/")[-2:]) for p in plans) or "none"
    raise CspkgError(f"no delivery plan called '{text.strip()[:80]}' (plans: {known})")


# --- rows -> entries --------------------------------------------------------------------


def read_entries(
    table: ProgressTable, plan: PlanProgress, scheme: StatusScheme, today: date
) -> list[Entry]:
    """Check every row; ProgressRejected lists every problem, by row and column."""
    problems: list[RowProblem] = []
    entries: list[Entry] = []
    seen: dict[tuple[URIRef, Quarter], int] = {}
    for row in table.rows:
        problem = _Problems(table, row.row)
        action = _action(row.values.get("action"), plan, problem)
        quarter = _quarter(row.values.get("period"), problem)
        status = _status(row.values.get("status"), scheme, problem)
        percent = _percent(row.values.get("progress"), problem)
        reported_on = _day(row.values.get("reported_on"), today, problem)
        commentary = _commentary(row.values.get("commentary"), problem)
        if action and quarter:
            earlier = seen.setdefault((action.iri, quarter), row.row)
            if earlier != row.row:
                problem("action", f"action {action.ordinal} already has a row for "
                        f"{quarter.notation} (row {earlier}): give one row per action")  # fmt: skip
        if problem.found or not (action and quarter and status and reported_on):
            problems += problem.found
            continue
        entries.append(
            Entry(
                row.row, action, quarter, status, percent,
                commentary, _name(row.values.get("reported_by")),
                reported_on,
            )
        )  # fmt: skip
    if problems:
        raise ProgressRejected(table.source, problems)
    return entries


def _action(value: object, plan: PlanProgress, problem: _Problems) -> ActionInfo | None:
    text = _text(value)
    if text is None:
        problem("action", "empty: give the action's number in the plan")
        return None
    number = _whole(value)
    if number is not None:
        if number in plan.actions:
            return plan.actions[number]
        problem("action", f"the plan has no action {number} (it has 1 to {len(plan.actions)})")
        return None
    found = plan.action_by_iri(text)
    if found is None:
        problem("action", f"'{text[:80]}' is not an action of {plan.label}")
    return found


def _quarter(value: object, problem: _Problems) -> Quarter | None:
    text = _text(value)
    if text is None:
        problem("period", "empty: give the quarter, such as 2024-Q3 or Q3 2024/25")
        return None
    try:
        return parse_period(text)
    except PeriodError as exc:
        problem("period", str(exc))
        return None


def _status(value: object, scheme: StatusScheme, problem: _Problems) -> URIRef | None:
    text = _text(value)
    found = scheme.lookup(text) if text else None
    if found is None:
        given = f"'{text[:40]}' is not a status" if text else "empty"
        problem("status", f"{given}: choose one of {', '.join(scheme.choices)} "
                "(or a RAG colour: Green, Amber, Red)")  # fmt: skip
    return found


def _percent(value: object, problem: _Problems) -> int | None:
    text = _text(value)
    if text is None:
        return None
    number = _whole(text.rstrip("%").strip()) if isinstance(value, str) else _whole(value)
    if number is None or not 0 <= number <= 100:
        problem("progress", f"'{text[:20]}' is not a percentage: give a whole number from 0 to 100")
        return None
    return number


def _day(value: object, today: date, problem: _Problems) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return today
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    problem("reported_on", f"'{text[:20]}' is not a date: write it as 2025-01-10 or 10/01/2025")
    return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _commentary(value: object, problem: _Problems) -> str | None:
    """The commentary as written; refused (never cut) past ``COMMENTARY_MAX`` characters."""
    text = _text(value)
    if text is not None and len(text) > COMMENTARY_MAX:
        problem("commentary", f"{len(text):,} characters: commentary may have at most "
                f"{COMMENTARY_MAX:,}; shorten it")  # fmt: skip
        return None
    return text


def _name(value: object) -> str | None:
    """Who reported, without hidden direction or zero-width characters (``unicode_text``)."""
    text = _text(value)
    return (clean_name(text).strip() or None) if text else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


class _Problems:
    """Collects one row's problems, each named by the column as the person sees it."""

    def __init__(self, table: ProgressTable, row: int) -> None:
        self.table, self.row = table, row
        self.found: list[RowProblem] = []

    def __call__(self, key: str, message: str) -> None:
        self.found.append(RowProblem(self.row, self.table.column_name(key), message))


# --- entries -> updates -----------------------------------------------------------------


def update_iri(base: str, plan: PlanProgress, entry: Entry, revision: int) -> URIRef:
    partnership, year = plan.key
    return URIRef(
        f"{base}id/progress-update/{partnership}/{year}/{entry.action.ordinal:02d}/"
        f"{entry.quarter.slug}/{revision}"
    )


def current_update(history: Graph, action: URIRef, period: URIRef) -> URIRef | None:
    """The update for an action and quarter that counts (the one a new update revises):
    the shared rule ``queries/fragments/current-update.rq``, run on the plan's history."""
    found = history.query(_current_query(), initBindings={"action": action, "latestPeriod": period})
    updates = [row[0] for row in found if isinstance(row[0], URIRef)]  # type: ignore[index]
    return updates[0] if updates else None


@lru_cache(maxsize=1)
def _current_query() -> Any:
    """``queries/service/current-update.rq``, parsed once."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(service_query(Settings().queries_dir, "current-update"))


def _same(history: Graph, update: URIRef, entry: Entry) -> bool:
    """True when a row repeats the current update word for word (an import run twice)."""

    def one(predicate: URIRef) -> object:
        value = history.value(update, predicate)
        return value.toPython() if isinstance(value, Literal) else value

    return (
        one(CSPKG.progressStatus) == entry.status
        and one(CSPKG.percentComplete) == entry.percent
        and one(CSPKG.commentary) == entry.commentary
        and one(CSPKG.reportedBy) == entry.reported_by
    )


def updates_graph(
    entries: Iterable[Entry],
    plan: PlanProgress,
    base: str,
    source: URIRef,
    agency: URIRef | None = None,
) -> tuple[Graph, dict[URIRef, int], int]:
    """New updates (IRI -> row) for the entries; a repeat of the current update is skipped."""
    graph = Graph()
    bind_prefixes(graph)
    rows: dict[URIRef, int] = {}
    unchanged = 0
    for entry in entries:
        period = entry.quarter.iri(base)
        current = current_update(plan.history, entry.action.iri, period)
        if current is not None and _same(plan.history, current, entry):
            unchanged += 1
            continue
        revision = int(plan.history.value(current, CSPKG.revision) or 1) + 1 if current else 1
        node = update_iri(base, plan, entry, revision)
        rows[node] = entry.row
        for p, o in (
            (RDF.type, CSPKG.ProgressUpdate),
            (RDF.type, PROV.Entity),
            (CSPKG.aboutAction, entry.action.iri),
            (CSPKG.reportingPeriod, period),
            (CSPKG.progressStatus, entry.status),
            (CSPKG.revision, Literal(revision)),
            (DCTERMS.date, Literal(entry.reported_on.isoformat(), datatype=XSD.date)),
            (PROV.wasDerivedFrom, source),
        ):
            graph.add((node, p, o))
        if entry.percent is not None:
            graph.add((node, CSPKG.percentComplete, Literal(entry.percent)))
        if entry.commentary:
            graph.add((node, CSPKG.commentary, Literal(entry.commentary)))
        if entry.reported_by:
            graph.add((node, CSPKG.reportedBy, Literal(entry.reported_by)))
        if agency is not None:
            graph.add((node, PROV.wasAttributedTo, agency))
        if current is not None:
            graph.add((node, PROV.wasRevisionOf, current))
            graph.add((node, DCTERMS.replaces, current))
    return graph, rows, unchanged


def document_graph(table: ProgressTable, plan: PlanProgress, base: str) -> tuple[URIRef, Graph]:
    """The imported file as a ``foaf:Document``: name and digest tie updates to their file."""
    partnership, year = plan.key
    node = URIRef(f"{base}id/document/progress/{partnership}/{year}/{table.sha256[:16]}")
    graph = Graph()
    bind_prefixes(graph)
    graph.add((node, RDF.type, FOAF.Document))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, RDFS.label, Literal(table.source)))
    graph.add((node, CSPKG.fileName, Literal(table.source)))
    graph.add((node, CSPKG.sha256, Literal(table.sha256)))
    return node, graph


def periods_text(existing: Graph, quarters: Iterable[Quarter], base: str) -> str | None:
    """The reporting-periods file with any new quarters added, or None if none are new."""
    from ..rdf.turtle import to_turtle

    known = quarters_in(existing, base)
    wanted = set(quarters)
    if wanted <= known:
        return None
    return to_turtle(period_graph(sorted(known | wanted), base), PERIODS_HEADER)


__all__ = [
    "COMMENTARY_MAX",
    "PERIODS_FILE",
    "ActionInfo",
    "Entry",
    "PlanProgress",
    "ProgressImportReport",
    "ProgressRejected",
    "RowProblem",
    "StatusScheme",
    "current_update",
    "document_graph",
    "plan_progress",
    "read_entries",
    "resolve_plan",
    "status_scheme",
    "update_iri",
    "updates_graph",
]
