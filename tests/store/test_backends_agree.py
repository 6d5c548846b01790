"""Same question, same answer, on every backend: every canned query on the embedded
store, ``oxigraph serve`` and Virtuoso, at the seed and at a benchmark size.

Every backend gives the embedded store's answer to every canned query: none is refused.
Where an engine answers a query's shape wrong, the catalogue holds a form of the same
question written for it (``queries/forms/DIALECT/``); each backend runs the text bound
for its dialect, as ``/queries`` does.
Two things may legitimately differ and are normalised: the order of values inside a
GROUP_CONCAT (undefined in SPARQL) and an empty GROUP_CONCAT (``""`` on Virtuoso,
unbound on Oxigraph: both an empty cell).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from bench.run import bound_queries
from pyoxigraph import Literal

from bench import generate
from cspkg.catalog import CannedQuery, Catalog, load_catalog
from cspkg.config import PROJECT_ROOT, load_settings
from cspkg.errors import ParameterError, QueryUnsupported
from cspkg.services.canned_queries import CannedQueries
from cspkg.store import EmbeddedStore, SelectResult, Store
from cspkg.store.factory import source_dirs
from cspkg.store.profiles import XSD_BOOLEAN, BackendProfile
from cspkg.store.remote import RemoteStore
from cspkg.store.sources import Source, find_sources

from ..conftest import PROGRESS_FIXTURES, CrimeMonths, virtuoso_store
from ..services.test_current_update import ACTION as HISTORY_ACTION
from ..services.test_current_update import HISTORY

BENCH_SIZE = "10k"
"""The benchmark size checked here: big enough for many plans, small enough to stay fast."""
_CONCAT = re.compile(r"GROUP_CONCAT\s*\((.*?)\)\s+AS\s+\?(\w+)", re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r"SEPARATOR\s*=\s*\"((?:[^\"\\]|\\.)*)\"", re.IGNORECASE)


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
def seed(
    oxigraph: Callable[[], str], virtuoso: Callable[[], str], catalog: Catalog
) -> Iterator[Stores]:
    settings = load_settings(environ={})
    for stores in _fill(find_sources(settings.base, source_dirs(settings)), oxigraph, virtuoso):
        for query in catalog.queries:
            if query.federated:
                continue
            try:
                stores.queries.append((query.name, _by_dialect(query, {})))
            except ParameterError:  # "another plan": the seed has one (bench size has more)
                continue
        yield stores


@pytest.fixture(scope="module")
def bench_size(
    oxigraph: Callable[[], str], virtuoso: Callable[[], str], pytestconfig: pytest.Config
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
        ]
        yield stores


def _concat_columns(text: str) -> dict[str, str]:
    """GROUP_CONCAT result columns and their separators (default a space)."""
    found = {}
    for inner, column in _CONCAT.findall(text):
        separator = _SEPARATOR.search(inner)
        found[column] = separator.group(1) if separator else " "
    return found


def _rows(result: object, *texts: str) -> Counter[tuple[str | None, ...]]:
    """The rows as a multiset, GROUP_CONCAT columns of any of ``texts`` normalised (a
    query and its engine form may compute the same column differently)."""
    assert isinstance(result, SelectResult)
    concat = {k: v for text in texts for k, v in _concat_columns(text).items()}
    rows: Counter[tuple[str | None, ...]] = Counter()
    for row in result.rows:
        cells: list[str | None] = []
        for variable, term in zip(result.variables, row, strict=True):
            if variable in concat and isinstance(term, Literal):
                parts = sorted(term.value.split(concat[variable])) if term.value else []
                cells.append(concat[variable].join(parts) or None)
            else:
                cells.append(None if term is None else str(term))
        rows[tuple(cells)] += 1
    return rows


def _compare(stores: Stores, backend: str) -> list[str]:
    """The canned queries whose answer on ``backend`` differs or is refused."""
    store: Store = stores.remote[backend]
    differ = []
    for name, texts in stores.queries:
        expected = _rows(stores.embedded.query(texts["oxigraph"]), *texts.values())
        text = texts[store.dialect]
        try:
            got = _rows(store.query(text, timeout=60), *texts.values())
        except QueryUnsupported:
            differ.append(f"{name} (refused)")
            continue
        if got != expected:
            differ.append(name)
    return differ


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_every_canned_query_agrees_at_the_seed(seed: Stores, backend: str) -> None:
    assert len(seed.queries) >= 15
    assert _compare(seed, backend) == []


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_every_canned_query_agrees_at_a_benchmark_size(bench_size: Stores, backend: str) -> None:
    assert _compare(bench_size, backend) == []


def test_the_virtuoso_forms_are_needed(seed: Stores) -> None:
    """The queries with a Virtuoso form: their own text is refused there (the profile
    knows the shape goes wrong), the form gives the embedded store's answer."""
    with_forms = [
        (name, texts) for name, texts in seed.queries if texts["virtuoso"] != texts["oxigraph"]
    ]
    assert [name for name, _ in with_forms] == [
        "commissioner-gaps",
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
    right = _rows(seed.embedded.query(text), text)
    raw = seed.remote["virtuoso"]
    plain = RemoteStore(raw.backend, profile=_without_rewrites(raw))
    try:
        assert _rows(plain.query(text), text) != right
        assert _rows(raw.query(text), text) == right
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
        assert len(_rows(months.embedded.query(texts["oxigraph"]), texts["oxigraph"])) > 0
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
    assert _rows(answers[0], *texts) == _rows(answers[1], *texts)
    assert answers[0].rows


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
        for row in _rows(progress.embedded.query(texts["oxigraph"]))
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
        assert _rows(raw.query(texts["virtuoso"])) == _rows(
            progress.embedded.query(texts["oxigraph"])
        )
    finally:
        plain.close()
