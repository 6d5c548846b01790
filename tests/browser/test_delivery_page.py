"""The delivery page and the board report in a real browser (Debian's Chromium).

Screenshots at 1366 x 768 go to test-output/screenshots/ for people to look at:
``delivery.png`` (the first screen), ``delivery-full.png`` and ``board-report-page1.png``
(the PDF's first page, drawn by poppler's pdftoppm), and ``axe-*.png`` for each page
axe-core checks (the delivery page, its quarter picker after a bad quarter, the progress
form with and without errors).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.conftest import Live, _serve, delivery_data

PAGE = "/delivery/cannock-chase-csp/2024-25"


@pytest.fixture(scope="module")
def board_live() -> Iterator[Live]:
    """The real data with the board report's fictional quarter, served over HTTP."""
    settings = load_settings(environ={})
    store = EmbeddedStore(workers=1)
    delivery_data(store)
    server, url = _serve(settings, store)
    yield Live(url, "embedded", store, settings)
    server.shutdown()
    store.close()


def test_delivery_page(board_live: Live, page: Any, screenshots: Path) -> None:
    page.goto(board_live.url + PAGE + "?period=2024-Q3")
    assert page.locator("h1").inner_text() == "Delivery in Q3 2024/25"
    red = page.locator("#exceptions .govuk-tag--red").first
    assert red.inner_text() == "Off track (Red)"
    background = red.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # coloured, and named
    assert page.locator("#missing tbody tr").count() == 5
    assert page.get_by_role("link", name="Delivery", exact=True).count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "delivery.png")
    page.screenshot(path=screenshots / "delivery-full.png", full_page=True)
    page.select_option("#period", "2024-Q2")
    page.get_by_role("button", name="Show quarter").click()
    page.wait_for_url("**period=2024-Q2")
    assert page.locator("h1").inner_text() == "Delivery in Q2 2024/25"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_board_report_pdf_download(board_live: Live, page: Any, screenshots: Path) -> None:
    page.goto(board_live.url + PAGE + "?period=2024-Q3")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the board report: PDF").click()
    download = caught.value
    assert download.suggested_filename == "cannock-chase-csp-2024-25-2024-Q3-board-report.pdf"
    pdf = screenshots / "board-report.pdf"
    download.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to-x", "1366",
         "-scale-to-y", "-1", str(pdf), str(screenshots / "board-report-page1")],
        check=True, timeout=60,
    )  # fmt: skip
    assert (screenshots / "board-report-page1.png").stat().st_size > 10_000


def test_progress_form_error_summary(board_live: Live, page: Any, screenshots: Path) -> None:
    """No token set up here: the form still checks the answers and says what is wrong."""
    page.goto(board_live.url + PAGE + "/progress")
    page.select_option("#action", "7")
    page.fill("#progress", "140")
    page.fill("#commentary", "Fictional: typed and kept.")
    page.get_by_role("button", name="Report progress").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a percentage from 0 to 100" in summary.inner_text()
    assert "Select the action's status" in summary.inner_text()
    assert page.locator("#commentary").input_value() == "Fictional: typed and kept."
    assert page.locator("#action").input_value() == "7"
    page.screenshot(path=screenshots / "progress-form-errors.png")


@pytest.fixture
def axe_tab(browser: Any) -> Iterator[Any]:
    """A 1366 x 768 tab that lets axe-core be injected past the pages' Content-Security-
    Policy (as in test_accessibility.py)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.mark.parametrize(
    ("kind", "url", "status"),
    [
        ("delivery", PAGE + "?period=2024-Q3", 200),
        ("delivery-bad-quarter", PAGE + "?period=2024-Q9", 400),
        ("progress-form", PAGE + "/progress", 200),
    ],
)
def test_no_axe_violations(
    board_live: Live, axe_tab: Any, screenshots: Path, kind: str, url: str, status: int
) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make setup)")
    response = axe_tab.goto(board_live.url + url)
    assert response is not None and response.status == status
    axe_tab.wait_for_load_state("networkidle")
    axe_tab.screenshot(path=screenshots / f"axe-{kind}.png", full_page=True)
    violations = axe_violations(axe_tab)
    assert not violations, describe(violations)


def test_no_axe_violations_in_the_board_report_html(
    board_live: Live, axe_tab: Any, screenshots: Path
) -> None:
    """The board report's HTML download, opened as a page (it is an attachment)."""
    response = axe_tab.request.get(board_live.url + PAGE + "/board-report.html?period=2024-Q3")
    assert response.ok
    axe_tab.set_content(response.text())
    axe_tab.screenshot(path=screenshots / "axe-board-report-html.png", full_page=True)
    violations = axe_violations(axe_tab)
    assert not violations, describe(violations)


def test_no_axe_violations_on_the_progress_form_with_errors(
    board_live: Live, axe_tab: Any, screenshots: Path
) -> None:
    axe_tab.goto(board_live.url + PAGE + "/progress")
    axe_tab.fill("#progress", "140")
    axe_tab.get_by_role("button", name="Report progress").click()
    axe_tab.wait_for_load_state("networkidle")
    assert axe_tab.locator(".govuk-error-summary").is_visible()
    assert axe_tab.locator(".govuk-form-group--error").count() >= 3
    axe_tab.screenshot(path=screenshots / "axe-progress-form-errors.png", full_page=True)
    violations = axe_violations(axe_tab)
    assert not violations, describe(violations)


def test_delivery_page_at_375_pixels(board_live: Live, page: Any, screenshots: Path) -> None:
    """On a phone the page is as wide as the screen: each wide table scrolls inside its own
    region (which a keyboard can focus), and its first column stays in view."""
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(board_live.url + PAGE + "?period=2024-Q3")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    region = page.locator(".cspkg-table-scroll", has=page.locator("#by-csp-priority"))
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, not the page
    page.screenshot(path=screenshots / "delivery-375.png", full_page=True)
    first = page.locator("#by-csp-priority tbody tr th").first
    before = first.bounding_box()
    region.evaluate("e => { e.scrollLeft = 200; }")
    after = first.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1
    region.screenshot(path=screenshots / "delivery-375-scrolled-table.png")


@pytest.mark.parametrize("width", [1366, 375])
def test_progress_form_counts_commentary_characters(
    board_live: Live, axe_tab: Any, screenshots: Path, width: int
) -> None:
    """GOV.UK character count: the count as the person types, and a commentary over
    4,000 characters refused with its message (kept, not cut); axe finds nothing."""
    axe_tab.set_viewport_size({"width": width, "height": 812 if width < 800 else 768})
    axe_tab.goto(board_live.url + PAGE + "/progress")
    axe_tab.fill("#commentary", "Fictional. " * 373)  # 4,103 characters
    message = axe_tab.locator(".govuk-character-count__status")
    message.wait_for()
    assert "too many" in message.inner_text()
    axe_tab.select_option("#action", "7")
    axe_tab.get_by_role("button", name="Report progress").click()
    axe_tab.wait_for_load_state("networkidle")
    summary = axe_tab.locator(".govuk-error-summary").inner_text()
    assert "Commentary must be 4,000 characters or less" in summary
    assert len(axe_tab.locator("#commentary").input_value()) == 4_103  # kept as typed
    axe_tab.screenshot(path=screenshots / f"progress-form-long-{width}.png", full_page=True)
    violations = axe_violations(axe_tab)
    assert not violations, describe(violations)
