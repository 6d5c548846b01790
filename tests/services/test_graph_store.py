"""The Graph Store Protocol service without HTTP, on both stores: rules, reads, writes."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cspkg.config import PROJECT_ROOT, Settings
from cspkg.errors import (
    AuthenticationRequired,
    GraphNotFound,
    MethodNotAllowed,
    ProtocolError,
    QueryRefused,
    RdfInputError,
    RequestTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from cspkg.services.graph_store import (
    NEW_GRAPHS,
    GraphStore,
    Payload,
    Target,
    input_format,
    target_of,
)
from cspkg.services.sparql_service import SparqlService
from cspkg.store import Store

from ..conftest import FIXTURES

TOKEN = "Bearer t0ken"
TURTLE = "text/turtle; charset=utf-8"
PERSON = b"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<urn:person:1> a foaf:Person ; foaf:name "Ann" ; foaf:knows [ foaf:name "Bo" ] ."""
NO_LABEL = b"""@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
<urn:action:1> a cspkg:Action ; cspkg:ordinal 1 ."""
G = Target("graph", "urn:test:g")


@pytest.fixture
def gsp(store: Store, settings: Settings) -> GraphStore:
    settings = replace(
        settings,
        admin_token="t0ken",
        max_upload_bytes=2_000,
        ontology_dir=FIXTURES / "ontology",
        shapes_dir=FIXTURES / "service-shapes",
    )
    return GraphStore(SparqlService(store, settings))


def _graph(gsp: GraphStore, target: Target, media_type: str = "text/turtle") -> Graph:
    body = gsp.read(target, media_type)
    assert isinstance(body, bytes)
    return Graph().parse(data=body, format={"text/turtle": "turtle"}.get(media_type, "nt"))


def _put(gsp: GraphStore, data: bytes, target: Target = G, media: str = TURTLE) -> bool:
    return gsp.put(target, [Payload(media, data)], TOKEN).created


def test_target_rules() -> None:
    assert target_of({}) == Target("store")
    assert target_of({"default": [""]}) == Target("default")
    assert target_of({"graph": ["urn:x"]}) == Target("graph", "urn:x")
    for bad in ({"graph": ["urn:x"], "default": [""]}, {"graph": ["a", "b"]}, {"graph": ["x"]}):
        with pytest.raises(ProtocolError):
            target_of(bad)


@pytest.mark.parametrize(
    "content_type", [None, "", "text/plain", "application/n-quads", "text/turtle; charset=latin1"]
)
def test_unsupported_content_types(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        input_format(content_type)


def test_input_formats() -> None:
    assert input_format("Text/Turtle; charset=UTF-8") is RdfFormat.TURTLE
    assert input_format("application/ld+json") is RdfFormat.JSON_LD


def test_put_get_round_trip_and_replace(gsp: GraphStore) -> None:
    assert _put(gsp, PERSON) is True
    assert isomorphic(_graph(gsp, G), Graph().parse(data=PERSON, format="turtle"))
    assert _put(gsp, b"<urn:a> <urn:b> <urn:c> .") is False
    assert set(_graph(gsp, G, "application/n-triples")) == set(
        Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="nt")
    )


def test_post_merges_with_blank_nodes_kept_apart(gsp: GraphStore) -> None:
    assert gsp.post(G, [Payload(TURTLE, b"_:x <urn:p> 1 .")], TOKEN).created is True
    outcome = gsp.post(G, [Payload("application/n-triples", b'_:x <urn:p> "2" .')], TOKEN)
    assert outcome.created is False
    subjects = set(_graph(gsp, G).subjects())
    assert len(subjects) == 2  # the same label in two documents is two nodes


def test_post_to_the_store_makes_a_new_graph(gsp: GraphStore) -> None:
    outcome = gsp.post(Target("store"), [Payload(TURTLE, PERSON)], TOKEN)
    assert outcome.created and outcome.graph.startswith(gsp.settings.base + NEW_GRAPHS)
    assert len(_graph(gsp, Target("graph", outcome.graph))) == 4


def test_delete_then_missing(gsp: GraphStore) -> None:
    _put(gsp, PERSON)
    gsp.delete(G, TOKEN)
    with pytest.raises(GraphNotFound):
        gsp.read(G, "text/turtle")
    with pytest.raises(GraphNotFound):
        gsp.delete(G, TOKEN)


def test_default_graph_is_the_read_only_union(gsp: GraphStore) -> None:
    _put(gsp, PERSON)
    _put(gsp, PERSON, Target("graph", "urn:test:h"))
    union = _graph(gsp, Target("default"), "application/n-triples")
    assert len(union) == 6  # two blank nodes per copy, the named triples once
    for method in ("PUT", "POST", "DELETE"):
        with pytest.raises(MethodNotAllowed) as caught:
            if method == "DELETE":
                gsp.delete(Target("default"), TOKEN)
            else:
                getattr(gsp, method.lower())(Target("default"), [Payload(TURTLE, PERSON)], TOKEN)
        assert caught.value.allowed == ("GET", "HEAD")
    with pytest.raises(MethodNotAllowed):
        gsp.put(Target("store"), [Payload(TURTLE, PERSON)], TOKEN)


def test_nquads_read_names_the_graph(gsp: GraphStore) -> None:
    _put(gsp, PERSON)
    body = gsp.read(G, "application/n-quads")
    assert isinstance(body, bytes)
    assert {str(q.graph_name) for q in parse(body, format=RdfFormat.N_QUADS)} == {"<urn:test:g>"}


def test_whole_store_as_quads(gsp: GraphStore) -> None:
    _put(gsp, PERSON)
    body = b"".join(gsp.read(Target("store"), "application/trig"))
    dataset = Dataset()
    dataset.parse(data=body, format="trig")
    assert len(dataset) == 4


def test_writes_need_the_token(gsp: GraphStore) -> None:
    payload = [Payload(TURTLE, PERSON)]
    with pytest.raises(AuthenticationRequired):
        gsp.put(G, payload, None)
    with pytest.raises(QueryRefused, match="does not allow"):
        gsp.post(G, payload, "Bearer wrong")
    read_only = GraphStore(replace(gsp.sparql, settings=replace(gsp.settings, admin_token=None)))
    with pytest.raises(QueryRefused, match="read-only"):
        read_only.delete(G, TOKEN)
    assert gsp.store.triple_count() == 0


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (Payload(TURTLE, b"<urn:a> <urn:b> ."), RdfInputError),
        (Payload(TURTLE, b"# " + b"x" * 2_000), RequestTooLarge),
        (Payload("application/ld+json", b'{"@context": "http://127.0.0.1:9/c"}'), RdfInputError),
        (
            Payload(
                "application/ld+json", b'{"@id": "urn:g", "@graph": [{"@id": "urn:a", "urn:p": 1}]}'
            ),
            RdfInputError,
        ),
        (Payload("application/trig", b"<urn:g> { <urn:a> <urn:b> <urn:c> }"), UnsupportedMediaType),
        (Payload(TURTLE, NO_LABEL), ValidationFailed),
    ],
    ids=["syntax", "too-large", "remote-context", "jsonld-graph", "trig", "shapes"],
)
def test_bad_writes_leave_the_store_unchanged(
    gsp: GraphStore, payload: Payload, error: type[Exception]
) -> None:
    _put(gsp, PERSON)
    before = gsp.store.triple_count()
    with pytest.raises(error) as caught:
        gsp.put(G, [payload], TOKEN)
    assert str(PROJECT_ROOT.parent) not in str(caught.value)
    with pytest.raises(error):
        gsp.post(G, [payload], TOKEN)
    assert gsp.store.triple_count() == before


def test_validation_sees_the_whole_dataset(gsp: GraphStore) -> None:
    """An action typed in one graph and labelled in another: dropping the label is refused."""
    labels = Target("graph", "urn:test:labels")
    _put(gsp, b'<urn:action:1> <http://www.w3.org/2000/01/rdf-schema#label> "One" .', labels)
    _put(gsp, NO_LABEL)
    with pytest.raises(ValidationFailed, match="needs a label"):
        gsp.delete(labels, TOKEN)
    assert len(_graph(gsp, labels)) == 1


def test_every_write_leaves_one_audit_line(
    gsp: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Graph Store writes are audited like SPARQL Update: outcome, token fingerprint, graph."""
    with caplog.at_level(logging.INFO, logger="cspkg.audit"):
        gsp.put(G, [Payload(TURTLE, PERSON)], TOKEN)
        with pytest.raises(AuthenticationRequired):
            gsp.delete(G, None)
    lines = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    assert len(lines) == 2
    assert lines[0].startswith("write committed") and "urn:test:g" in lines[0]
    assert lines[1].startswith("write refused (AuthenticationRequired)")
    assert "t0ken" not in " ".join(lines)
