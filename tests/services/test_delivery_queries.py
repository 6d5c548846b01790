"""The delivery queries over the seed plan and the FICTIONAL progress fixture, worked by hand.

The fixture (tests/fixtures/progress/README.md): Q2 2024/25 updates for actions 8, 10, 12
and 14; Q3 updates for every action but 2, 7 and 17; action 10's Q3 update (At risk)
superseded by a second one (Complete).  Q3 current statuses: On track 1, 3, 5, 6, 11;
Complete 4, 10, 12; Not started 13; At risk 9, 14; Off track 8, 16; Withdrawn 15.
"""

from __future__ import annotations

from datetime import date

import pytest

from cspkg.catalog import Catalog
from cspkg.config import load_settings
from cspkg.services.canned_queries import CannedQueries
from cspkg.store import EmbeddedStore

B = "https://cspkg.example.org/"
PLAN = B + "id/delivery-plan/cannock-chase-csp/2024-25"
ACT = B + "id/action/cannock-chase-csp/2024-25/"
FRAUD_CAMPAIGN = ACT + "10-fraud-campaign-campaign-directed-towards"
UPDATE = B + "id/progress-update/cannock-chase-csp/2024-25/10/"


def records(
    store: EmbeddedStore, catalog: Catalog, name: str, **values: str
) -> list[dict[str, str | None]]:
    queries = CannedQueries(catalog, store, load_settings(environ={}), today=date(2025, 1, 31))
    return queries.run(name, values.items()).table.records()


def ordinals(rows: list[dict[str, str | None]]) -> list[int]:
    return [int(str(r["ordinal"])) for r in rows]


@pytest.mark.parametrize("period", ["2024-Q3", "Q3 2024/25", "q3 2024/25"])
def test_delivery_status_counts_current_updates_per_priority(
    delivery_store: EmbeddedStore, catalog: Catalog, period: str
) -> None:
    rows = records(delivery_store, catalog, "delivery-status", period=period)
    table = [(r["priorityLabel"], r["statusLabel"], r["ragLabel"], r["actions"]) for r in rows]
    asb = [row[1:] for row in table if row[0] == "Anti-Social Behaviour (ASB)"]
    assert asb == [
        ("On track", "Green", "4"),  # 1, 5, 6, 11
        ("At risk", "Amber", "2"),  # 9, 14
        ("Off track", "Red", "2"),  # 8, 16
        ("Complete", None, "1"),  # 4
        ("Withdrawn", None, "1"),  # 15
        ("No update", None, "2"),  # 2, 7
    ]
    # action 10's superseded At risk is not counted: only 9 is At risk under Fraud
    fraud = [row[1:] for row in table if row[0] == "Fraud"]
    assert fraud == [("On track", "Green", "2"), ("At risk", "Amber", "1"), ("Complete", None, "1")]
    assert rows[0]["priority"] == B + "def/cannock-chase-csp/priorities/anti-social-behaviour"


def test_delivery_status_in_a_quarter_with_no_updates_carries_only_closed_actions(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(delivery_store, catalog, "delivery-status", period="2025-Q1")
    # 4, 10 and 12 were Complete and 15 Withdrawn in Q3: those carry forward
    assert {r["statusLabel"] for r in rows} == {"No update", "Complete", "Withdrawn"}
    fraud = {r["statusLabel"]: r["actions"] for r in rows if r["priorityLabel"] == "Fraud"}
    assert fraud == {"Complete": "1", "No update": "3"}
    assert sum(int(str(r["actions"])) for r in rows) == 60  # action-priority pairs in the plan


def test_exceptions_lists_off_track_then_at_risk_with_commentary_and_lead(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(delivery_store, catalog, "exceptions", period="2024-Q3")
    assert ordinals(rows) == [8, 16, 9, 14]
    first = rows[0]
    assert (first["statusLabel"], first["ragLabel"], first["percentComplete"]) == (
        "Off track", "Red", "20"
    )  # fmt: skip
    assert first["commentary"] is not None and first["commentary"].startswith("Contractor delayed")
    assert first["leads"] == "Cannock Chase District Council - Community Safety Team"
    assert first["reportedBy"] == "Test Officer A (fictional)"
    assert first["reportedOn"] == "2025-01-09"
    # in Q2 action 12 was At risk; nothing was Off track
    assert ordinals(records(delivery_store, catalog, "exceptions", period="2024-Q2")) == [12]


def test_missing_updates_leaves_out_actions_already_closed(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    q3 = records(delivery_store, catalog, "missing-updates", period="2024-Q3")
    assert ordinals(q3) == [2, 7, 17]
    assert q3[1]["leads"] == "Burton Addiction Centre"
    q4 = records(delivery_store, catalog, "missing-updates", period="Q4 2024/25")
    # 4, 10 and 12 were Complete and 15 Withdrawn in Q3: they owe nothing more
    assert ordinals(q4) == [1, 2, 3, 5, 6, 7, 8, 9, 11, 13, 14, 16, 17]


def test_status_history_shows_the_superseded_update_beside_its_replacement(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(delivery_store, catalog, "status-history", action=FRAUD_CAMPAIGN)
    got = [
        (
            r["updateLabel"],
            r["statusLabel"],
            r["current"],
            r["supersededBy"],
            r["supersededByLabel"],
        )
        for r in rows
    ]
    assert got == [
        ("2024-Q2 update 1", "On track", "true", None, None),
        ("2024-Q3 update 1", "At risk", "false", UPDATE + "2024-q3/2", "2024-Q3 update 2"),
        ("2024-Q3 update 2", "Complete", "true", None, None),
    ]
    assert rows[1]["periodLabel"] == "Q3 2024/25 (October to December 2024)"
    assert (
        rows[2]["commentary"] == "Final campaign events held before the end of December after all."
    )


def test_overdue_uses_the_latest_status_respecting_supersession(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    # action 10 was due 2024-12-31: its current Q3 update says Complete, so not overdue
    assert records(delivery_store, catalog, "overdue-actions", date="2025-01-15") == []
    rows = records(delivery_store, catalog, "overdue-actions", date="2025-05-01")
    by_action = {str(r["action"]).removeprefix(ACT)[:2]: r for r in rows}
    # due by then and not Complete or Withdrawn (4, 10, 12 Complete; 15 Withdrawn)
    assert sorted(by_action) == ["02", "03", "06", "07", "08", "09", "11", "13", "14", "16"]
    assert (by_action["08"]["statusLabel"], by_action["08"]["periodLabel"]) == (
        "Off track", "Q3 2024/25 (October to December 2024)"
    )  # fmt: skip
    assert by_action["02"]["status"] is None  # never reported on
    assert by_action["14"]["targetDue"] == "2025-02-28"


def test_delivery_by_commissioner_priority_defaults_to_the_plan_the_delivery_plan_cites(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(delivery_store, catalog, "delivery-by-commissioner-priority")
    assert {r["commissionerPlan"] for r in rows} == {
        B + "id/police-and-crime-plan/staffordshire/2021-24"
    }
    cjs = [r for r in rows if r["priorityLabel"] == "A More Effective Criminal Justice System"]
    assert [(r["statusLabel"], r["actions"]) for r in cjs] == [("No actions", "0")]
    victims = {
        r["statusLabel"]: r["actions"]
        for r in rows
        if r["priorityLabel"] == "Support Victims and Witnesses"
    }
    # through ASB, Domestic Abuse and Fraud (the project's alignment)
    assert victims == {
        "On track": "5", "At risk": "2", "Off track": "2", "Complete": "2", "Withdrawn": "1",
        "No update": "2",
    }  # fmt: skip


def test_delivery_by_commissioner_priority_for_the_current_2024_28_plan(
    delivery_store: EmbeddedStore, catalog: Catalog
) -> None:
    rows = records(
        delivery_store,
        catalog,
        "delivery-by-commissioner-priority",
        commissionerPlan=B + "id/police-and-crime-plan/staffordshire/2024-28",
    )
    assert {r["commissionerPlanLabel"] for r in rows} == {
        "Staffordshire Police and Crime Plan 2024-28"
    }
    assert {r["priorityLabel"] for r in rows} == {
        "An outstanding local Police service", "Prevent harm and protect people",
        "Support victims and witnesses", "Impactful partnerships",
    }  # fmt: skip
    # through ASB and Drugs & County Lines: actions 1-2, 4-9, 11, 13-16 less 3, 10, 12
    local = {
        r["statusLabel"]: r["actions"]
        for r in rows
        if r["priorityLabel"] == "An outstanding local Police service"
    }
    assert local == {
        "Not started": "1", "On track": "4", "At risk": "2", "Off track": "2", "Complete": "1",
        "Withdrawn": "1", "No update": "2",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "column"),
    [("actions-per-commissioner-priority", "priority"), ("coverage-matrix", "column"),
     ("priority-gaps", "priority")],
)  # fmt: skip
def test_commissioner_queries_take_the_commissioner_plan_defaulting_to_the_cited_one(
    delivery_store: EmbeddedStore, catalog: Catalog, name: str, column: str
) -> None:
    new = B + "def/staffordshire-police-and-crime-plan-2024-28/priorities/"
    old = B + "def/staffordshire-police-and-crime-plan-2021-24/priorities/"
    base = {"min": "99"} if name == "priority-gaps" else {}  # every priority a "gap"
    given = {**base, "commissionerPlan": B + "id/police-and-crime-plan/staffordshire/2024-28"}
    cited = {str(r[column]) for r in records(delivery_store, catalog, name, **base)}
    chosen = {str(r[column]) for r in records(delivery_store, catalog, name, **given)}
    assert any(p.startswith(old) for p in cited) and not any(p.startswith(new) for p in cited)
    assert any(p.startswith(new) for p in chosen) and not any(p.startswith(old) for p in chosen)
    if name == "actions-per-commissioner-priority":
        counts = {
            r["priorityLabel"]: r["actions"]
            for r in records(delivery_store, catalog, name, **given)
        }
        assert counts == {
            "Impactful partnerships": "17", "Prevent harm and protect people": "15",
            "Support victims and witnesses": "14", "An outstanding local Police service": "13",
        }  # fmt: skip
