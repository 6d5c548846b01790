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
