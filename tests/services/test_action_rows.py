"""What each action in a list shows: one query for thing pages and answer tables alike,
Commissioner priorities under one named Police and Crime Plan (the cited one by default)."""

from __future__ import annotations

from cspkg.config import Settings
from cspkg.services.action_rows import action_facts, action_rows
from cspkg.services.explain import explain_action
from cspkg.store import EmbeddedStore

B = "https://cspkg.example.org/"
ACT = B + "id/action/cannock-chase-csp/2024-25/"
OLD = B + "def/staffordshire-police-and-crime-plan-2021-24/priorities/"
NEW = B + "def/staffordshire-police-and-crime-plan-2024-28/priorities/"
PCP_2024 = B + "id/police-and-crime-plan/staffordshire/2024-28"
FRAUD_CAMPAIGN = ACT + "10-fraud-campaign-campaign-directed-towards"


def _actions(store: EmbeddedStore) -> list[str]:
    rows = store.query(
        "SELECT ?a WHERE { ?a <http://purl.org/net/p-plan#isStepOfPlan> "
        f"<{B}id/delivery-plan/cannock-chase-csp/2024-25> }}"
    ).rows  # type: ignore[union-attr]
    return [r[0].value for r in rows]


def test_commissioner_priorities_come_from_the_plan_the_delivery_plan_cites(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    rows = action_rows(board_store, _actions(board_store), settings)
    assert len(rows) == 17
    assert all(r.commissioner_priorities for r in rows)
    for row in rows:
        assert all(p.iri.startswith(OLD) for p in row.commissioner_priorities), row.action
        assert row.commissioner_plan is not None
        assert row.commissioner_plan.label == "Staffordshire Police and Crime Plan 2021-24"


def test_another_commissioner_plan_when_asked(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    rows = action_rows(board_store, _actions(board_store), settings, PCP_2024)
    assert all(p.iri.startswith(NEW) for r in rows for p in r.commissioner_priorities)
    assert {r.commissioner_plan.iri for r in rows if r.commissioner_plan} == {PCP_2024}


def test_the_action_page_and_an_answer_table_say_the_same(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    """The facts the two used to compute apart (and disagree on for every seed action)."""
    facts = action_facts(board_store, settings, _actions(board_store))
    for iri in _actions(board_store):
        page = explain_action(board_store, iri, settings)
        assert facts[iri].commissioner == [
            (p.iri, p.label) for p in page.row.commissioner_priorities
        ]
        assert {a.other for a in page.commissioner} == set(page.row.commissioner_priorities)
        assert facts[iri].lead == [(a.agency.iri, a.agency.label) for a in page.row.leads]
    fraud = facts[FRAUD_CAMPAIGN]
    assert [label.split(" (")[0] for _, label in fraud.csp] == [
        "Fraud",
        "Safeguarding Vulnerable Persons",
    ]


def test_a_commissioner_prioritys_page_lists_the_actions_that_list_it(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    """The rule read both ways: an action shows a Commissioner priority exactly when the
    priority's page lists the action."""
    from cspkg.services.explain import explain_commissioner_priority

    rows = action_rows(board_store, _actions(board_store), settings)
    served: dict[str, set[str]] = {}
    for row in rows:
        for priority in row.commissioner_priorities:
            served.setdefault(priority.iri, set()).add(row.action.iri)
    assert len(served) >= 3
    for priority, actions in served.items():
        page = explain_commissioner_priority(board_store, priority, settings)
        assert {r.action.iri for r in page.actions} == actions, priority
