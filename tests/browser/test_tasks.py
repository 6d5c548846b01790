"""The analyst's five tasks, done in a real browser by name only (never typing an IRI).

Each step is screenshotted at 1366 x 768 into test-output/screenshots/task-N-step-K.png
(full page), so people can look at what an analyst sees; the assertions check the answer
each task is after.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from tests.conftest import Live

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


class Steps:
    """Screenshots of one task's steps, numbered in order."""

    def __init__(self, page: Any, folder: Path, task: int) -> None:
        self.page, self.folder, self.task, self.count = page, folder, task, 0

    def shot(self) -> None:
        self.count += 1
        self.page.wait_for_load_state("networkidle")
        assert self.page.evaluate(NO_SIDEWAYS_SCROLL), f"step {self.count} scrolls sideways"
        path = self.folder / f"task-{self.task}-step-{self.count}.png"
        self.page.screenshot(path=path, full_page=True)


def open_query(page: Any, title: str) -> None:
    """Follow a ready-made question from the catalogue, found by its title."""
    page.locator("main h3").get_by_role("link", name=title, exact=True).first.click()


def test_task_1_actions_per_commissioner_priority_and_the_fewest(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    steps = Steps(page, screenshots, 1)
    page.goto(real_live.url + "/")
    steps.shot()
    page.get_by_role("link", name="Charts", exact=True).first.click()
    steps.shot()
    section = page.locator("#actions-per-commissioner-priority")
    section.get_by_text("Actions per Commissioner priority as a table").click()
    rows = section.locator("[data-chart-table] tbody tr")
    counts = {
        rows.nth(i).locator("td").nth(0).inner_text(): int(
            rows.nth(i).locator("td").nth(1).inner_text()
        )
        for i in range(rows.count())
    }
    steps.shot()
    assert len(counts) == 5 and min(counts.values()) == 0
    fewest = min(counts, key=lambda name: counts[name])
    assert fewest == "A More Effective Criminal Justice System"
    section.locator("[data-chart-table]").get_by_role("link", name=fewest).click()
    page.wait_for_url(re.compile(r"/doc/def/"))
    assert page.locator("[data-gap]").count() == 1  # called out as a gap
    steps.shot()
    page.go_back()
    most = max(counts, key=lambda name: counts[name])
    section.get_by_text("Actions per Commissioner priority as a table").click()
    page.locator("#actions-per-commissioner-priority [data-chart-table]").get_by_role(
        "link", name=most
    ).click()
    page.wait_for_url(re.compile(r"/doc/def/"))
    actions = page.locator("[data-actions] tbody tr")
    assert actions.count() == counts[most]  # which actions serve it, one row each
    assert "Through CSP priorities" in page.locator("[data-actions] thead").inner_text()
    steps.shot()
    assert steps.count == 5


def test_task_2_everything_staffordshire_police_leads_or_supports(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    steps = Steps(page, screenshots, 2)
    page.goto(real_live.url + "/")
    steps.shot()
    page.get_by_role("link", name="Charts", exact=True).first.click()
    steps.shot()
    matrix = page.locator('[data-chart="agency-priority"]')
    matrix.get_by_role("link", name="Staffordshire Police", exact=True).first.click()
    page.wait_for_url(re.compile(r"/doc/organisation/staffordshire-police$"))
    table = page.locator("[data-actions]")
    assert table.locator("tbody tr").count() == 6
    roles = table.locator("tbody").inner_text()
    assert "Leads" in roles and "Supports" in roles
    assert "through Staffordshire Police - Early Intervention and Prevention Unit" in roles
    steps.shot()
    assert steps.count == 3


def test_task_3_what_was_overdue_at_the_end_of_january_2025(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    steps = Steps(page, screenshots, 3)
    page.goto(real_live.url + "/")
    steps.shot()
    page.get_by_role("link", name="Queries", exact=True).first.click()
    steps.shot()
    open_query(page, "Overdue actions")
    page.wait_for_url(re.compile(r"/queries/overdue-actions"))
    steps.shot()
    page.get_by_label("As at").fill("2025-01-31")
    page.locator("main form").first.get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"date=2025-01-31"))
    table = page.locator("main table").first
    text = table.inner_text()
    assert table.locator("tbody tr").count() >= 1
    due = re.findall(r"\b(20\d\d-\d\d-\d\d)\b", text)
    assert due and all(d < "2025-01-31" for d in due)  # each was due before that day
    steps.shot()
    assert steps.count == 4


def test_task_4_hot_spots_of_the_anti_social_behaviour_priority(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    steps = Steps(page, screenshots, 4)
    page.goto(real_live.url + "/")
    steps.shot()
    page.locator('[data-chart="actions-per-csp-priority"]').get_by_role(
        "link", name=re.compile("Anti-Social Behaviour")
    ).click()
    page.wait_for_url(re.compile(r"/doc/def/cannock-chase-csp/priorities/anti-social"))
    hot = page.locator("[data-hot-spots]")
    first = hot.locator("tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "Cannock Chase 012B" and first.nth(1).inner_text() == "22"
    assert "Anti-social behaviour" in first.nth(2).inner_text()
    assert page.locator("[data-period-caveat]").count() == 1  # 2019-01 is not the plan's year
    steps.shot()
    hot.locator("xpath=following::a[1]").click()  # "All hot spots for this priority"
    page.wait_for_url(re.compile(r"/queries/crime-hotspots"))
    assert "Cannock Chase 012B" in page.locator("main table").first.inner_text()
    steps.shot()
    assert steps.count == 3


def test_task_5_the_action_by_priority_matrix_as_a_workbook(
    real_live: Live, page: Any, screenshots: Path
) -> None:
    steps = Steps(page, screenshots, 5)
    page.goto(real_live.url + "/")
    steps.shot()
    page.get_by_role("link", name="Queries", exact=True).first.click()
    steps.shot()
    open_query(page, "Coverage matrix")
    page.wait_for_url(re.compile(r"/queries/coverage-matrix"))
    steps.shot()
    workbook = page.locator('main a[href*=".xlsx"]')
    assert workbook.count() >= 1, "the query page offers the answer as a workbook"
    with page.expect_download() as download:
        workbook.first.click()
    body = Path(download.value.path()).read_bytes()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    grids = [name for name in book.sheetnames if "CSP priorities" in name and "Action" in name]
    assert grids, book.sheetnames  # the action x CSP priority grid has its own sheet
    grid = [list(row) for row in book[grids[0]].iter_rows(values_only=True)]
    header = [str(c) for c in grid[0] if c is not None]
    assert "Anti-Social Behaviour (ASB)" in header and "Domestic Abuse" in header  # across
    labels = [str(row[0]) for row in grid[2:] if row and row[0]]
    assert len(labels) == 17 and len(header) >= 7 + 1  # wide: 17 actions down, 7 across
    assert any("are tackled." in label for label in labels)  # full labels, not cut
    assert not any(str(c).endswith(("...", "…")) for row in grid for c in row if c)
    (screenshots / "task-5-coverage-matrix.xlsx").write_bytes(body)
    steps.shot()
