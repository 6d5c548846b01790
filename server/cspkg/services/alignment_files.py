"""Where suggestions and decisions live, and ``cspkg align``: suggest, then write.

Two files per delivery plan and Commissioner plan, beside the curated alignments:

- ``data/alignment/suggested/{plan}-to-{pcp}.ttl``: the suggester's proposals
  (``cspkg:AlignmentSuggestion``, status Suggested) and, once decided, their decisions
  (who, when, why, status Accepted, Changed or Rejected).  Running the suggester again
  replaces the pending ones and keeps every decided one, so a rejection is remembered.
- ``data/alignment/reviewed/{plan}-to-{pcp}.ttl``: the links people confirmed, each a
  ``cspkg:PriorityAlignment`` (a CSP priority, asserted as ``skos:relatedMatch``) or a
  ``cspkg:ActionAlignment`` (an action, asserted as ``cspkg:servesCommissionerPriority``)
  with its rationale, who confirmed it and when.

Only confirmed links assert ``skos:relatedMatch`` or ``cspkg:servesCommissionerPriority``,
the two statements every alignment view counts, so a suggestion is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..config import Settings
from ..errors import CspkgError
from ..namespaces import CSPKG, bind_prefixes
from ..rdf.turtle import to_turtle
from .alignment_suggest import (
    EvidenceSet,
    Suggestion,
    evidence_path,
    load_evidence,
    plan_actions,
    plan_key,
    suggest,
)
from .data_files import write_all
from .parameters import Parameter, resolve_among
from .progress import named, resolve_plan
from .progress_import import read_data

STATUS = "def/alignment-status/"
SUGGESTER = "id/agent/cspkg-suggester"
CONTEXT = ("plans", "priorities", "commissioner", "alignment", "agencies.ttl")
CATEGORIES = "reference/police-uk-crime-categories.ttl"


def status_iri(base: str, key: str) -> URIRef:
    return URIRef(f"{base}{STATUS}{key}")


def plan_file_key(plan: URIRef) -> str:
    """``cannock-chase-csp-2024-25`` for ``.../delivery-plan/cannock-chase-csp/2024-25``."""
    return "-".join(str(plan).rstrip("/").split("/")[-2:])


def suggestions_path(data_dir: Path, plan: URIRef, pcp: URIRef) -> Path:
    return data_dir / "alignment" / "suggested" / f"{plan_file_key(plan)}-to-{plan_key(pcp)}.ttl"


def reviewed_path(data_dir: Path, plan: URIRef, pcp: URIRef) -> Path:
    return data_dir / "alignment" / "reviewed" / f"{plan_file_key(plan)}-to-{plan_key(pcp)}.ttl"


def context_graph(data_dir: Path, exclude: tuple[Path, ...] = ()) -> Graph:
    """Plans, priorities, Commissioner plans, agencies, alignments (all but ``exclude``)."""
    paths: list[Path] = []
    for name in CONTEXT:
        path = data_dir / name
        paths += sorted(path.rglob("*.ttl")) if path.is_dir() else [path] if path.exists() else []
    if (data_dir / CATEGORIES).exists():
        paths.append(data_dir / CATEGORIES)
    wanted = [p for p in paths if p.resolve() not in {e.resolve() for e in exclude}]
    return read_data(wanted, data_dir.parent)


def commissioner_plans(graph: Graph) -> list[URIRef]:
    """Every Police and Crime Plan, newest first: one no other plan replaces comes before
    the plan it replaces (``dcterms:replaces``), then by its years."""
    plans = sorted(
        (URIRef(p) for p in graph.subjects(RDF.type, CSPKG.PoliceAndCrimePlan)),
        key=lambda p: str(p).rsplit("/", 1)[-1],
        reverse=True,
    )
    replaced = {URIRef(o) for o in graph.objects(None, DCTERMS.replaces)}
    return [p for p in plans if p not in replaced] + [p for p in plans if p in replaced]


COMMISSIONER_PLAN = Parameter(
    "commissionerPlan", "iri", "Police and Crime Plan", rdf_class=str(CSPKG.PoliceAndCrimePlan)
)


def resolve_commissioner_plan(graph: Graph, name: str | None, data_dir: Path) -> URIRef:
    """A Commissioner plan by IRI, title or label (the one name rule,
    ``parameters.resolve``); by default the newest one the suggester has evidence for."""
    plans = commissioner_plans(graph)
    if name:
        found = resolve_among(COMMISSIONER_PLAN, name, [named(graph, plan) for plan in plans])
        if found is not None:
            return URIRef(found)
        known = "; ".join(str(graph.value(p, RDFS.label) or p) for p in plans) or "none"
        raise CspkgError(f"no Police and Crime Plan called '{name.strip()[:80]}' (plans: {known})")
    for plan in plans:
        if evidence_path(data_dir, plan).exists():
            return plan
    raise CspkgError("no Police and Crime Plan in the data folder has suggester evidence")


def confirmed_pairs(graph: Graph, plan: URIRef, pcp: URIRef) -> set[tuple[URIRef, URIRef]]:
    """(CSP priority or action, Commissioner priority) links confirmed for ``plan``."""
    scheme = graph.value(pcp, CSPKG.priorityScheme)
    targets = {URIRef(p) for p in graph.subjects(SKOS.inScheme, scheme)}
    pairs = set()
    for priority in graph.objects(plan, CSPKG.strategicPriority):
        for other in [
            *graph.objects(priority, SKOS.relatedMatch),
            *graph.subjects(SKOS.relatedMatch, priority),
        ]:
            if other in targets:
                pairs.add((URIRef(priority), URIRef(other)))
    for action in plan_actions(graph, plan):
        for target in graph.objects(action, CSPKG.servesCommissionerPriority):
            if target in targets:
                pairs.add((action, URIRef(target)))
    return pairs


def decided_pairs(graph: Graph, base: str) -> set[tuple[URIRef, URIRef]]:
    """Pairs a person has decided on (accepted, changed or rejected): never suggested again."""
    pending = status_iri(base, "suggested")
    return {
        (URIRef(graph.value(s, CSPKG.suggestedFrom)), URIRef(graph.value(s, CSPKG.suggestedTo)))
        for s in graph.subjects(RDF.type, CSPKG.AlignmentSuggestion)
        if graph.value(s, CSPKG.alignmentStatus) not in (None, pending)
    }


def suggestion_iri(base: str, plan: URIRef, pcp: URIRef, item: Suggestion) -> URIRef:
    source = str(item.source).rstrip("/").rsplit("/", 1)[-1]
    target = str(item.target).rstrip("/").rsplit("/", 1)[-1]
    key = "/".join(str(plan).rstrip("/").split("/")[-2:])
    return URIRef(
        f"{base}id/alignment-suggestion/{key}/{plan_key(pcp)}/{item.kind}/{source}/{target}"
    )


def cited_plan_to_align(settings: Settings, plan: URIRef, out_dir: Path | None) -> URIRef | None:
    """The Commissioner plan a just-imported plan names, when the data folder holds it and
    the suggester has evidence for it (then ``cspkg import`` suggests at once)."""
    graph = context_graph(out_dir or settings.data_dir)
    if out_dir is not None and out_dir != settings.data_dir:
        graph += context_graph(settings.data_dir)
    cited = graph.value(plan, CSPKG.operatesUnder)
    if not isinstance(cited, URIRef) or (cited, RDF.type, CSPKG.PoliceAndCrimePlan) not in graph:
        return None
    return cited if evidence_path(settings.data_dir, cited).exists() else None


def suggestions_note(plan_label: str, commissioner_label: str) -> str:
    """The header of a suggestions file: what it is, and that it is not alignment."""
    return (
        f"Alignment SUGGESTIONS for {plan_label} -> {commissioner_label}.\n"
        "Written by `cspkg align` (the suggester) and by reviews; suggestions are not\n"
        "alignment: only links a person confirmed (alignment/reviewed/) are counted."
    )


@dataclass
class AlignReport:
    plan: URIRef
    commissioner_plan: URIRef
    suggestions: list[Suggestion] = field(default_factory=list)
    kept: int = 0
    """Decided suggestions kept from earlier runs."""
    written: list[Path] = field(default_factory=list)
    evidence: str = ""


def _suggestion_graph(
    existing: Graph,
    suggestions: list[Suggestion],
    plan: URIRef,
    evidence: EvidenceSet,
    base: str,
    now: datetime,
) -> tuple[Graph, int]:
    """Decided suggestions from ``existing`` as they were, plus the new pending ones."""
    graph = Graph()
    bind_prefixes(graph)
    pending = status_iri(base, "suggested")
    kept = 0
    for node in existing.subjects(RDF.type, CSPKG.AlignmentSuggestion):
        if existing.value(node, CSPKG.alignmentStatus) != pending:
            kept += 1
            for triple in existing.triples((node, None, None)):
                graph.add(triple)
    for activity in {o for _, _, o in graph.triples((None, PROV.wasGeneratedBy, None))}:
        for triple in existing.triples((activity, None, None)):
            graph.add(triple)
    pcp = evidence.commissioner_plan
    stamp = now.strftime("%Y%m%dT%H%M%S")
    activity = URIRef(f"{base}id/activity/suggestion/{plan_file_key(plan)}/{plan_key(pcp)}/{stamp}")
    agent = URIRef(base + SUGGESTER)
    if len(graph) or suggestions:
        graph.add((agent, RDF.type, PROV.SoftwareAgent))
        graph.add((agent, RDFS.label, Literal("cspkg alignment suggester")))
    if suggestions:
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, RDFS.label, Literal("Alignment suggestions by the cspkg suggester")))
        graph.add((activity, RDFS.comment, Literal(
            "Words, police.uk categories and agency kinds matched against curated evidence "
            f"({evidence.source}); suggestions only, not alignment until a person confirms them."
        )))  # fmt: skip
        graph.add((activity, PROV.startedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
        graph.add((activity, PROV.wasAssociatedWith, agent))
        graph.add((activity, PROV.used, plan))
        graph.add((activity, PROV.used, pcp))
    for item in suggestions:
        node = suggestion_iri(base, plan, pcp, item)
        graph.add((node, RDF.type, CSPKG.AlignmentSuggestion))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, CSPKG.forPlan, plan))
        graph.add((node, CSPKG.suggestedFrom, item.source))
        graph.add((node, CSPKG.suggestedTo, item.target))
        graph.add((node, CSPKG.score, Literal(f"{item.score:.3f}", datatype=XSD.decimal)))
        for matched in item.matched:
            graph.add((node, CSPKG.matchedEvidence, Literal(matched)))
        graph.add((node, CSPKG.alignmentStatus, pending))
        graph.add((node, PROV.wasGeneratedBy, activity))
    return graph, kept


def run_align(
    settings: Settings,
    plan_name: str,
    commissioner_plan: str | None = None,
    out_dir: Path | None = None,
    now: datetime | None = None,
) -> AlignReport:
    """Suggest links for a plan and write its suggestions file (decisions kept)."""
    out_dir = out_dir or settings.data_dir
    now = now or datetime.now(UTC).replace(microsecond=0)
    graph = context_graph(out_dir)
    if out_dir != settings.data_dir:
        graph += context_graph(settings.data_dir)
    plan = resolve_plan(plan_name, graph)
    pcp = resolve_commissioner_plan(graph, commissioner_plan, settings.data_dir)
    evidence = load_evidence(settings.data_dir, pcp, settings.base, graph)
    target = suggestions_path(out_dir, plan, pcp)
    existing = read_data([target], out_dir.parent) if target.exists() else Graph()
    confirmed = confirmed_pairs(graph, plan, pcp)
    skip = confirmed | decided_pairs(existing, settings.base)
    suggestions = suggest(graph, plan, evidence, settings.base, skip, confirmed)
    rendered, kept = _suggestion_graph(existing, suggestions, plan, evidence, settings.base, now)
    header = suggestions_note(
        str(graph.value(plan, RDFS.label) or plan), str(graph.value(pcp, RDFS.label) or pcp)
    )
    report = AlignReport(plan, pcp, suggestions, kept, evidence=evidence.source)
    report.written = write_all({target: to_turtle(rendered, header)}).written
    return report


__all__ = [
    "AlignReport",
    "cited_plan_to_align",
    "commissioner_plans",
    "confirmed_pairs",
    "context_graph",
    "decided_pairs",
    "plan_file_key",
    "resolve_commissioner_plan",
    "reviewed_path",
    "run_align",
    "status_iri",
    "suggestions_note",
    "suggestions_path",
]
