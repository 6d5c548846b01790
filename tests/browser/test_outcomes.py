"""Outcomes beside action progress, in Chromium: the delivery page and the board report
at 1366 and 375 wide, RAG as text and colour, no axe violations; screenshots to read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from cspkg.config import PROJECT_ROOT
from cspkg.store import EmbeddedStore
from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.conftest import Live, _serve, _settings

PAGES = {
    "delivery": "/delivery/cannock-chase-csp/2024-25?period=2024-Q3",
    "board-report": "/delivery/cannock-chase-csp/2024-25/board-report.html?period=2024-Q3",
}


@pytest.fixture(scope="module")
def outcomes_live(outcomes_store: EmbeddedStore) -> Iterator[Live]:
    settings = _settings(
        ontology_dir=PROJECT_ROOT / "ontology",
        shapes_dir=PROJECT_ROOT / "shapes",
        data_dir=PROJECT_ROOT / "data",
    )
    server, url = _serve(settings, outcomes_store)
    yield Live(url, "embedded", outcomes_store, settings)
    server.shutdown()


@pytest.mark.parametrize("width", [1366, 375])
@pytest.mark.parametrize("kind", list(PAGES))
def test_outcomes_section(
    browser: Any, outcomes_live: Live, screenshots: Path, kind: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        if kind == "delivery":
            response = page.goto(outcomes_live.url + PAGES[kind])
            assert response is not None and response.ok
        else:  # a download: the same bytes, opened as the reader's browser would
            got = requests.get(outcomes_live.url + PAGES[kind], timeout=120)
            assert got.ok and "attachment" in got.headers.get("Content-Disposition", "")
            page.set_content(got.text)
        heading = page.locator("h2#outcomes")
        assert heading.is_visible()
        rows = page.locator(
            "h2#outcomes ~ * table tbody tr, h2#outcomes + * + table tbody tr, h2#outcomes ~ table tbody tr"
        )
        texts = " ".join(rows.all_inner_texts())
        for word in ("Green", "Amber", "Red", "Not yet known"):
            assert word in texts
        section = page.locator(
            "h2#outcomes ~ .cspkg-table-scroll, h2#outcomes ~ .table-scroll"
        ).first
        box = section.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        heading.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"outcomes-{kind}-{width}.png")
        section.screenshot(path=screenshots / f"outcomes-{kind}-{width}-table.png")
        if kind == "delivery":  # the board report is a download, checked as a document
            if not AXE.exists():
                pytest.fail("axe-core is missing: run `npm ci` (make setup)")
            violations = axe_violations(page)
            assert violations == [], describe(violations)
    finally:
        context.close()


def test_board_report_tables_stay_inside_the_page_on_a_phone(
    browser: Any, outcomes_live: Live, screenshots: Path
) -> None:
    """At 375 wide every table of the board report sits in its own scrolling region, so
    the page itself never scrolls sideways and no cell is cut at the page's edge."""
    context = browser.new_context(viewport={"width": 375, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        got = requests.get(outcomes_live.url + PAGES["board-report"], timeout=120)
        assert got.ok
        page.set_content(got.text)
        tables = page.locator("table")
        assert tables.count() >= 5
        for i in range(tables.count()):
            region = tables.nth(i).locator("xpath=ancestor::div[@role='region'][1]")
            assert region.count() == 1 and region.get_attribute("tabindex") == "0"
            box = region.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        overdue = page.locator("h2", has_text="Overdue actions")
        overdue.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / "board-report-overdue-375.png")
        if not AXE.exists():
            pytest.fail("axe-core is missing: run `npm ci` (make setup)")
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()
