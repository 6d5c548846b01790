"""Two real endpoints on loopback: this service, and an ``oxigraph`` server standing in for
national open data (a made-up deprivation cube) and another partnership's plan.

Federated SPARQL through our /sparql joins local crime and plans with the remote data;
``cspkg harvest`` copies from the remote endpoint with provenance and fails cleanly when
the endpoint is gone, keeping the last harvest.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, VOID

from cspkg.cli import cli
from cspkg.config import Settings, load_settings
from cspkg.errors import StoreUnavailable
from cspkg.services.harvest import harvest
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from tests.conftest import FIXTURES, _serve, free_port, put_graph

B = "https://cspkg.example.org/"
STANDIN = FIXTURES / "federation" / "imd-standin.ttl"
STANDIN_NS = Namespace("http://standin.example.org/def/")
PREFIXES = """
PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
PREFIX p-plan: <http://purl.org/net/p-plan#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX geo: <http://opendatacommunities.org/def/ontology/geography/>
PREFIX standin: <http://standin.example.org/def/>
"""


@pytest.fixture(scope="module")
def national(oxigraph: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The stand-in server: the deprivation cube and the fictional Exampleton plan."""
    url = oxigraph()
    put_graph(url, "urn:standin:imd", STANDIN.read_bytes())
    out = tmp_path_factory.mktemp("exampleton")
    plan = FIXTURES / "plans" / "exampleton-csp-delivery-plan-2024-25.txt"
    import_plan(plan, load_settings(environ={}), out)
    put_graph(
        url, "urn:standin:exampleton", (out / "plans" / "exampleton-csp-2024-25.ttl").read_bytes()
    )
    return url


@pytest.fixture(scope="module")
def service(national: str) -> Iterator[tuple[str, Settings]]:
    """Our service on the real data, with only the stand-in's query endpoint allowed."""
    settings = replace(
        load_settings(environ={}), service_allow_list=(national + "/query",), query_timeout=20.0
    )
    store = EmbeddedStore(workers=1)
    store.replace_sources(find_sources(B, [settings.ontology_dir, settings.data_dir]))
    server, url = _serve(settings, store)
    yield url, settings
    server.shutdown()
    store.close()


def select(url: str, query: str) -> list[dict[str, str]]:
    response = requests.post(
        url + "/sparql",
        data={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


def test_federated_join_of_local_crime_and_remote_deprivation(
    service: tuple[str, Settings], national: str
) -> None:
    url, _ = service
    found = select(
        url,
        f"""
        SELECT ?lsoa ?lsoaLabel ?crimes ?rank WHERE {{
          {{ SELECT ?lsoa (SUM(?count) AS ?crimes)
             WHERE {{ ?obs cspkg:crimeCategory ?c ; sdmx:refArea ?lsoa ; cspkg:crimeCount ?count }}
             GROUP BY ?lsoa }}
          ?lsoa rdfs:label ?lsoaLabel .
          SERVICE <{national}/query> {{ ?o geo:refArea ?lsoa ; standin:imdRank ?rank }}
        }} ORDER BY DESC(?crimes) ?lsoa""",
    )
    standin = Graph().parse(STANDIN)
    expected_rank = {
        str(
            standin.value(
                o, URIRef("http://opendatacommunities.org/def/ontology/geography/refArea")
            )
        ): str(r)
        for o, r in standin.subject_objects(STANDIN_NS.imdRank)
    }
    assert len(found) == 60
    assert sum(int(row["crimes"]) for row in found) == 638
    assert all(row["rank"] == expected_rank[row["lsoa"]] for row in found)
    assert found[0]["lsoaLabel"].startswith("Cannock Chase ")


def test_federated_join_of_two_partnerships_plans(
    service: tuple[str, Settings], national: str
) -> None:
    url, _ = service
    found = select(
        url,
        f"""
        SELECT DISTINCT ?agency ?label WHERE {{
          ?mine p-plan:isStepOfPlan <{B}id/delivery-plan/cannock-chase-csp/2024-25> ;
                cspkg:responsibleAgency|cspkg:supportingAgency ?agency .
          ?agency rdfs:label ?label .
          SERVICE <{national}/query> {{
            ?theirs p-plan:isStepOfPlan <{B}id/delivery-plan/exampleton-csp/2024-25> ;
                    cspkg:responsibleAgency|cspkg:supportingAgency ?agency .
          }}
        }} ORDER BY ?label""",
    )
    labels = [row["label"] for row in found]
    assert "Staffordshire Police" in labels
    assert "Vysions Youth Service" in labels
    assert "Cannock Chase District Council - Community Safety Team" in labels


def test_service_not_on_the_allow_list_is_refused(service: tuple[str, Settings]) -> None:
    url, _ = service
    other = f"http://127.0.0.1:{free_port()}/query"
    response = requests.post(
        url + "/sparql",
        data={"query": f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}"},
        timeout=10,
    )
    assert response.status_code == 403
    assert other in response.text


HARVEST_QUERY = """PREFIX geo: <http://opendatacommunities.org/def/ontology/geography/>
PREFIX standin: <http://standin.example.org/def/>
CONSTRUCT { ?o geo:refArea ?area ; standin:imdDecile ?decile }
WHERE { ?o geo:refArea ?area ; standin:imdDecile ?decile }
"""


@pytest.fixture
def query_file(tmp_path: Path) -> Path:
    path = tmp_path / "deprivation.rq"
    path.write_text(HARVEST_QUERY, encoding="utf-8")
    return path


def test_harvest_lands_with_provenance(national: str, query_file: Path, tmp_path: Path) -> None:
    settings = load_settings(environ={})
    report = harvest(national + "/query", query_file, settings, out_dir=tmp_path)
    assert report.path == tmp_path / "harvest" / "deprivation.ttl"
    graph = Graph().parse(report.path)
    dataset = URIRef(B + "id/dataset/harvest/deprivation")
    activity = graph.value(dataset, PROV.wasGeneratedBy)
    assert activity is not None
    assert URIRef(national + "/query") in set(graph.objects(activity, PROV.used))
    assert graph.value(activity, PROV.startedAtTime) is not None
    assert graph.value(dataset, VOID.triples) == Literal(120)
    used_query = [q for q in graph.objects(activity, PROV.used) if (q, RDF.value, None) in graph]
    assert str(graph.value(used_query[0], RDF.value)) == HARVEST_QUERY


def test_harvest_from_a_stopped_endpoint_fails_cleanly_and_keeps_the_last(
    national: str, query_file: Path, tmp_path: Path
) -> None:
    settings = load_settings(environ={})
    first = harvest(national + "/query", query_file, settings, out_dir=tmp_path)
    before = first.path.read_bytes()
    dead = f"http://127.0.0.1:{free_port()}/query"
    waits: list[float] = []
    with pytest.raises(StoreUnavailable, match="did not answer"):
        harvest(dead, query_file, settings, out_dir=tmp_path, retries=2, sleep=waits.append)
    assert len(waits) == 2  # two retries, backing off
    assert waits[1] > waits[0]
    assert first.path.read_bytes() == before


def test_harvest_cli_reports_a_dead_endpoint(query_file: Path, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/query"
    data = tmp_path / "data"
    shutil.copytree(load_settings(environ={}).data_dir / "reference", data / "reference")
    result = CliRunner().invoke(
        cli,
        ["harvest", dead, "--query", str(query_file), "--retries", "0"],
        env={"CSPKG_DATA_DIR": str(data)},
    )
    assert result.exit_code == 2
    assert "did not answer" in result.output
    assert "last harvest, if any, is unchanged" in result.output
    assert "Traceback" not in result.output


def test_harvest_refuses_a_select_query(tmp_path: Path) -> None:
    path = tmp_path / "select.rq"
    path.write_text("PREFIX x: <urn:x>\n# a comment\nSELECT * WHERE { ?s ?p ?o }\n")
    result = CliRunner().invoke(cli, ["harvest", "http://127.0.0.1:9/q", "--query", str(path)])
    assert result.exit_code == 2
    assert "needs a CONSTRUCT or DESCRIBE query" in result.output


def test_federated_canned_query_through_the_query_api(
    service: tuple[str, Settings], national: str
) -> None:
    url, _ = service
    endpoint = national + "/query"
    response = requests.get(
        url + "/queries/crime-and-deprivation.json", params={"endpoint": endpoint}, timeout=60
    )
    assert response.status_code == 200, response.text
    document = response.json()
    rows = document["rows"]
    assert {row["measureLabel"]["value"] for row in rows} == {"imdRank", "imdDecile"}
    assert len(rows) == 120  # 60 LSOAs, two measures each
    assert all(row["lsoaLabel"]["value"].startswith("Cannock Chase ") for row in rows)


def test_federated_canned_query_to_an_endpoint_off_the_list_is_refused(
    service: tuple[str, Settings],
) -> None:
    url, _ = service
    response = requests.get(url + "/queries/crime-and-deprivation.json", timeout=10)
    assert response.status_code == 403  # the default, opendatacommunities.org, is not allowed
    assert "allow-list" in response.json()["message"]
