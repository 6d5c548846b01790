"""Outcomes beside action progress: the delivery model, its JSON, the board report's HTML
and Word give each measure's target, actual and status (text and colour) alike."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from lxml import html

from cspkg.config import load_settings
from cspkg.reports.board import render_docx, render_html
from cspkg.services import delivery
from cspkg.services.delivery_model import Delivery
from cspkg.store import EmbeddedStore
from tests.conftest import FICTIONAL_MEASURES

EXPECTED = {"E1": "Green", "E2": "Amber", "E3": "Red"}
"""By the rule with the 5 % band: 82 >= 80 up; 39 within 5 % under 40; 41 over 30 by more."""


@pytest.fixture(scope="module")
def model(outcomes_store: EmbeddedStore) -> Delivery:
    settings = load_settings(environ={})
    plan = delivery.resolve_plan(outcomes_store, settings, "cannock-chase-csp/2024-25")
    period = delivery.resolve_period(outcomes_store, settings, "2024-Q3")
    return delivery.build(outcomes_store, settings, plan, period)


def test_the_model_carries_each_measure_with_its_status(model: Delivery) -> None:
    by_ref = {o.ref: o for o in model.outcomes}
    for ref, *_rest, (target, actual) in FICTIONAL_MEASURES:
        assert by_ref[ref].target == Decimal(target) and by_ref[ref].actual == Decimal(actual)
        assert by_ref[ref].status_label == EXPECTED[ref]
    crime = [o for o in model.outcomes if o.source == "crime"]
    assert crime and all(o.status is None and o.months_loaded == 0 for o in crime)
    assert {o["ref"]: o["statusText"] for o in model.as_json()["outcomes"]}["E3"] == "Red"  # type: ignore[index]


def test_board_report_html_and_word_show_the_same_outcomes(model: Delivery) -> None:
    page = html.fromstring(render_html(model, date(2025, 1, 24)))
    rows = page.xpath("//h2[@id='outcomes']/following::table[1]/tbody/tr")
    assert len(rows) == len(model.outcomes)
    for row, o in zip(rows, model.outcomes, strict=True):
        assert row.xpath("th")[0].text_content().startswith(o.name)
        cells = [td.text_content().split(" (")[0] for td in row.xpath("td")]
        assert cells[1:3] == [o.shown(o.target), o.shown(o.actual)]
    tags = [r.xpath(".//strong[contains(@class,'tag')]")[0] for r in rows]
    for o, tag in zip(model.outcomes, tags, strict=True):
        assert tag.text_content() == o.status_label
        assert f"tag--{o.status or 'none'}" in tag.get("class")
    word = Document(io.BytesIO(render_docx(model, date(2025, 1, 24))))
    [table] = [t for t in word.tables if t.rows[0].cells[0].text == "Measure"]
    assert [r.cells[4].text for r in table.rows[1:]] == [o.status_label for o in model.outcomes]
