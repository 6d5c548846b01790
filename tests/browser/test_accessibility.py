"""axe-core (from node_modules, injected into the page) on every kind of page: no violations.

axe runs in Debian's Chromium against the real app over the real data; a violation fails
with axe's own rule id, help text and the offending elements, so it can be fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cspkg.config import PROJECT_ROOT
from tests.conftest import Live

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "/",
    "catalogue": "/queries",
    "query-with-answers": "/queries/actions-per-csp-priority",
    "query-with-an-error": "/queries/overdue-actions?date=12025-01-31",
    "action": "/doc/action/cannock-chase-csp/2024-25/03-fund-safe-houses-scheme-cannock",
    "agency": "/doc/organisation/staffordshire-police",
    "csp-priority": "/doc/def/cannock-chase-csp/priorities/anti-social-behaviour",
    "commissioner-priority": (
        "/doc/def/staffordshire-police-and-crime-plan-2021-24/priorities/"
        "a-more-effective-criminal-justice-system"
    ),
    "plan": "/doc/delivery-plan/cannock-chase-csp/2024-25",
    "other-thing": "/doc/area/cannock-chase-district",
    "charts": "/charts",
    "validation": "/validation",
    "sparql": "/sparql",
    "downloads": "/data",
    "not-found": "/no/such/page",
    "bad-value-in-address": "/charts?plan=nowhere-csp/2024-25",
}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands (WCAG 2.x A and AA rules and best practice)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in violations
    )


@pytest.fixture
def axe_page(browser: Any) -> Any:
    """A 1366 x 768 tab that lets the test inject axe-core past the pages' own
    Content-Security-Policy (which rightly admits no inline script)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_no_axe_violations(real_live: Live, axe_page: Any, screenshots: Path, kind: str) -> None:
    page = axe_page
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make setup)")
    response = page.goto(real_live.url + PAGES[kind])
    assert response is not None
    expected = {"not-found": 404, "query-with-an-error": 400, "bad-value-in-address": 400}.get(
        kind, 200
    )
    assert response.status == expected, kind
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshots / f"axe-{kind}.png")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_no_axe_violations_in_the_sparql_editor_with_results(
    real_live: Live, axe_page: Any, screenshots: Path
) -> None:
    """The editor after running a query: its controls, results table and download."""
    page = axe_page
    page.goto(real_live.url + "/sparql")
    page.wait_for_load_state("networkidle")
    if page.locator("#yasgui").count() == 0:
        pytest.fail("the SPARQL editor is missing: run `npm ci` (make setup)")
    page.get_by_role("button", name="Actions per CSP priority").click()
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.locator(".tabPanel.active .yasr table").get_by_text("Fraud").first.wait_for()
    page.screenshot(path=screenshots / "axe-sparql-results.png", full_page=True)
    cells = page.locator(".tabPanel.active .yasr tbody tr").first.locator("td").all_inner_texts()
    assert not any(c.startswith(("<", '"')) for c in cells), cells  # plain values
    assert page.locator(".tabPanel.active .yasr .cspkg-datatype", has_text="integer").count()
    download = page.locator(".tabPanel.active .yasr_downloadIcon")
    assert download.get_attribute("aria-label") == "Download the results"
    violations = axe_violations(page)
    assert not violations, describe(violations)
