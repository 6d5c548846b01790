"""Writes through /sparql with an admin token: auth, validation before commit, LOAD policy."""

from __future__ import annotations

import requests

from ..conftest import ADMIN_TOKEN, Live

UPDATE = "application/sparql-update"
GOOD = """PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA { GRAPH <urn:test:writes> {
  <urn:action:9> a cspkg:Action ; rdfs:label "Nine" ; cspkg:ordinal 9 } }"""
BAD = """PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
INSERT DATA { GRAPH <urn:test:writes> { <urn:action:10> a cspkg:Action ; cspkg:ordinal "ten" } }"""


def _post(live: Live, body: str, token: str | None) -> requests.Response:
    headers = {"Content-Type": UPDATE}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(live.sparql, data=body.encode(), headers=headers, timeout=30)


def _ask(live: Live, query: str) -> bool:
    response = requests.get(live.sparql, params={"query": query}, timeout=10)
    return bool(response.json()["boolean"])


def test_token_required(live_rw: Live) -> None:
    missing = _post(live_rw, GOOD, None)
    assert missing.status_code == 401 and "Bearer" in missing.headers["WWW-Authenticate"]
    assert _post(live_rw, GOOD, "wrong-token").status_code == 403
    assert not _ask(live_rw, "ASK { <urn:action:9> ?p ?o }")


def test_valid_update_committed(live_rw: Live) -> None:
    before = requests.get(live_rw.url + "/health", timeout=10).json()["generation"]
    assert _post(live_rw, GOOD, ADMIN_TOKEN).status_code == 204
    assert _ask(live_rw, "ASK { <urn:action:9> ?p ?o }")
    assert requests.get(live_rw.url + "/health", timeout=10).json()["generation"] > before


def test_invalid_update_refused_whole(live_rw: Live) -> None:
    body = BAD.replace("} }", "} GRAPH <urn:test:writes> { <urn:extra> <urn:p> 1 } }")
    response = _post(live_rw, body, ADMIN_TOKEN)
    assert response.status_code == 422, response.text
    assert "ordinal" in response.text
    assert not _ask(live_rw, "ASK { <urn:action:10> ?p ?o }")
    assert not _ask(live_rw, "ASK { <urn:extra> ?p ?o }")


def test_load_off_list_refused(live_rw: Live) -> None:
    response = _post(live_rw, "LOAD <http://127.0.0.1:9/data.ttl>", ADMIN_TOKEN)
    assert response.status_code == 403 and "allow-list" in response.text


def test_update_dataset_conflict(live_rw: Live) -> None:
    response = requests.post(
        live_rw.sparql,
        params={"using-graph-uri": "urn:g"},
        data=b"WITH <urn:h> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        headers={"Content-Type": UPDATE, "Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 400
