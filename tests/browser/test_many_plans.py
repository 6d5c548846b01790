"""Pages over three plans of two partnerships: each view says which plan it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import Live

B = "https://cspkg.example.org/"


def test_compare_two_plans(three_plans_live: Live, page: Any, screenshots: Path) -> None:
    """By default two different plans, pairs in words, suggested pairs marked."""
    page.goto(three_plans_live.url + "/queries/compare-priorities")
    first = page.locator("#param-planA").input_value()
    second = page.locator("#param-planB").input_value()
    assert first == "Cannock Chase CSP Delivery Plan 2024/25"
    assert second and second != first
    headers = page.locator("table th").all_inner_texts()
    assert "Priority in the first plan" in headers and "How they are paired" in headers
    assert not any(h in ("Priority key", "Actions A", "Actions B") for h in headers)
    assert page.locator("td", has_text="Suggested by name").count() >= 1
    page.screenshot(path=screenshots / "compare-two-plans.png", full_page=True)
    # two years of one partnership: the same priorities are paired as such
    page.locator("#param-planA").fill("Exampleton CSP Delivery Plan 2024/25")
    page.keyboard.press("Enter")
    page.locator("#param-planB").fill("Exampleton CSP Delivery Plan 2025/26")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Show the answer").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("td", has_text="Same priority").count() >= 1


def test_home_page_with_three_plans(three_plans_live: Live, page: Any, screenshots: Path) -> None:
    """The plans listed (partnership, year, actions, last quarter reported); the charts
    say which plan, and which Police and Crime Plan, they show, and offer the others."""
    page.goto(three_plans_live.url + "/")
    assert page.locator("h1").inner_text() == "CSP delivery plans"
    rows = page.locator("[data-plans] tbody tr")
    assert rows.count() == 3
    cells = [rows.nth(i).locator("th, td").all_inner_texts() for i in range(3)]
    assert cells[0][:4] == ["Cannock Chase CSP Delivery Plan 2024/25", cells[0][1], "2024/25", "17"]
    assert {c[2] for c in cells} == {"2024/25", "2025/26"}
    assert all(c[4] for c in cells)  # a quarter, or "None yet"
    told = page.locator("[data-charts-plan]").inner_text()
    assert "These charts show Cannock Chase CSP Delivery Plan 2024/25" in told
    assert "Staffordshire Police and Crime Plan 2021-24" in told
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshots / "home-three-plans.png", full_page=True)
    page.get_by_role("link", name="Exampleton CSP Delivery Plan 2025/26").last.click()
    page.wait_for_load_state("networkidle")
    assert (
        "These charts show Exampleton CSP Delivery Plan 2025/26"
        in page.locator("[data-charts-plan]").inner_text()
    )
    assert (
        page.locator("h2#at-a-glance").inner_text().endswith("Exampleton CSP Delivery Plan 2025/26")
    )
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshots / "home-three-plans-375.png", full_page=True)


def test_agency_page_groups_its_actions_by_plan(
    three_plans_live: Live, page: Any, screenshots: Path
) -> None:
    """Staffordshire Police works in all three plans: counts per named plan, one table
    each (no two rows numbered 1 in one table), and at 375 px the tables scroll."""
    page.goto(three_plans_live.url + "/doc/organisation/staffordshire-police")
    count = page.locator("[data-action-count]").inner_text()
    assert "in 3 plans" in count
    per_plan = page.locator("[data-plan-count]").all_inner_texts()
    assert any(t.startswith("Cannock Chase CSP Delivery Plan 2024/25: ") for t in per_plan)
    tables = page.locator("table[data-actions]")
    assert tables.count() == 3
    for i in range(3):
        caption = tables.nth(i).locator("caption").inner_text()
        assert caption.startswith("Actions in ") and "Delivery Plan" in caption
        numbers = [
            cell.split(".")[0]
            for cell in tables.nth(i).locator("tbody tr td:first-child").all_inner_texts()
        ]
        assert len(numbers) == len(set(numbers))
    # both partnerships' schemes have an ASB: each entry says whose it is
    touches = page.locator("table[data-priorities] tbody td:first-child").all_inner_texts()
    assert len(touches) == len(set(touches))
    assert {t for t in touches if t.startswith("Anti-Social Behaviour (ASB)")} == {
        "Anti-Social Behaviour (ASB) – Cannock Chase Community Safety Partnership",
        "Anti-Social Behaviour (ASB) – Exampleton CSP",
    }
    page.screenshot(path=screenshots / "agency-three-plans.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshots / "agency-three-plans-375.png", full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/queries/compare-priorities",
        "/doc/organisation/staffordshire-police",
        "/charts?plan=exampleton-csp/2025-26",
        "/queries/agency-actions?agency=Staffordshire+Police",
    ],
)
@pytest.mark.parametrize("width", [1366, 375])
def test_no_axe_violations_with_three_plans(
    three_plans_live: Live, browser: Any, screenshots: Path, path: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        response = page.goto(three_plans_live.url + path)
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        name = path.strip("/").replace("/", "-").replace("?", "-").split("=")[0] or "home"
        page.screenshot(path=screenshots / f"three-plans-{name}-{width}.png", full_page=True)
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()


def test_a_priority_shared_by_two_years_lists_each_plans_actions_apart(
    three_plans_live: Live, page: Any
) -> None:
    """Two years of one partnership share their priorities: the priority's page lists
    each plan's actions in a table of its own, named."""
    page.goto(three_plans_live.url + "/doc/def/exampleton-csp/priorities/anti-social-behaviour")
    captions = page.locator("table[data-actions] caption").all_inner_texts()
    assert len(captions) == 2
    assert any("in Exampleton CSP Delivery Plan 2024/25 meet this priority" in c for c in captions)
    assert any("in Exampleton CSP Delivery Plan 2025/26 meet this priority" in c for c in captions)
