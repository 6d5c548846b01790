"""Paged canned queries over HTTP: plan-summary a page of plans at a time, with links."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from cspkg.config import Settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

B = "https://cspkg.example.org/"
PLANS = [f"{B}id/delivery-plan/p{n}/2024-25" for n in range(5)]


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    store = EmbeddedStore()
    for n, plan in enumerate(PLANS):
        data = f'<{plan}> a <https://cspkg.example.org/def/cspkg#DeliveryPlan> ; <http://www.w3.org/2000/01/rdf-schema#label> "Plan {n}" .'
        store.load_graph(f"{B}graph/plans/p{n}", data.encode(), "text/turtle")
    settings = Settings()
    yield create_app(settings, store).test_client()
    store.close()


def _offset(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["offset"][0])


def test_json_pages_cover_every_plan_once(client: FlaskClient) -> None:
    seen: list[str] = []
    url: str | None = "/queries/plan-summary.json?limit=2"
    pages = 0
    while url is not None:
        body = client.get(url).get_json()
        seen += [row["plan"]["value"] for row in body["rows"]]
        assert body["parameters"]["limit"]["value"] == "2"
        url = body["links"].get("next")
        if url is not None:
            assert url.startswith("http") and "/queries/plan-summary.json?" in url
            assert _offset(url) == 2 * (pages + 1)
            url = url[url.index("/queries/") :]
        pages += 1
    assert sorted(seen) == sorted(PLANS) and pages == 3  # 2 + 2 + 1
    last = client.get("/queries/plan-summary.json?limit=2&offset=4").get_json()
    assert "next" not in last["links"] and _offset(last["links"]["prev"]) == 2
    first = client.get("/queries/plan-summary.json?limit=2").get_json()
    assert "prev" not in first["links"]


def test_default_page_and_range_of_limit(client: FlaskClient) -> None:
    body = client.get("/queries/plan-summary.json").get_json()
    assert len(body["rows"]) == 5 and "next" not in body["links"]  # under the default 50
    for bad in ("0", "101", "-1", "x"):
        response = client.get(f"/queries/plan-summary.json?limit={bad}")
        assert response.status_code == 400, bad
        assert "from 1 to 100" in response.get_json()["message"]
    assert client.get("/queries/plan-summary.json?offset=-1").status_code == 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rels: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("rel") in ("next", "prev"):
            self.rels[str(found["rel"])] = str(found["href"])


def test_html_page_links_previous_and_next(client: FlaskClient) -> None:
    response = client.get("/queries/plan-summary?limit=2&offset=2", headers={"Accept": "text/html"})
    assert response.status_code == 200
    links = _Links()
    links.feed(response.get_data(as_text=True))
    assert _offset(links.rels["next"]) == 4 and _offset(links.rels["prev"]) == 0
    assert links.rels["next"].startswith("/queries/plan-summary?")
    assert 'rel="next"' in response.headers["Link"]


def test_queries_without_paging_have_no_page_links(client: FlaskClient) -> None:
    body = client.get("/queries/agency-workload.json").get_json()
    assert "next" not in body["links"] and "prev" not in body["links"]


def test_sparql_results_pages_written_by_a_query_worker() -> None:
    """With query workers the SPARQL results come back already written (no terms in
    this process): the page links still know whether the page was full."""
    store = EmbeddedStore(workers=1)
    try:
        for n, plan in enumerate(PLANS):
            data = f'<{plan}> a <https://cspkg.example.org/def/cspkg#DeliveryPlan> ; <http://www.w3.org/2000/01/rdf-schema#label> "Plan {n}" .'
            store.load_graph(f"{B}graph/plans/p{n}", data.encode(), "text/turtle")
        client = create_app(Settings(), store).test_client()
        accept = {"Accept": "application/sparql-results+json"}
        full = client.get("/queries/plan-summary?limit=2", headers=accept)
        assert full.status_code == 200
        assert len(full.get_json()["results"]["bindings"]) == 2
        assert 'rel="next"' in full.headers["Link"] and 'rel="prev"' not in full.headers["Link"]
        last = client.get("/queries/plan-summary?limit=2&offset=4", headers=accept)
        assert last.status_code == 200
        assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    finally:
        store.close()
