"""``/delivery``: the delivery page, its JSON twin and the board report downloads."""

from __future__ import annotations

import re
from html import escape
from io import BytesIO

import pytest
from docx import Document
from flask.testing import FlaskClient

from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

PAGE = "/delivery/cannock-chase-csp/2024-25"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(board_store: EmbeddedStore) -> FlaskClient:
    return create_app(load_settings(environ={}), board_store).test_client()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_index_lists_plans_by_title(client: FlaskClient) -> None:
    page = client.get("/delivery", headers=HTML).get_data(as_text=True)
    assert f'href="{PAGE}"' in page and "Cannock Chase CSP Delivery Plan 2024/25" in page


def test_page_opens_on_the_latest_quarter_with_updates(client: FlaskClient) -> None:
    response = client.get(PAGE, headers=HTML)
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "Delivery in Q3 2024/25" in text
    assert "With an update this quarter 12" in text and "No update 5" in text


def test_rag_is_text_and_colour(client: FlaskClient) -> None:
    html = client.get(PAGE + "?period=2024-Q3", headers=HTML).get_data(as_text=True)
    tags = re.findall(r'<strong class="govuk-tag ([^"]+)">([^<]+)</strong>', html)
    assert ("govuk-tag--red", "Off track (Red)") in tags
    assert ("govuk-tag--green", "On track (Green)") in tags
    assert ("govuk-tag--yellow", "At risk (Amber)") in tags
    assert all(colour.split("--")[1] != "red" or "Red" in word for colour, word in tags)


def test_exceptions_missing_overdue_and_both_priority_views(client: FlaskClient) -> None:
    html = client.get(PAGE + "?period=Q3+2024/25", headers=HTML).get_data(as_text=True)
    exceptions = html.split('id="exceptions"')[1].split("</table>")[0]
    assert exceptions.count('<tr class="govuk-table__row">') == 1 + 4
    assert "Support worker post vacant since October" in exceptions
    assert 'href="/doc/action/cannock-chase-csp/2024-25/07-' in exceptions
    missing = html.split('id="missing"')[1].split("</table>")[0]
    assert missing.count('<tr class="govuk-table__row">') == 1 + 5
    assert 'id="by-csp-priority"' in html and 'id="by-commissioner-2"' in html
    assert html.index("Staffordshire Police and Crime Plan 2024-28") < html.index(
        "Staffordshire Police and Crime Plan 2021-24"
    )
    assert "https://cspkg.example.org/id/period" not in html  # quarters by name, not IRI


def test_exceptions_say_who_reported_each_commentary(client: FlaskClient) -> None:
    """A supporting agency's words are shown as theirs, not beside the lead's name alone."""
    html = client.get(PAGE + "?period=2024-Q3", headers=HTML).get_data(as_text=True)
    exceptions = html.split('id="exceptions"')[1].split("</table>")[0]
    assert "the lead&#39;s commentary" not in html and "the lead's commentary" not in html
    assert "with the commentary of whoever reported the update" in exceptions
    row = next(r for r in exceptions.split("<tr")[1:] if "Support worker post vacant" in r)
    assert "A. Fictional Officer, Burton Addiction Centre" in row
    body = client.get(PAGE + ".json?period=2024-Q3").get_json()
    (line,) = [e for e in body["exceptions"] if e["number"] == 7]
    assert line["reportedBy"] == "A. Fictional Officer"
    assert line["reportingAgency"] == "Burton Addiction Centre"


def test_another_quarter_and_the_quarter_picker(client: FlaskClient) -> None:
    html = client.get(PAGE + "?period=2024-Q2", headers=HTML).get_data(as_text=True)
    assert "Delivery in Q2 2024/25" in html
    assert '<option value="2024-Q2" selected>' in html
    assert '<option value="2024-Q3">' in html


def test_json_twin(client: FlaskClient) -> None:
    page = client.get(PAGE + "?period=2024-Q3", headers=HTML)
    assert 'type="application/json"' in page.headers["Link"]
    body = client.get(PAGE + ".json?period=2024-Q3").get_json()
    assert body["reported"] == 12 and body["rag"] == {"Green": 4, "Amber": 4, "Red": 1}
    assert client.get(PAGE, headers={"Accept": "application/json"}).get_json() == body


@pytest.mark.parametrize(
    ("form", "media_type"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("html", "text/html"),
    ],
)
def test_board_report_downloads(client: FlaskClient, form: str, media_type: str) -> None:
    page = client.get(PAGE + "?period=2024-Q3", headers=HTML).get_data(as_text=True)
    href = f"{PAGE}/board-report.{form}?period=2024-Q3"
    assert f'href="{href}"' in page
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == media_type
    name = f"cannock-chase-csp-2024-25-2024-Q3-board-report.{form}"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    if form == "docx":
        document = Document(BytesIO(response.data))
        assert any(p.text == "Overdue actions" for p in document.paragraphs)


@pytest.mark.parametrize(
    "url",
    [
        "/delivery/cannock-chase-csp/1999-00",
        "/delivery/cannock-chase-csp/1999-00?period=<script>",
        PAGE + "/board-report.rtf",
    ],
)
def test_unknown_plan_or_format_is_404(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"  # what was typed comes back as text only
    page = client.get(url, headers=HTML)
    assert page.status_code == 404 and "<script>" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024-Q9", "Enter a quarter such as 2024-Q3 or Q3 2024/25"),
        ("Q3 2024/26", "Enter a quarter such as 2024-Q3 or Q3 2024/25"),
        ("<script>x</script>", "Enter a quarter such as 2024-Q3 or Q3 2024/25"),
        ("1999-Q1", "Enter a quarter of this plan, such as 2024-Q3 or Q3 2024/25"),
    ],
)
def test_bad_quarter_reshows_the_picker_with_an_error_summary(
    client: FlaskClient, typed: str, message: str
) -> None:
    response = client.get(PAGE, query_string={"period": typed}, headers=HTML)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert f'<li><a href="#period">{message}</a></li>' in summary
    assert (
        '<p id="period-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        + message
        in html
    )
    field = re.search(r'<input class="[^"]*govuk-input--error"[^>]*>', html)
    assert field is not None and 'id="period"' in field[0]
    assert f'value="{escape(typed)}"' in field[0]  # what was typed, kept (and escaped)
    assert "<script>x" not in html and "<title>Error: " in html
    assert f'href="{PAGE}?period=2024-Q3">Q3 2024/25</a>' in html  # the plan's quarters


@pytest.mark.parametrize(
    ("url", "named_format"),
    [
        (PAGE + ".json?period=2024-Q9", True),
        (PAGE + "?period=Q5", False),
        (PAGE + "/board-report.pdf?period=<script>", True),
    ],
)
def test_bad_quarter_is_400_for_data_and_downloads(
    client: FlaskClient, url: str, named_format: bool
) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "period"
    assert body["expected"] == "a quarter such as 2024-Q3 or Q3 2024/25"
    if named_format:  # a client that does not ask for JSON gets the message as text
        text = client.get(url)
        assert text.status_code == 400 and text.mimetype == "text/plain"
        assert "<script>" not in text.get_data(as_text=True)


def test_action_page_shows_status_history_with_the_superseded_update(
    client: FlaskClient,
) -> None:
    page = client.get(
        "/doc/action/cannock-chase-csp/2024-25/08-make-improvements-rugeley-taxi-rank",
        headers=HTML,
    ).get_data(as_text=True)
    history = page.split("data-status-history")[1].split("</table>")[0]
    rows = history.split('<tr class="govuk-table__row"')[2:]  # after the header row
    assert len(rows) == 3  # Q2, Q3 first report, Q3 correction
    assert "Q2 2024/25" in rows[0] and "On track (Green)" in rows[0]
    assert "data-superseded" in rows[1] and "Superseded by 2024-Q3 update 2" in rows[1]
    assert "Works scheduled for November." in rows[1]
    assert "Q3 2024/25, update 2" in rows[2] and "At risk (Amber)" in rows[2]
    assert "govuk-tag--yellow" in rows[2] and "data-superseded" not in rows[2]


def test_action_without_updates_says_so(client: FlaskClient) -> None:
    page = client.get(
        "/doc/action/cannock-chase-csp/2024-25/17-monitoring-implementation-management-prevent-protect",
        headers=HTML,
    ).get_data(as_text=True)
    assert "No progress has been reported for this action yet." in page
