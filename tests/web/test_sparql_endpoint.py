"""/sparql over real HTTP, on both stores: request forms, formats, limits and refusals."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from ..conftest import SLOW_QUERY, Live

ACTIONS = """PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
SELECT ?action ?ordinal WHERE { ?action a cspkg:Action ; cspkg:ordinal ?ordinal }
ORDER BY ?ordinal"""
CONSTRUCT = "CONSTRUCT WHERE { ?s a <https://cspkg.example.org/def/cspkg#Action> }"
SD = "http://www.w3.org/ns/sparql-service-description#"


def _ordinals(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["ordinal"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_form_and_direct_post_agree(live: Live) -> None:
    by_get = requests.get(live.sparql, params={"query": ACTIONS}, timeout=10)
    by_form = requests.post(live.sparql, data={"query": ACTIONS}, timeout=10)
    direct = requests.post(
        live.sparql,
        data=ACTIONS.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert _ordinals(by_get) == _ordinals(by_form) == _ordinals(direct) == ["1", "2"]


@pytest.mark.parametrize(
    ("accept", "fmt", "content_type"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        (None, "xml", "application/sparql-results+xml"),
        (None, "tsv", "text/tab-separated-values"),
    ],
)
def test_select_formats(live: Live, accept: str | None, fmt: str | None, content_type: str) -> None:
    params = {"query": ACTIONS, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    response = requests.get(live.sparql, params=params, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == content_type
    if content_type.endswith("xml"):
        assert len(ET.fromstring(response.content).findall(".//{*}result")) == 2
    elif content_type.startswith("text/"):
        assert len(response.text.strip().splitlines()) == 3


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(live: Live, accept: str, rdflib_format: str) -> None:
    response = requests.get(
        live.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=10
    )
    assert response.headers["Content-Type"].split(";")[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 2


def test_ask_as_xml(live: Live) -> None:
    response = requests.get(live.sparql, params={"query": "ASK {}", "format": "xml"}, timeout=10)
    assert ET.fromstring(response.content).find("{*}boolean").text == "true"  # type: ignore[union-attr]


def test_not_acceptable(live: Live) -> None:
    response = requests.get(
        live.sparql, params={"query": ACTIONS}, headers={"Accept": "image/png"}, timeout=10
    )
    assert response.status_code == 406


def test_syntax_error_position(live: Live) -> None:
    query = "SELECT * WHERE {\n  ?s ?p \n}"
    text = requests.get(live.sparql, params={"query": query}, timeout=10)
    assert text.status_code == 400 and "line 3, column " in text.text
    as_json = requests.get(
        live.sparql, params={"query": query}, headers={"Accept": "application/json"}, timeout=10
    )
    assert as_json.status_code == 400
    assert as_json.json()["line"] == 3 and as_json.json()["column"] in (1, 2)


def test_query_too_long(live: Live) -> None:
    query = "ASK {} #" + "x" * live.settings.max_query_length
    response = requests.post(live.sparql, data={"query": query}, timeout=10)
    assert response.status_code == 413


def test_rows_truncated_and_said_so(live: Live) -> None:
    response = requests.get(
        live.sparql,
        params={"query": "SELECT * WHERE { GRAPH <urn:test:slow> { ?s ?p ?o } }"},
        timeout=10,
    )
    assert len(response.json()["results"]["bindings"]) == live.settings.max_rows
    assert response.headers["Cspkg-Results-Truncated"].startswith("true")


def test_cors(live: Live) -> None:
    response = requests.get(live.sparql, params={"query": "ASK {}"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(
        live.sparql,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description(live: Live) -> None:
    response = requests.get(live.sparql, timeout=10)
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = URIRef(live.sparql)
    assert (service, URIRef(SD + "endpoint"), service) in graph
    names = {str(o) for o in graph.objects(None, URIRef(SD + "name"))}
    assert "https://cspkg.example.org/graph/data/plans/tiny-plan-2024-25" in names
    as_jsonld = requests.get(live.sparql, headers={"Accept": "application/ld+json"}, timeout=10)
    assert as_jsonld.headers["Content-Type"].startswith("application/ld+json")
    json.loads(as_jsonld.content)


def test_browsers_get_the_query_page(live: Live) -> None:
    page = requests.get(live.sparql, headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "https://cspkg.example.org/def/cspkg#" in page.text
    if "yasgui.min.js" in page.text:
        script = requests.get(live.url + "/assets/yasgui/yasgui.min.js", timeout=10)
        assert script.status_code == 200 and len(script.content) > 100_000
    assert requests.get(live.url + "/assets/yasgui/package.json", timeout=10).status_code == 404


def test_health(live: Live) -> None:
    body = requests.get(live.url + "/health", timeout=10).json()
    assert body["status"] == "ok" and body["store"] == live.kind and body["triples"] > 300


def test_sparqlwrapper_client(live: Live) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(ACTIONS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert [r["ordinal"]["value"] for r in rows] == ["1", "2"]


def test_rdflib_sparqlstore_client(live: Live) -> None:
    graph = Graph(store=SPARQLStore(live.sparql, returnFormat="xml"))
    rows = list(graph.query(ACTIONS))
    assert [int(r[1]) for r in rows] == [1, 2]  # type: ignore[index]


def test_slow_query_times_out_while_others_are_served(live: Live) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = requests.get(live.sparql, params={"query": SLOW_QUERY}, timeout=30)
        outcome["status"], outcome["text"] = response.status_code, response.text
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick_start = time.monotonic()
    quick = requests.get(live.sparql, params={"query": "ASK {}"}, timeout=10)
    quick_seconds = time.monotonic() - quick_start
    thread.join()
    assert quick.status_code == 200 and quick_seconds < 0.5
    assert outcome["status"] == 503 and "limit" in str(outcome["text"])
    assert float(outcome["seconds"]) < live.settings.query_timeout + 2  # type: ignore[arg-type]
    assert requests.get(live.sparql, params={"query": "ASK {}"}, timeout=10).status_code == 200


def test_update_refused_when_read_only(live: Live) -> None:
    response = requests.post(
        live.sparql,
        data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
        timeout=10,
    )
    assert response.status_code == 403 and "read-only" in response.text


def test_service_off_list_refused_without_connecting(live: Live) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"PREFIX r: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE SILENT r:sparql {{ }} }}",
            "SELECT * WHERE { SERVICE ?anywhere { ?s ?p ?o } }",
        ):
            response = requests.get(live.sparql, params={"query": query}, timeout=10)
            assert response.status_code == 403, response.text
        time.sleep(0.2)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


def test_put_is_not_allowed(live: Live) -> None:
    assert requests.put(live.sparql, data=b"", timeout=10).status_code == 405


def test_streamed_body_is_complete(live: Live) -> None:
    response = requests.get(
        live.sparql,
        params={"query": "SELECT * WHERE { GRAPH <urn:test:slow> { ?s ?p ?o } }", "format": "csv"},
        stream=True,
        timeout=10,
    )
    text = io.BytesIO(b"".join(response.iter_content(1024))).getvalue().decode()
    assert len(text.strip().split("\r\n")) == live.settings.max_rows + 1
