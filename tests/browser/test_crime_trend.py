"""The crime trend chart in Chromium, over the derived months: readable at 1366 and 375
wide (the phone gets its own drawing), no axe violations; screenshots for people to read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.conftest import CrimeMonths, Live, _serve

PAGES = {
    "home": ("/", "#recorded-crime"),
    "priority": ("/doc/def/cannock-chase-csp/priorities/anti-social-behaviour", "#crime-trend"),
}


@pytest.fixture(scope="module")
def months_live(crime_months: CrimeMonths) -> Iterator[Live]:
    server, url = _serve(crime_months.settings, crime_months.store)
    yield Live(url, "embedded", crime_months.store, crime_months.settings)
    server.shutdown()


@pytest.mark.parametrize("width", [1366, 375])
@pytest.mark.parametrize("kind", list(PAGES))
def test_trend_chart_is_readable_and_accessible(
    browser: Any, months_live: Live, screenshots: Path, kind: str, width: int
) -> None:
    _readable(browser, months_live, screenshots, PAGES[kind], "crime-trend", kind, width)


SEASONAL = {
    "priority": ("/doc/def/cannock-chase-csp/priorities/anti-social-behaviour", "#crime-seasonal"),
    "charts": ("/charts", "#crime-seasonal"),
}


@pytest.mark.parametrize("width", [1366, 375])
@pytest.mark.parametrize("kind", list(SEASONAL))
def test_seasonal_chart_is_readable_and_accessible(
    browser: Any, months_live: Live, screenshots: Path, kind: str, width: int
) -> None:
    _readable(browser, months_live, screenshots, SEASONAL[kind], "crime-seasonal", kind, width)


def _readable(
    browser: Any,
    live: Live,
    screenshots: Path,
    where: tuple[str, str],
    name: str,
    kind: str,
    width: int,
) -> None:
    """The chart ``name`` on a page: its own drawing for the width shown, every label
    inside it and at least 11 px high, its data table there, no axe violations."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        path, anchor = where
        page.goto(live.url + path)
        shown = f"{name}-narrow" if width < 640 else name
        assert page.locator(anchor).count() == 1
        chart = page.locator(
            f"{anchor} ~ div[data-chart='{shown}'], {anchor} div[data-chart='{shown}']"
        ).first
        assert chart.is_visible()
        hidden = name if width < 640 else f"{name}-narrow"
        assert not page.locator(f"div[data-chart='{hidden}']").first.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        # Every label drawn inside the picture, at a size people can read (>= 11 px).
        for text in chart.locator("svg text").all():
            label = text.bounding_box()
            assert label is not None and label["x"] >= box["x"] - 1
            assert label["x"] + label["width"] <= box["x"] + box["width"] + 1
            assert label["height"] >= 11, text.text_content()
        assert chart.locator("xpath=following::details[@data-chart-table][1]").count() == 1
        chart.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"{name}-{kind}-{width}.png", full_page=False)
        if not AXE.exists():
            pytest.fail("axe-core is missing: run `npm ci` (make setup)")
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/queries/crime-trend?from=2018-06",
        "/queries/crime-change",
        "/queries/crime-rates?by=count",
        "/queries/crime-trend?from=June",
    ],
)
def test_crime_query_pages_have_no_axe_violations(
    browser: Any, months_live: Live, path: str
) -> None:
    """The month fields (YYYY-MM), the answers and a refused month, as people meet them."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(months_live.url + path)
        if "June" in path:
            assert "a month as YYYY-MM" in page.locator(".govuk-error-summary").inner_text()
        else:
            assert page.locator("table tbody tr").count() > 0
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()
