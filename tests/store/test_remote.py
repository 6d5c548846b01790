"""The remote store's connection handling, against a real ``oxigraph serve``."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from cspkg.errors import QuerySyntaxError, QueryTimeout, StoreUnavailable
from cspkg.store import RemoteStore, SelectResult
from cspkg.store import remote as remote_module
from cspkg.store.base import AskResult, SerializedResult
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


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections, reads the request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_is_a_read_timeout(silent_server: str) -> None:
    store = RemoteStore(silent_server, write_timeout=1.0)
    try:
        with pytest.raises(QueryTimeout, match=r"1 s limit .*\(read timeout"):
            store.query("ASK {}", timeout=1.0)
        with pytest.raises(StoreUnavailable, match=r"did not answer within 1 s \(read timeout\)"):
            store.load_graph("urn:g", DATA, "text/turtle")
        with pytest.raises(QueryTimeout, match="read timeout"):  # no query timeout given
            store.query("ASK {}")
    finally:
        store.close()


def test_a_server_that_accepts_no_connection_is_a_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listener whose accept queue is full: the kernel drops new connection attempts."""
    monkeypatch.setattr(remote_module, "CONNECT_TIMEOUT", 0.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    fillers = []
    for _ in range(4):  # fill the queue (never accepted)
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(listener.getsockname())
        fillers.append(filler)
    time.sleep(0.1)
    store = RemoteStore(url, write_timeout=5.0)
    try:
        with pytest.raises(StoreUnavailable, match=r"connection within 0.5 s \(connect timeout\)"):
            store.query("ASK {}", timeout=5.0)
        with pytest.raises(StoreUnavailable, match=r"\(connect timeout\)"):
            store.update("DROP ALL")
    finally:
        store.close()
        for filler in fillers:
            filler.close()
        listener.close()


def test_an_update_sent_as_a_query_is_a_syntax_error(remote: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError, match="line 1"):
        remote.query('INSERT DATA { <urn:a> <urn:b> "c" }')


JSON = "application/sparql-results+json"


def test_a_select_leaves_as_the_type_asked_for_written_by_the_engine(remote: RemoteStore) -> None:
    """The server's answer is parsed and written again (never passed on as it came), in
    the client's type, counted, and cut at ``max_rows`` as the typed path does."""
    many = "".join(f'<urn:s{i}> <urn:p> "a,{{{i}" .\n' for i in range(5)).encode()
    remote.load_graph("http://example.org/h", many, "text/turtle")
    query = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s"
    for media_type in (JSON, "application/sparql-results+xml"):
        whole = remote.query(query, max_rows=10, formats={"results": media_type})
        assert isinstance(whole, SerializedResult) and whole.media_type == media_type
        assert (whole.rows, whole.truncated) == (5, False)
        cut = remote.query(query, max_rows=3, formats={"results": media_type})
        assert isinstance(cut, SerializedResult) and (cut.rows, cut.truncated) == (3, True)
    body = remote.query(query, max_rows=10, formats={"results": JSON})
    typed = remote.query(query, max_rows=10)
    assert isinstance(body, SerializedResult) and isinstance(typed, SelectResult)
    bindings = json.loads(body.body)["results"]["bindings"]
    assert [b["o"]["value"] for b in bindings] == [row[1].value for row in typed.rows]
    # CSV stays ours (formulas defused), ASK stays typed
    assert isinstance(remote.query(query, formats={"results": "text/csv"}), SelectResult)
    assert remote.query("ASK {}", formats={"results": JSON}) == AskResult(True)
