"""Random and mutated requests to /sparql: never a 500, never a hang, never a leak.

The app runs on the Flask test client over an embedded store with query worker
processes (as served), so a query that crashed the engine would show up as 503s and
respawns rather than killing the test run; the depth cap means it never gets that far.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import requests
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from cspkg.store import EmbeddedStore

from ..conftest import ADMIN_TOKEN, Live, _settings, fill
from .conftest import FUZZ, Listener

TIMEOUT = 2.0
ALLOWED = {200, 204, 400, 401, 403, 406, 413, 414, 415, 422, 503}
LEAKS = re.compile(r"Traceback|File \"|site-packages|/work/|/tmp/|/root/|\.py\b")
SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>\n"
    "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a a cspkg:Action ; ?p ?o FILTER(?p != <urn:x>) }"
    " GROUP BY ?a ORDER BY DESC(?n)",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3",
    'ASK { ?s ?p "x"@en . OPTIONAL { ?s <urn:q> ?v } }',
    "DESCRIBE <urn:s1>",
    "SELECT ?x WHERE { VALUES ?x { 1 2 3 } BIND(STRLEN(STR(?x)) AS ?l) }",
    'INSERT DATA { GRAPH <urn:fuzz> { <urn:a> <urn:b> "c" } }',
    "DELETE WHERE { GRAPH <urn:fuzz> { ?s ?p ?o } }",
]
TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "application/sparql-query; charset=latin-1",
    "text/plain",
    "multipart/form-data; boundary=x",
]
ACCEPTS = [None, "*/*", "text/html", "application/json", "text/csv", "image/png", "text/turtle;q=0"]
FRAGMENTS = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    '"',
    "'",
    "<",
    ">",
    "\\u0053ERVICE",
    "SERVICE",
    "LOAD",
    "FROM",
    "GRAPH",
    "?x",
    "$y",
    "#",
    "\n",
    "PREFIX p: <urn:>",
    "BASE <../>",
    "\x00",
    "\ud800",
]


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    from cspkg.web import create_app

    store = EmbeddedStore(workers=2)
    fill(store)
    app = create_app(_settings(admin_token=ADMIN_TOKEN, query_timeout=TIMEOUT), store)
    yield app.test_client()
    store.close()


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)))
        if draw(st.booleans()):
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + text[at + len(piece) :]
    return text


@st.composite
def requests_(draw: st.DrawFn) -> dict[str, object]:
    text = draw(st.one_of(mutated_text(), st.text(max_size=200)))
    body = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        body = draw(st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\x80"])) + body
    kind = draw(st.sampled_from(["query", "update"]))
    method = draw(st.sampled_from(["GET", "POST"]))
    content_type = draw(st.sampled_from(TYPES))
    headers = {}
    if (accept := draw(st.sampled_from(ACCEPTS))) is not None:
        headers["Accept"] = accept
    if draw(st.booleans()):
        headers["Authorization"] = draw(
            st.sampled_from([f"Bearer {ADMIN_TOKEN}", "Bearer nope", "Basic x", "Bearer "])
        )
    params: dict[str, str] = {}
    if method == "GET" or draw(st.booleans()):
        params[kind] = text
    if draw(st.booleans()):
        params[draw(st.sampled_from(["format", "default-graph-uri", "using-graph-uri", "x"]))] = (
            draw(st.text(max_size=20))
        )
    if content_type == "application/x-www-form-urlencoded":
        body = kind.encode() + b"=" + body
    return {
        "method": method,
        "query_string": params,
        "data": body,
        "headers": headers,
        "content_type": content_type,
    }


def check(response_status: int, body: bytes, elapsed: float) -> None:
    assert response_status in ALLOWED, (response_status, body[:300])
    if response_status != 200:
        assert not LEAKS.search(body.decode("utf-8", "replace")), body[:300]
    assert elapsed < TIMEOUT + 3


@FUZZ
@given(requests_())
def test_fuzz_requests(client: FlaskClient, request_: dict[str, object]) -> None:
    started = time.monotonic()
    response = client.open("/sparql", **request_)  # type: ignore[arg-type]
    check(response.status_code, response.get_data(), time.monotonic() - started)


@pytest.mark.parametrize("opener", ["{", "(", "["])
def test_deep_nesting_refused_before_the_engine(client: FlaskClient, opener: str) -> None:
    closer = {"{": "}", "(": ")", "[": "]"}[opener]
    query = "SELECT * WHERE { ?s ?p ?o FILTER(" + opener * 20_000 + closer * 20_000 + ") }"
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 400 and b"expression depth limit" in response.data
    ok = client.get(
        "/sparql", query_string={"query": "ASK { }"}, headers={"Accept": "application/json"}
    )
    assert ok.status_code == 200


def test_deep_update_refused_before_the_engine(client: FlaskClient) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> " + "(" * 200_000 + ")" * 200_000 + " }"
    response = client.post(
        "/sparql",
        data=update,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code in (400, 413)


def test_remote_server_survives_deep_query(live: Live) -> None:
    """Unchecked, this query kills ``oxigraph serve`` (and the embedded worker)."""
    query = "SELECT * WHERE " + "{" * 2400 + "}" * 2400
    response = requests.post(live.sparql, data={"query": query}, timeout=10)
    assert response.status_code == 400
    assert requests.get(live.url + "/health", timeout=10).json()["status"] == "ok"


def test_huge_and_invalid_bodies(client: FlaskClient) -> None:
    cases = [
        (b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 200_000, "application/sparql-query"),
        (b"query=" + b"%ff" * 1000, "application/x-www-form-urlencoded"),
        (b"\xff" * 10_000, "application/sparql-query"),
        (b"x" * 6_000_000, "application/sparql-query"),
    ]
    for body, content_type in cases:
        started = time.monotonic()
        response = client.post("/sparql", data=body, content_type=content_type)
        check(response.status_code, response.get_data(), time.monotonic() - started)
        assert response.status_code in (400, 413)


@FUZZ
@given(
    st.sampled_from(["SERVICE", "SERVICE SILENT", "\\u0053ERVICE", "service"]),
    st.sampled_from(["<{url}>", "p:", "<{url}sparql>", "<//127.0.0.1:{port}/>"]),
)
def test_service_never_connects(
    client: FlaskClient, listener: Listener, keyword: str, target: str
) -> None:
    target = target.format(url=listener.url, port=listener.port)
    query = f"PREFIX p: <{listener.url}>\nSELECT * WHERE {{ {keyword} {target} {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query}, base_url="http://127.0.0.1/")
    assert response.status_code in (400, 403)
    update = f"PREFIX p: <{listener.url}>\nLOAD {target.replace('p:', 'p:x')} INTO GRAPH <urn:g>"
    response = client.post(
        "/sparql",
        data=update,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code in (400, 403)
    time.sleep(0.05)
    assert listener.connections == []


def test_shapes_never_fetch_owl_imports(client: FlaskClient, listener: Listener) -> None:
    """Validation of a write must not follow ``owl:imports`` in the written data."""
    update = (
        "INSERT DATA { GRAPH <urn:fuzz:imports> { <urn:o> a <http://www.w3.org/2002/07/owl#Ontology> ;"
        f" <http://www.w3.org/2002/07/owl#imports> <{listener.url}> }} }}"
    )
    response = client.post(
        "/sparql",
        data=update,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code in (204, 422)
    time.sleep(0.2)
    assert listener.connections == []
