"""Several plans in one store: each in its own named graph, sharing agencies and schemes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from cspkg.catalog import Catalog
from cspkg.config import Settings
from cspkg.services.canned_queries import CannedQueries
from cspkg.services.compare import pair_by_name
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore, SelectResult
from cspkg.store.sources import find_sources
from tests.conftest import FIXTURES

B = "https://cspkg.example.org/"
CANNOCK = B + "id/delivery-plan/cannock-chase-csp/2024-25"
EXAMPLETON_1 = B + "id/delivery-plan/exampleton-csp/2024-25"
EXAMPLETON_2 = B + "id/delivery-plan/exampleton-csp/2025-26"
POLICE = B + "id/organisation/staffordshire-police"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The real data folder plus the two fictional Exampleton plans, imported into a copy."""
    from cspkg.config import load_settings

    settings = load_settings(environ={})
    data = tmp_path_factory.mktemp("many") / "data"
    shutil.copytree(settings.data_dir, data)
    for year in ("2024-25", "2025-26"):
        plan = FIXTURES / "plans" / f"exampleton-csp-delivery-plan-{year}.txt"
        import_plan(plan, settings, data)
    made = EmbeddedStore()
    made.replace_sources(find_sources(B, [settings.ontology_dir, data]))
    yield made
    made.close()


def rows(store: EmbeddedStore, catalog: Catalog, name: str, **params: str) -> list[dict[str, str]]:
    result = store.query(catalog.get(name).bind(params))
    assert isinstance(result, SelectResult)
    return [
        {v: (t.value if t is not None else "") for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def test_each_plan_is_its_own_named_graph(store: EmbeddedStore) -> None:
    graphs = set(store.graphs())
    assert {
        B + "graph/data/plans/cannock-chase-csp-2024-25",
        B + "graph/data/plans/exampleton-csp-2024-25",
        B + "graph/data/plans/exampleton-csp-2025-26",
    } <= graphs
    result = store.query(
        "SELECT ?g WHERE { GRAPH ?g { <%s> a ?type } }" % EXAMPLETON_2  # noqa: UP031
    )
    assert isinstance(result, SelectResult)
    assert [row[0].value for row in result.rows] == [B + "graph/data/plans/exampleton-csp-2025-26"]


def test_shared_agency_resolves_to_one_uri_across_plans(
    store: EmbeddedStore, catalog: Catalog
) -> None:
    shared = rows(store, catalog, "shared-agencies", planA=CANNOCK, planB=EXAMPLETON_1)
    by_agency = {r["agency"]: (int(r["actionsA"]), int(r["actionsB"])) for r in shared}
    assert by_agency[POLICE] == (4, 3)
    assert B + "id/organisation/vysions-youth-service" in by_agency
    assert not any("unregistered" in agency for agency in by_agency)


def compare(store: EmbeddedStore, catalog: Catalog, settings: Settings, **params: str):
    answer = CannedQueries(catalog, store, settings).run("compare-priorities", params.items())
    return answer, answer.table.records()


def test_compare_priorities_side_by_side(
    store: EmbeddedStore, catalog: Catalog, settings: Settings
) -> None:
    _, compared = compare(store, catalog, settings, planA=CANNOCK, planB=EXAMPLETON_1)
    table = {
        (r["priorityALabel"], r["priorityBLabel"]): (r["actionsA"], r["actionsB"], r["pairedBy"])
        for r in compared
    }
    # the same words in two partnerships' schemes, no crosswalk: paired by name, marked
    assert table[("Domestic Abuse", "Domestic Abuse")] == (
        "6",
        "1",
        "Suggested by name (score 100 of 100)",
    )
    # nothing alike in the second plan: one side only
    violence = "Serious Violence & Violence Against Women and Girls"
    assert table[(violence, None)] == ("11", "0", None)
    assert table[("Fraud", None)] == ("4", "0", None)
    assert [r["priorityALabel"] for r in compared if r["priorityALabel"]] == sorted(
        (r["priorityALabel"] for r in compared if r["priorityALabel"]), key=str.casefold
    )


def test_compare_two_years_pairs_the_same_priorities(
    store: EmbeddedStore, catalog: Catalog, settings: Settings
) -> None:
    _, compared = compare(store, catalog, settings, planA=EXAMPLETON_1, planB=EXAMPLETON_2)
    how = {r["priorityBLabel"]: r["pairedBy"] for r in compared}
    assert how["Anti-Social Behaviour (ASB)"] == "Same priority"
    assert None in how.values()  # the 2025-26 plan's new priority has no partner


def test_compare_defaults_to_two_different_plans(
    store: EmbeddedStore, catalog: Catalog, settings: Settings
) -> None:
    answer, compared = compare(store, catalog, settings)
    assert answer.bound["planA"] == CANNOCK
    assert answer.bound["planB"] not in (None, CANNOCK)
    assert any(r["actionsB"] != "0" for r in compared)
    answer, _ = compare(store, catalog, settings, planA=EXAMPLETON_1)
    assert answer.bound["planB"] == CANNOCK


def test_pairs_by_name_only_what_is_alike_and_best_first() -> None:
    def row(a: str | None, b: str | None) -> tuple:
        def iri(x: str | None) -> NamedNode | None:
            return None if x is None else NamedNode("urn:" + x.replace(" ", "-"))

        def lit(x: str | None) -> Literal | None:
            return None if x is None else Literal(x)

        return (iri(a), lit(a), Literal("1"), iri(b), lit(b), Literal("2"), None)

    columns = ("priorityA", "priorityALabel", "actionsA", "priorityB", "priorityBLabel")
    table = SelectResult(
        (*columns, "actionsB", "pairedBy"),
        [
            row("Fraud", None),
            row("Fraud and Scams", None),
            row("Hate Crime", None),
            row(None, "Fraud & scams (online)"),
            row(None, "Road Safety"),
        ],
    )
    paired = {
        (r["priorityALabel"], r["priorityBLabel"]): r["pairedBy"]
        for r in pair_by_name(table).records()
    }
    best = paired.pop(("Fraud and Scams", "Fraud & scams (online)"))
    assert best == "Suggested by name (score 100 of 100)"
    assert paired == {
        ("Fraud", None): None,
        ("Hate Crime", None): None,
        (None, "Road Safety"): None,
    }


def test_changes_between_two_years(store: EmbeddedStore, catalog: Catalog) -> None:
    changes = rows(store, catalog, "plan-changes", earlier=EXAMPLETON_1, later=EXAMPLETON_2)
    found = {(r["change"], r["actionLabel"], r["detail"]) for r in changes}
    assert ("added", "Fictional doorstep scam talks for older residents.", "") in found
    assert ("dropped", "Fictional CCTV review at the bus station.", "") in found
    assert (
        "target changed",
        "Fictional refuge awareness leaflets for GP surgeries.",
        "December 2024 -> December 2025",
    ) in found
    assert (
        "agency joined",
        "Fictional park patrols on summer evenings.",
        "Staffordshire Fire and Rescue Service",
    ) in found
    kept = {r["actionLabel"] for r in changes if r["change"] == "kept"}
    assert len(kept) == 3


def test_priority_scheme_is_shared_by_two_years(store: EmbeddedStore) -> None:
    result = store.query(
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#> "
        "SELECT ?plan (COUNT(?p) AS ?n) WHERE { ?plan cspkg:strategicPriority ?p ; "
        "cspkg:partnership <https://cspkg.example.org/id/partnership/exampleton-csp> } "
        "GROUP BY ?plan ORDER BY ?plan"
    )
    assert isinstance(result, SelectResult)
    assert [(r[0].value, r[1].value) for r in result.rows] == [
        (EXAMPLETON_1, "3"),
        (EXAMPLETON_2, "4"),
    ]


def test_settings_unchanged(settings: Settings, tmp_path: Path) -> None:
    """Importing into a copy leaves the served data folder as it was."""
    assert not (settings.data_dir / "plans" / "exampleton-csp-2024-25.ttl").exists()


def test_compare_pairs_through_a_crosswalk(
    store: EmbeddedStore, catalog: Catalog, settings: Settings
) -> None:
    """A crosswalk's close match pairs two differently named priorities; removed after."""
    link = (
        f"<{B}def/cannock-chase-csp/priorities/fraud> "
        f"<http://www.w3.org/2004/02/skos/core#closeMatch> "
        f"<{B}def/exampleton-csp/priorities/domestic-abuse>"
    )
    graph = f"<{B}graph/test/crosswalk>"
    store.update(f"INSERT DATA {{ GRAPH {graph} {{ {link} }} }}")
    try:
        _, compared = compare(store, catalog, settings, planA=CANNOCK, planB=EXAMPLETON_1)
        table = {(r["priorityALabel"], r["priorityBLabel"]): r["pairedBy"] for r in compared}
        assert table[("Fraud", "Domestic Abuse")] == "Crosswalk"
        # Domestic Abuse of the second plan is taken: the first plan's is left unpaired
        assert table[("Domestic Abuse", None)] is None
    finally:
        store.update(f"DROP GRAPH {graph}")
