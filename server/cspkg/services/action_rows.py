"""What an analyst reads about each action in a list: who leads and supports it (with the
organisation a unit belongs to), its target, the CSP priorities it meets and the
Commissioner priorities those serve under one named Police and Crime Plan.

One definition for every list of actions (thing pages, the answer table of a canned
query): the service query ``queries/service/action-rows.rq``, one query for all the
actions of a list (a ``VALUES`` list), so each action is one row however many priorities
it meets.  The Commissioner priorities come through the shared rule
``queries/fragments/commissioner-priorities.rq``, under the Police and Crime Plan asked
for, else the one the action's plan cites: never two Commissioner plans mixed.

Two partnerships' schemes may each have a priority of the same name ("Anti-Social
Behaviour (ASB)"); where a list holds both, each is named with its partnership
(``told_apart``), so the page and every download of the list tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ..config import Settings
from ..fragments import service_query
from ..store.base import Store
from .canned_queries import select

KINDS = ("lead", "supporter", "csp", "commissioner", "target")
MAX_ACTIONS = 500
OWNER_SEPARATOR = " – "
"""Between a priority's name and its partnership's, where the name alone would repeat."""


@dataclass(frozen=True)
class Ref:
    """A thing named on a page: its IRI and its label."""

    iri: str
    label: str


@dataclass(frozen=True)
class AgencyRef:
    """An agency, with its parent organisation when it is a unit of one."""

    agency: Ref
    parent: Ref | None = None


@dataclass(frozen=True)
class Alignment:
    """A link between two priorities, the project's judgement, with its rationale."""

    other: Ref
    via: Ref | None
    rationale: str | None


@dataclass
class ActionRow:
    """One action, once, with everything a list of actions shows."""

    action: Ref
    ordinal: int | None = None
    leads: list[AgencyRef] = field(default_factory=list)
    supporters: list[AgencyRef] = field(default_factory=list)
    target: str | None = None
    csp_priorities: list[Ref] = field(default_factory=list)
    commissioner_plan: Ref | None = None
    """The Police and Crime Plan its Commissioner priorities are under."""
    commissioner_priorities: list[Ref] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    """Each Commissioner priority with the CSP priority through which, and why."""
    roles: list[tuple[str, Ref | None]] = field(default_factory=list)
    """On an agency's page: ("lead"|"support", the unit through which, or None)."""
    plan: Ref | None = None
    """The delivery plan the action is a step of: lists of several plans' actions are
    grouped by it (two plans each have an action 1)."""


@dataclass
class ActionFacts:
    """``(iri, label)`` pairs per kind, in label order; ``target`` is the plan's words."""

    lead: list[tuple[str, str]] = field(default_factory=list)
    supporter: list[tuple[str, str]] = field(default_factory=list)
    csp: list[tuple[str, str]] = field(default_factory=list)
    commissioner: list[tuple[str, str]] = field(default_factory=list)
    target: list[tuple[str, str]] = field(default_factory=list)


def _ref(row: dict[str, str | None], key: str) -> Ref | None:
    iri = row.get(key)
    return Ref(iri, row.get(key + "Label") or iri) if iri else None


def action_rows(
    store: Store,
    actions: list[str],
    settings: Settings,
    commissioner_plan: str | None = None,
) -> list[ActionRow]:
    """The actions named (at most ``MAX_ACTIONS``), by plan then number, each once with its
    lead, supporters, target and priorities (CSP, and the Commissioner's under
    ``commissioner_plan``, else the Police and Crime Plan its plan cites)."""
    wanted = list(dict.fromkeys(actions))[:MAX_ACTIONS]
    if not wanted:
        return []
    text = service_query(settings.queries_dir, "action-rows", commissionerPlan=commissioner_plan)
    text = text.replace("$actions", " ".join(str(NamedNode(a)) for a in wanted))
    result = select(store, text, settings)
    rows: dict[str, ActionRow] = {a: ActionRow(Ref(a, a)) for a in wanted}
    owners: dict[str, str] = {}
    for values in result.rows:
        r = {
            name: None if term is None else term.value
            for name, term in zip(result.variables, values, strict=True)
        }
        row = rows[r["action"] or ""]
        _fill(row, r)
        if r["priority"] and r["priorityOwnerLabel"]:
            owners[r["priority"]] = r["priorityOwnerLabel"]
    named = told_apart([p for row in rows.values() for p in row.csp_priorities], owners)
    for row in rows.values():
        row.csp_priorities = [named.get(p, p) for p in row.csp_priorities]
        row.alignments = [
            Alignment(a.other, named.get(a.via, a.via) if a.via else None, a.rationale)
            for a in row.alignments
        ]
    for row in rows.values():
        for items in (row.csp_priorities, row.commissioner_priorities):
            items.sort(key=lambda ref: ref.label.casefold())
        for agencies in (row.leads, row.supporters):
            agencies.sort(key=lambda a: a.agency.label.casefold())
        row.alignments.sort(key=lambda a: (a.other.label.casefold(), a.via.label if a.via else ""))
    return sorted(
        rows.values(),
        key=lambda r: (r.plan.label if r.plan else "", r.ordinal or 0, r.action.label.casefold()),
    )


def told_apart(refs: list[Ref], owners: dict[str, str]) -> dict[Ref, Ref]:
    """Each of ``refs`` whose label another (a different IRI) shares, with its owner's
    name added (``owners``: IRI -> partnership); the others keep their labels."""
    iris: dict[str, set[str]] = {}
    for ref in refs:
        iris.setdefault(ref.label.casefold(), set()).add(ref.iri)
    return {
        ref: Ref(ref.iri, ref.label + OWNER_SEPARATOR + owners[ref.iri])
        for ref in refs
        if len(iris[ref.label.casefold()]) > 1 and ref.iri in owners
    }


def _fill(row: ActionRow, r: dict[str, str | None]) -> None:
    """Add what one answer row says to the action's row."""
    if r["actionLabel"]:
        row.action = Ref(row.action.iri, r["actionLabel"])
    row.ordinal = int(r["ordinal"]) if r["ordinal"] else row.ordinal
    row.target = r["target"] or row.target
    row.plan = row.plan or _ref(r, "plan")
    agency = _ref(r, "agency")
    if agency is not None:
        named = AgencyRef(agency, _ref(r, "parent"))
        into = row.leads if r["role"] == "lead" else row.supporters
        if named not in into:
            into.append(named)
    priority = _ref(r, "priority")
    if priority is not None and priority not in row.csp_priorities:
        row.csp_priorities.append(priority)
    served = _ref(r, "commissionerPriority")
    if served is not None:
        row.commissioner_plan = _ref(r, "commissionerPlan")
        if served not in row.commissioner_priorities:
            row.commissioner_priorities.append(served)
        link = Alignment(served, _ref(r, "via"), r["rationale"])
        if link not in row.alignments:
            row.alignments.append(link)


def action_facts(
    store: Store, settings: Settings, actions: Iterable[str]
) -> dict[str, ActionFacts]:
    """``action_rows`` as ``(iri, label)`` pairs per kind, for an answer table's cells."""
    facts: dict[str, ActionFacts] = {}
    for row in action_rows(store, list(actions), settings):
        facts[row.action.iri] = ActionFacts(
            lead=[(a.agency.iri, a.agency.label) for a in row.leads],
            supporter=[(a.agency.iri, a.agency.label) for a in row.supporters],
            csp=[(p.iri, p.label) for p in row.csp_priorities],
            commissioner=[(p.iri, p.label) for p in row.commissioner_priorities],
            target=[("", row.target)] if row.target else [],
        )
    return facts
