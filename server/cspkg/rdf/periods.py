"""Reporting periods: quarters of the UK financial year (April to March).

Partners write a quarter two ways, both accepted: ``2024-Q3`` (the year the financial
year starts, then the quarter) and ``Q3 2024/25``; both mean October to December 2024.
Q1 is April-June, Q2 July-September, Q3 October-December, Q4 January-March of the next
calendar year.  This module only knows quarters: general target dates ("by summer
2025") are rdf/dates.py's business.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME, XSD

from ..namespaces import CSPKG, bind_prefixes

MONTHS = (
    "January February March April May June July August September October November December"
).split()

_NOTATION = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.I)
_FINANCIAL = re.compile(r"^\s*Q([1-4])\s*,?\s*(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", re.I)
_FY_FIRST = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*,?\s*Q([1-4])\s*$", re.I)
_IRI_TAIL = re.compile(r"/id/period/(\d{4})-(\d{2})/q([1-4])$")


class PeriodError(ValueError):
    """Text that is not a reporting period; the message says what is accepted."""


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter: the calendar year its financial year starts in, and 1-4."""

    year: int
    quarter: int

    @property
    def financial_year(self) -> str:
        """``2024-25``: the key in the period's URI."""
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def notation(self) -> str:
        """``2024-Q3``."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        last = self.start.month + 2
        return date(self.start.year, last, monthrange(self.start.year, last)[1])

    @property
    def label(self) -> str:
        """``Q3 2024/25 (October to December 2024)``."""
        first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
        fy = f"{self.year}/{(self.year + 1) % 100:02d}"
        return f"Q{self.quarter} {fy} ({first} to {last} {self.end.year})"

    @property
    def slug(self) -> str:
        """``2024-q3``: the period's part of a progress update's URI."""
        return f"{self.year}-q{self.quarter}"

    def iri(self, base: str) -> URIRef:
        return URIRef(f"{base}id/period/{self.financial_year}/q{self.quarter}")

    def next(self) -> Quarter:
        return Quarter(self.year + (self.quarter == 4), self.quarter % 4 + 1)


def parse_period(text: str) -> Quarter:
    """``2024-Q3``, ``Q3 2024/25`` (or a period URI) as a Quarter; PeriodError otherwise."""
    raw = str(text).strip()
    if match := _NOTATION.match(raw):
        return Quarter(int(match[1]), int(match[2]))
    if match := _IRI_TAIL.search(raw):
        return _checked(int(match[1]), match[2], int(match[3]), raw)
    if match := _FINANCIAL.match(raw):
        return _checked(int(match[2]), match[3], int(match[1]), raw)
    if match := _FY_FIRST.match(raw):
        return _checked(int(match[1]), match[2], int(match[3]), raw)
    raise PeriodError(
        f"'{raw[:40]}' is not a reporting period: write a quarter of the financial year "
        "as 2024-Q3 or Q3 2024/25"
    )


def _checked(year: int, second: str, quarter: int, raw: str) -> Quarter:
    if int(second) % 100 != (year + 1) % 100:
        raise PeriodError(
            f"'{raw[:40]}': a financial year runs over two consecutive years, "
            f"such as {year}/{(year + 1) % 100:02d}"
        )
    return Quarter(year, quarter)


def period_of(day: date) -> Quarter:
    """The quarter a day falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return Quarter(year, (day.month - 4) % 12 // 3 + 1)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last``, both included."""
    found, current = [], first
    while current <= last:
        found.append(current)
        current = current.next()
    return found


def period_graph(quarters: Iterable[Quarter], base: str) -> Graph:
    """The description of each quarter: a ``cspkg:ReportingPeriod`` and ``time:Interval``."""
    graph = Graph()
    bind_prefixes(graph)
    for q in quarters:
        node = q.iri(base)
        graph.add((node, RDF.type, CSPKG.ReportingPeriod))
        graph.add((node, RDF.type, TIME.Interval))
        graph.add((node, RDFS.label, Literal(q.label)))
        graph.add((node, SKOS.notation, Literal(q.notation)))
        graph.add((node, SKOS.altLabel, Literal(q.label.split(" (")[0])))
        graph.add((node, CSPKG.periodStart, Literal(q.start.isoformat(), datatype=XSD.date)))
        graph.add((node, CSPKG.periodEnd, Literal(q.end.isoformat(), datatype=XSD.date)))
    return graph


def quarters_in(graph: Graph, base: str) -> set[Quarter]:
    """The quarters a graph describes (their URIs under ``base``)."""
    found = set()
    for node in graph.subjects(RDF.type, CSPKG.ReportingPeriod):
        if str(node).startswith(base):
            try:
                found.add(parse_period(str(node)))
            except PeriodError:
                continue
    return found


__all__ = [
    "PeriodError",
    "Quarter",
    "parse_period",
    "period_graph",
    "period_of",
    "quarters_between",
    "quarters_in",
]
