"""Answers cached per store version: ETag, Last-Modified, 304s, invalidation by writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient

from cspkg.config import Settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app
from cspkg.web.caching import Answer, ResultCache

QUERY = "SELECT ?o WHERE { <urn:s> <urn:p> ?o }"
JSON = "application/sparql-results+json"


class CountingStore(EmbeddedStore):
    """An embedded store that counts the queries it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def query(self, sparql: str, **kwargs: Any) -> Any:
        self.queries += 1
        return super().query(sparql, **kwargs)


@pytest.fixture
def store() -> Iterator[CountingStore]:
    made = CountingStore()
    made.load_graph("urn:g", b"<urn:s> <urn:p> 1 .", "text/turtle")
    yield made
    made.close()


@pytest.fixture
def client(settings: Settings, store: CountingStore) -> FlaskClient:
    return create_app(settings, store).test_client()


def get(client: FlaskClient, **headers: str) -> Any:
    return client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": JSON, **headers})


def test_etag_and_last_modified_present(client: FlaskClient) -> None:
    response = get(client)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.headers["Last-Modified"].endswith("GMT")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Vary"] == "Accept"


def test_if_none_match_gives_304_without_running(client: FlaskClient, store: CountingStore) -> None:
    etag = get(client).headers["ETag"]
    ran = store.queries
    response = get(client, **{"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag
    assert store.queries == ran


def test_if_modified_since_gives_304(client: FlaskClient) -> None:
    last_modified = get(client).headers["Last-Modified"]
    assert get(client, **{"If-Modified-Since": last_modified}).status_code == 304


def test_repeat_is_served_from_cache(client: FlaskClient, store: CountingStore) -> None:
    first = get(client)
    second = get(client)
    assert store.queries == 1
    assert second.data == first.data
    assert second.headers["Content-Type"] == first.headers["Content-Type"]


def test_no_cache_request_runs_the_query(client: FlaskClient, store: CountingStore) -> None:
    get(client)
    get(client, **{"Cache-Control": "no-cache"})
    assert store.queries == 2


def test_a_write_changes_the_etag_and_the_answer(client: FlaskClient, store: CountingStore) -> None:
    before = get(client)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 2 } }")
    after = get(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b'"2"' in after.data and b'"2"' not in before.data


def test_media_type_is_part_of_the_key(client: FlaskClient) -> None:
    as_json = get(client)
    as_csv = get(client, Accept="text/csv")
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert as_csv.headers["ETag"] != as_json.headers["ETag"]


def test_post_is_not_cached(client: FlaskClient, store: CountingStore) -> None:
    for _ in range(2):
        response = client.post("/sparql", data={"query": QUERY}, headers={"Accept": JSON})
        assert "ETag" not in response.headers
    assert store.queries == 2


def test_errors_are_not_cached(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT {"})
    assert response.status_code == 400 and "ETag" not in response.headers


def test_off_without_a_shared_version_and_when_disabled(
    settings: Settings, store: CountingStore
) -> None:
    off = create_app(replace(settings, result_cache_bytes=0), store).test_client()
    assert "ETag" not in get(off).headers
    store.shared_version = False  # as an Oxigraph backend: writes by others are unseen here
    assert "ETag" not in get(create_app(settings, store).test_client()).headers


def test_cache_is_bounded_and_emptied_by_a_new_generation() -> None:
    cache = ResultCache(max_bytes=10, max_entry_bytes=6)
    cache.put(1, "a", Answer(b"12345", ()))
    cache.put(1, "b", Answer(b"12345", ()))
    cache.put(1, "c", Answer(b"12345", ()))
    assert cache.get(1, "a") is None and cache.get(1, "c") is not None
    cache.put(1, "big", Answer(b"1234567", ()))
    assert cache.get(1, "big") is None
    assert cache.get(2, "c") is None
