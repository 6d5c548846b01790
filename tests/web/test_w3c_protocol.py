"""The W3C SPARQL 1.1 Protocol tests, read from their manifest, as real HTTP requests.

Every manifest entry becomes a test, so a test the code does not handle fails rather
than disappears.  Query and bad-request tests run against the read-only service; the
``update_*`` tests run against a service with writes enabled, sending the admin token.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from ..conftest import ADMIN_TOKEN, W3C, Live

MANIFEST = W3C / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
RESULTS = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR = RESULTS | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


@dataclass
class HttpStep:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    format: str | None


@dataclass
class ProtocolTest:
    name: str
    steps: list[HttpStep] = field(default_factory=list)


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def load_tests() -> list[ProtocolTest]:
    graph = Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1])
        action = graph.value(entry, MF.action)
        for request in _items(graph, graph.value(action, HT.requests)):
            headers = {
                str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                for h in _items(graph, graph.value(request, HT.headers))
            }
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            test.steps.append(
                HttpStep(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses={
                        str(s).rsplit("#", 1)[-1]
                        for s in graph.objects(response, MF.expectedStatus)
                    },
                    boolean=None if boolean is None else bool(boolean.toPython()),
                    format=None if fmt is None else str(fmt),
                )
            )
        tests.append(test)
    return tests


TESTS = load_tests()


def _boolean(response: requests.Response) -> bool:
    media_type = response.headers["Content-Type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    assert media_type == "application/sparql-results+xml", media_type
    node = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None and node.text is not None
    return node.text.strip() == "true"


def run(test: ProtocolTest, live: Live, token: str | None) -> None:
    for step in test.steps:
        assert step.path.startswith("/sparql/")
        url = live.sparql + "/" + step.path.removeprefix("/sparql/")
        headers = dict(step.headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(step.method, url, headers=headers, data=step.body, timeout=30)
        family = f"StatusCode{str(response.status_code)[0]}xx"
        assert family in step.statuses, (response.status_code, response.text[:300])
        media_type = response.headers.get("Content-Type", "").split(";")[0]
        if step.format == "boolean" or step.boolean is not None:
            assert media_type in RESULTS
        if step.format == "tabular":
            assert media_type in TABULAR
        if step.format == "RDF":
            assert media_type in RDF_TYPES
        if step.boolean is not None:
            assert _boolean(response) is step.boolean


def test_manifest_was_read() -> None:
    assert len(TESTS) == 34 and all(t.steps for t in TESTS)


@pytest.mark.parametrize(
    "test", [t for t in TESTS if not t.name.startswith("update_")], ids=lambda t: t.name
)
def test_query_and_bad_requests(test: ProtocolTest, live: Live) -> None:
    run(test, live, token=None)


@pytest.mark.parametrize(
    "test", [t for t in TESTS if t.name.startswith("update_")], ids=lambda t: t.name
)
def test_updates_with_writes_enabled(test: ProtocolTest, live_rw: Live) -> None:
    run(test, live_rw, token=ADMIN_TOKEN)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_every_case_through_cspkg_serve_on_virtuoso(
    test: ProtocolTest, served_virtuoso: Live
) -> None:
    """The whole suite through ``cspkg serve --backend URL --backend-profile virtuoso``
    (a real gunicorn in front of a real Virtuoso), writes with the admin token."""
    run(test, served_virtuoso, token=ADMIN_TOKEN if test.name.startswith("update_") else None)
