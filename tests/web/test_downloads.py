"""/data/dataset.* and /.well-known/void on both stores, over real HTTP."""

from __future__ import annotations

import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, RDF, RDFS, VOID

from cspkg.store.base import SelectResult

from ..conftest import Live

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DOWNLOADS = {
    "nq": ("application/n-quads", "nquads"),
    "trig": ("application/trig", "trig"),
    "jsonld": ("application/ld+json", "json-ld"),
}


def _fetch(live: Live, path: str, **headers: str) -> requests.Response:
    response = requests.get(live.url + path, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _count(live: Live, sparql: str) -> int:
    result = live.store.query(sparql)
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


@pytest.mark.parametrize("extension", DOWNLOADS)
def test_dataset_downloads_keep_every_quad_and_graph(live_data: Live, extension: str) -> None:
    media_type, rdflib_format = DOWNLOADS[extension]
    response = _fetch(live_data, f"/data/dataset.{extension}")
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert f'filename="dataset.{extension}"' in response.headers["Content-Disposition"]
    dataset = Dataset()
    dataset.parse(data=response.content, format=rdflib_format)
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == set(live_data.store.graphs())
    quads = sum(1 for _ in dataset.quads((None, None, None, None)))
    assert quads == live_data.store.triple_count()


def test_turtle_download_is_the_union_of_the_graphs(live_data: Live) -> None:
    response = _fetch(live_data, "/data/dataset.ttl")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.content, format="turtle")
    distinct = _count(
        live_data,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }",
    )
    assert len(graph) == distinct > 3000  # the plan, reference data and a month of crime counts


def test_unknown_download_is_404(live_data: Live) -> None:
    assert requests.get(live_data.url + "/data/dataset.xlsx", timeout=10).status_code == 404


@pytest.fixture(scope="module")
def void(live_data: Live) -> Graph:
    response = _fetch(live_data, "/.well-known/void")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    return Graph().parse(data=response.content, format="turtle")


def _dataset(graph: Graph, live: Live) -> URIRef:
    found = URIRef(live.url + "/.well-known/void#dataset")
    assert (found, RDF.type, VOID.Dataset) in graph
    assert (found, RDF.type, DCAT.Dataset) in graph
    return found


def test_void_counts_what_the_store_holds(void: Graph, live_data: Live) -> None:
    dataset = _dataset(void, live_data)
    assert void.value(dataset, VOID.triples).toPython() == live_data.store.triple_count()
    subsets = list(void.objects(dataset, VOID.subset))
    names = {str(void.value(s, SD.name)): void.value(s, VOID.triples).toPython() for s in subsets}
    assert set(names) == set(live_data.store.graphs())
    assert sum(names.values()) == live_data.store.triple_count()
    plan = live_data.settings.base + "graph/data/plans/cannock-chase-csp-2024-25"
    plan_count = _count(
        live_data, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{plan}> {{ ?s ?p ?o }} }}"
    )
    assert names[plan] == plan_count


def test_void_says_how_to_reach_the_data(void: Graph, live_data: Live) -> None:
    dataset = _dataset(void, live_data)
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(live_data.sparql)
    dumps = {str(u) for u in void.objects(dataset, VOID.dataDump)}
    assert dumps == {f"{live_data.url}/data/dataset.{e}" for e in ("nq", "trig", "ttl", "jsonld")}
    media = {
        str(void.value(d, DCAT.downloadURL)): str(void.value(d, DCAT.mediaType))
        for d in void.objects(dataset, DCAT.distribution)
    }
    assert media[f"{live_data.url}/data/dataset.ttl"].endswith("/text/turtle")
    assert set(media) == dumps
    vocabularies = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    assert {"https://cspkg.example.org/def/cspkg#", "http://www.w3.org/ns/org#"} <= vocabularies
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/title")) == Literal(
        "CSP Knowledge Graph", lang="en"
    )
    for url in dumps:  # every advertised download is there
        assert requests.head(url, timeout=30).status_code == 200


def test_void_as_json_ld_by_accept(live_data: Live) -> None:
    response = _fetch(live_data, "/.well-known/void", Accept="application/ld+json")
    assert response.headers["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content, format="json-ld")
    dataset = _dataset(graph, live_data)
    assert graph.value(dataset, VOID.triples).toPython() == live_data.store.triple_count()


def test_service_description_links_the_void(live_data: Live) -> None:
    response = _fetch(live_data, "/sparql", Accept="text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    assert (
        URIRef(live_data.sparql),
        RDFS.seeAlso,
        URIRef(live_data.url + "/.well-known/void"),
    ) in graph
