"""Reporting periods: both spellings of a quarter, its dates and label, the reference file."""

from __future__ import annotations

from datetime import date

import pytest

from cspkg.config import PROJECT_ROOT
from cspkg.rdf.periods import (
    PeriodError,
    Quarter,
    parse_period,
    period_graph,
    period_of,
    quarters_between,
)
from cspkg.rdf.turtle import to_turtle

BASE = "https://cspkg.example.org/"


@pytest.mark.parametrize(
    "text", ["2024-Q3", "2024-q3", " 2024 Q3 ", "Q3 2024/25", "q3 2024-25", "2024/25 Q3",
             "Q3 2024/2025", "https://cspkg.example.org/id/period/2024-25/q3"],
)  # fmt: skip
def test_both_spellings_name_the_same_quarter(text: str) -> None:
    assert parse_period(text) == Quarter(2024, 3)


def test_a_quarter_knows_its_dates_label_and_uri() -> None:
    q3 = parse_period("Q3 2024/25")
    assert (q3.start, q3.end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert q3.label == "Q3 2024/25 (October to December 2024)"
    assert q3.notation == "2024-Q3"
    assert str(q3.iri(BASE)) == BASE + "id/period/2024-25/q3"
    q4 = parse_period("2024-Q4")
    assert (q4.start, q4.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert q4.label == "Q4 2024/25 (January to March 2025)"
    assert parse_period("2023-Q4").end == date(2024, 3, 31)  # no leap-year slip
    assert parse_period("2023-Q4").next() == Quarter(2024, 1)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2024, 4, 1), "2024-Q1"), (date(2024, 9, 30), "2024-Q2"),
     (date(2024, 12, 31), "2024-Q3"), (date(2025, 3, 31), "2024-Q4")],
)  # fmt: skip
def test_every_day_falls_in_one_quarter(day: date, quarter: str) -> None:
    assert period_of(day).notation == quarter
    assert period_of(day).start <= day <= period_of(day).end


@pytest.mark.parametrize(
    "text", ["2024-Q5", "Q3 2024/26", "Q3 2024", "October 2024", "", "2024-Q3; DROP"]
)
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(PeriodError, match=r"2024-Q3|consecutive"):
        parse_period(text)


def test_the_reference_file_is_what_the_module_generates() -> None:
    path = PROJECT_ROOT / "data" / "reference" / "reporting-periods.ttl"
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    quarters = quarters_between(Quarter(2020, 1), Quarter(2029, 4))
    assert len(quarters) == 40
    expected = to_turtle(period_graph(quarters, BASE))
    assert body == expected
    assert "rdf/periods.py" in header
