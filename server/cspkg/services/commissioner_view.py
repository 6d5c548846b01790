"""The Commissioner's view: one Police and Crime Plan across every partnership's plan.

One plain model (``CommissionerView``) from the canned queries the catalogue serves
(``commissioner-coverage``, ``commissioner-gaps``, ``commissioner-agencies``,
``commissioner-delivery``), so the page, its ``.json`` twin, the ``.xlsx`` downloads and
the board report's Commissioner's edition show the same numbers: none recounts.  Only
confirmed links count; suggestions waiting for a review are shown apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .canned_queries import CannedQueries

QUERIES = (
    "commissioner-coverage",
    "commissioner-gaps",
    "commissioner-agencies",
    "commissioner-delivery",
)


@dataclass(frozen=True)
class Cell:
    confirmed: int
    suggested: int


@dataclass(frozen=True)
class PlanRow:
    plan: str
    label: str
    cells: tuple[Cell, ...]
    """One per priority, in ``CommissionerView.priorities`` order."""
    served: int
    """Priorities with at least one confirmed action."""


@dataclass(frozen=True)
class Gap:
    priority: str
    label: str
    plans_serving: int
    plans_without: tuple[str, ...]


@dataclass(frozen=True)
class AgencyPlan:
    plan_label: str
    leads: int
    supports: int
    actions: int


@dataclass(frozen=True)
class SharedAgency:
    agency: str
    label: str
    partnerships: int
    plans: tuple[AgencyPlan, ...]


@dataclass(frozen=True)
class DeliveryRow:
    plan_label: str
    priority_label: str
    counts: tuple[tuple[str, int, str], ...]
    """(status label, actions, RAG key or ""), in status order."""


@dataclass
class CommissionerView:
    commissioner_plan: str
    commissioner_label: str
    priorities: list[tuple[str, str]] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    agencies: list[SharedAgency] = field(default_factory=list)
    period: str | None = None
    """The quarter's name (``Q3 2024/25``) when one was asked for."""
    delivery: list[DeliveryRow] = field(default_factory=list)

    @property
    def unserved(self) -> list[Gap]:
        """Priorities no partnership's plan serves (by confirmed links)."""
        return [g for g in self.gaps if g.plans_serving == 0]

    def as_json(self) -> dict[str, object]:
        body = asdict(self)
        body["confirmedOnly"] = True
        body["note"] = (
            "Counts are of confirmed links only; suggestions waiting for a review are "
            "shown apart and never counted."
        )
        return body


def build(
    queries: CannedQueries, commissioner_plan: str | None = None, period: str | None = None
) -> CommissionerView:
    """The view for a Commissioner plan (by name or IRI; default the newest) and,
    optionally, a quarter's delivery."""
    given = [("commissionerPlan", commissioner_plan)] if commissioner_plan else []
    coverage = queries.run("commissioner-coverage", given).table.records()
    if not coverage:
        return CommissionerView(commissioner_plan or "", commissioner_plan or "")
    first = coverage[0]
    view = CommissionerView(first["commissionerPlan"] or "", first["commissionerPlanLabel"] or "")
    exact = [("commissionerPlan", view.commissioner_plan)]
    priorities: dict[str, str] = {}
    plans: dict[str, str] = {}
    cells: dict[tuple[str, str], Cell] = {}
    for r in coverage:
        priority, plan = r["priority"] or "", r["plan"] or ""
        priorities[priority] = r["priorityLabel"] or priority
        plans[plan] = r["planLabel"] or plan
        cells[(plan, priority)] = Cell(
            int(r["confirmedActions"] or 0), int(r["suggestedActions"] or 0)
        )
    view.priorities = sorted(priorities.items(), key=lambda item: item[1])
    for plan, label in sorted(plans.items(), key=lambda item: item[1]):
        row = tuple(cells[(plan, p)] for p, _ in view.priorities)
        view.plans.append(PlanRow(plan, label, row, sum(c.confirmed > 0 for c in row)))
    for r in queries.run("commissioner-gaps", exact).table.records():
        without = tuple(x for x in (r["plansWithoutLabels"] or "").split("; ") if x)
        view.gaps.append(
            Gap(r["priority"] or "", r["priorityLabel"] or "", int(r["plansServing"] or 0), without)
        )
    shared: dict[str, SharedAgency] = {}
    for r in queries.run("commissioner-agencies").table.records():
        agency = r["agency"] or ""
        entry = AgencyPlan(
            r["planLabel"] or "",
            int(r["leads"] or 0),
            int(r["supports"] or 0),
            int(r["actions"] or 0),
        )
        known = shared.get(agency)
        shared[agency] = SharedAgency(
            agency,
            r["agencyLabel"] or agency,
            int(r["partnerships"] or 0),
            (*(known.plans if known else ()), entry),
        )
    view.agencies = list(shared.values())
    if period:
        parameter = queries.catalog.get("commissioner-delivery").parameter("period")
        chosen = queries.resolve(parameter, period)
        labels = {c.iri: c.label for c in queries.choices(parameter)}
        view.period = labels.get(chosen, chosen).split(" (")[0]
        rows: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
        for r in queries.run("commissioner-delivery", [*exact, ("period", period)]).table.records():
            key = (r["planLabel"] or "", r["priorityLabel"] or "")
            rag = (r["rag"] or "").rsplit("/", 1)[-1]
            rows.setdefault(key, []).append((r["statusLabel"] or "", int(r["actions"] or 0), rag))
        view.delivery = [
            DeliveryRow(plan, priority, tuple(counts)) for (plan, priority), counts in rows.items()
        ]
    return view


__all__ = ["QUERIES", "CommissionerView", "build"]
