"""Query worker processes: timeouts kill the worker, the pool keeps answering."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from cspkg.errors import QuerySyntaxError, QueryTimeout
from cspkg.store import AskResult, EmbeddedStore, SelectResult
from cspkg.store.pool import PoolLimits

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def pooled() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(workers=2)
    data = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
    store.load_graph("urn:g", data, "text/turtle")
    yield store
    store.close()


def test_answers_through_workers(pooled: EmbeddedStore) -> None:
    result = pooled.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=10)
    assert isinstance(result, SelectResult) and result.rows[0][0].value == "300"


def test_syntax_error_crosses_process_boundary(pooled: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        pooled.query("ASK {", timeout=10)
    assert caught.value.line == 1 and caught.value.column == 6


def test_timeout_kills_and_others_proceed(pooled: EmbeddedStore) -> None:
    outcome: list[object] = []

    def slow() -> None:
        try:
            pooled.query(SLOW, timeout=1.0)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.2)
    assert pooled.query("ASK { ?s ?p 5 }", timeout=5) == AskResult(True)
    assert time.monotonic() - started < 1.0  # answered while the slow one ran
    thread.join()
    assert outcome and isinstance(outcome[0], QueryTimeout)
    assert pooled.query("ASK { ?s ?p 7 }", timeout=10) == AskResult(True)


def test_writes_reach_workers(pooled: EmbeddedStore) -> None:
    pooled.update("INSERT DATA { GRAPH <urn:h> { <urn:new> <urn:p> 1 } }")
    assert pooled.query("ASK { <urn:new> ?p ?o }", timeout=10) == AskResult(True)


@pytest.mark.parametrize("spares", [1, 0])
def test_a_spare_takes_a_killed_workers_place_at_once(spares: int) -> None:
    """With a spare, the killed worker's slot is free when the timeout is answered (a
    client waiting for it goes at once) and a new spare starts behind; without one the
    slot waits for a new worker to start and open the snapshot."""
    store = EmbeddedStore(workers=1, limits=PoolLimits(spares=spares))
    try:
        data = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
        store.load_graph("urn:g", data, "text/turtle")
        store.warm()
        pool = store.pool
        assert pool is not None
        with pytest.raises(QueryTimeout):
            store.query(SLOW, timeout=0.5)
        assert pool.admission.state()["free"] == spares
        assert store.query("ASK { ?s ?p 1 }", timeout=30) == AskResult(True)
        until = time.monotonic() + 60
        while pool._spares.qsize() < spares and time.monotonic() < until:
            time.sleep(0.05)
        assert pool._spares.qsize() == spares  # the spare used was replaced
    finally:
        store.close()
