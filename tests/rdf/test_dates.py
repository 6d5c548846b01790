"""The date grammar: each form of the table read into an interval, and what it refuses."""

from __future__ import annotations

from datetime import date

import pytest

from cspkg.rdf.dates import FORMS, DateError, parse_target_date, plan_year

FY_2025 = plan_year("2025/26")
D = date


@pytest.mark.parametrize(
    ("text", "form", "start", "end", "precision"),
    [
        ("April 2025", "month", D(2025, 4, 1), D(2025, 4, 30), "month"),
        ("Sept 2025", "month", D(2025, 9, 1), D(2025, 9, 30), "month"),
        ("2025-04", "iso month", D(2025, 4, 1), D(2025, 4, 30), "month"),
        ("Mar-26", "month", D(2026, 3, 1), D(2026, 3, 31), "month"),
        ("Sept-25", "month", D(2025, 9, 1), D(2025, 9, 30), "month"),
        ("Mar '26", "month", D(2026, 3, 1), D(2026, 3, 31), "month"),
        ("end of Mar-26", "deadline", None, D(2026, 3, 31), "month"),
        ("31/03/26", "numeric date", None, D(2026, 3, 31), "day"),
        ("30/09/2025", "numeric date", None, D(2025, 9, 30), "day"),
        ("End of Q2", "deadline", None, D(2025, 9, 30), "month"),
        ("31 March 2025", "date", None, D(2025, 3, 31), "day"),
        ("31st March 2025.", "date", None, D(2025, 3, 31), "day"),
        ("March 31, 2025", "date", None, D(2025, 3, 31), "day"),
        ("31/03/2025", "numeric date", None, D(2025, 3, 31), "day"),
        ("1/4/25", "numeric date", None, D(2025, 4, 1), "day"),
        ("2025-03-31", "iso date", None, D(2025, 3, 31), "day"),
        ("1 April 2022 - 31 March 2025", "period", D(2022, 4, 1), D(2025, 3, 31), "day"),
        ("Project runs from 1 April 2022 – 31 March 2025.", "period", D(2022, 4, 1),
         D(2025, 3, 31), "day"),
        ("From 1 April 2022 to 31 March 2025", "period", D(2022, 4, 1), D(2025, 3, 31), "day"),
        ("Between April 2025 and March 2026", "period", D(2025, 4, 1), D(2026, 3, 31), "month"),
        ("April - June 2025", "period", D(2025, 4, 1), D(2025, 6, 30), "month"),
        ("April–June 2025", "period", D(2025, 4, 1), D(2025, 6, 30), "month"),
        ("2025-2027", "period", D(2025, 1, 1), D(2027, 12, 31), "day"),
        ("2025/26", "financial year", D(2025, 4, 1), D(2026, 3, 31), "day"),
        ("2025-26", "financial year", D(2025, 4, 1), D(2026, 3, 31), "day"),
        ("FY 2025/2026", "financial year", D(2025, 4, 1), D(2026, 3, 31), "day"),
        ("Q1 2025/26", "quarter", D(2025, 4, 1), D(2025, 6, 30), "month"),
        ("Q3 2025/26", "quarter", D(2025, 10, 1), D(2025, 12, 31), "month"),
        ("Quarter 3 2025/26", "quarter", D(2025, 10, 1), D(2025, 12, 31), "month"),
        ("Q4 2025-26", "quarter", D(2026, 1, 1), D(2026, 3, 31), "month"),
        ("2025-Q3", "quarter", D(2025, 10, 1), D(2025, 12, 31), "month"),
        ("quarter 4 of 2025/26", "quarter", D(2026, 1, 1), D(2026, 3, 31), "month"),
        ("Q3", "quarter", D(2025, 10, 1), D(2025, 12, 31), "month"),
        ("Quarter 2", "quarter", D(2025, 7, 1), D(2025, 9, 30), "month"),
        ("by end of March 2026", "deadline", None, D(2026, 3, 31), "month"),
        ("end of March 2026", "deadline", None, D(2026, 3, 31), "month"),
        ("By the end of 2025/26", "deadline", None, D(2026, 3, 31), "day"),
        ("by 30 September 2025", "deadline", None, D(2025, 9, 30), "day"),
        ("By end March 2026", "deadline", None, D(2026, 3, 31), "month"),
        ("Spring 2026", "season", D(2026, 3, 1), D(2026, 5, 31), "month"),
        ("Autumn 2025", "season", D(2025, 9, 1), D(2025, 11, 30), "month"),
        ("Winter 2025/26", "season", D(2025, 12, 1), D(2026, 2, 28), "month"),
        ("Throughout 2025/26", "financial year", D(2025, 4, 1), D(2026, 3, 31), "day"),
        ("2026", "year", D(2026, 1, 1), D(2026, 12, 31), "day"),
    ],
)  # fmt: skip
def test_forms(text: str, form: str, start: date | None, end: date, precision: str) -> None:
    target = parse_target_date(text, FY_2025)
    assert (target.form, target.start, target.end, target.precision) == (
        form,
        start,
        end,
        precision,
    )
    assert target.text == " ".join(text.split()).rstrip(". ")
    assert not target.ongoing and not target.unknown


def test_every_form_in_the_table_is_tested() -> None:
    tested = {"month", "iso month", "date", "numeric date", "iso date", "financial year"}
    tested |= {"quarter", "season", "year"}
    assert {name for name, _, _ in FORMS} == tested


@pytest.mark.parametrize("text", ["Ongoing", "Ongoing.", "On-going", "ongoing (reviewed monthly)"])
def test_ongoing_has_no_dates(text: str) -> None:
    target = parse_target_date(text)
    assert target.ongoing and target.start is None and target.end is None


@pytest.mark.parametrize("text", ["TBC", "tbc.", "To be confirmed", "TBA"])
def test_to_be_confirmed_has_no_dates(text: str) -> None:
    target = parse_target_date(text)
    assert target.unknown and not target.ongoing and target.end is None


def test_spans_only_when_the_start_precedes_the_end_period() -> None:
    assert not parse_target_date("April 2025").spans
    assert not parse_target_date("31 March 2025").spans
    assert not parse_target_date("by end of March 2026").spans
    assert parse_target_date("April - June 2025").spans
    assert parse_target_date("Q3 2025/26").spans
    assert parse_target_date("2025/26").spans


def test_plan_year() -> None:
    assert plan_year("2024/25") == (D(2024, 4, 1), D(2025, 3, 31))
    assert plan_year("2024-2025") == (D(2024, 4, 1), D(2025, 3, 31))
    assert plan_year("2024/26") is None
    assert plan_year("next year") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sometime in spring", "expected 'Ongoing'"),
        ("Q3 2025", "expected 'Ongoing'"),
        ("2025/27", "expected 'Ongoing'"),
        ("31 February 2025", "there is no 31/2/2025"),
        ("31/13/2025", "there is no month 13"),
        ("1 April 2026 - 31 March 2025", "ends before it starts"),
        ("A" * 500, "too long to be a date"),
    ],
)
def test_unreadable(text: str, reason: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_target_date(text, FY_2025)
    assert reason in str(caught.value)
    if len(text) < 100:
        assert f"cannot read the target date '{text}'" in str(caught.value)


def test_a_quarter_alone_needs_the_plans_year() -> None:
    with pytest.raises(DateError, match="needs the plan's year"):
        parse_target_date("Q3")
