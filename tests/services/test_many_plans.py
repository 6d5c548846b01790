"""Several plans in one store: each in its own named graph, sharing agencies and schemes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspkg.catalog import Catalog
from cspkg.config import Settings
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


def test_compare_priorities_side_by_side(store: EmbeddedStore, catalog: Catalog) -> None:
    compared = rows(store, catalog, "compare-priorities", planA=CANNOCK, planB=EXAMPLETON_1)
    table = {r["priorityKey"]: (int(r["actionsA"]), int(r["actionsB"])) for r in compared}
    assert table["anti-social behaviour"] == (12, 3)
    assert table["domestic abuse"] == (6, 1)
    assert table["serious violence and violence against women and girls"] == (11, 0)


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
