"""A plan's outcome measures in a quarter: baseline, target, actual and a RAG status.

The one place the status rule lives (``status_of``), so the delivery page, the board
report and the workbook agree.  A measure fed by a crime series takes its actual from
the ``crime-trend`` canned query over the quarter's three months, and only once all
three are loaded (a part-quarter is not compared with a whole quarter's target).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..namespaces import PREFIXES
from ..rdf.periods import Quarter, parse_period
from ..store.base import Store
from .canned_queries import run_canned, select

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
"""The RAG scheme's colours (ontology/progress-status.ttl, ``def/rag/``) by notation."""


def status_of(
    actual: Decimal | None, target: Decimal | None, direction: str, amber_within: Decimal
) -> str | None:
    """``green`` when the actual meets the target in the good direction, ``amber`` when it
    misses by no more than ``amber_within`` per cent of the target, else ``red``; None
    without both figures."""
    if actual is None or target is None:
        return None
    band = abs(target) * amber_within / 100
    if direction == "up":
        return "green" if actual >= target else "amber" if actual >= target - band else "red"
    return "green" if actual <= target else "amber" if actual <= target + band else "red"


@dataclass(frozen=True)
class Outcome:
    """One measure as a board sees it in one quarter."""

    iri: str
    ref: str
    name: str
    unit: str
    direction: str
    source: str
    """"crime" (from the graph's crime series) or "entered" (by the partnership)."""
    priorities: tuple[str, ...]
    success_text: str | None
    baseline: Decimal | None
    baseline_period: str | None
    target: Decimal | None
    actual: Decimal | None
    months_loaded: int
    """Crime measures: how many of the quarter's three months are loaded."""
    status: str | None

    @staticmethod
    def shown(value: Decimal | None) -> str:
        """A figure as people write it: ``263``, ``72.5``; an en dash when there is none."""
        if value is None:
            return "–"
        return f"{value.normalize():f}" if value != value.to_integral_value() else f"{int(value)}"

    @property
    def direction_text(self) -> str:
        return "lower is better" if self.direction == "down" else "higher is better"

    @property
    def source_text(self) -> str:
        return (
            "recorded crime (police.uk)" if self.source == "crime" else "entered by the partnership"
        )

    @property
    def status_label(self) -> str:
        if self.status:
            return RAG_LABELS[self.status]
        if self.source == "crime" and self.target is not None and self.months_loaded < 3:
            return f"Not yet known ({self.months_loaded} of 3 months loaded)"
        return "No target" if self.target is None else "No figure yet"

    def as_json(self) -> dict[str, object]:
        number = lambda v: None if v is None else float(v)  # noqa: E731
        return {
            "measure": self.iri, "ref": self.ref, "name": self.name, "unit": self.unit,
            "direction": self.direction, "source": self.source, "priorities": list(self.priorities),
            "measureOfSuccess": self.success_text, "baseline": number(self.baseline),
            "baselinePeriod": self.baseline_period, "target": number(self.target),
            "actual": number(self.actual), "status": self.status, "statusText": self.status_label,
        }  # fmt: skip


_MEASURES = f"""PREFIX cspkg: <{PREFIXES["cspkg"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
SELECT ?measure (SAMPLE(?r) AS ?ref) (SAMPLE(?n) AS ?name) (SAMPLE(?u) AS ?unit)
       (SAMPLE(?d) AS ?direction) (SAMPLE(?series) AS ?crime) (SAMPLE(?s) AS ?success)
       (SAMPLE(?b) AS ?baseline) (SAMPLE(?bp) AS ?baselinePeriod) (SAMPLE(?a) AS ?amber)
       (SAMPLE(?t) AS ?target) (SAMPLE(?act) AS ?actual)
       (GROUP_CONCAT(DISTINCT ?pl; separator="; ") AS ?priorities)
WHERE {{
  ?measure cspkg:forPlan PLAN ; a cspkg:OutcomeMeasure .
  OPTIONAL {{ ?measure skos:notation ?r }} OPTIONAL {{ ?measure rdfs:label ?n }}
  OPTIONAL {{ ?measure cspkg:unit ?u }} OPTIONAL {{ ?measure cspkg:goodDirection ?d }}
  OPTIONAL {{ ?measure cspkg:crimeSeriesOf ?series }} OPTIONAL {{ ?measure cspkg:successText ?s }}
  OPTIONAL {{ ?measure cspkg:baselineValue ?b }} OPTIONAL {{ ?measure cspkg:baselinePeriod ?bp }}
  OPTIONAL {{ ?measure cspkg:amberWithin ?a }}
  OPTIONAL {{ ?measure cspkg:measuresPriority ?p . ?p skos:prefLabel ?pl }}
  OPTIONAL {{ ?measure cspkg:hasTarget ?tn . ?tn cspkg:targetPeriod PERIOD .
             OPTIONAL {{ ?tn cspkg:targetValue ?t }} OPTIONAL {{ ?tn cspkg:actualValue ?act }} }}
}} GROUP BY ?measure ORDER BY ?ref"""
"""A plan's measures with their target (and entered actual) for one quarter."""


def _number(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def crime_actual(
    store: Store, catalog: Catalog, settings: Settings, plan: str, priority: str, quarter: Quarter
) -> tuple[Decimal | None, int]:
    """(crimes in the quarter, months of it loaded): the actual only when all are."""
    first, last = quarter.start.strftime("%Y-%m"), quarter.end.strftime("%Y-%m")
    rows = run_canned(
        store,
        catalog.get("crime-trend"),
        {"plan": plan, "priority": priority, "from": first, "to": last},
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
    ).records()
    total = sum(int(r["crimes"] or 0) for r in rows)
    return (Decimal(total) if len(rows) == 3 else None), len(rows)


def plan_outcomes(
    store: Store, catalog: Catalog, settings: Settings, plan: str, period: str
) -> list[Outcome]:
    """Every measure of ``plan`` in the quarter ``period`` (``2024-Q3``), with its status."""
    quarter = parse_period(period)
    text = _MEASURES.replace("PLAN", str(NamedNode(plan))).replace(
        "PERIOD", str(NamedNode(str(quarter.iri(settings.base))))
    )
    found = []
    for row in select(store, text, settings).rows:
        value = {
            name: (term.value if term is not None else None)
            for name, term in zip(
                ("measure", "ref", "name", "unit", "direction", "crime", "success", "baseline",
                 "baselinePeriod", "amber", "target", "actual", "priorities"),
                row, strict=True,
            )
        }  # fmt: skip
        target = _number(value["target"])
        direction = value["direction"] or "down"
        months = 0
        if value["crime"]:
            actual, months = crime_actual(store, catalog, settings, plan, value["crime"], quarter)
        else:
            actual = _number(value["actual"])
        amber = _number(value["amber"]) or Decimal(0)
        found.append(
            Outcome(
                iri=value["measure"] or "",
                ref=value["ref"] or "",
                name=value["name"] or value["ref"] or "",
                unit=value["unit"] or "",
                direction=direction,
                source="crime" if value["crime"] else "entered",
                priorities=tuple(p for p in (value["priorities"] or "").split("; ") if p),
                success_text=value["success"],
                baseline=_number(value["baseline"]),
                baseline_period=value["baselinePeriod"],
                target=target,
                actual=actual,
                months_loaded=months,
                status=status_of(actual, target, direction, amber),
            )
        )
    return found
