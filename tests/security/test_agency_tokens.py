"""Per-agency tokens: an agency reports progress only on actions it leads or supports.

Over the real seed plan: Staffordshire Police supports action 1 and leads action 3
through its Early Intervention and Prevention Unit; it has no part in action 4.  The
updates sent here are fictional.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cspkg import token_hash
from cspkg.config import Settings, load_settings
from cspkg.errors import CspkgError
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app

BASE = "https://cspkg.example.org/"
ADMIN = "admin-token-for-agency-tests"
POLICE = "police-token-0123"
UNIT = "unit-token-4567"
COUNCIL = "council-token-89ab"
GRAPH = BASE + "graph/progress/cannock-chase-csp/2024-25"
PLAN_ACTIONS = BASE + "id/action/cannock-chase-csp/2024-25/"
ACTION_1 = PLAN_ACTIONS + "01-chair-manage-multi-agency-community"
POLICE_IRI = BASE + "id/organisation/staffordshire-police"


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    made = EmbeddedStore()
    settings = load_settings(environ={})
    made.replace_sources(find_sources(settings.base, [settings.ontology_dir, settings.data_dir]))
    yield made
    made.close()


@pytest.fixture(scope="module")
def client(store: EmbeddedStore) -> FlaskClient:
    settings = replace(
        load_settings(environ={}),
        admin_token=ADMIN,
        agency_tokens=(
            ("staffordshire-police", POLICE),
            ("staffordshire-police/early-intervention-and-prevention-unit", UNIT),
            (BASE + "id/organisation/cannock-chase-district-council", COUNCIL),
        ),
    )
    return create_app(settings, store).test_client()


def _action(store: EmbeddedStore, ordinal: int) -> str:
    result = store.query(
        "SELECT ?a WHERE { ?a <https://cspkg.example.org/def/cspkg#ordinal> "
        f"{ordinal} ; <http://purl.org/net/p-plan#isStepOfPlan> "
        "<https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25> }"
    )
    (row,) = result.rows  # type: ignore[union-attr]
    return str(row[0].value)


def _update(name: str, action: str, quarter: str = "q3") -> str:
    """A fictional progress update in Turtle, as an agency sends it: the service names it,
    dates it and attributes it to the token's agency (``progress_write.py``)."""
    return f"""
        @prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
        <{BASE}id/progress/test/{name}> a cspkg:ProgressUpdate ;
            cspkg:aboutAction <{action}> ;
            cspkg:reportingPeriod <{BASE}id/period/2024-25/{quarter}> ;
            cspkg:progressStatus <{BASE}def/progress-status/on-track> ;
            cspkg:percentComplete 40 ;
            cspkg:commentary "Fictional: {name}." .
    """


def _full(name: str, action: str, agency: str) -> str:
    """A whole update as the admin may send it (it names and attributes its updates)."""
    return _update(name, action).replace(
        f'"Fictional: {name}." .',
        f""""Fictional: {name}." ;
            cspkg:revision 1 ;
            <http://www.w3.org/ns/prov#wasAttributedTo> <{agency}> ;
            <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}id/document/progress/fictional> ;
            <http://purl.org/dc/terms/date> "2025-01-10"^^<http://www.w3.org/2001/XMLSchema#date> .""",
    )


def _post(
    client: FlaskClient, body: str, token: str | None, graph: str = GRAPH, method: str = "POST"
) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.open(
        "/store",
        method=method,
        query_string={"graph": graph},
        data=body,
        content_type="text/turtle",
        headers=headers,
    )
    return response.status_code


def _exists(store: EmbeddedStore, name: str) -> bool:
    """Whether an update with the commentary ``_update`` gave ``name`` was stored."""
    answer = store.query(
        f'ASK {{ GRAPH <{GRAPH}> {{ ?u <{BASE}def/cspkg#commentary> "Fictional: {name}." }} }}'
    )
    return bool(answer.value)  # type: ignore[union-attr]


def test_agency_reports_on_an_action_it_supports(client: FlaskClient, store: EmbeddedStore) -> None:
    assert _post(client, _update("supports", ACTION_1), POLICE) in (201, 204)
    assert _exists(store, "supports")


def test_agency_reports_through_its_unit(client: FlaskClient, store: EmbeddedStore) -> None:
    """Action 3 is led by a unit of the police: the police token covers it."""
    body = _update("through-unit", _action(store, 3))
    assert _post(client, body, POLICE) in (201, 204)
    assert _post(client, _update("council", _action(store, 6)), COUNCIL) in (201, 204)


def test_refused_403_for_an_action_the_agency_has_no_part_in(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    assert _post(client, _update("not-mine", _action(store, 4)), POLICE) == 403
    assert not _exists(store, "not-mine")


def test_unit_token_does_not_cover_its_parents_actions(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    assert _post(client, _update("parent", ACTION_1), UNIT) == 403
    assert _post(client, _update("own", _action(store, 3), "q2"), UNIT) in (201, 204)
    assert not _exists(store, "parent") and _exists(store, "own")


def test_missing_token_401_unknown_token_403(client: FlaskClient, store: EmbeddedStore) -> None:
    assert _post(client, _update("anon", ACTION_1), None) == 401
    assert _post(client, _update("anon", ACTION_1), "not-a-token") == 403
    assert not _exists(store, "anon")


def test_agency_may_only_add_new_updates_to_progress_graphs(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    body = _update("elsewhere", ACTION_1)
    assert _post(client, body, POLICE, graph=BASE + "graph/data/plans/x") == 403
    assert _post(client, body, POLICE, method="PUT") == 403
    assert client.delete("/store", query_string={"graph": GRAPH}).status_code == 401
    headers = {"Authorization": f"Bearer {POLICE}"}
    assert (
        client.delete("/store", query_string={"graph": GRAPH}, headers=headers).status_code == 403
    )
    update = f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x> <urn:y> 1 }} }}"
    sparql = client.post(
        "/sparql", data=update, content_type="application/sparql-update", headers=headers
    )
    assert sparql.status_code == 403


@pytest.mark.parametrize(
    "graph",
    [
        BASE + "graph/progress/cannock-chase-csp/2025-26",  # the same partnership, another year
        BASE + "graph/progress/another-csp/2024-25",
    ],
)
def test_agency_may_not_post_into_another_plans_progress_graph(
    client: FlaskClient, store: EmbeddedStore, graph: str
) -> None:
    """Action 1 is the police's (it supports it), but it is a step of the 2024-25 plan only."""
    name = "to-" + graph.split("/progress/")[1].replace("/", "-")
    response = client.post(
        "/store",
        query_string={"graph": graph},
        data=_update(name, ACTION_1),
        content_type="text/turtle",
        headers={"Authorization": f"Bearer {POLICE}", "Accept": "text/plain"},
    )
    assert response.status_code == 403
    message = response.get_data(as_text=True)
    assert f"the action <{ACTION_1}> is not a step of the plan whose progress graph" in message
    answer = store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert not answer.value  # type: ignore[union-attr]
    assert _post(client, _update(name, ACTION_1), POLICE) in (201, 204)  # GRAPH is its own


def test_agency_cannot_edit_or_misattribute(client: FlaskClient, store: EmbeddedStore) -> None:
    assert _post(client, _update("first", ACTION_1, "q1"), POLICE) in (201, 204)
    council = BASE + "id/organisation/cannock-chase-district-council"
    # The agency may not say who it is: the service takes that from the token.
    assert _post(client, _full("as-council", ACTION_1, council), POLICE) == 403
    stray = f"<{ACTION_1}> <{BASE}def/cspkg#ordinal> 99 ."
    assert _post(client, stray, POLICE) == 403
    assert not _exists(store, "as-council")


def test_admin_may_report_on_anything(client: FlaskClient, store: EmbeddedStore) -> None:
    council = BASE + "id/organisation/cannock-chase-district-council"
    assert _post(client, _full("admin", _action(store, 4), council), ADMIN) in (201, 204)
    assert _exists(store, "admin")


def test_writes_are_audited_with_the_agency_not_the_token(
    client: FlaskClient, store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    assert _post(client, _update("audited", ACTION_1), POLICE) in (201, 204)
    assert _post(client, _update("refused", _action(store, 4)), POLICE) == 403
    ok, refused = (r.getMessage() for r in caplog.records if r.name == "cspkg.audit")
    assert ok.startswith("write committed by token=hmac:")
    assert f"as=agency:<{POLICE_IRI}>" in ok and "refused (QueryRefused)" in refused
    assert all(POLICE not in r.getMessage() for r in caplog.records)


# --- settings ------------------------------------------------------------------------


TOK = {name: f"tok-{name}-Vb6Nq1Zk8Rt3Lw9Yj4Hc" for name in "abcxy"}
"""Fictional tokens, long and varied enough for the settings check."""


def _holders(settings: Settings) -> list[tuple[str, str]]:
    """(agency, which of ``TOK``) for the salted hashes settings keep."""
    return [
        (agency, next(k for k, t in TOK.items() if token_hash.matches(t, kept)))
        for agency, kept in settings.agency_tokens
    ]


def test_agency_tokens_from_toml_table_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "cspkg.toml"
    config.write_text(
        f'[agency_tokens]\n"staffordshire-police" = "{TOK["a"]}"\n'
        f'"cannock-chase-district-council" = ["{TOK["b"]}", "{TOK["c"]}"]\n'
    )
    assert _holders(load_settings(config, environ={})) == [
        ("staffordshire-police", "a"),
        ("cannock-chase-district-council", "b"),
        ("cannock-chase-district-council", "c"),
    ]
    env = {"CSPKG_AGENCY_TOKENS": f"staffordshire-police={TOK['x']}, probation-service={TOK['y']}"}
    assert _holders(load_settings(config, environ=env)) == [
        ("staffordshire-police", "x"),
        ("probation-service", "y"),
    ]


def test_agency_tokens_never_shown() -> None:
    settings = load_settings(environ={"CSPKG_AGENCY_TOKENS": f"staffordshire-police={TOK['a']}"})
    assert TOK["a"] not in repr(settings) and TOK["a"] not in str(settings.agency_tokens)
    dup = TOK["b"]
    for bad in (f"a={dup},b={dup}", "no-token-here", "a=", "a=poltok"):
        with pytest.raises(CspkgError) as caught:
            load_settings(environ={"CSPKG_AGENCY_TOKENS": bad})
        assert dup not in str(caught.value) and "poltok" not in str(caught.value)
    with pytest.raises(CspkgError):
        load_settings(environ={"CSPKG_ADMIN_TOKEN": dup, "CSPKG_AGENCY_TOKENS": f"a={dup}"})


def test_agency_token_alone_turns_writes_on_for_progress_only() -> None:
    settings = replace(load_settings(environ={}), agency_tokens=(("staffordshire-police", POLICE),))
    client = create_app(settings, EmbeddedStore()).test_client()
    update = "INSERT DATA { GRAPH <urn:g> { <urn:x> <urn:y> 1 } }"
    headers = {"Authorization": f"Bearer {POLICE}"}
    answer = client.post(
        "/sparql", data=update, content_type="application/sparql-update", headers=headers
    )
    assert answer.status_code == 403


def test_agency_update_is_validated_before_it_is_stored(
    client: FlaskClient, store: EmbeddedStore
) -> None:
    bad = _update("too-much", ACTION_1).replace(
        "cspkg:percentComplete 40", "cspkg:percentComplete 140"
    )
    assert _post(client, bad, POLICE) == 422  # the shapes: a percentage is 0-100
    assert not _exists(store, "too-much")
