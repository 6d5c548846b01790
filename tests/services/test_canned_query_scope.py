"""Plan-scoped canned queries: with two plans loaded, each answers for one plan only.

The store holds tests/fixtures/mini-plan.ttl (the 2024-25 plan, the queries' default)
and a second year of the same partnership in its own graph: two actions, the
partnership restated (as every imported plan file states it).  Crime comes from the
project's own data (data/crime, data/reference and the priorities-to-categories
alignment; not the CSP-to-Commissioner one, which the fixture states), so the crime queries
are checked on real figures, counted once although the partnership's area is stated in
two graphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from cspkg.catalog import Catalog
from cspkg.config import PROJECT_ROOT
from cspkg.services.canned_queries import run_canned
from cspkg.store import EmbeddedStore

from ..conftest import FIXTURES

B = "https://cspkg.example.org/"
PLAN = B + "id/delivery-plan/cannock-chase-csp/2024-25"
NEXT = B + "id/delivery-plan/cannock-chase-csp/2025-26"
N1 = B + "id/action/cannock-chase-csp/2025-26/01-fraud-surgeries"
N2 = B + "id/action/cannock-chase-csp/2025-26/02-violence-review"
CSP = B + "def/cannock-chase-csp/priorities/"
LOUDMOUTH = B + "id/organisation/loudmouth-theatre-productions"
ASB = CSP + "anti-social-behaviour"
DISTRICT = B + "id/area/cannock-chase-district"
ACT = B + "id/action/cannock-chase-csp/2024-25/"
MINI_ACTIONS = [
    ACT + "01-chair-manage-multi-agency-community",
    ACT + "02-fund-safe-as-houses",
    ACT + "03-fraud-campaign-directed-towards",
    ACT + "04-fund-in-school-engagement",
]
NEXT_YEAR = f"""
@base <{B}> .
@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
@prefix csp: <def/cannock-chase-csp/priorities/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix p-plan: <http://purl.org/net/p-plan#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<id/partnership/cannock-chase-csp> a cspkg:CommunitySafetyPartnership ;
    dcterms:spatial <id/area/cannock-chase-district> .
<{NEXT}> a cspkg:DeliveryPlan ;
    rdfs:label "Cannock Chase CSP Delivery Plan 2025-26" ;
    cspkg:partnership <id/partnership/cannock-chase-csp> ;
    cspkg:priorityScheme <def/cannock-chase-csp/priorities> ;
    cspkg:strategicPriority csp:anti-social-behaviour, csp:fraud ;
    cspkg:operatesUnder <id/police-and-crime-plan/staffordshire/2021-24> .
<{N1}> a cspkg:Action ; p-plan:isStepOfPlan <{NEXT}> ; rdfs:label "Fraud surgeries" ;
    cspkg:ordinal 1 ; cspkg:meetsPriority csp:fraud ; cspkg:ongoing true ;
    cspkg:responsibleAgency <{LOUDMOUTH}> .
<{N2}> a cspkg:Action ; p-plan:isStepOfPlan <{NEXT}> ; rdfs:label "Violence review" ;
    cspkg:ordinal 2 ; cspkg:meetsPriority csp:anti-social-behaviour ;
    cspkg:targetDue "2025-06-30"^^<http://www.w3.org/2001/XMLSchema#date> ;
    cspkg:responsibleAgency <{LOUDMOUTH}> .
"""


@pytest.fixture(scope="module")
def two_plans() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore()
    store.load_graph(
        B + "graph/fixtures/mini-plan", (FIXTURES / "mini-plan.ttl").read_bytes(), "text/turtle"
    )
    store.load_graph(B + "graph/fixtures/next-year", NEXT_YEAR.encode(), "text/turtle")
    data = PROJECT_ROOT / "data"
    crime = [*data.glob("crime/*.ttl"), *data.glob("reference/*.ttl")]
    crime += data.glob("alignment/*-to-police-uk-categories.ttl")
    for path in sorted(crime):
        store.load_graph(
            B + f"graph/{path.parent.name}/{path.stem}", path.read_bytes(), "text/turtle"
        )
    yield store
    store.close()


def records(store: EmbeddedStore, catalog: Catalog, name: str, **values: str) -> list[dict]:
    table = run_canned(store, catalog.get(name), values, today=date(2026, 1, 1))
    return table.records()


def test_default_plan_leaves_the_other_plans_actions_out(
    two_plans: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(two_plans, catalog, "coverage-matrix")
    assert {r["row"] for r in rows if r["rowKind"] == "action"} == set(MINI_ACTIONS)
    ongoing = records(two_plans, catalog, "ongoing-actions")
    assert [(r["action"], r["plan"]) for r in ongoing] == [(MINI_ACTIONS[0], PLAN)]
    overdue = records(two_plans, catalog, "overdue-actions", date="2025-12-31")
    assert N2 not in {r["action"] for r in overdue} and overdue
    workload = records(two_plans, catalog, "agency-workload")
    loudmouth = next(r for r in workload if r["agency"] == LOUDMOUTH)
    assert (loudmouth["actionsLed"], loudmouth["actions"]) == ("1", "1")  # not N1, N2


def test_coverage_matrix_for_a_given_plan(two_plans: EmbeddedStore, catalog: Catalog) -> None:
    got = records(two_plans, catalog, "coverage-matrix", plan=NEXT)
    actions = [r for r in got if r["rowKind"] == "action"]
    assert {r["row"] for r in actions} == {N1, N2}
    assert len(actions) == 2 * 4  # each action against the scheme's four priorities
    covered = {(r["row"], r["column"]) for r in actions if r["covered"] == "true"}
    assert covered == {(N1, CSP + "fraud"), (N2, ASB)}
    assert sum(r["rowKind"] == "csp-priority" for r in got) == 4 * 4


def test_lists_for_a_given_plan(two_plans: EmbeddedStore, catalog: Catalog) -> None:
    assert [r["action"] for r in records(two_plans, catalog, "ongoing-actions", plan=NEXT)] == [N1]
    overdue = records(two_plans, catalog, "overdue-actions", plan=NEXT, date="2025-07-01")
    assert [r["action"] for r in overdue] == [N2]
    assert records(two_plans, catalog, "overdue-actions", plan=NEXT, date="2025-06-30") == []
    workload = records(two_plans, catalog, "agency-workload", plan=NEXT)
    assert [(r["agency"], r["actionsLed"], r["actions"]) for r in workload] == [
        (LOUDMOUTH, "2", "2")
    ]


def test_counts_per_priority_for_a_given_plan(two_plans: EmbeddedStore, catalog: Catalog) -> None:
    csp = records(two_plans, catalog, "actions-per-csp-priority", plan=NEXT)
    assert {r["priorityLabel"]: r["actions"] for r in csp} == {
        "Anti-Social Behaviour": "1",
        "Domestic Abuse": "0",
        "Fraud": "1",
        "Serious Violence & Violence Against Women and Girls": "0",
    }
    pcc = records(two_plans, catalog, "actions-per-commissioner-priority", plan=NEXT)
    assert {r["priorityLabel"]: r["actions"] for r in pcc} == {
        "Support Victims and Witnesses": "1",  # N1, through Fraud
        "A Local and Responsive Service": "1",  # N2, through ASB
        "Prevent Harm and Protect People": "0",
        "A More Effective Criminal Justice System": "0",
    }
    gaps = records(two_plans, catalog, "priority-gaps", plan=NEXT, min="1")
    assert {r["priorityLabel"] for r in gaps} == {
        "Domestic Abuse",
        "Serious Violence & Violence Against Women and Girls",
        "Prevent Harm and Protect People",
        "A More Effective Criminal Justice System",
    }


def test_plan_summary_counts_one_plan_or_each(two_plans: EmbeddedStore, catalog: Catalog) -> None:
    (one,) = records(two_plans, catalog, "plan-summary", plan=NEXT)
    assert (one["actions"], one["agencies"], one["ongoingActions"]) == ("2", "1", "1")
    assert one["alignmentLinks"] == "4" and one["cspPriorities"] == "4"
    assert (one["earliestTargetDue"], one["latestTargetDue"]) == ("2025-06-30", "2025-06-30")
    every = records(two_plans, catalog, "plan-summary")
    assert sorted(r["plan"] for r in every) == [PLAN, NEXT]
    (given,) = records(two_plans, catalog, "plan-summary", plan=PLAN)
    assert given == next(r for r in every if r["plan"] == PLAN)


def test_crime_is_counted_once_though_the_area_is_stated_twice(
    two_plans: EmbeddedStore, catalog: Catalog
) -> None:
    direct = two_plans.query(
        f"""PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
        SELECT (SUM(?count) AS ?n) (COUNT(DISTINCT ?area) AS ?areas) WHERE {{
          SELECT DISTINCT ?record ?count ?area WHERE {{
            <{ASB}> <http://www.w3.org/2004/02/skos/core#relatedMatch> ?category .
            ?area <http://schema.org/containedInPlace> <{DISTRICT}> .
            ?record cspkg:crimeCategory ?category ; cspkg:crimeCount ?count ;
                    <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?area }} }}"""
    )
    total, areas = (int(term.value) for term in direct.rows[0])  # type: ignore[union-attr]
    assert total > 0
    by_month = records(two_plans, catalog, "crime-by-priority")
    assert sum(int(r["crimes"]) for r in by_month if r["priority"] == ASB) == total
    hotspots = records(two_plans, catalog, "crime-hotspots", priority=ASB)
    assert len(hotspots) == min(areas, 20)
    assert [int(r["crimes"]) for r in hotspots] == sorted(
        (int(r["crimes"]) for r in hotspots), reverse=True
    )
    if areas <= 20:
        assert sum(int(r["crimes"]) for r in hotspots) == total
