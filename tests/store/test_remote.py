"""The remote store's connection handling, against a real ``oxigraph serve``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cspkg.errors import QuerySyntaxError, StoreUnavailable
from cspkg.store import RemoteStore, SelectResult
from tests.conftest import CountingProxy, free_port

DATA = b"<http://example.org/a> <http://example.org/p> 1 .\n"


@pytest.fixture
def remote(counting_proxy: CountingProxy) -> Iterator[RemoteStore]:
    store = RemoteStore(counting_proxy.url)
    store.update("DROP ALL")
    store.load_graph("http://example.org/g", DATA, "text/turtle")
    yield store
    store.close()


def _count(store: RemoteStore) -> int:
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult) and result.rows[0][0] is not None
    return int(result.rows[0][0].value)


def test_queries_reuse_one_connection(remote: RemoteStore, counting_proxy: CountingProxy) -> None:
    _count(remote)
    before = counting_proxy.accepted
    answers = [_count(remote) for _ in range(20)]
    assert answers == [1] * 20
    assert counting_proxy.accepted == before  # 20 queries, no new connection


def test_a_connection_the_server_closed_is_replaced(
    remote: RemoteStore, counting_proxy: CountingProxy
) -> None:
    _count(remote)
    before = counting_proxy.accepted
    counting_proxy.cut()
    assert _count(remote) == 1
    assert counting_proxy.accepted == before + 1


def test_errors_on_a_reused_connection_keep_it_usable(
    remote: RemoteStore, counting_proxy: CountingProxy
) -> None:
    _count(remote)
    before = counting_proxy.accepted
    with pytest.raises(QuerySyntaxError, match="line 1"):
        remote.query("SELECT ?x WHERE { ?x ")
    assert _count(remote) == 1
    assert counting_proxy.accepted == before


def test_unreachable_server_is_unavailable_not_a_timeout() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailable, match="could not be reached"):
        store.query("ASK {}", timeout=5)
    store.close()
