"""Same question, same answer, on every backend: every canned query on the embedded
store, ``oxigraph serve`` and Virtuoso, at the seed and at a benchmark size.

Every backend gives the embedded store's answer to every canned query: none is refused.
Where an engine answers a query's shape wrong, the catalogue holds a form of the same
question written for it (``queries/forms/DIALECT/``); each backend runs the text bound
for its dialect, as ``/queries`` does.
Same answer means the same rows and, where a query promises an order (an outermost
ORDER BY), the same sequence of its sort keys (``bench/virtuoso_agree.py``: the rule the
1M-triple check in ``bench/results/virtuoso.md`` uses).  Two things may legitimately
differ and are normalised: the order of values inside a GROUP_CONCAT (undefined in
SPARQL) and an empty GROUP_CONCAT (``""`` on Virtuoso, unbound on Oxigraph: both an
empty cell).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from bench.run import bound_queries
from bench.virtuoso_agree import answer_rows, compare

from bench import generate
from cspkg.catalog import CannedQuery, Catalog, load_catalog
from cspkg.config import PROJECT_ROOT, load_settings
from cspkg.errors import ParameterError, QueryRefused, QueryUnsupported
from cspkg.services.canned_queries import CannedQueries
from cspkg.store import EmbeddedStore, SelectResult, Store
from cspkg.store.factory import source_dirs
from cspkg.store.profiles import XSD_BOOLEAN, BackendProfile
from cspkg.store.remote import RemoteStore
from cspkg.store.sources import Source, find_sources

from ..conftest import (
    FIXTURES,
    PROGRESS_FIXTURES,
    CountingProxy,
    CrimeMonths,
    put_graph,
    virtuoso_store,
)
from ..services.test_current_update import ACTION as HISTORY_ACTION
from ..services.test_current_update import HISTORY

BENCH_SIZE = "10k"
"""The benchmark size checked here: big enough for many plans, small enough to stay fast."""


@dataclass
class Stores:
    """The same data in the embedded store and in each remote backend."""

    embedded: EmbeddedStore
    remote: dict[str, RemoteStore]
    queries: list[tuple[str, dict[str, str]]]
    """(name, bound SPARQL by dialect) for every canned query that stays on this machine."""


def _by_dialect(query: CannedQuery, values: dict[str, str]) -> dict[str, str]:
    return {d: query.bind(values, dialect=d) for d in ("oxigraph", "virtuoso")}


def _fill(
    sources: list[Source], start_oxigraph: Callable[[], str], start_virtuoso: Callable[[], str]
) -> Iterator[Stores]:
    embedded = EmbeddedStore()
    embedded.replace_sources(sources)
    remote = {
        "oxigraph": RemoteStore(start_oxigraph()),
        "virtuoso": virtuoso_store(start_virtuoso()),
    }
    for store in remote.values():
        for source in sources:
            store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
    yield Stores(embedded, remote, [])
    embedded.close()
    for store in remote.values():
        store.close()


@pytest.fixture(scope="module")
def deprivation(oxigraph: Callable[[], str]) -> str:
    """A real SPARQL endpoint on loopback holding tests/federation's made-up deprivation
    cube for the seed's LSOAs: where the federated questions' ``endpoint`` points."""
    url = oxigraph()
    put_graph(url, "urn:standin:imd", (FIXTURES / "federation" / "imd-standin.ttl").read_bytes())
    return url + "/query"


def _values(query: CannedQuery, deprivation: str) -> dict[str, str]:
    """No values but the outside endpoint of a federated question (its only parameter)."""
    return {"endpoint": deprivation} if query.federated else {}


@pytest.fixture(scope="module")
def seed(
    oxigraph: Callable[[], str], virtuoso: Callable[[], str], catalog: Catalog, deprivation: str
) -> Iterator[Stores]:
    settings = load_settings(environ={})
    for stores in _fill(find_sources(settings.base, source_dirs(settings)), oxigraph, virtuoso):
        for query in catalog.queries:
            try:
                stores.queries.append((query.name, _by_dialect(query, _values(query, deprivation))))
            except ParameterError:  # "another plan": the seed has one (bench size has more)
                continue
        yield stores


@pytest.fixture(scope="module")
def bench_size(
    oxigraph: Callable[[], str],
    virtuoso: Callable[[], str],
    pytestconfig: pytest.Config,
    deprivation: str,
) -> Iterator[Stores]:
    assert pytestconfig.cache is not None
    dataset = generate.ensure(Path(pytestconfig.cache.mkdir("cspkg-bench-data")), BENCH_SIZE)
    settings = load_settings(environ={})
    sources = find_sources(settings.base, [dataset / "ontology", dataset / "data"])
    for stores in _fill(sources, oxigraph, virtuoso):
        catalog = load_catalog(PROJECT_ROOT / "queries")
        stores.queries = [
            (name, _by_dialect(catalog.get(name), values))
            for name, values, _ in bound_queries(dataset)
        ] + [
            (query.name, _by_dialect(query, _values(query, deprivation)))
            for query in catalog.queries
            if query.federated  # bound_queries keeps the benchmark on this machine
        ]
        yield stores


def _compare(stores: Stores, backend: str) -> list[str]:
    """The canned queries whose answer on ``backend`` differs or is refused."""
    store: Store = stores.remote[backend]
    differ = []
    for name, texts in stores.queries:
        expected = stores.embedded.query(texts["oxigraph"])
        try:
            got = store.query(texts[store.dialect], timeout=60)
        except QueryUnsupported as exc:
            differ.append(f"{name} (refused: {exc})")
            continue
        if (why := compare(expected, got, texts)) is not None:
            differ.append(f"{name} ({why})")
    return differ


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_every_canned_query_agrees_at_the_seed(seed: Stores, backend: str) -> None:
    """The federated one too: its SERVICE calls a real endpoint the test started."""
    assert len(seed.queries) >= 15
    texts = dict(seed.queries)["crime-and-deprivation"]["oxigraph"]
    assert len(answer_rows(seed.embedded.query(texts), texts)) == 120  # 60 LSOAs, 2 measures
    assert _compare(seed, backend) == []


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_every_canned_query_agrees_at_a_benchmark_size(
    bench_size: Stores, catalog: Catalog, backend: str
) -> None:
    """None skipped, the federated (SERVICE to another endpoint) included."""
    every = {query.name for query in catalog.queries}
    assert {name for name, _ in bench_size.queries} == every and len(every) >= 30
    assert any(query.federated for query in catalog.queries)
    assert _compare(bench_size, backend) == []


def test_the_virtuoso_forms_are_needed(seed: Stores) -> None:
    """The queries with a Virtuoso form: their own text is refused there (the profile
    knows the shape goes wrong), the form gives the embedded store's answer."""
    with_forms = [
        (name, texts) for name, texts in seed.queries if texts["virtuoso"] != texts["oxigraph"]
    ]
    assert [name for name, _ in with_forms] == [
        "commissioner-gaps",
        "crime-and-deprivation",
        "crime-by-priority",
        "plan-summary",
    ]
    for _, texts in with_forms:
        with pytest.raises(QueryUnsupported):
            seed.remote["virtuoso"].query(texts["oxigraph"])


def test_the_zero_length_path_rewrite_is_needed(seed: Stores) -> None:
    """Without the profile's rewrites Virtuoso 7.2 counts the agency as its own partner:
    the measured difference they exist for (if a newer Virtuoso fixes it, this fails)."""
    text = dict(seed.queries)["agency-partners"]["virtuoso"]
    right = answer_rows(seed.embedded.query(text), text)
    raw = seed.remote["virtuoso"]
    plain = RemoteStore(raw.backend, profile=_without_rewrites(raw))
    try:
        assert answer_rows(plain.query(text), text) != right
        assert answer_rows(raw.query(text), text) == right
    finally:
        plain.close()


def _without_rewrites(store: RemoteStore) -> BackendProfile:
    return replace(store.profile, rewrites=(), refusals=())


CRIME_QUESTIONS = [
    ("crime-trend", {}),
    ("crime-trend", {"priority": "def/cannock-chase-csp/priorities/anti-social-behaviour"}),
    (
        "crime-trend",
        {"category": "def/police-uk/crime-categories/burglary", "from": "2018-03", "to": "2019-02"},
    ),
    ("crime-change", {}),
    ("crime-seasonal", {"priority": "def/cannock-chase-csp/priorities/domestic-abuse"}),
    ("crime-rates", {}),
    (
        "crime-rates",
        {"priority": "def/cannock-chase-csp/priorities/anti-social-behaviour", "by": "count"},
    ),
]
"""The crime-over-months questions with their parameters (the seed has one month and
the catalogue run above binds defaults only)."""


@pytest.fixture(scope="module")
def months(
    oxigraph: Callable[[], str],
    virtuoso: Callable[[], str],
    crime_months: CrimeMonths,
    catalog: Catalog,
) -> Iterator[Stores]:
    settings = crime_months.settings
    sources = find_sources(settings.base, [settings.ontology_dir, settings.data_dir])
    for stores in _fill(sources, oxigraph, virtuoso):
        stores.queries = [
            (
                name,
                _by_dialect(
                    catalog.get(name),
                    {k: (v if "/" not in v else settings.base + v) for k, v in values.items()},
                ),
            )
            for name, values in CRIME_QUESTIONS
        ]
        yield stores


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_crime_over_months_agrees(months: Stores, backend: str) -> None:
    for _, texts in months.queries:
        assert len(answer_rows(months.embedded.query(texts["oxigraph"]), texts["oxigraph"])) > 0
    assert _compare(months, backend) == []


@pytest.mark.parametrize("name", ["plan-summary", "crime-by-priority"])
def test_ready_made_questions_on_virtuoso_give_the_embedded_answer(
    seed: Stores, catalog: Catalog, name: str
) -> None:
    """Through the service (what ``/queries/NAME`` runs): 501 on Virtuoso before, now
    the embedded store's answer, from the query's Virtuoso form."""
    settings = load_settings(environ={})
    answers = [
        CannedQueries(catalog, store, settings).run(name).table
        for store in (seed.embedded, seed.remote["virtuoso"])
    ]
    texts = [catalog.get(name).bind({}, dialect=d) for d in ("oxigraph", "virtuoso")]
    assert answer_rows(answers[0], *texts) == answer_rows(answers[1], *texts)
    assert answers[0].rows


def test_the_federated_question_through_the_service_on_virtuoso(
    seed: Stores, catalog: Catalog, deprivation: str
) -> None:
    """``/queries/crime-and-deprivation`` on Virtuoso, its endpoint allowed: the embedded
    store's answer.  An endpoint off the allow-list is refused by the front end before
    Virtuoso hears of the query (no connection reaches it, none reaches the endpoint)."""
    settings = replace(load_settings(environ={}), service_allow_list=(deprivation,))
    pairs = [("endpoint", deprivation)]
    answers = [
        CannedQueries(catalog, store, settings).run("crime-and-deprivation", pairs).table
        for store in (seed.embedded, seed.remote["virtuoso"])
    ]
    assert len(answers[0].rows) == 120
    texts = dict(seed.queries)["crime-and-deprivation"]
    assert answer_rows(answers[0], texts["oxigraph"]) == answer_rows(answers[1], texts["virtuoso"])
    to_virtuoso = CountingProxy(seed.remote["virtuoso"].backend)
    off_list = CountingProxy(deprivation.removesuffix("/query"))
    watched = virtuoso_store(to_virtuoso.url)
    try:
        for other in (off_list.url + "/query", deprivation + "?x=1"):
            with pytest.raises(QueryRefused, match="not on this service's allow-list"):
                CannedQueries(catalog, watched, settings).run(
                    "crime-and-deprivation", [("endpoint", other)]
                )
        assert (to_virtuoso.accepted, off_list.accepted) == (0, 0)
        watched.query("ASK {}")  # the relay works: the refusal is what kept it silent
        assert to_virtuoso.accepted >= 1
    finally:
        watched.close()
        to_virtuoso.close()
        off_list.close()


PROGRESS_QUESTIONS = ("exceptions", "commissioner-delivery", "commissioner-agencies")
"""The canned questions about reported progress (the seed has none) beside status-history."""


@pytest.fixture(scope="module")
def progress(
    oxigraph: Callable[[], str],
    virtuoso: Callable[[], str],
    catalog: Catalog,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stores]:
    """The seed, its fixture of progress updates (one revised) and a quarter two agencies
    reported for one action (tests/services/test_current_update.py)."""
    settings = load_settings(environ={})
    base = settings.base
    history = tmp_path_factory.mktemp("history") / "history.ttl"
    history.write_text(HISTORY)
    extra = [
        Source(
            PROGRESS_FIXTURES / "cannock-chase-csp-2024-25.ttl",
            "progress",
            base + "graph/progress/cannock-chase-csp/2024-25",
            "text/turtle",
        ),
        Source(history, "history", base + "graph/test/history", "text/turtle"),
    ]
    sources = find_sources(base, source_dirs(settings)) + extra
    for stores in _fill(sources, oxigraph, virtuoso):
        reported = stores.embedded.query(
            "SELECT DISTINCT ?action WHERE { ?u <https://cspkg.example.org/def/cspkg#aboutAction>"
            " ?action }"
        )
        assert isinstance(reported, SelectResult)
        actions = sorted(str(row[0].value) for row in reported.rows if row[0] is not None)
        assert HISTORY_ACTION in actions and len(actions) >= 3
        stores.queries = [
            ("status-history", _by_dialect(catalog.get("status-history"), {"action": action}))
            for action in actions
        ] + [(name, _by_dialect(catalog.get(name), {})) for name in PROGRESS_QUESTIONS]
        yield stores


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_reported_progress_agrees(progress: Stores, backend: str) -> None:
    """status-history's current column (the shared rule current-update) over revised
    updates and two agencies' updates of one quarter, and the questions on progress."""
    currents = Counter(
        str(row[-3])
        for name, texts in progress.queries
        if name == "status-history"
        for row in answer_rows(progress.embedded.query(texts["oxigraph"]))
    )
    assert set(currents) >= {f'"true"^^<{XSD_BOOLEAN}>', f'"false"^^<{XSD_BOOLEAN}>'}
    assert _compare(progress, backend) == []


def test_the_bound_rewrite_is_needed(progress: Stores, catalog: Catalog) -> None:
    """Without the profile's rewrites Virtuoso 7.2 gives status-history's current as 1/0
    integers (if a newer Virtuoso gives booleans, this fails)."""
    texts = _by_dialect(catalog.get("status-history"), {"action": HISTORY_ACTION})
    raw = progress.remote["virtuoso"]
    plain = RemoteStore(raw.backend, profile=_without_rewrites(raw))
    try:
        result = plain.query(texts["virtuoso"])
        assert isinstance(result, SelectResult)
        current = result.variables.index("current")
        assert result.rows
        assert {str(row[current]) for row in result.rows} <= {
            '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
            '"0"^^<http://www.w3.org/2001/XMLSchema#integer>',
        }
        assert answer_rows(raw.query(texts["virtuoso"])) == answer_rows(
            progress.embedded.query(texts["oxigraph"])
        )
    finally:
        plain.close()


LONG_PLANS = 40
"""Delivery plans in the long-lists fixture: each priority's list of plans without it
runs past the 4,000 characters Virtuoso's sort rows hold."""


def _long_lists_turtle(base: str) -> str:
    """A Police and Crime Plan with three priorities and ``LONG_PLANS`` delivery plans
    with long names: the first five serve "Safer roads", the first "Safer streets" too,
    none "Fewer victims", so every list of plans without a priority is over 4,000
    characters and the three rows sort by how many plans serve them.  Only by direct
    links (``cspkg:servesCommissionerPriority``), no alignment: the seed has only
    alignment."""
    cspkg, pplan = "https://cspkg.example.org/def/cspkg#", "http://purl.org/net/p-plan#"
    label, pref = (
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#",
    )
    plan, scheme = (
        f"{base}id/police-and-crime-plan/longshire/2025-29",
        f"{base}def/longshire/priorities",
    )
    lines = [
        f'<{plan}> a <{cspkg}PoliceAndCrimePlan> ; <{label}> "Longshire Police and Crime Plan" ;'
        f" <{cspkg}priorityScheme> <{scheme}> ."
    ]
    for key, name in (
        ("roads", "Safer roads"),
        ("streets", "Safer streets"),
        ("victims", "Fewer victims"),
    ):
        lines.append(f'<{scheme}/{key}> <{pref}inScheme> <{scheme}> ; <{pref}prefLabel> "{name}" .')
    for number in range(LONG_PLANS):
        delivery = f"{base}id/plan/longshire-district-{number:02d}/2025-26"
        name = (
            f"Longshire district {number:02d} community safety partnership: partnership plan "
            "for reducing crime, disorder and reoffending, 2025 to 2026"
        )
        lines.append(f'<{delivery}> a <{cspkg}DeliveryPlan> ; <{label}> "{name}" .')
        serves = ["roads"] * (number < 5) + ["streets"] * (number == 0)
        for key in serves:
            action = f"{base}id/action/longshire-district-{number:02d}/2025-26/{key}"
            lines.append(
                f"<{action}> <{pplan}isStepOfPlan> <{delivery}> ;"
                f" <{cspkg}servesCommissionerPriority> <{scheme}/{key}> ."
            )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def long_lists(
    oxigraph: Callable[[], str],
    virtuoso: Callable[[], str],
    catalog: Catalog,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stores]:
    """The long-lists data (``_long_lists_turtle``) and the questions across plans."""
    base = load_settings(environ={}).base
    path = tmp_path_factory.mktemp("long-lists") / "longshire.ttl"
    path.write_text(_long_lists_turtle(base), encoding="utf-8")
    sources = [Source(path, "longshire", base + "graph/test/longshire", "text/turtle")]
    for stores in _fill(sources, oxigraph, virtuoso):
        for query in catalog.queries:
            if query.name.startswith("commissioner-") or query.name == "priority-gaps":
                stores.queries.append((query.name, _by_dialect(query, {})))
        yield stores


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_long_lists_of_plans_agree(long_lists: Stores, backend: str) -> None:
    """commissioner-gaps with lists of plans over 4,000 characters long: the same rows in
    the same order (fewest plans serving first) as the embedded store; the other
    questions across plans (counting direct links) agree there too."""
    texts = dict(long_lists.queries)["commissioner-gaps"]
    result = long_lists.embedded.query(texts["oxigraph"])
    assert isinstance(result, SelectResult)
    served = result.variables.index("plansServing")
    lists = result.variables.index("plansWithoutLabels")
    assert [int(row[served].value) for row in result.rows] == [0, 1, 5]
    assert min(len(row[lists].value) for row in result.rows) > 4_000
    assert _compare(long_lists, backend) == []


def test_the_gaps_form_limit_is_needed(long_lists: Stores) -> None:
    """Without its LIMIT, the Virtuoso form of commissioner-gaps makes Virtuoso 7.2 sort
    the long lists in a temporary table, and it stops ("Max row length is exceeded", or
    "Value of ANY type column too long" at 1M triples); if a newer Virtuoso sorts them,
    this fails and the LIMIT can go."""
    text = dict(long_lists.queries)["commissioner-gaps"]["virtuoso"]
    assert text.rstrip().endswith("LIMIT 10000")
    with pytest.raises(QueryUnsupported, match="cannot sort the answer"):
        long_lists.remote["virtuoso"].query(text.rstrip().removesuffix("LIMIT 10000"))
