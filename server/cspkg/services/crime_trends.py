"""Crime month by month as chart data, and when its months differ from the plan's year.

The figures are the ``crime-trend`` canned query's (so the page, the chart, the download
and the catalogue give one number); the geometry is ``web/chart_layout.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..namespaces import PREFIXES
from ..store.base import Store
from .canned_queries import run_canned, select


@dataclass(frozen=True)
class Line:
    """A monthly series: (YYYY-MM, value) in month order; months not loaded are absent."""

    name: str
    title: str
    unit: str
    points: tuple[tuple[str, int], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "chart": self.name,
            "title": self.title,
            "unit": self.unit,
            "points": [{"month": m, "value": v} for m, v in self.points],
        }

    @property
    def months(self) -> tuple[str | None, str | None]:
        """The first and last month shown (``None`` when there are none)."""
        if not self.points:
            return None, None
        return self.points[0][0], self.points[-1][0]


def crime_rows(
    store: Store,
    catalog: Catalog,
    settings: Settings,
    name: str,
    plan: str | None = None,
    priority: str | None = None,
) -> list[dict[str, str | None]]:
    """The rows of a crime question (``crime-trend``, ``crime-seasonal``) for the plan's
    district: all crime, or the categories a CSP priority concerns."""
    values = {"plan": plan} if plan else {}
    if priority:
        values["priority"] = priority
    return run_canned(
        store, catalog.get(name), values, timeout=settings.query_timeout, max_rows=settings.max_rows
    ).records()


def crime_trend(
    store: Store,
    catalog: Catalog,
    settings: Settings,
    plan: str | None = None,
    priority: str | None = None,
    title: str = "Recorded crime month by month",
) -> Line:
    """The partnership district's crime per month: all crime, or a CSP priority's."""
    rows = crime_rows(store, catalog, settings, "crime-trend", plan, priority)
    points = tuple((r["month"] or "", int(r["crimes"] or 0)) for r in rows if r["month"])
    return Line("crime-trend", title, "crimes", points)


def periods_differ(
    crime_months: tuple[str | None, str | None], plan_period: tuple[str | None, str | None]
) -> bool:
    """True when the crime months are not exactly the plan's months: they miss some of
    its year, or run outside it (so totals mix in other months), or its period is unknown.

    The one rule behind every "different periods" caveat.
    """
    first, last = crime_months
    start, end = plan_period
    if first is None:
        return False
    if start is None or end is None:
        return True
    return first[:7] != start[:7] or (last or first)[:7] != end[:7]


_PERIOD = f"""PREFIX cspkg: <{PREFIXES["cspkg"]}>
SELECT ?start ?end WHERE {{ OPTIONAL {{ PLAN cspkg:periodStart ?start }}
                            OPTIONAL {{ PLAN cspkg:periodEnd ?end }} }} LIMIT 1"""


def plan_period(store: Store, settings: Settings, plan: str) -> tuple[str | None, str | None]:
    """The plan's first and last day (``YYYY-MM-DD``), as it states them."""
    found = select(store, _PERIOD.replace("PLAN", str(NamedNode(plan))), settings).rows
    if not found:
        return None, None
    start, end = found[0]
    return (start.value if start else None, end.value if end else None)
