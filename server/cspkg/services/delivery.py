"""Build the delivery of a plan in a quarter (``delivery_model.Delivery``) from the store.

People name a plan by its key (``cannock-chase-csp/2024-25``), title or IRI, and a
quarter as ``2024-Q3`` or ``Q3 2024/25``; ``resolve_plan`` and ``resolve_period`` turn
those into IRIs with clear errors.

Which update counts for an action in a quarter: its updates for that quarter that no
later update revises (``prov:wasRevisionOf``), latest by date then revision number.  An
action's "last status" (shown beside a missing update) is the same rule over every
quarter up to this one.  Overdue: a target date before the day judged on (by default
the day after the quarter ends: the quarter as it closed) and a latest status that is
neither Complete nor Withdrawn.  Counts by Commissioner priority go through the
project's alignment (``skos:relatedMatch``, either direction), for every Police and
Crime Plan with a priority aligned to the plan's, and the one the plan cites.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pyoxigraph import NamedNode

from ..config import Settings
from ..errors import DeliveryNotFound
from ..namespaces import PREFIXES
from ..store.base import Store
from .canned_queries import select
from .delivery_model import (
    NO_UPDATE,
    ActionLine,
    CommissionerView,
    CountRow,
    Delivery,
    Named,
    Period,
    Status,
)

STATUS_ORDER = ("not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn")
"""Reading order of the progress-status scheme's notations (as the issue lists them)."""
EXCEPTION_KEYS = ("off-track", "at-risk")
"""Statuses that make an action an exception, worst first."""
DONE_KEYS = ("complete", "withdrawn")
"""Statuses after which an action cannot be overdue."""

_PREFIXES = "\n".join(
    f"PREFIX {p}: <{PREFIXES[p]}>"
    for p in ("cspkg", "dcterms", "p-plan", "prov", "rdfs", "skos", "xsd")
)
_LABEL = "COALESCE(?{0}Pref, ?{0}Plain, STR(?{0}))"


@dataclass(frozen=True)
class _Update:
    action: str
    period: str
    period_end: str
    status: str | None
    percent: int | None
    commentary: str | None
    reported_on: str | None
    revision: int

    def order(self) -> tuple[str, str, int]:
        return (self.period_end, self.reported_on or "", self.revision)


def _rows(store: Store, settings: Settings, sparql: str) -> list[dict[str, str | None]]:
    result = select(store, f"{_PREFIXES}\n{sparql}", settings)
    return [
        {
            name: None if term is None else term.value
            for name, term in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


def _labelled(var: str) -> str:
    """OPTIONALs for a label of ``?var`` (prefLabel, else rdfs:label, else the IRI)."""
    return (
        f"OPTIONAL {{ ?{var} skos:prefLabel ?{var}Pref }} "
        f"OPTIONAL {{ ?{var} rdfs:label ?{var}Plain }}"
    )


# --- naming a plan and a quarter -------------------------------------------------------


def plans(store: Store, settings: Settings) -> list[Named]:
    """Every delivery plan in the store, by title."""
    rows = _rows(
        store,
        settings,
        "SELECT ?plan (SAMPLE(COALESCE(?t, ?l, STR(?plan))) AS ?label) WHERE { "
        "?plan a cspkg:DeliveryPlan . OPTIONAL { ?plan dcterms:title ?t } "
        "OPTIONAL { ?plan rdfs:label ?l } } GROUP BY ?plan",
    )
    return sorted((Named(r["plan"] or "", r["label"] or "") for r in rows), key=_by_label)


def resolve_plan(store: Store, settings: Settings, given: str) -> Named:
    """A plan by IRI, key (``cannock-chase-csp/2024-25``) or title, ignoring case."""
    wanted = given.strip().strip("<>").lower()
    found = plans(store, settings)
    for plan in found:
        key = plan.iri.split("/delivery-plan/", 1)[-1].lower()
        if wanted in (plan.iri.lower(), key, plan.label.lower()):
            return plan
    names = ", ".join(p.iri.split("/delivery-plan/", 1)[-1] for p in found) or "none loaded"
    raise DeliveryNotFound(f"no delivery plan '{given[:80]}': known plans are {names}")


def periods(store: Store, settings: Settings) -> list[Period]:
    """Every reporting quarter the store describes, in time order."""
    rows = _rows(
        store,
        settings,
        "SELECT ?period (SAMPLE(?n) AS ?notation) (SAMPLE(?l) AS ?label) "
        "(SAMPLE(?a) AS ?alt) (SAMPLE(?s) AS ?start) (SAMPLE(?e) AS ?end) WHERE { "
        "?period a cspkg:ReportingPeriod ; skos:notation ?n ; cspkg:periodStart ?s ; "
        "cspkg:periodEnd ?e . OPTIONAL { ?period rdfs:label ?l } "
        "OPTIONAL { ?period skos:altLabel ?a } } GROUP BY ?period",
    )
    found = [
        Period(
            r["period"] or "",
            r["notation"] or "",
            r["label"] or r["notation"] or "",
            date.fromisoformat(r["start"] or ""),
            date.fromisoformat(r["end"] or ""),
        )
        for r in rows
        if r["start"] and r["end"]
    ]
    return sorted(found, key=lambda p: p.start)


def resolve_period(store: Store, settings: Settings, given: str) -> Period:
    """A quarter by ``2024-Q3``, ``Q3 2024/25`` or IRI."""
    wanted = " ".join(given.strip().strip("<>").lower().split())
    for period in periods(store, settings):
        names = {period.iri.lower(), period.notation.lower(), period.label.lower()}
        names.add(period.label.split(" (")[0].lower())
        if wanted in names:
            return period
    raise DeliveryNotFound(
        f"'{given[:40]}' is not a reporting quarter the graph knows: write a quarter of "
        "the financial year as 2024-Q3 or Q3 2024/25"
    )


# --- the model ---------------------------------------------------------------------


def build(
    store: Store, settings: Settings, plan: Named, period: Period, as_of: date | None = None
) -> Delivery:
    """The delivery of ``plan`` in ``period``; overdue judged on ``as_of``."""
    judged = as_of or period.end + timedelta(days=1)
    statuses = _statuses(store, settings)
    columns = (*statuses.values(), NO_UPDATE)
    info = _plan_info(store, settings, plan.iri)
    actions = _actions(store, settings, plan.iri)
    updates = _updates(store, settings, plan.iri, period.end.isoformat())
    current = _latest(u for u in updates if u.period == period.iri)
    last = _latest(updates)

    def status_of(action: str, found: dict[str, _Update]) -> Status | None:
        update = found.get(action)
        return statuses.get(update.status or "") if update else None

    def line(action: str, found: dict[str, _Update]) -> ActionLine:
        row, update = actions[action], found.get(action)
        return ActionLine(
            Named(action, row["label"] or action),
            int(row["ordinal"]) if row["ordinal"] else None,
            row["leads"] or "",
            status_of(action, found),
            update.percent if update else None,
            update.commentary if update else None,
            row["targetText"],
            update.reported_on if update else None,
        )

    def column_of(action: str) -> int:
        status = status_of(action, current)
        return columns.index(status) if status in columns else len(columns) - 1

    def count_row(priority: Named, members: Iterable[str]) -> CountRow:
        tally = Counter(column_of(a) for a in set(members) if a in actions)
        counts = tuple(tally.get(i, 0) for i in range(len(columns)))
        return CountRow(priority, counts, sum(counts))

    meets, scheme = _priorities(store, settings, plan.iri)
    by_priority = tuple(count_row(p, meets.get(p.iri, ())) for p in scheme)
    commissioner = tuple(
        CommissionerView(
            pcp,
            pcp.iri == info["cited"],
            tuple(count_row(p, (a for csp in via for a in meets.get(csp, ()))) for p, via in rows),
        )
        for pcp, rows in _commissioner(store, settings, plan.iri, info["cited"])
    )
    ordered = sorted(actions, key=lambda a: (_number(actions[a]["ordinal"]), a))
    exceptions = sorted(
        (a for a in ordered if (s := status_of(a, current)) and s.key in EXCEPTION_KEYS),
        key=lambda a: EXCEPTION_KEYS.index(status_of(a, current).key),  # type: ignore[union-attr]
    )
    overdue = [
        a
        for a in ordered
        if actions[a]["targetDue"]
        and actions[a]["targetDue"] < judged.isoformat()
        and ((s := status_of(a, last)) is None or s.key not in DONE_KEYS)
    ]
    tally = Counter(column_of(a) for a in actions)
    return Delivery(
        plan=Named(plan.iri, info["label"] or plan.label),
        partnership=Named(info["partnership"], info["partnershipLabel"] or "")
        if info["partnership"]
        else None,
        period=period,
        as_of=judged,
        columns=columns,
        totals=tuple(tally.get(i, 0) for i in range(len(columns))),
        actions=len(actions),
        by_priority=by_priority,
        commissioner=commissioner,
        exceptions=tuple(line(a, current) for a in exceptions),
        missing=tuple(line(a, last) for a in ordered if a not in current),
        overdue=tuple(line(a, last) for a in overdue),
        periods=tuple(plan_quarters(store, settings, plan)),
    )


def _by_label(named: Named) -> tuple[str, str]:
    return (named.label.lower(), named.iri)


def _number(ordinal: str | None) -> int:
    return int(ordinal) if ordinal else 10**9


def _latest(updates: Iterable[_Update]) -> dict[str, _Update]:
    """Per action, the update that counts: latest quarter, then date, then revision."""
    found: dict[str, _Update] = {}
    for update in updates:
        held = found.get(update.action)
        if held is None or update.order() > held.order():
            found[update.action] = update
    return found


def _statuses(store: Store, settings: Settings) -> dict[str, Status]:
    """The progress-status scheme's concepts by IRI, in reading order."""
    rows = _rows(
        store,
        settings,
        "SELECT ?status (SAMPLE(" + _LABEL.format("status") + ") AS ?label) "
        "(SAMPLE(?n) AS ?notation) (SAMPLE(?r) AS ?rag) WHERE { "
        "?status a cspkg:ProgressStatus ; skos:notation ?n . " + _labelled("status") + " "
        "OPTIONAL { ?status cspkg:ragRating ?rating . BIND (REPLACE(STR(?rating), "
        '"^.*/", "") AS ?r) } } GROUP BY ?status',
    )
    found = [
        Status(r["status"] or "", r["label"] or "", r["notation"] or "", r["rag"]) for r in rows
    ]

    def order(status: Status) -> tuple[int, str]:
        known = status.key in STATUS_ORDER
        return (STATUS_ORDER.index(status.key) if known else len(STATUS_ORDER), status.key)

    return {s.iri: s for s in sorted(found, key=order)}


def _plan_info(store: Store, settings: Settings, plan: str) -> dict[str, str | None]:
    node = NamedNode(plan)
    rows = _rows(
        store,
        settings,
        f"SELECT (SAMPLE(COALESCE(?t, ?l)) AS ?label) (SAMPLE(?partnership) AS ?partnership) "
        f"(SAMPLE({_LABEL.format('partnership')}) AS ?partnershipLabel) "
        f"(SAMPLE(?c) AS ?cited) (SAMPLE(?s) AS ?start) (SAMPLE(?e) AS ?end) WHERE {{ "
        f"OPTIONAL {{ {node} dcterms:title ?t }} OPTIONAL {{ {node} rdfs:label ?l }} "
        f"OPTIONAL {{ {node} cspkg:partnership ?partnership . {_labelled('partnership')} }} "
        f"OPTIONAL {{ {node} cspkg:operatesUnder ?c }} "
        f"OPTIONAL {{ {node} cspkg:periodStart ?s }} OPTIONAL {{ {node} cspkg:periodEnd ?e }} }}",
    )
    return rows[0] if rows else {}


def _actions(store: Store, settings: Settings, plan: str) -> dict[str, dict[str, str | None]]:
    """The plan's actions: number, title, leads (labels), target as written and due."""
    rows = _rows(
        store,
        settings,
        "SELECT ?action (SAMPLE(?o) AS ?ordinal) (SAMPLE(?l) AS ?label) "
        "(SAMPLE(?tt) AS ?targetText) (SAMPLE(?due) AS ?targetDue) "
        '(GROUP_CONCAT(DISTINCT ?leadLabel; separator="; ") AS ?leads) WHERE { '
        f"?action p-plan:isStepOfPlan {NamedNode(plan)} . "
        "OPTIONAL { ?action cspkg:ordinal ?o } OPTIONAL { ?action rdfs:label ?l } "
        "OPTIONAL { ?action cspkg:targetText ?tt } OPTIONAL { ?action cspkg:targetDue ?due } "
        "OPTIONAL { ?action cspkg:responsibleAgency ?lead . " + _labelled("lead") + " "
        "BIND (" + _LABEL.format("lead") + " AS ?leadLabel) } } GROUP BY ?action",
    )
    return {r["action"] or "": r for r in rows}


def _updates(store: Store, settings: Settings, plan: str, up_to: str) -> list[_Update]:
    """The plan's progress updates for quarters ending by ``up_to``, not revised since."""
    rows = _rows(
        store,
        settings,
        "SELECT ?update ?action ?period ?end ?status ?percent ?commentary ?date ?revision "
        "WHERE { "
        f"?action p-plan:isStepOfPlan {NamedNode(plan)} . "
        "?update a cspkg:ProgressUpdate ; cspkg:aboutAction ?action ; "
        "cspkg:reportingPeriod ?period . ?period cspkg:periodEnd ?end . "
        f'FILTER (?end <= "{up_to}"^^xsd:date) '
        "FILTER NOT EXISTS { ?newer prov:wasRevisionOf ?update } "
        "OPTIONAL { ?update cspkg:progressStatus ?status } "
        "OPTIONAL { ?update cspkg:percentComplete ?percent } "
        "OPTIONAL { ?update cspkg:commentary ?commentary } "
        "OPTIONAL { ?update dcterms:date ?date } OPTIONAL { ?update cspkg:revision ?revision } }",
    )
    return [
        _Update(
            r["action"] or "",
            r["period"] or "",
            r["end"] or "",
            r["status"],
            int(r["percent"]) if r["percent"] else None,
            r["commentary"],
            r["date"],
            int(r["revision"]) if r["revision"] else 0,
        )
        for r in rows
    ]


def _priorities(
    store: Store, settings: Settings, plan: str
) -> tuple[dict[str, set[str]], list[Named]]:
    """Actions per CSP priority, and the plan's priorities in label order."""
    node = NamedNode(plan)
    rows = _rows(
        store,
        settings,
        "SELECT ?p (SAMPLE(" + _LABEL.format("p") + ") AS ?label) ?action WHERE { "
        f"{{ {node} cspkg:strategicPriority ?p }} UNION "
        f"{{ ?action p-plan:isStepOfPlan {node} ; cspkg:meetsPriority ?p }} "
        + _labelled("p")
        + " } GROUP BY ?p ?action",
    )
    meets: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in rows:
        names[r["p"] or ""] = r["label"] or ""
        members = meets.setdefault(r["p"] or "", set())
        if r["action"]:
            members.add(r["action"])
    return meets, sorted((Named(i, n) for i, n in names.items()), key=_by_label)


def _commissioner(
    store: Store, settings: Settings, plan: str, cited: str | None
) -> list[tuple[Named, list[tuple[Named, set[str]]]]]:
    """Each Police and Crime Plan aligned with (or cited by) the plan: its priorities and
    the CSP priorities aligned to each.  Newest plan first."""
    node = NamedNode(plan)
    cited_clause = f"UNION {{ BIND ({NamedNode(cited)} AS ?pcp) }}" if cited else ""
    rows = _rows(
        store,
        settings,
        "SELECT ?pcp (SAMPLE(" + _LABEL.format("pcp") + ") AS ?pcpLabel) ?p "
        "(SAMPLE(" + _LABEL.format("p") + ") AS ?pLabel) ?csp WHERE { "
        "{ SELECT DISTINCT ?pcp WHERE { "
        f"{{ {node} cspkg:strategicPriority ?mine . "
        "?mine skos:relatedMatch|^skos:relatedMatch ?theirs . "
        "?theirs skos:inScheme ?s . ?pcp a cspkg:PoliceAndCrimePlan ; cspkg:priorityScheme ?s } "
        f"{cited_clause} }} }} "
        "?pcp cspkg:priorityScheme ?scheme . ?p skos:inScheme ?scheme . "
        "OPTIONAL { ?p skos:relatedMatch|^skos:relatedMatch ?csp . "
        f"{node} cspkg:strategicPriority ?csp }} "
        + _labelled("pcp")
        + " "
        + _labelled("p")
        + " } GROUP BY ?pcp ?p ?csp",
    )
    by_plan: dict[str, tuple[str, dict[str, tuple[str, set[str]]]]] = {}
    for r in rows:
        _, priorities = by_plan.setdefault(r["pcp"] or "", (r["pcpLabel"] or "", {}))
        _, via = priorities.setdefault(r["p"] or "", (r["pLabel"] or "", set()))
        if r["csp"]:
            via.add(r["csp"])
    return [
        (
            Named(pcp, label),
            sorted(
                ((Named(p, name), via) for p, (name, via) in priorities.items()),
                key=lambda pair: _by_label(pair[0]),
            ),
        )
        for pcp, (label, priorities) in sorted(
            by_plan.items(), key=lambda item: item[1][0], reverse=True
        )
    ]


def default_period(store: Store, settings: Settings, plan: Named, today: date) -> Period:
    """The quarter a delivery page opens on: the latest with an update for the plan,
    else the plan's quarter holding ``today``, else its first quarter."""
    quarters = plan_quarters(store, settings, plan)
    used = _used_quarters(store, settings, plan)
    with_updates = [p for p in quarters if p.iri in used]
    if with_updates:
        return with_updates[-1]
    for period in quarters:
        if period.start <= today <= period.end:
            return period
    if quarters:
        return quarters[0]
    raise DeliveryNotFound(f"the graph knows no reporting quarter for {plan.label}")


def statuses(store: Store, settings: Settings) -> list[Status]:
    """The progress-status scheme's concepts in reading order (for forms and keys)."""
    return list(_statuses(store, settings).values())


def plan_quarters(store: Store, settings: Settings, plan: Named) -> list[Period]:
    """The quarters of the plan's year and any other quarter it has updates for."""
    info = _plan_info(store, settings, plan.iri)
    used = _used_quarters(store, settings, plan)
    start, end = info.get("start") or "", info.get("end") or ""
    return [
        p
        for p in periods(store, settings)
        if (start <= p.start.isoformat() and p.end.isoformat() <= end) or p.iri in used
    ]


def _used_quarters(store: Store, settings: Settings, plan: Named) -> set[str | None]:
    """The quarters the plan has updates for."""
    rows = _rows(
        store,
        settings,
        "SELECT DISTINCT ?period WHERE { "
        f"?action p-plan:isStepOfPlan {NamedNode(plan.iri)} . "
        "?update cspkg:aboutAction ?action ; cspkg:reportingPeriod ?period }",
    )
    return {r["period"] for r in rows}
