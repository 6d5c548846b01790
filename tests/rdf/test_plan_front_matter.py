"""Front matter found in titles, headings, lists and sentences (FICTIONAL plans only)."""

from __future__ import annotations

import pytest

from cspkg.errors import PlanDocumentError
from cspkg.rdf.plan_document import Line
from cspkg.rdf.plan_front_matter import normal_year, pcp_years, read_front_matter


def lines(*texts: str | tuple[str, str]) -> tuple[Line, ...]:
    made = []
    for number, text in enumerate(texts, start=1):
        body, kind = (text, "") if isinstance(text, str) else text
        made.append(Line(number, body, kind=kind))
    return tuple(made)


def test_title_heading_and_numbered_list() -> None:
    front = read_front_matter(
        "plan.txt",
        lines(
            ("Delivery Plan", "heading"),
            ("The Westmere Vale Community Safety Partnership: 2025-2026", "heading"),
            "FICTIONAL: a plan invented for a test, describing nothing real at all.",
            "The partnership's priorities for 2025/26 are:",
            "1. Rural Crime",
            "2. Road Safety: fewer people hurt on rural roads",
            "Each priority has a lead officer who reports to the board every quarter.",
        ),
    )
    assert (front.partnership, front.year) == ("Westmere Vale", "2025/26")
    assert [(p.label, p.description) for p in front.priorities] == [
        ("Rural Crime", ""),
        ("Road Safety", "fewer people hurt on rural roads"),
    ]
    assert front.introduction[0].startswith("FICTIONAL")
    assert front.commissioner is None and front.notices == []


def test_commissioner_plan_named_in_a_sentence_with_a_bullet_list() -> None:
    front = read_front_matter(
        "plan.docx",
        lines(
            ("Exampleton CSP Plan 2026/27", "heading"),
            ("Strategic priorities", "heading"),
            ("Fraud", "bullet"),
            "Our work supports the Staffordshire Commissioner's Police, Fire and Crime Plan "
            "2024-2028, whose priorities are:",
            ("A Local and Responsive Service", "bullet"),
            ("Support Victims and Witnesses", "bullet"),
        ),
    )
    assert [p.label for p in front.priorities] == ["Fraud"]
    pcp = front.commissioner
    assert pcp is not None and (pcp.area, pcp.years, pcp.line) == ("Staffordshire", "2024-28", 4)
    assert [p.label for p in pcp.priorities] == [
        "A Local and Responsive Service",
        "Support Victims and Witnesses",
    ]


def test_no_priority_list_is_a_notice_not_an_error() -> None:
    front = read_front_matter("plan.csv", lines("Exampleton Community Safety Partnership 2026/27"))
    assert front.priorities == ()
    assert [n.message for n in front.notices] == [
        "the plan lists no strategic priorities; its actions' are used"
    ]


def test_a_priority_listed_twice_names_both_lines() -> None:
    with pytest.raises(PlanDocumentError, match=r"listed twice \(also at line 3\)"):
        read_front_matter(
            "plan.txt",
            lines("Exampleton CSP 2026/27", "Our priorities:", "· Fraud", "· fraud"),
        )


def test_no_partnership_is_an_error_that_says_what_to_write() -> None:
    with pytest.raises(PlanDocumentError, match="cannot find the partnership and the plan's year"):
        read_front_matter("plan.txt", lines("A plan", "Our priorities:", "· Fraud"))


def test_a_layout_file_names_the_partnership_and_year() -> None:
    front = read_front_matter("plan.txt", lines("A plan"), "Exampleton", "2026-27")
    assert (front.partnership, front.year) == ("Exampleton", "2026/27")


def test_years() -> None:
    assert normal_year("2025-2026") == "2025/26"
    assert normal_year("2025/26") == "2025/26"
    assert pcp_years("2024-2028") == "2024-28"
    assert pcp_years("2021/24") == "2021-24"
