"""The delivery of one plan in one quarter: the one model the delivery page and the
board report (HTML, Word, PDF) are all drawn from.

Plain data, no store and no wording beyond the graph's own labels: ``delivery.py``
builds it from the delivery canned queries; ``web/delivery.py`` and ``reports/board.py``
present it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .outcomes import Outcome

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
"""RAG keys (the last part of ``{base}def/rag/...``) and the words shown beside colour."""


@dataclass(frozen=True)
class Named:
    """A thing and what people call it."""

    iri: str
    label: str


@dataclass(frozen=True)
class Status:
    """A concept of the progress-status scheme and its RAG colour (``None``: no colour)."""

    iri: str
    label: str
    key: str
    """The concept's notation (``on-track``): stable, for CSS classes and JSON keys."""
    rag: str | None = None
    """``green``, ``amber``, ``red`` or ``None`` (Complete, Withdrawn)."""

    @property
    def rag_label(self) -> str | None:
        return RAG_LABELS.get(self.rag or "")

    @property
    def text(self) -> str:
        """Status and colour in words (``Off track (Red)``): colour is never alone."""
        return f"{self.label} ({self.rag_label})" if self.rag_label else self.label


NO_UPDATE = Status("", "No update", "no-update")
"""The column of actions with no update in the quarter (not a concept of the scheme)."""


@dataclass(frozen=True)
class CountRow:
    """Actions per status for one priority; ``counts`` follows ``Delivery.columns``."""

    priority: Named
    counts: tuple[int, ...]
    actions: int
    """Actions meeting the priority (each counted once, whatever its status)."""


@dataclass(frozen=True)
class ActionLine:
    """One action as a report lists it, with its latest update in (or before) the quarter."""

    action: Named
    number: int | None
    lead: str
    status: Status | None = None
    percent: int | None = None
    commentary: str | None = None
    target: str | None = None
    reported_on: str | None = None
    reported_by: str | None = None
    """The person who reported the update (its commentary is theirs)."""
    reporting_agency: str | None = None
    """The agency the update is attributed to: the lead or a supporting agency."""

    @property
    def reporter(self) -> str:
        """Who reported, in words: "Jo Bloggs, Staffordshire Police" (what is known)."""
        # An agency's token reports as the agency (``progress_write``): say it once.
        return ", ".join(dict.fromkeys(x for x in (self.reported_by, self.reporting_agency) if x))


@dataclass(frozen=True)
class CommissionerView:
    """Delivery through the alignment to one Police and Crime Plan's priorities."""

    plan: Named
    cited: bool
    """The delivery plan says it operates under this Commissioner's plan."""
    rows: tuple[CountRow, ...]


@dataclass(frozen=True)
class Period:
    """A reporting quarter: ``2024-Q3`` and ``Q3 2024/25 (October to December 2024)``."""

    iri: str
    notation: str
    label: str
    start: date
    end: date

    @property
    def name(self) -> str:
        """The one short form reports write: ``Q3 2024/25``."""
        return self.label.split(" (")[0]


@dataclass(frozen=True)
class Delivery:
    """Everything the delivery page and the board report show for a plan and quarter."""

    plan: Named
    partnership: Named | None
    period: Period
    as_of: date
    """The day overdue is judged on (the quarter's end unless given)."""
    columns: tuple[Status, ...]
    """The scheme's statuses in reading order, then ``NO_UPDATE``."""
    totals: tuple[int, ...]
    """Actions per column over the whole plan (each action once)."""
    actions: int
    by_priority: tuple[CountRow, ...]
    commissioner: tuple[CommissionerView, ...]
    exceptions: tuple[ActionLine, ...]
    missing: tuple[ActionLine, ...]
    overdue: tuple[ActionLine, ...]
    periods: tuple[Period, ...] = field(default=())
    """Quarters of the plan's year and any later ones with updates: for navigation."""
    outcomes: tuple[Outcome, ...] = field(default=())
    """The plan's outcome measures in the quarter (``services/outcomes.py``)."""

    @property
    def reported(self) -> int:
        """Actions with an update in the quarter."""
        return self.actions - len(self.missing)

    def total(self, key: str) -> int:
        """Actions whose latest update in the quarter has the status ``key``."""
        for column, count in zip(self.columns, self.totals, strict=True):
            if column.key == key:
                return count
        return 0

    def rag_totals(self) -> dict[str, int]:
        """Actions per RAG colour (``green``/``amber``/``red``) in the quarter."""
        found = dict.fromkeys(RAG_LABELS, 0)
        for column, count in zip(self.columns, self.totals, strict=True):
            if column.rag in found:
                found[column.rag] += count
        return found

    def as_json(self) -> dict[str, object]:
        """The same model for machines (the delivery page's ``.json`` twin)."""

        def line(a: ActionLine) -> dict[str, object]:
            return {
                "action": a.action.iri,
                "actionLabel": a.action.label,
                "number": a.number,
                "lead": a.lead,
                "status": a.status.iri if a.status else None,
                "statusLabel": a.status.label if a.status else None,
                "rag": a.status.rag_label if a.status else None,
                "percentComplete": a.percent,
                "commentary": a.commentary,
                "target": a.target,
                "reportedOn": a.reported_on,
                "reportedBy": a.reported_by,
                "reportingAgency": a.reporting_agency,
            }

        def rows(found: tuple[CountRow, ...]) -> list[dict[str, object]]:
            return [
                {
                    "priority": r.priority.iri,
                    "priorityLabel": r.priority.label,
                    "actions": r.actions,
                    "byStatus": {c.key: n for c, n in zip(self.columns, r.counts, strict=True)},
                }
                for r in found
            ]

        return {
            "plan": self.plan.iri,
            "planLabel": self.plan.label,
            "period": self.period.notation,
            "periodLabel": self.period.label,
            "asOf": self.as_of.isoformat(),
            "actions": self.actions,
            "reported": self.reported,
            "byStatus": {c.key: n for c, n in zip(self.columns, self.totals, strict=True)},
            "rag": {RAG_LABELS[k]: n for k, n in self.rag_totals().items()},
            "byCspPriority": rows(self.by_priority),
            "byCommissionerPriority": [
                {
                    "commissionerPlan": v.plan.iri,
                    "commissionerPlanLabel": v.plan.label,
                    "citedByPlan": v.cited,
                    "priorities": rows(v.rows),
                }
                for v in self.commissioner
            ],
            "outcomes": [o.as_json() for o in self.outcomes],
            "exceptions": [line(a) for a in self.exceptions],
            "missingUpdates": [line(a) for a in self.missing],
            "overdue": [line(a) for a in self.overdue],
        }
