"""The Commissioner's view and the alignment review page in a real browser (Debian's
Chromium), with axe-core.

Screenshots at 1366 x 768 (and 375 wide) go to test-output/screenshots/:
``commissioner.png`` (first screen), ``commissioner-full.png``, ``commissioner-375.png``,
``alignment-review.png``, ``alignment-review-errors.png``, ``alignment-review-done.png`` and
``alignment-review-375.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cspkg.config import PROJECT_ROOT, load_settings
from cspkg.services.alignment_files import run_align
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.conftest import (
    COMMISSIONER_FIXTURES,
    FICTIONAL_PROGRESS,
    PROGRESS_GRAPH,
    Live,
    _serve,
    _settings,
)

ADMIN = "browser-admin-token"
REVIEW = "/alignment/ottermoor-csp/2025-26"


@pytest.fixture(scope="module")
def partnerships_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The real data, the three FICTIONAL partnerships' plans imported and suggested, and
    the board report's fictional quarter of updates for the seed plan."""
    from dataclasses import replace

    real = load_settings(environ={})
    data = tmp_path_factory.mktemp("partnerships") / "data"
    shutil.copytree(real.data_dir, data)
    mine = replace(real, data_dir=data)
    for plan in sorted(COMMISSIONER_FIXTURES.glob("*-delivery-plan-*")):
        report = import_plan(plan, mine)
        run_align(mine, str(report.plan_iri))
    settings = _settings(
        ontology_dir=PROJECT_ROOT / "ontology", shapes_dir=PROJECT_ROOT / "shapes",
        data_dir=data, admin_token=ADMIN, query_timeout=10.0,
    )  # fmt: skip
    store = EmbeddedStore(workers=1)
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    store.load_graph(PROGRESS_GRAPH, FICTIONAL_PROGRESS.read_bytes(), "text/turtle")
    server, url = _serve(settings, store)
    yield Live(url, "embedded", store, settings)
    server.shutdown()
    store.close()


@pytest.fixture
def axe_tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def _axe(tab: Any) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make setup)")
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_commissioner_view(partnerships_live: Live, axe_tab: Any, screenshots: Path) -> None:
    tab = axe_tab
    response = tab.goto(partnerships_live.url + "/commissioner?period=2024-Q3")
    assert response is not None and response.status == 200
    assert tab.locator("h1").inner_text() == "The Commissioner's view across partnerships"
    assert "Only confirmed links are counted" in tab.locator("#confirmed-only").inner_text()
    rows = tab.locator("#coverage-table tbody tr")
    assert rows.count() == 4
    assert (
        tab.get_by_role(
            "link", name="Review suggestions for Larkvale CSP Delivery Plan 2025/26"
        ).count()
        == 1
    )
    tab.screenshot(path=screenshots / "commissioner.png")
    tab.screenshot(path=screenshots / "commissioner-full.png", full_page=True)
    _axe(tab)
    tab.set_viewport_size({"width": 375, "height": 812})
    tab.reload()
    tab.screenshot(path=screenshots / "commissioner-375.png", full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_review_page_errors_then_decisions(
    partnerships_live: Live, axe_tab: Any, screenshots: Path
) -> None:
    tab = axe_tab
    tab.goto(partnerships_live.url + REVIEW)
    assert tab.locator("h1").inner_text() == "Review alignment suggestions"
    tab.screenshot(path=screenshots / "alignment-review.png", full_page=True)
    _axe(tab)
    tab.check("#decision-1")
    tab.get_by_role("button", name="Save decisions").click()
    tab.wait_for_load_state("networkidle")
    summary = tab.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter your access token" in summary.inner_text()
    tab.screenshot(path=screenshots / "alignment-review-errors.png", full_page=True)
    _axe(tab)
    tab.check("#decision-1")
    tab.fill("#reason-1", "Scam awareness protects people from harm.")
    tab.fill("#by", "A. Reviewer")
    tab.fill("#token", ADMIN)
    tab.get_by_role("button", name="Save decisions").click()
    tab.wait_for_load_state("networkidle")
    assert "Decisions stored: 1 accepted" in tab.locator(".govuk-notification-banner").inner_text()
    assert "A. Reviewer" in tab.locator("table").last.inner_text()
    tab.screenshot(path=screenshots / "alignment-review-done.png", full_page=True)
    _axe(tab)
    tab.set_viewport_size({"width": 375, "height": 812})
    tab.reload()
    tab.screenshot(path=screenshots / "alignment-review-375.png", full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _axe(tab)
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.goto(partnerships_live.url + "/commissioner")
    cells = tab.locator("#coverage-table tbody tr").filter(has_text="Ottermoor").locator("strong")
    # Fraud and Scams (two actions) serves Prevent harm and protect people once accepted
    assert cells.all_inner_texts() == ["None", "None", "2", "None"]
