"""A hostile partner with one agency's token: each write reaches no further than one new
update of its own, whose address, date and attribution the service sets.

Over the real seed plan and the fictional quarter of updates (``tests/conftest.py``):
Staffordshire Police supports action 1 (led by the council's community safety team, whose
Q3 update is in the fixture) and has no part in actions 4 and 9.  Every update sent here
is fictional.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from flask.testing import FlaskClient

from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import delivery_data

BASE = "https://cspkg.example.org/"
ADMIN = "Wq3vX9kP2mZr8sLt6yNc4bHf-admin"
POLICE = "Jd7kQ2wR9xVm4pLs8nTc3fBy-police"
COUNCIL = "Hs5nB8vQ1zXk7wMd2rYt6pLc-council"
PLAN = BASE + "id/delivery-plan/cannock-chase-csp/2024-25"
GRAPH = BASE + "graph/progress/cannock-chase-csp/2024-25"
UPDATES = BASE + "id/progress-update/cannock-chase-csp/2024-25/"
ACTION_1 = BASE + "id/action/cannock-chase-csp/2024-25/01-chair-manage-multi-agency-community"
POLICE_IRI = BASE + "id/organisation/staffordshire-police"
FORM = "/delivery/cannock-chase-csp/2024-25/progress"
PREFIXES = """
    @prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix p-plan: <http://purl.org/net/p-plan#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    made = EmbeddedStore()
    delivery_data(made)
    yield made
    made.close()


@pytest.fixture
def client(store: EmbeddedStore) -> FlaskClient:
    settings = replace(
        load_settings(environ={}),
        admin_token=ADMIN,
        agency_tokens=(
            ("staffordshire-police", POLICE),
            ("cannock-chase-district-council", COUNCIL),
        ),
    )
    return create_app(settings, store).test_client()


def _post(client: FlaskClient, body: str, token: str = POLICE) -> tuple[int, str, str]:
    response = client.post(
        "/store",
        query_string={"graph": GRAPH},
        data=PREFIXES + body,
        content_type="text/turtle",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/plain"},
    )
    return (
        response.status_code,
        response.get_data(as_text=True),
        response.headers.get("Location", ""),
    )


def _ask(store: EmbeddedStore, pattern: str) -> bool:
    return bool(store.query(f"ASK {{ {pattern} }}").value)  # type: ignore[union-attr]


def _actions(store: EmbeddedStore) -> int:
    result = store.query(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <http://purl.org/net/p-plan#isStepOfPlan>"
        f" <{PLAN}> }}"
    )
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


def _action(store: EmbeddedStore, ordinal: int) -> str:
    result = store.query(
        f"SELECT ?a WHERE {{ ?a <{BASE}def/cspkg#ordinal> {ordinal} ; "
        f"<http://purl.org/net/p-plan#isStepOfPlan> <{PLAN}> }}"
    )
    return str(result.rows[0][0].value)  # type: ignore[union-attr]


def _current(store: EmbeddedStore, ordinal: int, quarter: str = "2024-q3") -> set[str]:
    """Updates of the action and quarter that nothing revises."""
    result = store.query(
        "SELECT ?u WHERE { ?u a <https://cspkg.example.org/def/cspkg#ProgressUpdate> . "
        f'FILTER STRSTARTS(STR(?u), "{UPDATES}{ordinal:02d}/{quarter}/") '
        "FILTER NOT EXISTS { ?v <http://www.w3.org/ns/prov#wasRevisionOf> ?u } }"
    )
    return {row[0].value for row in result.rows}  # type: ignore[union-attr]


UPDATE_FIELDS = """
    cspkg:reportingPeriod <https://cspkg.example.org/id/period/2024-25/q4> ;
    cspkg:progressStatus <https://cspkg.example.org/def/progress-status/on-track> ;
    cspkg:percentComplete 60 ;
    cspkg:commentary "Fictional: hub meetings continue." ;
"""
CLAIMS = f"""
    prov:wasAttributedTo <{POLICE_IRI}> ;
    prov:wasDerivedFrom <{BASE}id/document/progress/fictional-request> ;
    dcterms:date "2025-04-10"^^xsd:date ;
"""
"""What an update said about itself before the service set it: the attacks below carry it,
so each was accepted (204) before the fix."""


def test_invented_action_typed_update_and_action_is_refused(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """The probe's first finding: one subject typed both, with the fields of an action."""
    invented = f"{BASE}id/action/cannock-chase-csp/2024-25/18-invented"
    body = f"""<{invented}> a cspkg:ProgressUpdate, cspkg:Action ;
        p-plan:isStepOfPlan <{PLAN}> ;
        rdfs:label "Fictional invented action" ;
        cspkg:ordinal 18 ;
        cspkg:responsibleAgency <{POLICE_IRI}> ;
        cspkg:meetsPriority <{BASE}def/cannock-chase-csp/priorities/fraud> ;
        cspkg:aboutAction <{ACTION_1}> ;
        {UPDATE_FIELDS}
        prov:wasAttributedTo <{POLICE_IRI}> ;
        prov:wasDerivedFrom <{BASE}id/document/cannock-chase-csp-delivery-plan-2024-25> ;
        dcterms:date "2025-01-10"^^xsd:date ."""
    status, message, _ = _post(client, body)
    assert status == 403, message
    assert _actions(store) == 17
    assert not _ask(store, f"<{invented}> ?p ?o")
    page = client.get("/delivery/cannock-chase-csp/2024-25.json").get_json()
    assert "Fictional invented action" not in str(page)


def test_address_squat_on_other_actions_next_updates_is_refused(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """Updates about its own action under the addresses actions 4 and 9 would take next:
    the service names updates, so nothing is stored there and their reporters still can."""
    for ordinal in (4, 9):
        squat = f"{UPDATES}{ordinal:02d}/2024-q3/1"
        body = f"""<{squat}> a cspkg:ProgressUpdate ;
            cspkg:aboutAction <{ACTION_1}> ; {UPDATE_FIELDS} {CLAIMS}
            cspkg:revision 1 ."""
        status, message, location = _post(client, body)
        assert status in (201, 403), message
        assert location != squat
        assert not _ask(store, f"<{squat}> ?p ?o")
    admin = client.post(
        FORM, data={"token": ADMIN, "action": "4", "period": "2024-Q3", "status": "On track"}
    )
    assert admin.status_code == 201
    assert _current(store, 4) == {f"{UPDATES}04/2024-q3/1"}
    council = client.post(
        FORM, data={"token": COUNCIL, "action": "9", "period": "2024-Q3", "status": "At risk"}
    )
    assert council.status_code == 201, council.get_data(as_text=True)


def test_false_revision_of_another_agencys_update_is_refused(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """Police support action 1; its Q3 update is the lead's (the council's team)."""
    lead = f"{UPDATES}01/2024-q3/1"
    assert _current(store, 1) == {lead}
    body = f"""<{UPDATES}01/2024-q3/2> a cspkg:ProgressUpdate ;
        cspkg:aboutAction <{ACTION_1}> ;
        cspkg:reportingPeriod <{BASE}id/period/2024-25/q3> ;
        cspkg:progressStatus <{BASE}def/progress-status/complete> ;
        cspkg:percentComplete 100 ;
        cspkg:reportedBy "Community Safety Manager, Cannock Chase District Council" ;
        cspkg:revision 2 ;
        dcterms:date "2099-01-01"^^xsd:date ;
        prov:wasAttributedTo <{POLICE_IRI}> ;
        prov:wasDerivedFrom <{BASE}id/document/progress/invented-file> ;
        prov:wasRevisionOf <{lead}> ;
        dcterms:replaces <{lead}> ."""
    status, message, _ = _post(client, body)
    assert status == 403, message
    assert _current(store, 1) == {lead}
    # Without the invented details it is still someone else's update to replace.
    plain = f"""<urn:x:mine> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION_1}> ;
        cspkg:reportingPeriod <{BASE}id/period/2024-25/q3> ;
        cspkg:progressStatus <{BASE}def/progress-status/complete> ."""
    status, message, _ = _post(client, plain)
    assert status == 403 and "replace" in message, message
    assert _current(store, 1) == {lead}
    form = client.post(
        FORM, data={"token": POLICE, "action": "1", "period": "2024-Q3", "status": "Complete"}
    )
    assert form.status_code == 403
    assert _current(store, 1) == {lead}


@pytest.mark.parametrize(
    "extra",
    [
        f"<{BASE}def/cspkg#ordinal> 99",
        'rdfs:label "Fictional label"',
        "<http://www.w3.org/2002/07/owl#sameAs> <https://example.org/elsewhere>",
        f"p-plan:isStepOfPlan <{PLAN}>",
        "a <http://xmlns.com/foaf/0.1/Document>",
    ],
)
def test_extra_predicates_or_types_on_an_update_are_refused(
    client: FlaskClient, store: EmbeddedStore, extra: str
) -> None:
    body = f"""<{UPDATES}01/2024-q4/1> a cspkg:ProgressUpdate ;
        cspkg:aboutAction <{ACTION_1}> ; {UPDATE_FIELDS} {CLAIMS} {extra} ."""
    status, message, _ = _post(client, body)
    assert status == 403, message
    named = extra.split()[0 if not extra.startswith("a ") else 1].strip("<>")
    assert named.rsplit("#", 1)[-1].rsplit("/", 1)[-1].split(":")[-1] in message, message
    assert _current(store, 1, "2024-q4") == set()


@pytest.mark.parametrize(
    "body",
    [
        # The update itself as a blank node.
        f"[] a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION_1}> ; {UPDATE_FIELDS} "
        f"{CLAIMS} cspkg:revision 1 .",
        # A blank node hung off the update, carrying an invented action.
        f"<{UPDATES}01/2024-q4/1> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION_1}> ;"
        f" {UPDATE_FIELDS} {CLAIMS} cspkg:revision 1 ; "
        ' prov:wasDerivedFrom [ rdfs:label "Fictional document" ] .',
        # A second, separate subject beside a good update.
        f"<{UPDATES}01/2024-q4/1> a cspkg:ProgressUpdate ; cspkg:aboutAction <{ACTION_1}> ;"
        f' {UPDATE_FIELDS} {CLAIMS} cspkg:revision 1 . _:b rdfs:label "stray" .',
    ],
)
def test_blank_nodes_are_refused(client: FlaskClient, store: EmbeddedStore, body: str) -> None:
    status, message, _ = _post(client, body)
    assert status == 403 and "blank node" in message, message
    assert _current(store, 1, "2024-q4") == set()
    assert not _ask(store, f'GRAPH <{GRAPH}> {{ ?s rdfs:label "stray" }}'.replace(
        "rdfs:label", "<http://www.w3.org/2000/01/rdf-schema#label>"))  # fmt: skip


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:u> a <{BASE}def/cspkg#ProgressUpdate> ; "
        f"<{BASE}def/cspkg#aboutAction> <{ACTION_1}> }} }}",
        f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH <{GRAPH}> {{ ?a <{BASE}def/cspkg#ordinal> 99 }} }} "
        f"WHERE {{ ?a <http://purl.org/net/p-plan#isStepOfPlan> <{PLAN}> }}",
    ],
)
def test_sparql_update_from_an_agency_token_is_refused(
    client: FlaskClient, store: EmbeddedStore, update: str
) -> None:
    before = _current(store, 1)
    response = client.post(
        "/sparql",
        data=update,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {POLICE}"},
    )
    assert response.status_code == 403
    assert _current(store, 1) == before and not _ask(store, "<urn:x:u> ?p ?o")
    assert not _ask(store, f"?a <{BASE}def/cspkg#ordinal> 99")


def test_agency_update_gets_a_service_minted_address(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    """The client's name is not used; date, attribution and reporter come from the
    token and the clock."""
    body = f"""<urn:x:my-name-for-it> a cspkg:ProgressUpdate ;
        cspkg:aboutAction <{ACTION_1}> ; {UPDATE_FIELDS} ."""
    status, message, location = _post(client, body)
    assert status == 201, message
    minted = f"{UPDATES}01/2024-q4/1"
    assert location == minted
    assert not _ask(store, "<urn:x:my-name-for-it> ?p ?o")
    facts = store.query(
        "SELECT ?who ?date ?by WHERE { GRAPH ?g { "
        f"<{minted}> <http://www.w3.org/ns/prov#wasAttributedTo> ?who ; "
        f"<http://purl.org/dc/terms/date> ?date ; <{BASE}def/cspkg#reportedBy> ?by }} }}"
    ).rows  # type: ignore[union-attr]
    ((who, day, by),) = facts
    assert who.value == POLICE_IRI
    assert day.value == date.today().isoformat()
    assert by.value == "Staffordshire Police"
    # A second report for the same action and quarter is its own, so it may replace it.
    again = body.replace("on-track", "at-risk")
    status, message, location = _post(client, again)
    assert status == 201 and location == f"{UPDATES}01/2024-q4/2", message
    assert _current(store, 1, "2024-q4") == {location}


def test_admin_may_still_write_any_graph_and_name_updates(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    body = f"""<{UPDATES}04/2024-q4/1> a cspkg:ProgressUpdate ;
        cspkg:aboutAction <{_action(store, 4)}> ; {UPDATE_FIELDS}
        cspkg:revision 1 ; dcterms:date "2025-04-02"^^xsd:date ;
        prov:wasAttributedTo <{POLICE_IRI}> ;
        prov:wasDerivedFrom <{BASE}id/document/progress/fictional-request> ."""
    status, message, _ = _post(client, body, ADMIN)
    assert status in (201, 204), message
    assert _current(store, 4, "2024-q4") == {f"{UPDATES}04/2024-q4/1"}
