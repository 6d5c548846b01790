"""The alignment review page: tokens (allowed, 401, 403), decisions stored and counted,
a rejection remembered, bad answers named in an error summary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app

PAGE = "/alignment/larkvale-csp/2025-26"
ADMIN = "admin-review-token"
LARKVALE = "larkvale-review-token"
OTTERMOOR = "ottermoor-review-token"
POLICE = "police-review-token"


@pytest.fixture
def app_parts(commissioner_data: Path) -> Iterator[tuple[FlaskClient, EmbeddedStore, Path]]:
    settings = replace(
        load_settings(environ={}),
        data_dir=commissioner_data,
        admin_token=ADMIN,
        agency_tokens=(
            ("partnership/larkvale-csp", LARKVALE),
            ("partnership/ottermoor-csp", OTTERMOOR),
            ("staffordshire-police", POLICE),
        ),
    )
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, commissioner_data]))
    yield create_app(settings, store).test_client(), store, commissioner_data
    store.close()


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', html))


def _confirmed(store: EmbeddedStore) -> int:
    result = store.query(
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#> "
        "PREFIX p-plan: <http://purl.org/net/p-plan#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?p a cspkg:StrategicPriority ; skos:relatedMatch ?c . "
        "FILTER(CONTAINS(STR(?p), 'larkvale')) }"
    )
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


ACCEPT_FIRST = {
    "decision-1": "accept",
    "reason-1": "Patrols are local policing.",
    "by": "A. Reviewer",
}


def test_the_page_lists_suggestions_with_evidence_and_says_they_are_not_counted(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path],
) -> None:
    client, _, _ = app_parts
    html = unescape(client.get(PAGE).get_data(as_text=True))
    assert "Suggestions are not alignment" in html
    assert "Evidence that matched" in html and 'phrase "patrol"' in html
    assert 'name="decision-1"' in html and 'type="password"' in html
    assert client.get(PAGE + ".json").get_json()["suggestions"][0]["status"] == "suggested"


@pytest.mark.parametrize(
    ("token", "status", "message"),
    [
        ("", 401, "Enter your access token"),
        ("not-a-token", 403, "The access token is not right"),
        (OTTERMOOR, 403, "This token is not the partnership"),
        (POLICE, 403, "This token is not the partnership"),
    ],
)
def test_only_the_admin_or_the_partnership_may_decide(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path], token: str, status: int, message: str
) -> None:
    client, store, data = app_parts
    before = sorted(p.read_bytes() for p in (data / "alignment").rglob("*.ttl"))
    response = client.post(PAGE, data={**ACCEPT_FIRST, "token": token})
    assert response.status_code == status
    assert message in _errors(response.get_data(as_text=True)).get("token", "")
    assert sorted(p.read_bytes() for p in (data / "alignment").rglob("*.ttl")) == before
    assert _confirmed(store) == 0


@pytest.mark.parametrize("token", [LARKVALE, ADMIN])
def test_the_partnership_or_admin_confirms_and_the_store_counts_it(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path], token: str
) -> None:
    client, store, data = app_parts
    assert _confirmed(store) == 0
    response = client.post(PAGE, data={**ACCEPT_FIRST, "token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, _errors(html)
    assert "Decisions stored: 1 accepted, 0 changed, 0 rejected" in html
    assert _confirmed(store) == 1
    assert "A. Reviewer" in html and "Patrols are local policing." in html
    reviewed = next((data / "alignment" / "reviewed").glob("larkvale-*.ttl")).read_text()
    who = "id/partnership/larkvale-csp" if token == LARKVALE else "id/organisation/cspkg-project"
    assert who in reviewed and 'cspkg:confirmedBy "A. Reviewer"' in reviewed


def test_bad_answers_are_named_and_nothing_is_stored(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path],
) -> None:
    client, store, _ = app_parts
    response = client.post(
        PAGE, data={"decision-1": "accept", "decision-2": "change", "by": "", "token": ADMIN}
    )
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert errors["reason-1"] == "Give a reason for the decision"
    assert errors["by"] == "Give your name"
    assert errors["change-2"].startswith("Choose the Commissioner priority")
    assert _confirmed(store) == 0
    nothing = client.post(PAGE, data={"by": "Me", "token": ADMIN})
    assert nothing.status_code == 400 and "at least one suggestion" in nothing.get_data(
        as_text=True
    )


def test_a_rejection_is_listed_and_not_offered_again(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path],
) -> None:
    client, _, _ = app_parts
    first = client.get(PAGE + ".json").get_json()["suggestions"][0]
    client.post(
        PAGE, data={"decision-1": "reject", "reason-1": "Not ours.", "by": "B", "token": ADMIN}
    )
    after = {s["suggestion"]: s for s in client.get(PAGE + ".json").get_json()["suggestions"]}
    assert after[first["suggestion"]]["status"] == "reject"
    html = client.get(PAGE).get_data(as_text=True)
    assert "Rejected" in html and "Not ours." in html


def test_a_direct_action_link_is_shown_as_direct_on_the_action_page(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path],
) -> None:
    client, _, _ = app_parts
    rows = client.get(PAGE + ".json").get_json()["suggestions"]
    number = next(n for n, r in enumerate(rows, start=1) if r["fromKind"] == "action")
    action = rows[number - 1]["suggestion"].split("/")[1]
    assert rows[number - 1]["suggestedPriority"] not in _matrix_serves(client, action)
    answers = {f"decision-{number}": "accept", f"reason-{number}": "Its own work.", "by": "C"}
    assert client.post(PAGE, data={**answers, "token": ADMIN}).status_code == 200
    page = client.get(f"/doc/action/larkvale-csp/2025-26/{action}").get_data(as_text=True)
    section = page.split('id="commissioner"')[1].split("</table>")[0]
    assert "Directly" in section and "Its own work." in section
    assert "Confirmed links only" in section
    assert rows[number - 1]["suggestedPriority"] in _matrix_serves(client, action)


def _matrix_serves(client: FlaskClient, action: str) -> set[str]:
    """The Commissioner priorities the coverage matrix marks for one Larkvale action."""
    asked = {
        "plan": "https://cspkg.example.org/id/delivery-plan/larkvale-csp/2025-26",
        "commissionerPlan": "https://cspkg.example.org/id/police-and-crime-plan/staffordshire/2024-28",
    }
    grid = client.get("/queries/coverage-matrix.json", query_string=asked).get_json()
    return {
        r["columnLabel"]["value"]
        for r in grid["rows"]
        if r["rowKind"]["value"] == "action-commissioner"
        and r["row"]["value"].endswith("/" + action)
        and r["covered"]["value"] is True
    }


def test_hostile_answers_are_bounded_and_refused_cleanly(
    app_parts: tuple[FlaskClient, EmbeddedStore, Path],
) -> None:
    client, store, data = app_parts
    before = sorted(p.read_bytes() for p in (data / "alignment").rglob("*.ttl"))
    flood = {f"decision-{n}": "accept" for n in range(1, 2000)}
    response = client.post(
        PAGE,
        data={**flood, "reason-1": "x" * 100_000, "change-1": "<script>", "by": "y" * 300,
              "decision-2": "drop table", "token": ADMIN},
    )  # fmt: skip
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert errors["by"] == "Longer than 200 characters"
    assert errors["decision-2"].startswith("&#39;drop table&#39; is not a decision") or errors[
        "decision-2"
    ].startswith("'drop table' is not a decision")
    assert "<script>" not in response.get_data(as_text=True)
    assert sorted(p.read_bytes() for p in (data / "alignment").rglob("*.ttl")) == before
    assert _confirmed(store) == 0
    assert client.get("/alignment/nowhere-csp/2099-00").status_code == 404
    long = client.get(PAGE + "?commissionerPlan=" + "z" * 5000)
    assert long.status_code in (400, 404)
