"""Each kind of thing page in a real browser: what it explains, at 1366 x 768."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Live

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
PAGES = {
    "action": "/doc/action/cannock-chase-csp/2024-25/02-fund-annual-package-asb-diversionary",
    "agency": "/doc/organisation/staffordshire-police",
    "csp-priority": "/doc/def/cannock-chase-csp/priorities/anti-social-behaviour",
    "commissioner-priority": (
        "/doc/def/staffordshire-police-and-crime-plan-2021-24/priorities/"
        "a-more-effective-criminal-justice-system"
    ),
    "plan": "/doc/delivery-plan/cannock-chase-csp/2024-25",
    "term": "/doc/def/cspkg?term=meetsPriority",
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_thing_page(real_live: Live, page: Any, screenshots: Path, kind: str) -> None:
    response = page.goto(real_live.url + PAGES[kind])
    assert response is not None and response.status == 200
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=screenshots / f"thing-{kind}.png", full_page=True)


@pytest.mark.parametrize("width", [1366, 375])
def test_a_long_action_heading_is_whole_and_wraps(
    real_live: Live, browser: Any, screenshots: Path, width: int
) -> None:
    """The action whose first paragraph is 372 characters: all of it in the heading (the
    data's label is cut "…"), wrapped within the page at a laptop's and a phone's width."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(real_live.url + PAGES["action"])
        heading = page.locator("h1").inner_text()
        assert heading.startswith("CSP to fund an annual package of ASB diversionary")
        assert heading.endswith("onward referrals to appropriate agencies to be made.")
        assert "…" not in heading and page.title().startswith(heading)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        page.screenshot(path=screenshots / f"thing-action-heading-{width}.png", full_page=True)
    finally:
        context.close()
