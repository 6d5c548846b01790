"""Shared fixtures: paths, settings, CLI runner, catalogue, stores, live servers, shapes.

The remote stores are a real ``oxigraph serve`` and a real Virtuoso (Debian's
``virtuoso-opensource``, a throwaway database from ``bench/virtuoso.py``) on free
loopback ports; live servers are the real app on werkzeug's threaded server, so tests
speak HTTP to a running service.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph, Namespace
from werkzeug.serving import BaseWSGIServer, make_server

from bench import virtuoso as virtuoso_server
from cspkg.catalog import Catalog, load_catalog
from cspkg.config import PROJECT_ROOT, Settings, load_settings
from cspkg.store import EmbeddedStore, RemoteStore, Store
from cspkg.store.factory import source_dirs
from cspkg.store.sources import find_sources
from cspkg.web import create_app

SOURCES = PROJECT_ROOT / "data" / "sources"
"""Source data kept in the repository, with provenance and licence notes (its README)."""
OXIGRAPH = (
    shutil.which(
        "oxigraph",
        path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    or "oxigraph"
)
"""The Oxigraph server from PyPI, installed beside this Python (in .venv/bin) by the setup."""
SEED_PLAN = SOURCES / "cannock-chase-csp-delivery-plan-2024-25.txt"
FIXTURES = Path(__file__).parent / "fixtures"
W3C = Path(__file__).parent / "w3c" / "sparql11"
"""The W3C SPARQL 1.1 test files the tests use (tests/w3c/README.md: origin and licence)."""
ADMIN_TOKEN = "test-admin-token-Qx7Lm2Vr9Kp4Zt8W"
SLOW_GRAPH = "urn:test:slow"
SLOW_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:test:slow> "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }"
)
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real catalogue from queries/: loading it is itself a test of every file."""
    return load_catalog(PROJECT_ROOT / "queries")


@pytest.fixture(scope="session")
def mini_store() -> Iterator[EmbeddedStore]:
    """A small graph in the model's shape (tests/fixtures/mini-plan.ttl), read-only."""
    store = EmbeddedStore()
    data = (FIXTURES / "mini-plan.ttl").read_bytes()
    store.load_graph("https://cspkg.example.org/graph/fixtures/mini-plan", data, "text/turtle")
    yield store
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):  # listening, app still loading
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def put_graph(url: str, graph: str, data: bytes) -> None:
    """One Turtle graph into an ``oxigraph serve`` at ``url`` (Graph Store PUT), checked."""
    put = requests.put(
        url + "/store",
        params={"graph": graph},
        data=data,
        headers={"Content-Type": "text/turtle"},
        timeout=10,
    )
    assert put.status_code in (200, 201, 204), put.text


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Start ``oxigraph serve`` instances on demand; all stopped at session end."""
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> str:
        port = free_port()
        location = tmp_path_factory.mktemp("oxigraph")
        command = [OXIGRAPH, "serve", "--location", str(location)]
        command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "4"]
        processes.append(subprocess.Popen(command, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/query?query=ASK%7B%7D")
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def remote_url(oxigraph: Callable[[], str]) -> str:
    """A server for store-level tests (cleared before each)."""
    return oxigraph()


@pytest.fixture(scope="session")
def virtuoso(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Callable[[], str]]:
    """Start throwaway Virtuoso instances on demand (never the system service); all
    killed at session end.  The template database is cached under .pytest_cache."""
    started: list[virtuoso_server.Virtuoso] = []

    def start() -> str:
        assert pytestconfig.cache is not None
        template = virtuoso_server.template(pytestconfig.cache.mkdir("cspkg-virtuoso"))
        server = virtuoso_server.Virtuoso(tmp_path_factory.mktemp("virtuoso"), template)
        started.append(server)
        return server.url

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_url(virtuoso: Callable[[], str]) -> str:
    """A Virtuoso for store-level tests (cleared before each)."""
    return virtuoso()


def virtuoso_store(url: str) -> RemoteStore:
    """The remote store on a test Virtuoso, with the write account the template holds."""
    return RemoteStore(
        url,
        profile="virtuoso",
        user=virtuoso_server.USER,
        password=virtuoso_server.PASSWORD,
    )


def remote_store(request: pytest.FixtureRequest, kind: str) -> RemoteStore:
    """A fresh server of ``kind`` (``remote`` = oxigraph, ``virtuoso``) for one fixture."""
    if kind == "virtuoso":
        return virtuoso_store(request.getfixturevalue("virtuoso")())
    return RemoteStore(request.getfixturevalue("oxigraph")())


def clear(store: Store) -> None:
    """Drop every data graph (on Virtuoso, not its own system graphs)."""
    graphs = store.graphs()
    if graphs:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


class CountingProxy:
    """A TCP relay in front of a server that counts the connections clients open, and
    can cut them all (as a server closing idle keep-alive connections does)."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").split(":")
        self._target = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.accepted = 0
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target)
            with self._lock:
                self.accepted += 1
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def cut(self) -> None:
        """Close every relayed connection (both ends), as an idle timeout would."""
        with self._lock:
            for end in self._open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self._open.clear()

    def close(self) -> None:
        self._listener.close()
        self.cut()


@pytest.fixture
def counting_proxy(remote_url: str) -> Iterator[CountingProxy]:
    """A connection-counting relay in front of the session's ``oxigraph serve``."""
    proxy = CountingProxy(remote_url)
    yield proxy
    proxy.close()


STORE_KINDS = ["embedded", "remote", "virtuoso"]
"""Every store the shared store tests run on: ``remote`` is ``oxigraph serve``."""


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each kind (embedded runs queries inline)."""
    if request.param == "embedded":
        made: Store = EmbeddedStore()
    elif request.param == "virtuoso":
        made = virtuoso_store(request.getfixturevalue("virtuoso_url"))
        clear(made)
    else:
        made = RemoteStore(request.getfixturevalue("remote_url"))
        made.update("DROP ALL")
    yield made
    made.close()


def w3c_graph_data() -> list[tuple[str, Path]]:
    """(graph name, file) pairs the protocol manifest asks to load, deduplicated."""
    manifest = Graph().parse(W3C / "protocol" / "manifest.ttl", format="turtle")
    found = {}
    for node in manifest.objects(None, UT.graphData):
        name = manifest.value(node, Namespace("http://www.w3.org/2000/01/rdf-schema#").label)
        path = manifest.value(node, UT.graph)
        found[str(name)] = Path(str(path).removeprefix("file://"))
    return sorted(found.items())


def fill(store: Store) -> None:
    """The data every live server holds: fixture plan, W3C data, a graph for slow queries."""
    for source in find_sources(
        "https://cspkg.example.org/", [FIXTURES / "ontology", FIXTURES / "data"]
    ):
        store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
    for name, path in w3c_graph_data():
        store.load_graph(name, path.read_bytes(), "application/n-triples")
    for folder in ("csv-tsv-res", "json-res"):
        for path in sorted((W3C / folder).glob("data*.ttl")):
            store.load_graph(f"urn:w3c:{folder}/{path.name}", path.read_bytes(), "text/turtle")
    slow = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
    store.load_graph(SLOW_GRAPH, slow, "text/turtle")


@dataclass
class Live:
    """A running service: its base URL, store kind and settings."""

    url: str
    kind: str
    store: Store
    settings: Settings

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def _serve(settings: Settings, store: Store) -> tuple[BaseWSGIServer, str]:
    app = create_app(settings, store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _live(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Live]:
    if request.param == "embedded":
        store: Store = EmbeddedStore(workers=2)
    else:
        store = RemoteStore(request.getfixturevalue("oxigraph")())
    fill(store)
    server, url = _serve(settings, store)
    yield Live(url, request.param, store, settings)
    server.shutdown()
    store.close()


def _settings(**overrides: object) -> Settings:
    base = load_settings(
        environ={},
        ontology_dir=FIXTURES / "ontology",
        data_dir=FIXTURES / "data",
        shapes_dir=FIXTURES / "service-shapes",
        # Session-long servers see wrong tokens from many test files, all from 127.0.0.1:
        # no lockout here (security/test_tokens.py tests it on its own services).
        token_failures=0,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live(request: pytest.FixtureRequest) -> Iterator[Live]:
    """A read-only service with a short timeout and a small row limit."""
    yield from _live(request, _settings(query_timeout=1.5, max_rows=200, max_query_length=5000))


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live_rw(request: pytest.FixtureRequest) -> Iterator[Live]:
    """A service with writes enabled by an admin token."""
    yield from _live(request, _settings(admin_token=ADMIN_TOKEN, query_timeout=5.0))


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live_gsp(request: pytest.FixtureRequest) -> Iterator[Live]:
    """Writes enabled, a small upload limit: the Graph Store Protocol tests' own service."""
    settings = _settings(
        admin_token=ADMIN_TOKEN, query_timeout=5.0, max_upload_bytes=GSP_UPLOAD_LIMIT
    )
    yield from _live(request, settings)


GSP_UPLOAD_LIMIT = 20_000


def serve_command(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """``cspkg serve ARGS`` as a user starts it (gunicorn), on a free port; its output
    (stdout and stderr together) is kept for the caller to read after stopping it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cspkg", "serve", "--port", str(port), *args],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "server"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/health", timeout=60)
    except RuntimeError:
        process.kill()
        raise
    return process, url


def served_env(settings: Settings, user: str, password: str) -> dict[str, str]:
    """The environment that gives ``cspkg serve`` these fixture settings and backend account."""
    env = {
        "CSPKG_ONTOLOGY_DIR": str(settings.ontology_dir),
        "CSPKG_DATA_DIR": str(settings.data_dir),
        "CSPKG_SHAPES_DIR": str(settings.shapes_dir),
        "CSPKG_QUERIES_DIR": str(settings.queries_dir),
        "CSPKG_QUERY_TIMEOUT": str(settings.query_timeout),
        "CSPKG_MAX_ROWS": str(settings.max_rows),
        "CSPKG_BACKEND_USER": user,
        "CSPKG_BACKEND_PASSWORD": password,
    }
    if settings.admin_token:
        env["CSPKG_ADMIN_TOKEN"] = settings.admin_token
    env["CSPKG_TOKEN_FAILURES"] = str(settings.token_failures)
    return env


@pytest.fixture(scope="session")
def served_virtuoso(virtuoso: Callable[[], str]) -> Iterator[Live]:
    """``cspkg serve --backend URL --backend-profile virtuoso`` over a Virtuoso holding
    the live servers' data, writes on: the W3C protocol tests' run on Virtuoso."""
    backend = virtuoso()
    store = virtuoso_store(backend)
    fill(store)
    settings = _settings(admin_token=ADMIN_TOKEN, query_timeout=5.0, backend=backend)
    env = served_env(settings, virtuoso_server.USER, virtuoso_server.PASSWORD)
    process, url = serve_command(["--backend", backend, "--backend-profile", "virtuoso"], env)
    yield Live(url, "virtuoso", store, settings)
    process.terminate()
    process.communicate(timeout=30)
    store.close()


SHAPES_FIXTURES = FIXTURES / "shapes"


@pytest.fixture
def shapes_fixtures() -> Path:
    """``valid.ttl`` (conforms, no findings) and ``breaks/*.ttl`` (each breaks one shape)."""
    return SHAPES_FIXTURES


@pytest.fixture
def valid_graph() -> Path:
    return SHAPES_FIXTURES / "valid.ttl"


@pytest.fixture
def as_of() -> date:
    """The date the shapes fixtures are judged as of: nothing in valid.ttl is overdue then."""
    return date(2025, 1, 1)


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live_data(request: pytest.FixtureRequest) -> Iterator[Live]:
    """A read-only service over the real ontology/ and data/ (the seed plan), real queries/."""
    settings = load_settings(environ={})
    if request.param == "embedded":
        store: Store = EmbeddedStore(workers=2)
    else:
        store = RemoteStore(request.getfixturevalue("oxigraph")())
    for source in find_sources(settings.base, source_dirs(settings)):
        store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
    server, url = _serve(settings, store)
    yield Live(url, request.param, store, settings)
    server.shutdown()
    store.close()


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live_custom(request: pytest.FixtureRequest) -> Iterator[Live]:
    """A service with test-only canned queries (tests/fixtures/queries): echo, slow, many.

    A generous time limit: under the whole suite's load a quick query can take over a
    second (it flaked with 503 at 1 s); timeouts are tested on ``live_slow``."""
    yield from _custom(request, 30.0)


@pytest.fixture(scope="session", params=["embedded", "remote"])
def live_slow(request: pytest.FixtureRequest) -> Iterator[Live]:
    """``live_custom`` with a 1 s limit, for the query that never ends in time."""
    yield from _custom(request, 1.0)


def _custom(request: pytest.FixtureRequest, timeout: float) -> Iterator[Live]:
    settings = _settings(queries_dir=FIXTURES / "queries", query_timeout=timeout, max_rows=200)
    if request.param == "embedded":
        store: Store = EmbeddedStore(workers=2)
    else:
        store = RemoteStore(request.getfixturevalue("oxigraph")())
    slow = b"".join(b"<urn:s%d> <urn:p> %d .\n" % (i, i) for i in range(300))
    store.load_graph(SLOW_GRAPH, slow, "text/turtle")
    server, url = _serve(settings, store)
    yield Live(url, request.param, store, settings)
    server.shutdown()
    store.close()


# --- Pages (home, things, charts, validation) ----------------------------------------

HOSTILE_LABELS = {
    '"Fraud"': r'"Fraud <script>alert(1)</script> & \"friends\" ]]>"',
    '"Staffordshire Police"': r'"<img src=x onerror=alert(2)> Police"',
    '"Fraud campaign"': r'"</text><script>alert(3)</script> campaign"',
}
"""Labels in mini-plan.ttl swapped for markup, to prove every page and picture escapes."""


def _pages_settings(**overrides: object) -> Settings:
    """Fixture ontology and service shapes (an action needs a label, one integer ordinal);
    the real data folder only for the agency register that plan uploads need."""
    return _settings(data_dir=PROJECT_ROOT / "data", max_upload_bytes=300_000, **overrides)


def _serve_graphs(graphs: dict[str, bytes], settings: Settings) -> Iterator[Live]:
    store = EmbeddedStore(workers=1)
    for name, data in graphs.items():
        store.load_graph(name, data, "text/turtle")
    server, url = _serve(settings, store)
    yield Live(url, "embedded", store, settings)
    server.shutdown()
    store.close()


@pytest.fixture(scope="session")
def pages_live() -> Iterator[Live]:
    """The app over mini-plan.ttl (hand-checked counts) and the fixture ontology."""
    graphs = {
        "https://cspkg.example.org/graph/data/mini-plan": (FIXTURES / "mini-plan.ttl").read_bytes(),
        "https://cspkg.example.org/graph/ontology/cspkg": (
            FIXTURES / "ontology" / "cspkg.ttl"
        ).read_bytes(),
    }
    yield from _serve_graphs(graphs, _pages_settings())


@pytest.fixture(scope="session")
def hostile_live() -> Iterator[Live]:
    """mini-plan.ttl with labels full of markup."""
    text = (FIXTURES / "mini-plan.ttl").read_text(encoding="utf-8")
    for plain, hostile in HOSTILE_LABELS.items():
        assert plain in text
        text = text.replace(plain, hostile)
    graphs = {"https://cspkg.example.org/graph/data/hostile": text.encode("utf-8")}
    yield from _serve_graphs(graphs, _pages_settings())


@pytest.fixture(scope="session")
def real_live() -> Iterator[Live]:
    """The app over the real ontology and data folders: what people will see."""
    settings = _pages_settings(
        ontology_dir=PROJECT_ROOT / "ontology", shapes_dir=PROJECT_ROOT / "shapes"
    )
    store = EmbeddedStore(workers=1)
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, settings.data_dir]))
    server, url = _serve(settings, store)
    yield Live(url, "embedded", store, settings)
    server.shutdown()
    store.close()


PROGRESS_FIXTURES = FIXTURES / "progress"


@pytest.fixture
def progress_fixtures() -> Path:
    """The FICTIONAL progress returns for the seed plan and what importing them makes."""
    return PROGRESS_FIXTURES


@pytest.fixture
def delivery_settings(tmp_path: Path, settings: Settings) -> Settings:
    """Settings over a copy of data/ (crime left out) holding the fictional progress file."""
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("crime"))
    (data / "progress").mkdir()
    shutil.copy(PROGRESS_FIXTURES / "cannock-chase-csp-2024-25.ttl", data / "progress")
    return replace(settings, data_dir=data)


@pytest.fixture(scope="session")
def delivery_store() -> Iterator[EmbeddedStore]:
    """The real ontology and data with the FICTIONAL progress fixture, read-only."""
    settings = load_settings(environ={})
    store = EmbeddedStore()
    for source in find_sources(settings.base, source_dirs(settings)):
        store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
    progress = PROGRESS_FIXTURES / "cannock-chase-csp-2024-25.ttl"
    graph = settings.base + "graph/data/progress/cannock-chase-csp-2024-25"
    store.load_graph(graph, progress.read_bytes(), "text/turtle")
    yield store
    store.close()


# --- Delivery (progress updates, the delivery page, the board report) ------------------

FICTIONAL_PROGRESS = FIXTURES / "delivery" / "fictional-progress-2024-25.ttl"
"""A made-up Q3 2024/25 (and part of Q2) of updates for the seed plan: see its header."""
PROGRESS_GRAPH = "https://cspkg.example.org/graph/progress/cannock-chase-csp/2024-25"


def delivery_data(store: Store) -> None:
    """The real ontology and data folders, and the fictional updates in a progress graph."""
    settings = load_settings(environ={})
    store.replace_sources(find_sources(settings.base, source_dirs(settings)))
    store.load_graph(PROGRESS_GRAPH, FICTIONAL_PROGRESS.read_bytes(), "text/turtle")


@pytest.fixture(scope="session")
def board_store() -> Iterator[EmbeddedStore]:
    """The seed plan with the board report's fictional quarter of updates, read-only."""
    store = EmbeddedStore()
    delivery_data(store)
    yield store
    store.close()


# --- Crime over months (the derived police.uk archive) ---------------------------------


POPULATION = FIXTURES / "population" / "cannock-chase-lsoa-mid-2021-FICTIONAL.csv"
"""FICTIONAL residents per Cannock Chase LSOA, laid out as ONS publishes mid-year estimates."""


@dataclass
class CrimeMonths:
    """The real data folder with its crime replaced by the derived archive's three months
    for Cannock Chase plus four relabelled months (tests/fixtures/crime/rows.py), the rows
    those were counted from, and a store over it."""

    settings: Settings
    rows: list[dict[str, str]]
    store: EmbeddedStore


@pytest.fixture(scope="session")
def crime_months(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrimeMonths]:
    from cspkg.rdf.crime_import import RowFilter
    from cspkg.services.crime_import import import_crime
    from tests.fixtures.crime.rows import ARCHIVE, archive_rows, folder_rows, write_extra_months

    root = tmp_path_factory.mktemp("crime-months")
    base = load_settings(environ={})
    data = root / "data"
    shutil.copytree(base.data_dir, data, ignore=shutil.ignore_patterns("crime"))
    settings = replace(base, data_dir=data)
    extra = root / "extra"
    write_extra_months(extra)
    import_crime([ARCHIVE, extra], settings, keep=RowFilter(area="Cannock Chase"))
    from cspkg.services.population_import import import_population

    import_population(POPULATION, settings, year="2021")
    rows = [
        r
        for r in archive_rows() + folder_rows(extra)
        if r["LSOA name"].startswith("Cannock Chase ")
    ]
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, settings.data_dir]))
    yield CrimeMonths(settings, rows, store)
    store.close()


COMMISSIONER_FIXTURES = FIXTURES / "commissioner"
"""Three FICTIONAL partnerships' plans under the Staffordshire Police and Crime Plan 2024-28."""


@pytest.fixture
def commissioner_data(tmp_path: Path) -> Path:
    """A copy of the real data folder with the three fictional plans imported (and their
    suggestions made, as ``cspkg import`` does): a data folder tests may write to."""
    from cspkg.services.alignment_files import run_align
    from cspkg.services.plan_import import import_plan

    settings = load_settings(environ={})
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    mine = replace(settings, data_dir=data)
    for plan in sorted(COMMISSIONER_FIXTURES.glob("*-delivery-plan-*")):
        report = import_plan(plan, mine)
        assert report.plan_iri is not None
        run_align(mine, str(report.plan_iri))
    return data


# --- Outcome measures (FICTIONAL figures) ------------------------------------------------

FICTIONAL_MEASURES = [
    # ref, name, unit, direction, source, priorities, actions, baseline, period, (target, actual) in 2024-Q3
    ("E1", "Victims of domestic abuse supported (FICTIONAL)", "%", "Up is good", "Entered by the partnership",
     "Domestic Abuse", "3", 70, "2023/24", (80, 82)),
    ("E2", "Young people referred to diversionary activities (FICTIONAL)", "referrals", "Up is good",
     "Entered by the partnership", "Anti-Social Behaviour (ASB)", "2", 35, "2023/24", (40, 39)),
    ("E3", "Repeat calls about anti-social behaviour (FICTIONAL)", "calls", "Down is good",
     "Entered by the partnership", "Anti-Social Behaviour (ASB)", "14; 15", 45, "2023/24", (30, 41)),
]  # fmt: skip
"""Three entered measures whose 2024-Q3 figures are Green, Amber and Red (invented)."""


def fill_measures_workbook(source: Path, out: Path) -> None:
    """What a partnership does with ``cspkg measures``' workbook: a target for the
    recorded-crime measures and three measures of its own (FICTIONAL figures)."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    measures, targets = book["Measures"], book["Targets"]
    for row in range(2, targets.max_row + 1):
        if targets.cell(row, 2).value == "2024-Q3":
            targets.cell(row, 3, 250)
    for ref, name, unit, direction, src, priorities, actions, base, period, (
        goal,
        actual,
    ) in FICTIONAL_MEASURES:
        measures.append(
            [ref, name, unit, direction, src, priorities, actions, None, base, period, None]
        )
        targets.append([ref, "2024-Q3", goal, actual])
    book.save(out)


@pytest.fixture(scope="session")
def outcomes_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The board report's fictional quarter of updates with outcome measures, imported
    through the workbook as a partnership would."""
    from cspkg.services.measures import build_workbook, import_measures

    root = tmp_path_factory.mktemp("outcomes")
    settings = load_settings(environ={})
    data = root / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("sources"))
    mine = replace(settings, data_dir=data)
    _, content = build_workbook(mine, "cannock-chase-csp/2024-25")
    (root / "measures.xlsx").write_bytes(content)
    fill_measures_workbook(root / "measures.xlsx", root / "filled.xlsx")
    report = import_measures(root / "filled.xlsx", mine)
    store = EmbeddedStore()
    delivery_data(store)
    store.load_graph(
        "https://cspkg.example.org/graph/data/measures",
        report.written[0].read_bytes(),
        "text/turtle",
    )
    yield store
    store.close()
