"""Pages over three plans of two partnerships: each view says which plan it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
