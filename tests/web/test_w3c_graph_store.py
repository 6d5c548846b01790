"""The W3C SPARQL 1.1 Graph Store Protocol tests, read from their manifests, over HTTP.

Every entry of every included manifest becomes a test (a case the code does not handle
fails rather than disappears).  Paths starting ``/gsp`` are sent to ``/store``; the
``$LOCATION$``-style templates take the ``Location`` of an earlier response.  Each case
starts from a store without the manifest's graphs, since several expect their first PUT
to create a graph another case also uses.  Cases that cannot apply here are strict
xfails with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from ..conftest import ADMIN_TOKEN, W3C, Live

MANIFEST = W3C / "graph-store-protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
W3C_GRAPHS = "http://www.example/gsp/"
NOT_HERE = {
    "DirectGraphIdentification": "graphs are named with ?graph=IRI only; direct "
    "identification (a graph per path under /store) is not offered",
}
XFAIL = {
    "put_get_default": "?default is the read-only union of the named graphs: PUT is 405",
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[str]
    location_template: str | None
    response_type: str | None
    response_body: str | None


@dataclass
class GspTest:
    name: str
    requires: set[str]
    steps: list[Step] = field(default_factory=list)


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _headers(graph: Graph, node: Node | None) -> dict[str, str]:
    return {
        str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
        for h in _items(graph, graph.value(node, HT.headers))
    }


def _chars(graph: Graph, node: Node | None) -> str | None:
    body = graph.value(node, HT.body) if node is not None else None
    return None if body is None else str(graph.value(body, CNT.chars))


def _step(graph: Graph, request: Node) -> Step:
    response = graph.value(request, HT.resp)
    location = graph.value(response, MF.expectedLocation)
    return Step(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=_headers(graph, request),
        body=_chars(graph, request),
        statuses={str(s).rsplit("#", 1)[-1] for s in graph.objects(response, MF.expectedStatus)},
        location_template=None if location is None else str(location),
        response_type=_headers(graph, response).get("content-type"),
        response_body=_chars(graph, response),
    )


def load_tests() -> list[GspTest]:
    """Entries in manifest order, from each manifest the top one includes."""
    top = Graph().parse(MANIFEST, format="turtle")
    tests = []
    for included in _items(top, top.value(next(top.subjects(MF.include, None)), MF.include)):
        graph = Graph().parse(str(included), format="turtle")
        manifest = next(graph.subjects(MF.entries, None))
        for entry in _items(graph, graph.value(manifest, MF.entries)):
            requires = {str(r).rsplit("#", 1)[-1] for r in graph.objects(entry, MF.requires)}
            test = GspTest(str(entry).rsplit("#", 1)[-1], requires)
            action = graph.value(entry, MF.action)
            test.steps = [_step(graph, r) for r in _items(graph, graph.value(action, HT.requests))]
            tests.append(test)
    return tests


TESTS = load_tests()


def _media(value: str) -> tuple[str, ...]:
    """A Content-Type compared without case or spacing: ``text/turtle;charset=utf-8``."""
    return tuple(sorted(part.strip().lower().replace('"', "") for part in value.split(";")))


def _clear(live: Live) -> None:
    new_graphs = live.settings.base + "graph/store/"
    for iri in live.store.graphs():
        if iri.startswith((W3C_GRAPHS, new_graphs)):
            live.store.update(f"DROP SILENT GRAPH <{iri}>")


def run(test: GspTest, live: Live) -> None:
    variables: dict[str, str] = {}
    for number, step in enumerate(test.steps, start=1):
        path, body = step.path, step.body
        for name, value in variables.items():
            path = path.replace(name, value)
            body = body.replace(name, value) if body is not None else None
        assert path.startswith("/gsp")
        url = live.url + "/store" + path.removeprefix("/gsp")
        headers = {**step.headers, "Authorization": f"Bearer {ADMIN_TOKEN}"}
        response = requests.request(
            step.method,
            url,
            headers=headers,
            data=body.encode("utf-8") if body is not None else None,
            timeout=30,
        )
        where = f"step {number} ({step.method} {path})"
        expected = {STATUS[s] for s in step.statuses}
        assert response.status_code in expected, (where, response.status_code, response.text)
        if step.location_template:
            variables[step.location_template] = response.headers["Location"]
        if step.response_type:
            assert _media(response.headers["Content-Type"]) == _media(step.response_type), where
        if step.response_body is not None:
            media_type = step.response_type or "text/turtle"
            assert media_type.startswith("text/turtle")
            got = Graph().parse(data=response.text, format="turtle")
            want = Graph().parse(data=step.response_body, format="turtle")
            assert isomorphic(got, want), (where, response.text)


def _marks(test: GspTest) -> list[pytest.MarkDecorator]:
    reasons = [NOT_HERE[r] for r in sorted(test.requires) if r in NOT_HERE]
    if test.name in XFAIL:
        reasons.append(XFAIL[test.name])
    return [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []


def test_manifest_was_read() -> None:
    assert len(TESTS) == 13 and all(t.steps for t in TESTS)
    assert sum("DirectGraphIdentification" in t.requires for t in TESTS) == 4


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name, marks=_marks(t)) for t in TESTS])
def test_graph_store_protocol(test: GspTest, live_gsp: Live) -> None:
    _clear(live_gsp)
    try:
        run(test, live_gsp)
    finally:
        _clear(live_gsp)


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name, marks=_marks(t)) for t in TESTS])
def test_graph_store_protocol_through_cspkg_serve_on_virtuoso(
    test: GspTest, served_virtuoso: Live
) -> None:
    """The same cases through ``cspkg serve --backend URL --backend-profile virtuoso``."""
    _clear(served_virtuoso)
    try:
        run(test, served_virtuoso)
    finally:
        _clear(served_virtuoso)
