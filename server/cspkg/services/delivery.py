"""Build the delivery of a plan in a quarter (``delivery_model.Delivery``) from the store.

People name a plan by its key (``cannock-chase-csp/2024-25``), title or IRI, and a
quarter as ``2024-Q3`` or ``Q3 2024/25``; ``resolve_plan`` and ``resolve_period`` turn
those into IRIs with clear errors.

Every rule is a query of the catalogue, not written here again: an action's status at
the quarter and its latest update (``status-of-actions``, through the fragments
``queries/fragments/status-at-quarter.rq`` and ``latest-update.rq``: the latest update in
or before the quarter counts if it is for this quarter or said Complete or Withdrawn,
which carry forward), overdue as at a day (``overdue-actions``: by default the day
after the quarter ends, the quarter as it closed) and counts by Commissioner priority
(``delivery-by-commissioner-priority``, for the Police and Crime Plan the plan cites
and every other its actions serve).  This module tallies their rows into the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..catalog import Catalog, load_catalog
from ..config import Settings
from ..errors import DeliveryNotFound, ParameterError
from ..fragments import service_query
from ..store.base import Store
from .canned_queries import CannedQueries, select
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
from .outcomes import plan_outcomes
from .parameters import PLAN, QUARTER

STATUS_ORDER = ("not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn")
"""Reading order of the progress-status scheme's notations (as the issue lists them)."""
EXCEPTION_KEYS = ("off-track", "at-risk")
"""Statuses that make an action an exception, worst first."""
DONE_KEYS = ("complete", "withdrawn")
"""Statuses after which an action cannot be overdue."""


def _rows(
    store: Store, settings: Settings, name: str, plan: str | None = None
) -> list[dict[str, str | None]]:
    """The rows of the service query ``queries/service/{name}.rq`` (about ``plan``)."""
    result = select(store, service_query(settings.queries_dir, name, plan=plan), settings)
    return [
        {
            var: None if term is None else term.value
            for var, term in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


# --- naming a plan and a quarter -------------------------------------------------------


def plans(store: Store, settings: Settings) -> list[Named]:
    """Every delivery plan in the store, by title."""
    rows = _rows(store, settings, "delivery-plans")
    return sorted((Named(r["plan"] or "", r["name"] or "") for r in rows), key=_by_label)


def resolve_plan(
    store: Store, settings: Settings, given: str, queries: CannedQueries | None = None
) -> Named:
    """A plan by key (``cannock-chase-csp/2024-25``), title, label or IRI, ignoring case:
    the one name rule (``CannedQueries.resolve``) every door uses."""
    queries = queries or CannedQueries(default_catalog(settings), store, settings)
    try:
        iri = queries.resolve(PLAN, given.strip().strip("<>"))
    except ParameterError:
        names = ", ".join(plan_key(p.iri) for p in plans(store, settings)) or "none loaded"
        raise DeliveryNotFound(
            f"no delivery plan '{given[:80]}': known plans are {names}"
        ) from None
    label = next((c.label for c in queries.choices(PLAN) if c.iri == iri), iri)
    return Named(iri, label)


def plan_key(plan: str) -> str:
    """``cannock-chase-csp/2024-25``: how a plan is named in URLs and commands."""
    return plan.rstrip("/").split("/delivery-plan/", 1)[-1]


def periods(store: Store, settings: Settings) -> list[Period]:
    """Every reporting quarter the store describes, in time order."""
    rows = _rows(store, settings, "reporting-periods")
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


def resolve_period(
    store: Store, settings: Settings, given: str, queries: CannedQueries | None = None
) -> Period:
    """A quarter by ``2024-Q3``, ``Q3 2024/25`` or IRI (``CannedQueries.resolve``)."""
    queries = queries or CannedQueries(default_catalog(settings), store, settings)
    try:
        iri = queries.resolve(QUARTER, given.strip())
    except ParameterError:
        iri = ""
    for period in periods(store, settings):
        if period.iri == iri:
            return period
    raise DeliveryNotFound(
        f"'{given[:40]}' is not a reporting quarter the graph knows: write a quarter of "
        "the financial year as 2024-Q3 or Q3 2024/25"
    )


# --- the model ---------------------------------------------------------------------


def default_catalog(settings: Settings) -> Catalog:
    """The catalogue of ``settings.queries_dir`` (read once per folder and base), for
    callers that have none at hand (the CLI, tests): the rules live in its queries."""
    return _catalog(settings.queries_dir, settings.base)


@lru_cache(maxsize=4)
def _catalog(folder: Path, base: str) -> Catalog:
    return load_catalog(folder, base)


def build(
    store: Store,
    settings: Settings,
    plan: Named,
    period: Period,
    as_of: date | None = None,
    *,
    queries: CannedQueries | None = None,
) -> Delivery:
    """The delivery of ``plan`` in ``period``; overdue judged on ``as_of``.

    Every figure comes from the catalogue's delivery queries (``status-of-actions``,
    ``overdue-actions``, ``delivery-by-commissioner-priority``), which share the rule
    fragments in ``queries/fragments/``: this function only tallies their rows."""
    judged = as_of or period.end + timedelta(days=1)
    queries = queries or CannedQueries(default_catalog(settings), store, settings)
    statuses = _statuses(store, settings)
    columns = (*statuses.values(), NO_UPDATE)
    info = _plan_info(store, settings, plan.iri)
    where = [("plan", plan.iri), ("period", period.iri)]
    # Whole action titles (the data cuts long ones "…"): the page and the board report.
    table = queries.full_labels(queries.run("status-of-actions", where).table)
    rows = {r["action"] or "": r for r in table.records()}

    def column_of(action: str) -> int:
        status = statuses.get(rows[action]["status"] or "")
        return columns.index(status) if status in columns else len(columns) - 1

    def line(action: str) -> ActionLine:
        """The action with the latest update reported by the quarter's end."""
        r = rows[action]
        return ActionLine(
            Named(action, r["actionLabel"] or action),
            int(r["ordinal"]) if r["ordinal"] else None,
            r["leads"] or "",
            statuses.get(r["latestStatus"] or ""),
            int(r["percentComplete"]) if r["percentComplete"] else None,
            r["commentary"],
            r["targetText"],
            r["reportedOn"],
            r["reportedBy"],
            r["reportingAgencyLabel"],
        )

    def count_row(priority: Named, members: Iterable[str]) -> CountRow:
        tally = Counter(column_of(a) for a in set(members) if a in rows)
        counts = tuple(tally.get(i, 0) for i in range(len(columns)))
        return CountRow(priority, counts, sum(counts))

    meets, scheme = _priorities(store, settings, plan.iri)
    worst = _keyed(statuses, EXCEPTION_KEYS)
    exceptions = sorted(
        (a for a in rows if (rows[a]["status"] or "") in worst),
        key=lambda a: (worst.index(rows[a]["status"] or ""), _order(rows[a])),
    )
    overdue = [
        r["action"] or ""
        for r in queries.run(
            "overdue-actions", [("plan", plan.iri), ("date", judged.isoformat())]
        ).table.records()
        if r["action"] in rows
    ]
    tally = Counter(column_of(a) for a in rows)
    return Delivery(
        plan=Named(plan.iri, info["label"] or plan.label),
        partnership=Named(info["partnership"], info["partnershipLabel"] or "")
        if info["partnership"]
        else None,
        period=period,
        as_of=judged,
        columns=columns,
        totals=tuple(tally.get(i, 0) for i in range(len(columns))),
        actions=len(rows),
        by_priority=tuple(count_row(p, meets.get(p.iri, ())) for p in scheme),
        commissioner=_commissioner(queries, statuses, columns, plan, period, info["cited"]),
        exceptions=tuple(line(a) for a in exceptions),
        missing=tuple(line(a) for a in rows if not rows[a]["status"]),
        overdue=tuple(
            line(a) for a in sorted(dict.fromkeys(overdue), key=lambda a: _order(rows[a]))
        ),
        periods=tuple(plan_quarters(store, settings, plan)),
        outcomes=tuple(plan_outcomes(store, queries.catalog, settings, plan.iri, period.notation)),
    )


def _keyed(statuses: dict[str, Status], keys: Iterable[str]) -> list[str]:
    """The IRIs of the statuses with these notations, in the order given."""
    by_key = {s.key: s.iri for s in statuses.values()}
    return [by_key[k] for k in keys if k in by_key]


def _order(row: dict[str, str | None]) -> tuple[int, str]:
    return (_number(row["ordinal"]), row["action"] or "")


def _by_label(named: Named) -> tuple[str, str]:
    return (named.label.lower(), named.iri)


def _number(ordinal: str | None) -> int:
    return int(ordinal) if ordinal else 10**9


def _statuses(store: Store, settings: Settings) -> dict[str, Status]:
    """The progress-status scheme's concepts by IRI, in reading order."""
    rows = _rows(store, settings, "progress-statuses")
    found = [
        Status(r["status"] or "", r["label"] or "", r["notation"] or "", r["rag"]) for r in rows
    ]

    def order(status: Status) -> tuple[int, str]:
        known = status.key in STATUS_ORDER
        return (STATUS_ORDER.index(status.key) if known else len(STATUS_ORDER), status.key)

    return {s.iri: s for s in sorted(found, key=order)}


def _plan_info(store: Store, settings: Settings, plan: str) -> dict[str, str | None]:
    rows = _rows(store, settings, "plan-info", plan)
    r = rows[0] if rows else {}
    return {
        "label": r.get("name"),
        "partnership": r.get("partner"),
        "partnershipLabel": r.get("partnerLabel"),
        "cited": r.get("cited"),
        "start": r.get("start"),
        "end": r.get("end"),
    }


def _priorities(
    store: Store, settings: Settings, plan: str
) -> tuple[dict[str, set[str]], list[Named]]:
    """Actions per CSP priority, and the plan's priorities in label order."""
    rows = _rows(store, settings, "plan-priorities", plan)
    meets: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in rows:
        names[r["priority"] or ""] = r["label"] or ""
        members = meets.setdefault(r["priority"] or "", set())
        if r["action"]:
            members.add(r["action"])
    return meets, sorted((Named(i, n) for i, n in names.items()), key=_by_label)


def _commissioner(
    queries: CannedQueries,
    statuses: dict[str, Status],
    columns: tuple[Status, ...],
    plan: Named,
    period: Period,
    cited: str | None,
) -> tuple[CommissionerView, ...]:
    """Counts by the priorities of each Police and Crime Plan that the plan cites or
    that any of its actions serves (the canned query ``delivery-by-commissioner-priority``
    for each), newest plan first."""
    query = queries.catalog.get("delivery-by-commissioner-priority")
    views: list[CommissionerView] = []
    for pcp in queries.choices(query.parameter("commissionerPlan")):
        where = [("plan", plan.iri), ("period", period.iri), ("commissionerPlan", pcp.iri)]
        counts: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for r in queries.run(query.name, where).table.records():
            priority = r["priority"] or ""
            names[priority] = r["priorityLabel"] or priority
            tally = counts.setdefault(priority, [0] * len(columns))
            if r["statusLabel"] == "No actions":
                continue
            status = statuses.get(r["status"] or "")
            at = columns.index(status) if status in columns else len(columns) - 1
            tally[at] += int(r["actions"] or 0)
        if pcp.iri != cited and not any(sum(t) for t in counts.values()):
            continue
        rows = sorted(
            (CountRow(Named(p, names[p]), tuple(t), sum(t)) for p, t in counts.items()),
            key=lambda row: _by_label(row.priority),
        )
        views.append(CommissionerView(Named(pcp.iri, pcp.label), pcp.iri == cited, tuple(rows)))
    return tuple(sorted(views, key=lambda v: v.plan.label, reverse=True))


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
    rows = _rows(store, settings, "plan-quarters-used", plan.iri)
    return {r["period"] for r in rows}
