"""A person's review of alignment suggestions: the rows to decide, their decisions
checked, and confirmed links and rejections written all together or not at all.

Two doors, one room: the review workbook (``cspkg alignment`` out, ``cspkg
import-alignment`` back) and the review page both read ``review_rows`` and hand
``Decision``s to ``apply_decisions``, which checks every one (a problem names its row and
column) before writing.  Accept confirms the suggested link, Change confirms a link to
another Commissioner priority instead, Reject is remembered so the suggester never
proposes the pair again.  A confirmed link records who confirmed it, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from ..config import Settings
from ..errors import CspkgError
from ..namespaces import CSPKG, bind_prefixes
from ..rdf.turtle import to_turtle
from .alignment_files import (
    context_graph,
    plan_file_key,
    resolve_commissioner_plan,
    reviewed_path,
    status_iri,
    suggestions_note,
    suggestions_path,
)
from .alignment_suggest import plan_key
from .data_files import write_all
from .progress import resolve_plan
from .progress_import import read_data

DECISIONS = ("accept", "reject", "change")
STATUS_OF = {
    "suggested": "suggested",
    "accept": "accepted",
    "change": "changed",
    "reject": "rejected",
}
"""A decision -> the alignment-status concept it sets (ontology/alignment-status.ttl)."""
PROJECT = "id/organisation/cspkg-project"
MAX_TEXT = 2_000
"""Characters of a reason or name kept; longer is refused by row and column."""


@dataclass(frozen=True)
class ReviewRow:
    """One suggestion as a person reviews it."""

    number: int
    key: str
    """``priority/fraud/impactful-partnerships``: the suggestion's readable key."""
    iri: URIRef
    kind: str
    source: URIRef
    source_label: str
    target: URIRef
    target_label: str
    score: float
    evidence: tuple[str, ...]
    status: str
    """``suggested``, ``accept``, ``change`` or ``reject``."""
    changed_to: str = ""
    reason: str = ""
    decided_by: str = ""


@dataclass(frozen=True)
class Decision:
    """What a person decided on one row; ``where`` names the row for messages."""

    key: str
    decision: str
    reason: str
    by: str
    change_to: str = ""
    where: str = ""
    columns: tuple[tuple[str, str], ...] = ()
    """Field -> the column or field name a person sees, for messages."""

    def column(self, name: str) -> str:
        return dict(self.columns).get(name, name)


@dataclass(frozen=True)
class Problem:
    where: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.column}: {self.message}" if self.where else self.message


class ReviewRejected(CspkgError):
    """Some decisions cannot be used; nothing was written."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{source}: {len(problems)} problem(s), nothing was written:\n{lines}{more}"
        )


@dataclass
class Review:
    """A plan's suggestions for one Commissioner plan, ready to show or decide."""

    plan: URIRef
    plan_label: str
    commissioner_plan: URIRef
    commissioner_label: str
    rows: list[ReviewRow]
    priorities: dict[str, URIRef]
    """Commissioner priority label -> IRI (the choices for Change)."""
    graph: Graph = field(repr=False)
    existing: Graph = field(repr=False)


def _label(graph: Graph, node: URIRef) -> str:
    value = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
    return str(value) if value else str(node).rsplit("/", 1)[-1]


def source_label(graph: Graph, node: URIRef) -> str:
    """A CSP priority by name; an action by its number and short title."""
    ordinal = graph.value(node, CSPKG.ordinal)
    if ordinal is not None:
        return f"Action {ordinal}: {_label(graph, node)}"
    return _label(graph, node)


def load_review(
    settings: Settings, plan_name: str, commissioner_plan: str | None, data_dir: Path | None = None
) -> Review:
    """The suggestions file of a plan (pending and decided), with labels."""
    data_dir = data_dir or settings.data_dir
    graph = context_graph(data_dir)
    plan = resolve_plan(plan_name, graph)
    pcp = resolve_commissioner_plan(graph, commissioner_plan, data_dir)
    scheme = graph.value(pcp, CSPKG.priorityScheme)
    priorities = {
        _label(graph, URIRef(p)): URIRef(p) for p in graph.subjects(SKOS.inScheme, scheme)
    }
    path = suggestions_path(data_dir, plan, pcp)
    existing = read_data([path], data_dir.parent) if path.exists() else Graph()
    notation = {status_iri(settings.base, status): key for key, status in STATUS_OF.items()}
    rows = []
    for node in existing.subjects(RDF.type, CSPKG.AlignmentSuggestion):
        source = URIRef(existing.value(node, CSPKG.suggestedFrom))
        target = URIRef(existing.value(node, CSPKG.suggestedTo))
        link = existing.value(node, CSPKG.confirmedAs)
        confirmed = graph.value(link, CSPKG.toPriority) if link is not None else None
        rows.append(
            ReviewRow(
                0,
                suggestion_key(node),
                URIRef(node),
                "action" if "/action/" in str(node) else "priority",
                source,
                source_label(graph, source),
                target,
                _label(graph, target),
                float(existing.value(node, CSPKG.score) or 0),
                tuple(sorted(str(e) for e in existing.objects(node, CSPKG.matchedEvidence))),
                notation.get(existing.value(node, CSPKG.alignmentStatus), "suggested"),
                _label(graph, URIRef(confirmed))
                if confirmed is not None and confirmed != target
                else "",
                str(existing.value(node, CSPKG.decisionReason) or ""),
                str(existing.value(node, CSPKG.decidedBy) or ""),
            )
        )
    rows.sort(key=lambda r: (r.kind != "priority", r.source_label, -r.score, r.target_label))
    numbered = [replace(row, number=n) for n, row in enumerate(rows, start=1)]
    return Review(
        plan, _label(graph, plan), pcp, _label(graph, pcp), numbered, priorities, graph, existing
    )


def suggestion_key(node: object) -> str:
    """The last three segments of a suggestion's IRI: kind, source, target."""
    return "/".join(str(node).rstrip("/").split("/")[-3:])


# --- checking ---------------------------------------------------------------------------


def check(review: Review, decisions: list[Decision]) -> list[tuple[ReviewRow, Decision, URIRef]]:
    """Each decision against its row; ReviewRejected lists every problem."""
    by_key = {row.key: row for row in review.rows}
    problems: list[Problem] = []
    accepted: list[tuple[ReviewRow, Decision, URIRef]] = []
    seen: set[str] = set()
    for d in decisions:
        row = by_key.get(d.key)
        decision = d.decision.strip().lower()
        if row is None:
            problems.append(
                Problem(
                    d.where,
                    d.column("key"),
                    f"'{d.key[:80]}' is not one of this plan's suggestions",
                )
            )
            continue
        if d.key in seen:
            problems.append(Problem(d.where, d.column("key"), "this suggestion appears twice"))
            continue
        seen.add(d.key)
        if not decision:
            continue
        if decision not in DECISIONS:
            problems.append(
                Problem(
                    d.where,
                    d.column("decision"),
                    f"'{d.decision[:40]}' is not a decision: choose accept, reject or change",
                )
            )
            continue
        if not d.reason.strip():
            problems.append(Problem(d.where, d.column("reason"), "give a reason for the decision"))
        elif len(d.reason) > MAX_TEXT:
            problems.append(
                Problem(d.where, d.column("reason"), f"longer than {MAX_TEXT} characters")
            )
        if not d.by.strip():
            problems.append(Problem(d.where, d.column("by"), "give your name"))
        elif len(d.by) > 200:
            problems.append(Problem(d.where, d.column("by"), "longer than 200 characters"))
        target = row.target
        if decision == "change":
            chosen = {label.lower(): iri for label, iri in review.priorities.items()}.get(
                d.change_to.strip().lower()
            )
            if chosen is None:
                choices = "; ".join(sorted(review.priorities))
                problems.append(
                    Problem(
                        d.where,
                        d.column("change_to"),
                        f"choose the Commissioner priority to link instead ({choices})",
                    )
                )
                continue
            if chosen == row.target:
                problems.append(
                    Problem(
                        d.where,
                        d.column("change_to"),
                        "that is the suggested priority: choose accept instead",
                    )
                )
                continue
            target = chosen
        if row.status != "suggested":
            same = row.status == decision and (
                decision != "change" or row.changed_to.lower() == d.change_to.strip().lower()
            )
            if not same:
                problems.append(
                    Problem(
                        d.where,
                        d.column("decision"),
                        f"already decided ({row.status} by {row.decided_by}); it cannot be decided again",
                    )
                )
            continue
        accepted.append((row, d, target))
    if problems:
        raise ReviewRejected("the review", problems)
    return accepted


# --- writing ----------------------------------------------------------------------------


@dataclass
class ReviewOutcome:
    accepted: int = 0
    changed: int = 0
    rejected: int = 0
    undecided: int = 0
    written: list[Path] = field(default_factory=list)


def link_iri(base: str, plan: URIRef, pcp: URIRef, row: ReviewRow, target: URIRef) -> URIRef:
    """Confirmed links are named like the curated ones (docs/model.md, "Derived links")."""
    partnership, year = str(plan).rstrip("/").split("/")[-2:]
    source = str(row.source).rstrip("/").rsplit("/", 1)[-1]
    to = str(target).rstrip("/").rsplit("/", 1)[-1]
    if row.kind == "action":
        return URIRef(
            f"{base}id/alignment/{partnership}/{year}/action/{source}/{plan_key(pcp)}/{to}"
        )
    return URIRef(f"{base}id/alignment/{partnership}/{source}/{plan_key(pcp)}/{to}")


def apply_decisions(
    settings: Settings,
    review: Review,
    decisions: list[Decision],
    agent: URIRef | None = None,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> ReviewOutcome:
    """Check every decision, then write the suggestions and reviewed files together."""
    data_dir = data_dir or settings.data_dir
    now = now or datetime.now(UTC).replace(microsecond=0)
    agent = agent or URIRef(settings.base + PROJECT)
    chosen = check(review, decisions)
    outcome = ReviewOutcome(
        undecided=sum(1 for r in review.rows if r.status == "suggested") - len(chosen)
    )
    if not chosen:
        return outcome
    base = settings.base
    suggestions = Graph()
    bind_prefixes(suggestions)
    suggestions += review.existing
    reviewed_file = reviewed_path(data_dir, review.plan, review.commissioner_plan)
    reviewed = read_data([reviewed_file], data_dir.parent) if reviewed_file.exists() else Graph()
    bind_prefixes(reviewed)
    stamp = Literal(now.isoformat(), datatype=XSD.dateTime)
    activity = URIRef(
        f"{base}id/activity/review/{plan_file_key(review.plan)}/{plan_key(review.commissioner_plan)}/{now.strftime('%Y%m%dT%H%M%S')}"
    )
    reviewed.add((activity, RDF.type, PROV.Activity))
    reviewed.add(
        (activity, RDFS.label, Literal(f"Review of alignment suggestions for {review.plan_label}"))
    )
    reviewed.add((activity, PROV.startedAtTime, stamp))
    reviewed.add((activity, PROV.wasAssociatedWith, agent))
    reviewed.add((activity, PROV.used, review.plan))
    for row, d, target in chosen:
        decision = d.decision.strip().lower()
        status = STATUS_OF[decision]
        node = row.iri
        suggestions.set((node, CSPKG.alignmentStatus, status_iri(base, status)))
        suggestions.set((node, CSPKG.decidedBy, Literal(d.by.strip())))
        suggestions.set((node, CSPKG.decidedAt, stamp))
        suggestions.set((node, CSPKG.decisionReason, Literal(d.reason.strip())))
        if decision == "reject":
            outcome.rejected += 1
            continue
        if decision == "accept":
            outcome.accepted += 1
        else:
            outcome.changed += 1
        link = link_iri(base, review.plan, review.commissioner_plan, row, target)
        suggestions.set((node, CSPKG.confirmedAs, link))
        if row.kind == "action":
            reviewed.add((row.source, CSPKG.servesCommissionerPriority, target))
            reviewed.add((link, RDF.type, CSPKG.ActionAlignment))
            reviewed.add((link, CSPKG.fromAction, row.source))
        else:
            reviewed.add((row.source, SKOS.relatedMatch, target))
            reviewed.add((link, RDF.type, CSPKG.PriorityAlignment))
            reviewed.add((link, CSPKG.fromPriority, row.source))
        reviewed.add((link, RDF.type, PROV.Entity))
        reviewed.add((link, CSPKG.toPriority, target))
        serves = f"{row.source_label} serves {_label(review.graph, target)}"
        reviewed.add((link, RDFS.label, Literal(f"{serves} ({review.commissioner_label})")))
        reviewed.add((link, RDFS.comment, Literal(d.reason.strip())))
        reviewed.add((link, CSPKG.confirmedBy, Literal(d.by.strip())))
        reviewed.add((link, PROV.generatedAtTime, stamp))
        reviewed.add((link, PROV.wasAttributedTo, agent))
        reviewed.add((link, PROV.wasGeneratedBy, activity))
        reviewed.add((link, PROV.wasDerivedFrom, node))
    header = (
        f"Alignment CONFIRMED by people for {review.plan_label} -> {review.commissioner_label}.\n"
        "Written by `cspkg import-alignment` and the review page: each link says who\n"
        "confirmed it, when and why, and the suggestion it came from."
    )
    suggestions_header = suggestions_note(review.plan_label, review.commissioner_label)
    rendered = {
        suggestions_path(data_dir, review.plan, review.commissioner_plan): to_turtle(
            suggestions, suggestions_header
        ),
        reviewed_file: to_turtle(reviewed, header),
    }
    outcome.written = write_all(rendered).written
    return outcome


__all__ = [
    "DECISIONS",
    "Decision",
    "Problem",
    "Review",
    "ReviewOutcome",
    "ReviewRejected",
    "ReviewRow",
    "apply_decisions",
    "check",
    "load_review",
    "source_label",
]
