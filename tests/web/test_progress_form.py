"""The progress form: a lead agency reports on its own actions; one way in, checked,
superseding (never overwriting), with an error summary that keeps what was typed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import delivery_data

FORM = "/delivery/cannock-chase-csp/2024-25/progress"
POLICE = "police-form-token"
ADMIN = "admin-form-token"
SERVICE_GRAPH = "https://cspkg.example.org/graph/progress/cannock-chase-csp/2024-25"
UPDATES = "https://cspkg.example.org/id/progress-update/cannock-chase-csp/2024-25/"


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    made = EmbeddedStore()
    delivery_data(made)
    yield made
    made.close()


@pytest.fixture(scope="module")
def client(store: EmbeddedStore) -> FlaskClient:
    settings = replace(
        load_settings(environ={}),
        admin_token=ADMIN,
        agency_tokens=(("staffordshire-police", POLICE),),
    )
    return create_app(settings, store).test_client()


def _errors(html: str) -> dict[str, str]:
    """The error summary: field id -> message."""
    return dict(re.findall(r'<li><a href="#(\w+)">([^<]+)</a></li>', html))


def _statuses(store: EmbeddedStore, action: str, quarter: str = "2024-q3") -> list[tuple[int, str]]:
    rows = store.query(
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#> SELECT ?r ?s WHERE { "
        f"?u cspkg:revision ?r ; cspkg:progressStatus ?s . FILTER STRSTARTS(STR(?u), "
        f'"{UPDATES}{action}/{quarter}/") }} ORDER BY ?r'
    ).rows  # type: ignore[union-attr]
    return [(int(r.value), s.value.rsplit("/", 1)[-1]) for r, s in rows]


def test_form_offers_actions_quarters_and_statuses_by_name(client: FlaskClient) -> None:
    html = client.get(FORM).get_data(as_text=True)
    assert '<option value="3">3. CSP to fund a' in html
    assert '<option value="2024-Q3" selected>Q3 2024/25 (October to December 2024)' in html
    assert 'value="Off track"' in html and ">Red</strong>" in html
    assert 'type="password"' in html and "https://" not in html.split("<form")[1]


def test_missing_token_401_keeps_what_was_typed(client: FlaskClient) -> None:
    answers = {"action": "3", "period": "2024-Q3", "status": "At risk", "progress": "140",
               "commentary": "Fictional: typed & kept <b>"}  # fmt: skip
    response = client.post(FORM, data=answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    errors = _errors(html)
    assert errors["token"] == "Enter your agency&#39;s access token"
    assert errors["progress"] == "Enter a percentage from 0 to 100"
    assert '<option value="3" selected>' in html and 'value="At risk" checked' in html
    assert 'value="140"' in html and "Fictional: typed &amp; kept &lt;b&gt;</textarea>" in html
    assert html.startswith("<!doctype html>") and "<title>Error: " in html


def test_wrong_token_403_and_never_echoed(client: FlaskClient) -> None:
    response = client.post(FORM, data={"token": "guess-123", "action": "3", "status": "At risk",
                                       "period": "2024-Q3"})  # fmt: skip
    assert response.status_code == 403
    assert "The access token is not right" in _errors(response.get_data(as_text=True))["token"]
    assert "guess-123" not in response.get_data(as_text=True)


def test_bad_rows_named_by_field(client: FlaskClient) -> None:
    response = client.post(FORM, data={"token": POLICE, "action": "99", "period": "2024-Q9",
                                       "status": "Purple", "progress": "abc"})  # fmt: skip
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert set(errors) == {"action", "period", "status", "progress"}
    assert "no action 99" in errors["action"] and "2024-Q3 or Q3 2024/25" in errors["period"]
    assert errors["status"] == "Select the action&#39;s status"
    assert errors["progress"] == "Enter a percentage from 0 to 100"
    assert POLICE not in response.get_data(as_text=True)


def test_empty_fields_get_gov_uk_messages(client: FlaskClient) -> None:
    """Not the import's row-and-column wording ("Empty: choose one of ...")."""
    response = client.post(FORM, data={"token": POLICE, "action": "", "period": "",
                                       "progress": "-5", "commentary": "Kept."})  # fmt: skip
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _errors(html) == {
        "action": "Select the action you are reporting on",
        "period": "Select the quarter you are reporting on",
        "status": "Select the action&#39;s status",
        "progress": "Enter a percentage from 0 to 100",
    }
    assert "Empty" not in html and "choose one of" not in html
    assert (
        '<p id="status-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> Select the action&#39;s status</p>" in html
    )
    assert 'value="-5"' in html and ">Kept.</textarea>" in html


def test_agency_refused_403_on_an_action_it_has_no_part_in(
    client: FlaskClient, store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    before = _statuses(store, "04")
    response = client.post(FORM, data={"token": POLICE, "action": "4", "period": "2024-Q3",
                                       "status": "On track"})  # fmt: skip
    assert response.status_code == 403
    assert (
        "neither leads nor supports action 4" in _errors(response.get_data(as_text=True))["action"]
    )
    assert _statuses(store, "04") == before == []
    (line,) = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    assert "refused (not its action)" in line and "as=agency:<" in line


def test_report_supersedes_and_history_keeps_both(
    client: FlaskClient, store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    assert _statuses(store, "03", "2024-q4") == []
    first = {"token": POLICE, "action": "3", "period": "Q4 2024/25", "status": "On track"}
    assert client.post(FORM, data=first).status_code == 201
    answers = {"token": POLICE, "action": "3", "period": "Q4 2024/25", "status": "Off track",
               "progress": "70", "commentary": "Fictional: final return queried."}  # fmt: skip
    response = client.post(FORM, data=answers)
    assert response.status_code == 201 and "Progress reported" in response.get_data(as_text=True)
    assert _statuses(store, "03", "2024-q4") == [(1, "on-track"), (2, "off-track")]
    new = f"<{UPDATES}03/2024-q4/2>"
    facts = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX cspkg: <https://cspkg.example.org/def/"
        "cspkg#> SELECT ?g ?who ?old ?from ?by WHERE { GRAPH ?g {"
        f" {new} prov:wasAttributedTo ?who ; prov:wasRevisionOf ?old ; prov:wasDerivedFrom ?from ;"
        " cspkg:reportedBy ?by } }"
    ).rows  # type: ignore[union-attr]
    ((graph, who, old, source, by),) = facts
    assert graph.value == SERVICE_GRAPH
    assert who.value == "https://cspkg.example.org/id/organisation/staffordshire-police"
    assert by.value == "Staffordshire Police"  # from the token, not typed
    assert old.value == f"{UPDATES}03/2024-q4/1"
    assert "/id/document/progress/request/" in source.value
    lines = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    assert all(line.startswith("write committed") and "as=agency:<" in line for line in lines)
    assert len(lines) == 2 and all(POLICE not in line for line in lines)
    page = client.get("/delivery/cannock-chase-csp/2024-25?period=2024-Q4").get_data(as_text=True)
    exceptions = page.split('id="exceptions"')[1].split("</table>")[0]
    assert "Fictional: final return queried." in exceptions  # the current update counts
    again = client.post(FORM, data=answers)
    assert "Nothing changed" in again.get_data(as_text=True)
    assert _statuses(store, "03", "2024-q4") == [(1, "on-track"), (2, "off-track")]


def test_agency_may_not_replace_another_agencys_update(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """Action 3's Q3 update is the council team's (the fixture): the police may not replace it."""
    assert _statuses(store, "03") == [(1, "complete")]
    response = client.post(FORM, data={"token": POLICE, "action": "3", "period": "2024-Q3",
                                        "status": "Off track"})  # fmt: skip
    assert response.status_code == 403
    message = _errors(response.get_data(as_text=True))["action"]
    assert "Community Safety Team" in message and "may replace it" in message
    assert _statuses(store, "03") == [(1, "complete")]


def test_admin_reports_for_the_lead(client: FlaskClient, store: EmbeddedStore) -> None:
    response = client.post(FORM, data={"token": ADMIN, "action": "9", "period": "2024-Q3",
                                       "status": "Not started"})  # fmt: skip
    assert response.status_code == 201
    assert _statuses(store, "09") == [(1, "not-started")]
