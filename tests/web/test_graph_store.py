"""``/store`` over HTTP on both stores: every method and status of the Graph Store Protocol.

Reads use the read-only ``live`` service (which also proves writes are refused there);
writes use ``live_gsp`` (admin token, 20 kB upload limit), each test on its own graph.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests
from rdflib import DCAT, DCTERMS, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from ..conftest import ADMIN_TOKEN, GSP_UPLOAD_LIMIT, SLOW_GRAPH, Live

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TURTLE = "text/turtle; charset=utf-8"
PERSON = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<urn:person:1> a foaf:Person ; foaf:name "Ann \\u00e9" ;
  foaf:knows [ foaf:name "Bo" ; foaf:knows [] ] ."""
NO_LABEL = """@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
<urn:action:gsp> a cspkg:Action ; cspkg:ordinal 1 ."""
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def _store(live: Live, default: bool = False) -> str:
    return live.url + "/store" + ("?default" if default else "")


def _params(graph: str) -> dict[str, str]:
    return {"graph": graph}


def _get(live: Live, graph: str, accept: str = "text/turtle") -> requests.Response:
    return requests.get(
        live.url + "/store", params=_params(graph), headers={"Accept": accept}, timeout=30
    )


def _write(
    method: str, live: Live, graph: str | None, body: str | bytes, content_type: str = TURTLE
) -> requests.Response:
    return requests.request(
        method,
        live.url + "/store",
        params=_params(graph) if graph else None,
        data=body.encode() if isinstance(body, str) else body,
        headers={"Content-Type": content_type, **AUTH},
        timeout=30,
    )


def _parse(response: requests.Response) -> Graph:
    media_type = response.headers["Content-Type"].split(";")[0]
    return Graph().parse(data=response.content, format=RDFLIB_FORMATS[media_type])


@pytest.fixture
def graph(live_gsp: Live) -> Iterator[str]:
    """A fresh graph IRI, dropped after the test whatever happened."""
    iri = f"urn:test:gsp:{uuid.uuid4().hex}"
    yield iri
    live_gsp.store.update(f"DROP SILENT GRAPH <{iri}>")


# --- reads ----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [*RDFLIB_FORMATS, "application/n-quads"])
def test_get_by_content_negotiation(live: Live, accept: str) -> None:
    response = _get(live, SLOW_GRAPH, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert response.headers["Vary"] == "Accept"
    if accept == "application/n-quads":
        dataset = Dataset()
        dataset.parse(data=response.content, format="nquads")
        assert {str(g) for _, _, _, g in dataset.quads()} == {SLOW_GRAPH}
        assert len(dataset) == 300
    else:
        assert len(_parse(response)) == 300


def test_head(live: Live) -> None:
    found = requests.head(live.url + "/store", params=_params(SLOW_GRAPH), timeout=10)
    assert found.status_code == 200 and found.content == b""
    assert found.headers["Content-Type"] == TURTLE
    missing = requests.head(live.url + "/store", params=_params("urn:test:none"), timeout=10)
    assert missing.status_code == 404


def test_unknown_graph_is_404(live: Live) -> None:
    response = _get(live, "urn:test:none")
    assert response.status_code == 404 and "urn:test:none" in response.text


def test_default_graph_is_the_union(live: Live) -> None:
    response = requests.get(
        _store(live, default=True), headers={"Accept": "application/n-triples"}, timeout=30
    )
    assert response.status_code == 200
    union = _parse(response)
    assert (None, None, None) in union and len(union) >= 300
    assert set(_parse(_get(live, SLOW_GRAPH))) <= set(union)


def test_whole_store_as_quads(live: Live) -> None:
    response = requests.get(_store(live), timeout=30)
    assert response.headers["Content-Type"] == "application/n-quads; charset=utf-8"
    dataset = Dataset()
    dataset.parse(data=response.content, format="nquads")
    assert SLOW_GRAPH in {str(g) for _, _, _, g in dataset.quads()}
    trig = requests.get(_store(live), headers={"Accept": "application/trig"}, timeout=30)
    assert trig.status_code == 200 and trig.headers["Content-Type"].startswith("application/trig")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?graph=urn:a&default", 400),
        ("?graph=urn:a&graph=urn:b", 400),
        ("?graph=relative/iri", 400),
        ("?graph=urn:test:slow&format=csv", 200),  # unknown parameters are ignored
    ],
)
def test_bad_targets(live: Live, query: str, status: int) -> None:
    assert requests.get(live.url + "/store" + query, timeout=10).status_code == status


def test_not_acceptable(live: Live) -> None:
    response = _get(live, SLOW_GRAPH, "text/csv")
    assert response.status_code == 406


# --- refusals -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_read_only_service_refuses_writes(live: Live, method: str) -> None:
    response = _write(method, live, "urn:test:ro", PERSON)
    assert response.status_code == 403 and "read-only" in response.text
    assert _get(live, "urn:test:ro").status_code == 404


def test_token_required(live_gsp: Live, graph: str) -> None:
    headers = {"Content-Type": TURTLE}
    url = live_gsp.url + "/store"
    missing = requests.put(url, params=_params(graph), data=PERSON, headers=headers, timeout=10)
    assert missing.status_code == 401 and "Bearer" in missing.headers["WWW-Authenticate"]
    wrong = {**headers, "Authorization": "Bearer wrong"}
    for method in ("PUT", "POST", "DELETE"):
        response = requests.request(
            method, url, params=_params(graph), data=PERSON, headers=wrong, timeout=10
        )
        assert response.status_code == 403
    assert _get(live_gsp, graph).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_default_graph_is_read_only(live_gsp: Live, method: str) -> None:
    response = requests.request(
        method,
        _store(live_gsp, default=True),
        data=PERSON,
        headers={"Content-Type": TURTLE, **AUTH},
        timeout=10,
    )
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_store_itself_takes_only_post(live_gsp: Live, method: str) -> None:
    response = _write(method, live_gsp, None, PERSON)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ("<urn:a> <urn:b> .", TURTLE, 400, "line 1"),
        ("<urn:a> <urn:b> <urn:c> .", "text/plain", 415, "text/turtle"),
        ("<urn:a> <urn:b> <urn:c> .", "", 415, "Content-Type"),
        ("<urn:a> <urn:b> <urn:c> .", "text/turtle; charset=iso-8859-1", 415, "UTF-8"),
        ("# " + "x" * GSP_UPLOAD_LIMIT, TURTLE, 413, str(GSP_UPLOAD_LIMIT)),
        (NO_LABEL, TURTLE, 422, "needs a label"),
    ],
    ids=["syntax", "media-type", "no-media-type", "charset", "too-large", "shapes"],
)
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_bad_writes_refused_whole(
    live_gsp: Live, graph: str, method: str, body: str, content_type: str, status: int, says: str
) -> None:
    assert _write("PUT", live_gsp, graph, PERSON).status_code == 201
    before = _parse(_get(live_gsp, graph))
    response = _write(method, live_gsp, graph, body, content_type)
    assert response.status_code == status, response.text
    assert says in response.text and "/work" not in response.text
    assert isomorphic(_parse(_get(live_gsp, graph)), before)


def test_oversized_body_refused_before_reading(live_gsp: Live, graph: str) -> None:
    """Past Flask's own limit (the query length, 100 kB here) werkzeug answers 413."""
    response = _write("PUT", live_gsp, graph, b"#" * 200_000)
    assert response.status_code == 413
    assert _get(live_gsp, graph).status_code == 404


# --- writes ---------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(RDFLIB_FORMATS))
def test_put_get_round_trip(live_gsp: Live, graph: str, media_type: str) -> None:
    """Any input format in, any output format back: the same graph, blank nodes included."""
    source = Graph().parse(data=PERSON, format="turtle")
    body = source.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
    assert _write("PUT", live_gsp, graph, body, media_type).status_code == 201
    for accept in RDFLIB_FORMATS:
        response = _get(live_gsp, graph, accept)
        assert response.status_code == 200
        assert isomorphic(_parse(response), source), accept


def test_put_replaces(live_gsp: Live, graph: str) -> None:
    assert _write("PUT", live_gsp, graph, PERSON).status_code == 201
    assert _write("PUT", live_gsp, graph, "<urn:a> <urn:b> <urn:c> .").status_code == 204
    assert len(_parse(_get(live_gsp, graph))) == 1


def test_post_merges(live_gsp: Live, graph: str) -> None:
    assert _write("POST", live_gsp, graph, PERSON).status_code == 201
    assert _write("POST", live_gsp, graph, PERSON).status_code == 204
    merged = _parse(_get(live_gsp, graph))
    # Named triples merge; each document's blank nodes stay its own.
    assert len(merged) == 2 + 2 * 3


def test_post_multipart_merges_each_part(live_gsp: Live, graph: str) -> None:
    files = [
        ("a", ("a.ttl", b"<urn:a> <urn:p> 1 .", "text/turtle")),
        ("b", ("b.nt", b'<urn:b> <urn:p> "2" .', "application/n-triples")),
    ]
    url = live_gsp.url + "/store"
    response = requests.post(url, params=_params(graph), files=files, headers=AUTH, timeout=10)
    assert response.status_code == 201, response.text
    assert len(_parse(_get(live_gsp, graph))) == 2
    bad = [("c", ("c.txt", b"x", "text/plain"))]
    response = requests.post(url, params=_params(graph), files=bad, headers=AUTH, timeout=10)
    assert response.status_code == 415


def test_post_to_the_store_creates_a_graph(live_gsp: Live) -> None:
    response = _write("POST", live_gsp, None, PERSON)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith(live_gsp.settings.base + "graph/store/")
    try:
        got = _get(live_gsp, location)
        assert isomorphic(_parse(got), Graph().parse(data=PERSON, format="turtle"))
    finally:
        live_gsp.store.update(f"DROP SILENT GRAPH <{location}>")


def test_delete(live_gsp: Live, graph: str) -> None:
    assert _write("PUT", live_gsp, graph, PERSON).status_code == 201
    assert requests.delete(_store(live_gsp), params=_params(graph), headers=AUTH).status_code == 204
    assert _get(live_gsp, graph).status_code == 404
    again = requests.delete(_store(live_gsp), params=_params(graph), headers=AUTH, timeout=10)
    assert again.status_code == 404


def test_writes_are_visible_to_sparql(live_gsp: Live, graph: str) -> None:
    assert _write("PUT", live_gsp, graph, PERSON).status_code == 201
    query = f"ASK {{ GRAPH <{graph}> {{ <urn:person:1> ?p ?o }} }}"
    answer = requests.get(live_gsp.sparql, params={"query": query}, timeout=10).json()
    assert answer["boolean"] is True


# --- described ------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


def _description(url: str) -> Graph:
    response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10)
    return Graph().parse(data=response.content, format="turtle")


def test_writable_service_describes_its_upload_formats(live_gsp: Live) -> None:
    formats = set(_description(live_gsp.sparql).objects(None, URIRef(SD + "inputFormat")))
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats and len(formats) == 4


def test_read_only_service_describes_no_upload_formats(live: Live) -> None:
    assert (None, URIRef(SD + "inputFormat"), None) not in _description(live.sparql)


def test_void_names_the_graph_store(live: Live) -> None:
    void = _description(live.url + "/.well-known/void")
    store = URIRef(live.url + "/store")
    assert (store, DCAT.endpointURL, store) in void
    conforms = URIRef("http://www.w3.org/TR/sparql11-http-rdf-update/")
    assert (store, DCTERMS.conformsTo, conforms) in void


def test_openapi_documents_the_graph_store(live: Live) -> None:
    document = requests.get(live.url + "/openapi.json", timeout=10).json()
    path = document["paths"]["/store"]
    assert {"get", "put", "post", "delete"} <= set(path)
    for operation in path.values():
        assert [p["name"] for p in operation["parameters"]] == ["graph", "default"]
    assert "422" in path["put"]["responses"] and "Location" in path["post"]["description"]
