"""The analyst's path through the site in a real browser, against the running app.

Each test saves a screenshot under test-output/screenshots/ (gitignored) for people to
look at; the assertions check what a reader relies on: the content is there, links lead
where they say, nothing needs horizontal scrolling on a 1366px laptop.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cspkg.services.charts import CHARTS
from tests.conftest import Live

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
PLAN_DOC = "/doc/delivery-plan/cannock-chase-csp/2024-25"


def fits(page: Any) -> bool:
    return bool(page.evaluate(NO_SIDEWAYS_SCROLL))


def test_home_page(real_live: Live, page: Any, screenshots: Path) -> None:
    page.goto(real_live.url + "/")
    assert page.locator("h1").first.inner_text() == "Cannock Chase CSP Delivery Plan 2024/25"
    assert "statutorily responsible" in page.locator("p.cspkg-lead").inner_text()
    assert page.locator('[data-count="actions"] .cspkg-count').inner_text() == "17"
    for name in ("Home", "Queries", "Charts", "Validation", "SPARQL", "Data"):
        assert page.get_by_role("link", name=name, exact=True).count() >= 1
    page.wait_for_load_state("networkidle")
    bars = page.locator('[data-chart="actions-per-csp-priority"] svg a')
    assert bars.count() == 7  # every bar is a link
    # the two bar charts and recorded crime month by month: each has its data as a table
    assert page.locator("[data-chart-table]").count() == 3
    assert fits(page)
    page.screenshot(path=screenshots / "home.png", full_page=True)


def test_follow_the_plan_to_an_action_page(real_live: Live, page: Any, screenshots: Path) -> None:
    page.goto(real_live.url + "/id/delivery-plan/cannock-chase-csp/2024-25")  # 303 to /doc
    assert page.url.endswith(PLAN_DOC)
    page.locator('a[href^="/doc/action/"]').first.click()
    page.wait_for_url(re.compile(r"/doc/action/"))
    provenance = page.locator("[data-provenance]").inner_text()
    assert re.search(r"lines \d+–\d+", provenance)
    assert page.locator('main a[href^="/doc/organisation/"]').count() >= 1  # agencies
    assert fits(page)
    page.screenshot(path=screenshots / "action.png", full_page=True)


def test_canned_query_with_a_parameter_row_link_and_csv(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    """Fill the form of a canned query, follow a row to its page, download the CSV."""
    response = page.goto(real_live.url + "/queries/agency-actions")
    assert response is not None and response.status == 200
    form = page.locator("form").first
    chooser = form.locator("#param-agency")  # accessible-autocomplete over the select
    chooser.fill("Staffordshire Pol")
    page.get_by_role("option", name="Staffordshire Police", exact=True).click()
    form.locator('[type="submit"]').first.click()
    page.wait_for_load_state("networkidle")
    assert "staffordshire-police" in page.url
    page.screenshot(path=screenshots / "query.png", full_page=True)
    csv_link = page.locator('a[type="text/csv"]').first.get_attribute("href")
    assert csv_link
    csv = page.request.get(csv_link if csv_link.startswith("http") else real_live.url + csv_link)
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert csv.body().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    assert "action,actionLabel" in csv.text().lstrip("\ufeff").splitlines()[0]
    (screenshots.parent / "agency-actions.csv").write_bytes(csv.body())
    page.locator('table a[href*="/action/"]').first.click()
    page.wait_for_url(re.compile(r"/doc/action/"))
    assert page.locator("[data-provenance]").count() == 1
    page.screenshot(path=screenshots / "query-row-action.png", full_page=True)


def test_chooser_by_keyboard_picks_the_exact_name(real_live: Live, page: Any) -> None:
    """Typing a whole name and pressing Enter picks that thing, though another name
    contains it earlier in the alphabet ("Office of the Staffordshire Police, ...")."""
    page.goto(real_live.url + "/queries/agency-actions")
    chooser = page.locator("#param-agency")
    chooser.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Staffordshire Police")
    first = page.locator("#param-agency__listbox li").first
    assert first.inner_text() == "Staffordshire Police"
    page.keyboard.press("Enter")
    assert chooser.input_value() == "Staffordshire Police"
    for _ in range(3):  # past the optional plan chooser, on to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    police = "https://cspkg.example.org/id/organisation/staffordshire-police"
    assert parse_qs(urlparse(page.url).query)["agency"] == [police]
    # a code picks its thing too: the CSP priority "ASB" by its abbreviation
    page.goto(real_live.url + "/queries/priority-actions")
    chooser = page.locator("#param-priority")
    chooser.focus()
    page.keyboard.type("asb")
    assert page.locator("#param-priority__listbox li").first.inner_text() == (
        "Anti-Social Behaviour (ASB)"
    )


def test_charts_page(real_live: Live, page: Any, screenshots: Path) -> None:
    page.goto(real_live.url + "/charts")
    page.wait_for_load_state("networkidle")
    # every chart once, the crime trend and the seasonal chart twice (a wide and a phone
    # drawing), each with a table
    assert page.locator("[data-chart]").count() == len(CHARTS) + 2
    assert page.locator("[data-chart-table]").count() == len(CHARTS)
    # the agency x priority matrix replaced the network; its cells are links
    assert page.locator('[data-chart="agency-priority"] td a').count() > 20
    assert fits(page)
    page.screenshot(path=screenshots / "charts.png", full_page=True)


def test_validation_page_and_upload(
    real_live: Live, page: Any, screenshots: Path, tmp_path: Path
) -> None:
    page.goto(real_live.url + "/validation")
    assert page.locator("h2", has_text="Report for the served graph").count() == 1
    assert page.locator('[data-severity="Violation"]').count() == 1
    assert fits(page)
    page.screenshot(path=screenshots / "validation.png", full_page=True)
    upload = tmp_path / "broken-plan.ttl"
    upload.write_text(
        "@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .\n"
        "<https://cspkg.example.org/id/action/x/2024-25/01-unnamed> a cspkg:Action .\n",
        encoding="utf-8",
    )
    page.set_input_files('input[name="file"]', str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "Report for broken-plan.ttl" in page.content()
    assert page.locator(".govuk-tag--red").inner_text() == "Does not conform"
    page.screenshot(path=screenshots / "validation-upload.png", full_page=True)


def test_a_pdf_plan_uploaded_on_the_validation_page(
    real_live: Live, page: Any, screenshots: Path, tmp_path: Path
) -> None:
    """A council's PDF plan (FICTIONAL) checked from the page, at laptop and phone width."""
    from tests.fixtures.plans.corpus import EASTWOLD

    plan = EASTWOLD.build(EASTWOLD, tmp_path / EASTWOLD.name)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 768})
        page.goto(real_live.url + "/validation")
        assert ".pdf" in page.locator("#file-hint").inner_text()
        page.set_input_files('input[name="file"]', str(plan))
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_load_state()
        assert f"Report for {EASTWOLD.name}" in page.content()
        assert fits(page)
        page.screenshot(path=screenshots / f"validation-pdf-{width}.png", full_page=True)


def test_sparql_editor_page(real_live: Live, page: Any, screenshots: Path) -> None:
    """Open a canned query as an example in the editor, run it, see its rows."""
    page.goto(real_live.url + "/sparql")
    assert page.locator("h1").inner_text() == "SPARQL editor"
    page.wait_for_load_state("networkidle")
    if page.locator("#yasgui").count() == 0:  # npm's editor missing: the plain form
        page.get_by_role("link", name="Actions per CSP priority").click()
        assert "Anti-Social Behaviour (ASB)" in page.content()
        return
    page.get_by_role("button", name="Actions per CSP priority").click()
    editor = page.locator(".tabPanel.active .CodeMirror")
    assert "# title: Actions per CSP priority" in editor.inner_text()  # the example, loaded
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    results = page.locator(".tabPanel.active .yasr table")
    results.get_by_text("Anti-Social Behaviour (ASB)").first.wait_for()
    assert fits(page)
    page.screenshot(path=screenshots / "sparql.png", full_page=True)


def test_commissioner_plan_box_names_the_cited_plan_and_offers_the_other(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    """Left empty, the Police and Crime Plan box shows the plan the delivery plan cites
    (not "Any"), the answer names it, and opening the box offers the other plan too."""
    page.goto(real_live.url + "/queries/actions-per-commissioner-priority")
    box = page.locator("#param-commissionerPlan")
    assert box.input_value() == "Staffordshire Police and Crime Plan 2021-24"
    assert "Staffordshire Police and Crime Plan 2021-24" in page.locator("table").inner_text()
    box.click()
    offered = page.locator("#param-commissionerPlan__listbox li").all_inner_texts()
    assert offered[0] == "Staffordshire Police and Crime Plan 2021-24"
    assert "Staffordshire Police and Crime Plan 2024-28" in offered
    page.screenshot(path=screenshots / "commissioner-plan-box.png")


def test_a_ready_made_question_is_a_few_tab_presses_away(real_live: Live, page: Any) -> None:
    """Skip link, the contents' group link, then the group's questions: "Agency workload"
    (the third group's second question) within eight presses of Tab from the top."""
    page.goto(real_live.url + "/queries")
    presses = 0

    def tab() -> str:
        nonlocal presses
        presses += 1
        page.keyboard.press("Tab")
        return str(page.evaluate("document.activeElement.textContent.trim()"))

    assert tab() == "Skip to main content"
    page.keyboard.press("Enter")
    while tab() != "Agencies":
        assert presses < 12
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "agencies"
    while tab() != "Agency workload":
        assert presses < 12
    assert presses <= 8, presses
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/queries/agency-workload")
