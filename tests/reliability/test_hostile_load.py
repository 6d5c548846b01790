"""Issue 15's findings, reproduced against a running ``cspkg serve`` (gunicorn, the seed
graph, a 3 s query timeout, two query workers capped at 600 MB each), each shown fixed.

Figures are printed (run with ``-s`` or see the terminal summary of ``make test``):
peak memory of the process tree during the memory query, ``/health`` latency with 16
half-open connections, fast-probe latencies with 20 slow clients.  Loops are bounded;
the module takes about half a minute.
"""

from __future__ import annotations

import http.server
import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from .hostile import (
    AUTH,
    MEMORY_QUERY,
    SLOW_QUERY,
    MemorySampler,
    Service,
    alive,
    figures,
    half_open,
    request_from,
    running,
    sparql,
    update,
)

pytestmark = pytest.mark.reliability

CRASH_QUERIES = {
    "10,000 !": "ASK { FILTER(" + "!" * 10_000 + "true) }",
    "1+1+... 15,000 terms": "SELECT (" + "+".join(["1"] * 15_000) + " AS ?x) WHERE {}",
    "1,000-step / path": "ASK { ?s " + "/".join(["<urn:p>"] * 1_000) + " ?o }",
    "a && a && ... 15,000 terms": "ASK { FILTER(" + "&&".join(["true"] * 15_000) + ") }",
    "1,000 triple patterns": "ASK { "
    + " . ".join(f"?s{i} <urn:p> ?o{i}" for i in range(1_000))
    + " }",
}
KEPT = 'INSERT DATA { GRAPH <urn:test:kept> { <urn:test:s> <urn:test:p> "kept" } }'
ASK_KEPT = 'ASK { GRAPH <urn:test:kept> { <urn:test:s> <urn:test:p> "kept" } }'


class _TurtleAnswers(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint on the allow-list that answers Turtle, not SPARQL results."""

    def do_GET(self) -> None:
        body = b"<urn:test:a> <urn:test:b> <urn:test:c> .\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture(scope="module")
def turtle_endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TurtleAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def service(turtle_endpoint: str) -> Iterator[Service]:
    with running(
        CSPKG_HEADER_TIMEOUT="2",
        CSPKG_BODY_TIMEOUT="3",
        CSPKG_SERVICE_ALLOW_LIST=turtle_endpoint,
    ) as found:
        yield found


def show(capsys: pytest.CaptureFixture[str], *lines: str) -> None:
    with capsys.disabled():
        for line in lines:
            print(f"\n[reliability] {line}", end="")
        print()


def test_memory_query_is_capped_and_the_service_lives(capsys: pytest.CaptureFixture[str]) -> None:
    """Its own server with a 20 s timeout, so the memory cap is what stops the query."""
    with running(CSPKG_QUERY_TIMEOUT="20", CSPKG_QUERY_WORKERS="1") as service:
        with MemorySampler(service.process.pid) as sampler:  # type: ignore[attr-defined]
            status, body, seconds = sparql(service, MEMORY_QUERY)
        show(
            capsys,
            f"memory query: {status} in {seconds:.1f} s; peak RSS of the process tree "
            f"{sampler.peak_mb:.0f} MB (worker cap 600 MB; unbounded before: 5.3 GB)",
        )
        assert status == 503 and b"more memory than a worker may use" in body
        assert sampler.peak_mb < 1200
        assert alive(service)
        ok, _, _ = sparql(service, "ASK { ?s ?p ?o }")
        assert ok == 200


def test_half_open_connections_do_not_stall_health(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    held = half_open(service, 16)
    try:
        time.sleep(0.3)
        latencies = []
        for _ in range(20):
            status, _, seconds = request_from(service, "127.0.0.2", "GET", "/health")
            assert status == 200
            latencies.append(seconds)
        also_same_address = request_from(service, "127.0.0.1", "GET", "/health")
    finally:
        for sock in held:
            sock.close()
    show(capsys, figures("/health with 16 half-open connections", latencies))
    assert also_same_address[0] == 200
    assert max(latencies) < 1.0


def test_half_open_connections_get_408(service: Service) -> None:
    """Past the head timeout (10 s by default, 2 s here) or the body timeout (30 s by
    default, 3 s here) a stalled request is answered 408 and closed."""
    held = half_open(service, 2, source="127.0.0.9")
    try:
        for sock in held:
            sock.settimeout(10)
            assert sock.recv(100).startswith(b"HTTP/1.1 408")
    finally:
        for sock in held:
            sock.close()


def test_connections_per_client_are_capped(service: Service) -> None:
    held = half_open(service, 32, source="127.0.0.8")
    try:
        status, _, _ = request_from(service, "127.0.0.8", "GET", "/health")
        assert status == 429
        assert request_from(service, "127.0.0.7", "GET", "/health")[0] == 200
    finally:
        for sock in held:
            sock.close()


def test_slow_clients_do_not_starve_fast_probes(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    """20 clients sending queries that run to the timeout, from one address; fast
    probes and /health from others.

    The flood finds the service idle and is lent the second worker; the first probe
    takes it back (that query stopped, 503) and runs on the spare worker at once, and
    the flood, heavy by its running queries, is not lent it again while the probes'
    client is about.  Before: the first probe waited for a new worker to start (1.7 s
    on a loaded machine, 0.2 s on a quiet one), and a later one for a second
    revocation (up to 1 s)."""
    stop = time.monotonic() + 8
    outcomes: Counter[int] = Counter()
    taken_back: list[int] = []

    def slow_client() -> None:
        while time.monotonic() < stop:
            status, body, _ = sparql(service, SLOW_QUERY, source="127.0.0.3")
            outcomes[status] += 1
            if b"beyond your share" in body:
                taken_back.append(status)
            if status == 429:
                time.sleep(0.2)

    threads = [threading.Thread(target=slow_client) for _ in range(20)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    probes: list[float] = []
    health: list[float] = []
    statuses: Counter[int] = Counter()
    for i in range(12):
        status, _, seconds = sparql(service, f'ASK {{ ?s ?p "probe {i}" }}', source="127.0.0.4")
        statuses[status] += 1
        probes.append(seconds)
        health.append(request_from(service, "127.0.0.5", "GET", "/health")[2])
        time.sleep(0.25)
    for thread in threads:
        thread.join()
    show(
        capsys,
        figures("fast probes with 20 slow clients", probes),
        f"first probe {probes[0] * 1000:.0f} ms; lent workers taken back: {len(taken_back)}",
        figures("/health with 20 slow clients", health),
        f"slow clients' answers by status: {dict(outcomes)}; probes: {dict(statuses)}",
    )
    assert statuses == Counter({200: 12})
    assert len(taken_back) <= 2  # once, or twice if the probes' client was not about
    assert max(probes) < 1.0  # tens of ms on a quiet machine; before: 1.7 s on a loaded one
    assert max(health) < 1.0
    assert set(outcomes) <= {200, 429, 503}


def test_one_address_is_not_held_up_by_its_own_slow_query(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    """Work-conserving admission (issue 24): a council behind one NAT address runs a
    slow query; its next fast queries take the idle worker (before: each waited for the
    slow one, 2.8-3.0 s), and four ready-made questions sent together all answer 200
    (before: two got 429)."""
    source = "127.0.0.11"
    time.sleep(1.5)  # earlier tests' clients no longer count as about

    def slow_one() -> None:
        sparql(service, SLOW_QUERY, source=source)

    slow = threading.Thread(target=slow_one)
    slow.start()
    time.sleep(0.3)
    fast: list[float] = []
    for i in range(20):
        status, _, seconds = sparql(service, f'ASK {{ ?s ?p "fast {i}" }}', source=source)
        assert status == 200
        fast.append(seconds)
    slow.join()
    four = ["plan-summary", "actions-per-csp-priority", "agency-workload", "overdue-actions"]
    statuses: dict[str, int] = {}
    times: list[float] = []
    slow = threading.Thread(target=slow_one)
    slow.start()
    time.sleep(0.3)

    def ask(name: str) -> None:
        status, _, seconds = request_from(
            service,
            source,
            "GET",
            f"/queries/{name}",
            headers={"Accept": "application/json", "Cache-Control": "no-cache"},
        )
        statuses[name] = status
        times.append(seconds)

    askers = [threading.Thread(target=ask, args=(name,)) for name in four]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join()
    still_running = slow.is_alive()
    slow.join()
    show(
        capsys,
        figures("one address, fast queries while its slow query runs", fast),
        figures("one address, four ready-made questions at once while its slow query runs", times)
        + f" {statuses}",
    )
    assert set(statuses.values()) == {200} and len(statuses) == 4
    assert still_running  # they were answered while the slow query held a worker
    assert statistics.median(fast) < 0.5


@pytest.mark.parametrize("name", sorted(CRASH_QUERIES))
def test_crash_payloads_are_400_naming_the_limit(service: Service, name: str) -> None:
    query = CRASH_QUERIES[name]
    status, body, _ = sparql(service, query)
    assert status == 400 and b"limit exceeded" in body
    wrapped = "INSERT { GRAPH <urn:test:x> { ?s ?s ?s } } WHERE " + query.split(" ", 1)[1]
    assert update(service, wrapped).status_code == 400


def test_crash_payloads_leave_writes_intact(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    assert update(service, KEPT).status_code in (200, 204)
    worker_pid = requests.get(service.url + "/health", timeout=10).json().get("generation")
    for query in CRASH_QUERIES.values():
        sparql(service, query)
    assert alive(service)
    status, body, _ = sparql(service, ASK_KEPT)
    assert status == 200 and b"true" in body
    show(capsys, f"crash payloads: 400 each, service alive, write kept (gen {worker_pid})")


def test_an_update_that_crashes_the_engine_costs_one_worker() -> None:
    """With the shape limits lifted, the payloads reach the engine: a query or an update
    kills its worker (503), never the service, and the acknowledged write stays."""
    lifted = {
        "CSPKG_MAX_QUERY_DEPTH": "1000000",
        "CSPKG_MAX_OPERATOR_CHAIN": "1000000",
        "CSPKG_QUERY_WORKERS": "1",
    }
    with running(**lifted) as service:
        assert update(service, KEPT).status_code in (200, 204)
        payload = CRASH_QUERIES["10,000 !"]
        status, body, _ = sparql(service, payload)
        assert status == 503 and b"crashed its worker" in body
        crash = "INSERT { GRAPH <urn:test:x> { ?s ?s ?s } } WHERE { FILTER(" + "!" * 10_000
        response = update(service, crash + "true) }")
        assert response.status_code == 503
        assert alive(service)
        status, body, _ = sparql(service, ASK_KEPT)
        assert status == 200 and b"true" in body


# --- the admin-token findings ------------------------------------------------------


def test_clear_drop_and_move_on_a_missing_graph_are_404(service: Service) -> None:
    for text in (
        "CLEAR GRAPH <urn:test:missing>",
        "DROP GRAPH <urn:test:missing>",
        "MOVE GRAPH <urn:test:missing> TO <urn:test:elsewhere>",
    ):
        response = update(service, text)
        assert response.status_code == 404, text
        assert "SILENT" in response.text
    assert update(service, "CLEAR SILENT GRAPH <urn:test:missing>").status_code in (200, 204)
    assert alive(service)


def test_a_huge_literal_is_refused_at_once_and_holds_no_lock(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a 3 MB literal took 38 s to write, under the global write lock."""
    body = b'<urn:test:s> <urn:test:p> "' + b"x" * 3_000_000 + b'" .\n'
    started = time.monotonic()
    response = requests.put(
        service.url + "/store",
        params={"graph": "urn:test:big"},
        data=body,
        headers={**AUTH, "Content-Type": "application/n-triples"},
        timeout=60,
    )
    refused = time.monotonic() - started
    started = time.monotonic()
    after = update(
        service, 'INSERT DATA { GRAPH <urn:test:after> { <urn:test:a> <urn:test:b> "c" } }'
    )
    next_write = time.monotonic() - started
    show(
        capsys,
        f"3 MB literal: {response.status_code} in {refused:.2f} s; next write {next_write:.2f} s",
    )
    assert response.status_code == 413 and "literals may be at most" in response.text
    assert after.status_code in (200, 204)
    assert refused < 5


def test_deleting_a_graph_others_point_at_is_validated(service: Service) -> None:
    """Before: ``DELETE /store?graph=`` of the agencies graph was accepted and left
    64 violations (every action's lead agency lost its type)."""
    status, body, _ = sparql(
        service,
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), "agencies")) }',
    )
    assert status == 200
    graphs = [row["g"]["value"] for row in json.loads(body)["results"]["bindings"]]
    assert graphs, "the seed data has an agencies graph"
    response = requests.delete(
        service.url + "/store", params={"graph": graphs[0]}, headers=AUTH, timeout=120
    )
    assert response.status_code == 422
    status, body, _ = sparql(service, f"ASK {{ GRAPH <{graphs[0]}> {{ ?s ?p ?o }} }}")
    assert b"true" in body


def test_an_entity_bomb_put_is_refused(service: Service) -> None:
    """The entity guard is issue 14's one parse function (``rdf/safe_rdf.py``), checked
    here against the running service.  Kept small (10^5 expansions), so a missing guard
    fails the test, not the machine (before: a 1 KB bomb grew the server to 22.6 GB)."""
    entities = '<!ENTITY a "xxxxxxxxxx">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(4)
    )
    document = (
        f'<?xml version="1.0"?><!DOCTYPE r [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:t="urn:test:"><rdf:Description rdf:about="urn:test:s"><t:p>&e;</t:p>'
        "</rdf:Description></rdf:RDF>"
    )
    response = requests.put(
        service.url + "/store",
        params={"graph": "urn:test:bomb"},
        data=document.encode(),
        headers={**AUTH, "Content-Type": "application/rdf+xml"},
        timeout=60,
    )
    assert response.status_code == 400


# --- smaller findings ----------------------------------------------------------------


def test_absolute_links_never_come_from_the_host_header(service: Service) -> None:
    evil = {"Host": "evil.example"}
    for path, accept in (
        ("/queries.json", "application/json"),
        ("/openapi.json", "application/json"),
        ("/.well-known/void", "text/turtle"),
        ("/sparql", "text/turtle"),  # the service description
    ):
        response = requests.get(service.url + path, headers={**evil, "Accept": accept}, timeout=30)
        assert response.status_code == 200, path
        assert "evil.example" not in response.text, path
        assert service.url in response.text, path


def test_a_service_endpoint_answering_turtle_is_a_clear_503(
    service: Service, turtle_endpoint: str
) -> None:
    """Before: the worker died on it.  Now the engine's error is answered, and the
    same worker keeps serving."""
    query = f"SELECT * WHERE {{ SERVICE <{turtle_endpoint}> {{ ?s ?p ?o }} }}"
    status, body, _ = sparql(service, query)
    assert status == 503 and b"something other than SPARQL results" in body
    assert sparql(service, "ASK { ?s ?p ?o }")[0] == 200


def test_a_javascript_iri_never_becomes_a_link(service: Service) -> None:
    """Issue 11b's link rule, checked on the running service: an admin may store any
    IRI, but only http, https and mailto ones become ``href``s on a thing's page."""
    thing = "https://cspkg.example.org/id/test/hostile-link"
    text = (
        f"INSERT DATA {{ GRAPH <urn:test:links> {{ <{thing}> "
        "<http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> } }"
    )
    assert update(service, text).status_code in (200, 204)
    page = requests.get(
        service.url + "/doc/test/hostile-link", headers={"Accept": "text/html"}, timeout=30
    )
    assert page.status_code == 200
    assert "javascript:alert(1)" in page.text  # shown as text
    assert 'href="javascript:' not in page.text
