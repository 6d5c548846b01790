"""What the virtuoso profile does about Virtuoso 7.2, against a real throwaway Virtuoso:
its errors and partial answers become the service's own, its credentials stay secret,
and a server whose system graphs show through the union default graph is refused."""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bench import virtuoso as virtuoso_server
from cspkg.config import load_settings
from cspkg.errors import (
    CspkgError,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnsupported,
    StoreUnavailable,
)
from cspkg.store import AskResult, SelectResult
from cspkg.store.factory import open_store
from cspkg.store.profiles import PROFILES, VIRTUOSO_SERVICE_GRANTS, backend_base, get_profile
from cspkg.store.remote import RemoteStore

from ..conftest import SLOW_GRAPH, SLOW_QUERY, clear, virtuoso_store

SECRET = "not-the-password-9c1f"


@pytest.fixture
def virtuoso_db(virtuoso_url: str) -> Iterator[RemoteStore]:
    store = virtuoso_store(virtuoso_url)
    clear(store)
    slow = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
    store.load_graph(SLOW_GRAPH, slow, "text/turtle")  # bare numbers: Turtle, not N-Triples
    yield store
    clear(store)
    store.close()


def test_profiles_are_data_and_unknown_names_list_the_known() -> None:
    assert set(PROFILES) == {"oxigraph", "virtuoso", "generic"}
    with pytest.raises(Exception, match="known: generic, oxigraph, virtuoso"):
        get_profile("fuseki")


def test_syntax_error_names_the_line_not_virtuosos_text(virtuoso_db: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        virtuoso_db.query("SELECT * WHERE {\n  ?s ?p \n}")
    assert caught.value.line == 3 and "Virtuoso" not in str(caught.value)


def test_what_the_engine_cannot_run_is_unsupported_not_a_server_error(
    virtuoso_db: RemoteStore,
) -> None:
    with pytest.raises(QueryUnsupported, match="virtuoso backend cannot run this query"):
        virtuoso_db.query("SELECT ?b WHERE { BIND (BNODE() AS ?b) }")


def test_service_without_the_grants_says_so(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    """A Virtuoso set up without the profile's SERVICE grants (an older set-up, or an
    administrator who revoked them): a 501 naming the missing set-up, not a
    write-credentials message (the old mapping of SECURITY)."""
    assert pytestconfig.cache is not None
    template = virtuoso_server.template(pytestconfig.cache.mkdir("cspkg-virtuoso"))
    server = virtuoso_server.Virtuoso(tmp_path / "virtuoso", template)
    revoke = " ".join(
        g.replace("GRANT", "REVOKE").replace(" TO ", " FROM ") for g in VIRTUOSO_SERVICE_GRANTS
    )
    store = virtuoso_store(server.url)
    try:
        subprocess.run(
            [virtuoso_server.ISQL, f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={revoke}"],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=60,
        )
        with pytest.raises(QueryUnsupported, match=r"not set up to call other endpoints"):
            store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    finally:
        store.close()
        server.stop()


def test_a_sort_virtuoso_cannot_do_says_why(virtuoso_db: RemoteStore) -> None:
    """Over 10,000 rows under a LIMIT (its in-memory sort's bound): a 501 naming the
    limit, not "the SPARQL server reported an error" (the long values it cannot sort
    otherwise: test_backends_agree's long lists)."""
    with pytest.raises(QueryUnsupported, match=r"cannot sort .*LIMIT of at most 10,000"):
        virtuoso_db.query("SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?o LIMIT 20000")


def test_partial_answer_at_the_time_limit_is_a_timeout(virtuoso_db: RemoteStore) -> None:
    """Virtuoso answers 200 with what it had at its limit (an "anytime" query, marked only
    by X-SQL-State: S1TAT): without the profile's check that passes as a complete, empty
    count; with it, the caller gets a timeout."""
    with pytest.raises(QueryTimeout):
        virtuoso_db.query(SLOW_QUERY, timeout=5)
    careless = RemoteStore(
        virtuoso_db.backend, profile=replace(virtuoso_db.profile, partial_header=None)
    )
    try:
        passed_off = careless.query(SLOW_QUERY, timeout=5)
        assert isinstance(passed_off, SelectResult)
        assert passed_off.rows != [(300**4,)]  # not the real answer
    except QueryTimeout:
        pytest.fail("the partial answer should have arrived before our own deadline")
    finally:
        careless.close()


def test_wrong_credentials_fail_without_showing_them(
    virtuoso_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = RemoteStore(
        virtuoso_url, profile="virtuoso", user=virtuoso_server.USER, password=SECRET
    )
    try:
        with pytest.raises(StoreUnavailable) as caught:
            store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
        with pytest.raises(StoreUnavailable):
            store.load_graph("urn:g", b"<urn:a> <urn:b> 1 .", "text/turtle")
    finally:
        store.close()
    assert "credentials" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in caplog.text
    assert SECRET not in repr(load_settings(environ={"CSPKG_BACKEND_PASSWORD": SECRET}))


def test_a_server_showing_its_own_graphs_is_refused_at_start(virtuoso_db: RemoteStore) -> None:
    """Without the profile's set-up, Virtuoso's union default graph holds its schema graphs
    and every answer would differ: ``open_store`` says so instead of serving it."""
    settings = load_settings(
        environ={},
        backend=virtuoso_db.backend,
        backend_profile="virtuoso",
    )
    open_store(settings).close()  # the test server had the set-up
    PROFILES["shows-its-graphs"] = replace(
        virtuoso_db.profile, name="shows-its-graphs", hidden_graphs=(SLOW_GRAPH,)
    )
    try:
        with pytest.raises(StoreUnavailable, match="run the set-up"):
            open_store(replace(settings, backend_profile="shows-its-graphs"))
    finally:
        del PROFILES["shows-its-graphs"]


def test_graphs_never_lists_the_engines_own(virtuoso_db: RemoteStore) -> None:
    assert virtuoso_db.graphs() == [SLOW_GRAPH]
    assert virtuoso_db.triple_count() == 300


def test_the_endpoint_address_users_paste_is_the_base(virtuoso_url: str) -> None:
    """``http://host:8890/sparql`` (what Virtuoso shows) works like the base address:
    before, writes went to ``/sparql/sparql-graph-crud-auth`` and ``cspkg load`` waited
    five minutes for a 500."""
    store = virtuoso_store(virtuoso_url + "/sparql/")
    try:
        assert store.backend == virtuoso_url
        store.load_graph("urn:test:pasted", b"<urn:a> <urn:b> <urn:c> .\n", "text/turtle")
        asked = "ASK { GRAPH <urn:test:pasted> { <urn:a> <urn:b> <urn:c> } }"
        assert store.query(asked) == AskResult(True)
        clear(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://h:8890/sparql", "http://h:8890"),
        ("http://h:8890/sparql-auth/", "http://h:8890"),
        ("http://h:8890/sparql-graph-crud-auth", "http://h:8890"),
        ("http://h/virtuoso/sparql", "http://h/virtuoso"),
        ("http://h:8890/", "http://h:8890"),
    ],
)
def test_endpoint_addresses_become_the_base(given: str, base: str) -> None:
    assert backend_base(given, get_profile("virtuoso")) == base


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("h:8890/sparql", "give the server's base address, for example http://127.0.0.1:8890"),
        (
            "http://h:8890/sparql?default-graph-uri=x",
            "give the server's base address (http://h:8890)",
        ),
    ],
)
def test_an_address_that_cannot_be_a_base_is_refused_at_once(given: str, says: str) -> None:
    with pytest.raises(CspkgError, match=re.escape(says)):
        RemoteStore(given, profile="virtuoso")


def test_an_update_sent_as_a_query_is_400_not_503(virtuoso_db: RemoteStore) -> None:
    """Virtuoso ran it as the anonymous reader and refused the write (503 before)."""
    with pytest.raises(QuerySyntaxError, match="line 1"):
        virtuoso_db.query('INSERT DATA { GRAPH <urn:test:x> { <urn:a> <urn:b> "c" } }')
    assert virtuoso_db.query("ASK { GRAPH <urn:test:x> { ?s ?p ?o } }") == AskResult(False)


def test_exists_as_a_value_is_rewritten_with_nested_braces() -> None:
    """A boolean again on Virtuoso, however deep the braces (strings, IRIs and comments
    holding braces do not count)."""
    text = (
        'SELECT * { BIND (EXISTS { ?a ?b "}" . FILTER NOT EXISTS { ?x <u:x> ?y } # }\n'
        " } AS ?c) BIND(NOT EXISTS {?s ?p ?o} AS ?d) }"
    )
    rewritten = get_profile("virtuoso").prepare(text)
    assert rewritten.count('"true", "false"), <http://www.w3.org/2001/XMLSchema#boolean>) AS') == 2
    assert "IF(EXISTS {" in rewritten and "IF(NOT EXISTS {?s ?p ?o}" in rewritten
