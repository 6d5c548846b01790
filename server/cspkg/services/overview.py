"""What the home page says about the plan(s): title, introduction and counts.

The counts come from the canned query ``plan-summary`` (so the page and the catalogue
can never disagree); only the plan's title and introduction, which no canned query
returns, are read with a small query of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..namespaces import PREFIXES
from ..store.base import Store
from .canned_queries import run_canned, select

COUNTS = (
    ("actions", "Actions"),
    ("agencies", "Agencies"),
    ("cspPriorities", "CSP priorities"),
    ("commissionerPriorities", "Commissioner priorities"),
    ("alignmentLinks", "Alignment links"),
    ("ongoingActions", "Ongoing actions"),
)
"""(plan-summary column, what people call it), in the order the page shows them."""

_TEXTS = f"""PREFIX cspkg: <{PREFIXES["cspkg"]}>
PREFIX dcterms: <{PREFIXES["dcterms"]}>
SELECT ?plan (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?introduction) WHERE {{
  VALUES ?plan {{ PLANS }}
  OPTIONAL {{ ?plan dcterms:title ?t }}
  OPTIONAL {{ ?plan dcterms:description ?d }}
}} GROUP BY ?plan"""
"""Titles and introductions of the plans put for ``PLANS`` (N-Triples IRIs): the page's
plans only, not every plan in the store."""


@dataclass(frozen=True)
class PlanOverview:
    """One delivery plan as the home page presents it."""

    iri: str
    title: str
    introduction: str | None
    partnership: str | None
    partnership_label: str | None
    counts: tuple[tuple[str, str, int], ...]
    """(key, label, number) in display order."""
    earliest_due: str | None
    latest_due: str | None
    year: str | None = None
    """The year the plan covers, as plans write it ("2024/25")."""
    commissioner_plan: str | None = None
    commissioner_plan_label: str | None = None
    last_reported: str | None = None
    """The label of the last quarter any of its actions was reported on."""

    def as_json(self) -> dict[str, object]:
        return {
            "plan": self.iri,
            "title": self.title,
            "introduction": self.introduction,
            "partnership": self.partnership,
            "partnershipLabel": self.partnership_label,
            "counts": {key: number for key, _, number in self.counts},
            "targetDue": {"earliest": self.earliest_due, "latest": self.latest_due},
            "year": self.year,
            "commissionerPlan": self.commissioner_plan,
            "commissionerPlanLabel": self.commissioner_plan_label,
            "lastQuarterReported": self.last_reported,
        }


def plan_overviews(store: Store, catalog: Catalog, settings: Settings) -> list[PlanOverview]:
    """The delivery plans in the graph, with the counts ``plan-summary`` gives: its first
    page (50 plans) when there are more, so the page does not grow with the store."""
    summary = run_canned(
        store,
        catalog.get("plan-summary"),
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
    ).records()
    plans_text = " ".join(str(NamedNode(r["plan"])) for r in summary if r["plan"])
    texts = {
        row[0].value: (row[1].value if row[1] else None, row[2].value if row[2] else None)
        for row in select(store, _TEXTS.replace("PLANS", plans_text), settings).rows
        if row[0] is not None
    }
    plans = []
    for record in summary:
        iri = record["plan"] or ""
        title, introduction = texts.get(iri, (None, None))
        plans.append(
            PlanOverview(
                iri=iri,
                title=title or record["planLabel"] or iri,
                introduction=introduction,
                partnership=record["partnership"],
                partnership_label=record["partnershipLabel"],
                counts=tuple((key, label, int(record[key] or 0)) for key, label in COUNTS),
                earliest_due=record["earliestTargetDue"],
                latest_due=record["latestTargetDue"],
                year=plan_year(record["periodStart"], record["periodEnd"]),
                commissioner_plan=record["commissionerPlan"],
                commissioner_plan_label=record["commissionerPlanLabel"],
                last_reported=record["lastReportedLabel"],
            )
        )
    return sorted(plans, key=lambda p: (p.partnership_label or "", p.year or "", p.title))


def plan_year(start: str | None, end: str | None) -> str | None:
    """A financial year as plans write it: 2024-04-01 to 2025-03-31 is "2024/25"."""
    if not start or not end or start[:4] == end[:4]:
        return start[:4] if start else None
    return f"{start[:4]}/{end[2:4]}"
