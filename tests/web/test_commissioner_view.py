"""The Commissioner's view across partnerships: one set of figures in the page, its JSON,
the canned queries and their workbooks; confirmed links only, suggestions apart."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspkg.config import load_settings
from cspkg.services.alignment_review import Decision, apply_decisions, load_review
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app

from ..conftest import FICTIONAL_PROGRESS, PROGRESS_GRAPH

B = "https://cspkg.example.org/"
PCP = B + "id/police-and-crime-plan/staffordshire/2024-28"
CANNOCK = B + "id/delivery-plan/cannock-chase-csp/2024-25"
LARKVALE = B + "id/delivery-plan/larkvale-csp/2025-26"


def _client(data: Path) -> tuple[FlaskClient, EmbeddedStore]:
    settings = replace(load_settings(environ={}), data_dir=data)
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    store.load_graph(PROGRESS_GRAPH, FICTIONAL_PROGRESS.read_bytes(), "text/turtle")
    return create_app(settings, store).test_client(), store


@pytest.fixture
def client(commissioner_data: Path) -> Iterator[FlaskClient]:
    made, store = _client(commissioner_data)
    yield made
    store.close()


def test_every_partnership_plan_against_each_priority_confirmed_only(client: FlaskClient) -> None:
    body = client.get("/commissioner.json").get_json()
    assert body["commissioner_plan"] == PCP and body["confirmedOnly"] is True
    labels = [p["label"] for p in body["plans"]]
    assert len(labels) == 4 and "Cannock Chase CSP Delivery Plan 2024/25" in labels
    cannock = next(p for p in body["plans"] if p["plan"] == CANNOCK)
    assert [c["confirmed"] for c in cannock["cells"]] == [13, 17, 15, 14]
    larkvale = next(p for p in body["plans"] if p["plan"] == LARKVALE)
    assert all(c["confirmed"] == 0 for c in larkvale["cells"])
    assert sum(c["suggested"] for c in larkvale["cells"]) > 0
    html = client.get("/commissioner").get_data(as_text=True)
    assert "Only confirmed links are counted" in html and "suggested" in html


def test_page_json_query_and_workbook_agree_and_move_together_after_a_review(
    client: FlaskClient, commissioner_data: Path
) -> None:
    def figures() -> tuple[dict[tuple[str, str], tuple[int, int]], ...]:
        body = client.get("/commissioner.json").get_json()
        page = {
            (p["plan"], priority[0]): (c["confirmed"], c["suggested"])
            for p in body["plans"]
            for priority, c in zip(body["priorities"], p["cells"], strict=True)
        }
        answer = client.get("/queries/commissioner-coverage.json").get_json()["rows"]
        query = {
            (r["plan"]["value"], r["priority"]["value"]): (
                int(r["confirmedActions"]["value"]), int(r["suggestedActions"]["value"]))
            for r in answer
        }  # fmt: skip
        book = load_workbook(io.BytesIO(client.get("/queries/commissioner-coverage.xlsx").data))
        rows = list(book["Answer"].iter_rows(values_only=True))
        at = {title: n for n, title in enumerate(rows[0])}
        xlsx = {
            (r[at["Partnership plan (IRI)"]], r[at["Commissioner priority (IRI)"]]): (
                r[at["Actions (confirmed links)"]], r[at["Actions (suggested, not counted)"]])
            for r in rows[1:]
        }  # fmt: skip
        return page, query, xlsx

    page, query, xlsx = figures()
    assert page == query == xlsx and len(page) == 16
    settings = replace(load_settings(environ={}), data_dir=commissioner_data)
    review = load_review(settings, "larkvale-csp/2025-26", None)
    first = review.rows[0]
    apply_decisions(
        settings, review, [Decision(first.key, "accept", "Local policing.", "A. Reviewer")],
        now=datetime(2026, 12, 6, tzinfo=UTC),
    )  # fmt: skip
    fresh, store = _client(commissioner_data)
    try:
        client = fresh
        after, query_after, xlsx_after = figures()
    finally:
        store.close()
    assert after == query_after == xlsx_after
    target = (LARKVALE, str(first.target))
    assert after[target][0] == page[target][0] + 1  # the accepted priority's one action
    assert sum(v[0] for k, v in after.items() if k[0] == LARKVALE) == 1


def test_gaps_name_the_plans_without_an_action(client: FlaskClient) -> None:
    body = client.get("/commissioner.json").get_json()
    gaps = {g["label"]: g for g in body["gaps"]}
    assert set(gaps) == {
        "An outstanding local Police service", "Prevent harm and protect people",
        "Support victims and witnesses", "Impactful partnerships",
    }  # fmt: skip
    for gap in gaps.values():
        assert gap["plans_serving"] == 1
        assert "Larkvale CSP Delivery Plan 2025/26" in gap["plans_without"]
    html = client.get("/commissioner").get_data(as_text=True)
    assert "Every Commissioner priority is served by at least one" in html


def test_agencies_in_several_partnerships_with_their_actions_per_plan(client: FlaskClient) -> None:
    body = client.get("/commissioner.json").get_json()
    police = next(a for a in body["agencies"] if a["label"] == "Staffordshire Police")
    assert police["partnerships"] == 4
    per_plan = {p["plan_label"]: p for p in police["plans"]}
    assert per_plan["Cannock Chase CSP Delivery Plan 2024/25"]["actions"] == 4


def test_delivery_per_partnership_where_a_quarter_has_updates(client: FlaskClient) -> None:
    body = client.get("/commissioner.json?period=2024-Q3").get_json()
    plans = {d["plan_label"] for d in body["delivery"]}
    assert plans == {"Cannock Chase CSP Delivery Plan 2024/25"}
    html = client.get("/commissioner?period=2024-Q3").get_data(as_text=True)
    assert "Actions by status at the quarter, confirmed links only" in html


def test_an_unknown_commissioner_plan_or_quarter_is_refused(client: FlaskClient) -> None:
    assert client.get("/commissioner.json?commissionerPlan=Nowhere 1999").status_code == 400
    assert client.get("/commissioner.json?period=banana").status_code == 400


def test_the_commissioner_edition_downloads(client: FlaskClient) -> None:
    html = client.get("/commissioner?period=2024-Q3").get_data(as_text=True)
    assert "/commissioner/report.docx?" in html
    response = client.get("/commissioner/report.docx?period=2024-Q3")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="staffordshire-2024-28-commissioner-report-Q3-2024-25.docx"'
    )
    assert client.get("/commissioner/report.exe").status_code == 404
