"""The delivery model over the seed plan and the fictional quarter (hand-counted)."""

from __future__ import annotations

from datetime import date

import pytest

from cspkg.catalog import Catalog
from cspkg.config import Settings
from cspkg.errors import DeliveryNotFound
from cspkg.services import delivery
from cspkg.services.canned_queries import CannedQueries
from cspkg.services.delivery_model import CountRow, Delivery
from cspkg.store import EmbeddedStore

PLAN = "https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25"
FRAUD = "https://cspkg.example.org/def/cannock-chase-csp/priorities/fraud"


def _build(store: EmbeddedStore, settings: Settings, period: str, **kw: object) -> Delivery:
    plan = delivery.resolve_plan(store, settings, "cannock-chase-csp/2024-25")
    quarter = delivery.resolve_period(store, settings, period)
    return delivery.build(store, settings, plan, quarter, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "given", ["cannock-chase-csp/2024-25", "Cannock Chase CSP Delivery Plan 2024/25", PLAN]
)
def test_plan_by_key_title_or_iri(
    board_store: EmbeddedStore, settings: Settings, given: str
) -> None:
    typed = given if given.startswith("https:") else given.upper()  # an IRI keeps its case
    assert delivery.resolve_plan(board_store, settings, typed).iri == PLAN


def test_unknown_plan_names_the_known_ones(board_store: EmbeddedStore, settings: Settings) -> None:
    with pytest.raises(DeliveryNotFound, match="known plans are cannock-chase-csp/2024-25"):
        delivery.resolve_plan(board_store, settings, "cannock-chase-csp/1999-00")


@pytest.mark.parametrize(
    "given", ["2024-Q3", "q3 2024/25", "https://cspkg.example.org/id/period/2024-25/q3"]
)
def test_quarter_either_way(board_store: EmbeddedStore, settings: Settings, given: str) -> None:
    period = delivery.resolve_period(board_store, settings, given)
    assert (period.notation, period.start, period.end) == (
        "2024-Q3",
        date(2024, 10, 1),
        date(2024, 12, 31),
    )


def test_bad_quarter_says_what_is_accepted(board_store: EmbeddedStore, settings: Settings) -> None:
    with pytest.raises(DeliveryNotFound, match="2024-Q3 or Q3 2024/25"):
        delivery.resolve_period(board_store, settings, "2024-Q5")


def test_quarter_three_counts(board_store: EmbeddedStore, settings: Settings) -> None:
    d = _build(board_store, settings, "2024-Q3")
    assert (d.actions, d.reported) == (17, 12)
    by_key = dict(zip((c.key for c in d.columns), d.totals, strict=True))
    assert by_key == {
        "not-started": 1,
        "on-track": 4,
        "at-risk": 3,
        "off-track": 1,
        "complete": 2,
        "withdrawn": 1,
        "no-update": 5,
    }
    assert d.rag_totals() == {"green": 4, "amber": 4, "red": 1}
    assert [a.number for a in d.missing] == [4, 9, 15, 16, 17]
    assert d.as_of == date(2025, 1, 1)


def test_exceptions_worst_first_with_the_superseding_update(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    d = _build(board_store, settings, "2024-Q3")
    assert [(a.number, a.status.key if a.status else None) for a in d.exceptions] == [
        (7, "off-track"),
        (5, "at-risk"),
        (8, "at-risk"),
        (10, "at-risk"),
    ]
    eight = next(a for a in d.exceptions if a.number == 8)
    assert eight.commentary and "pushed the works into Q4" in eight.commentary  # revision 2
    assert eight.status and eight.status.text == "At risk (Amber)"
    assert eight.lead == "Cannock Chase District Council - Community Safety Team"


def test_overdue_uses_the_latest_status(board_store: EmbeddedStore, settings: Settings) -> None:
    d = _build(board_store, settings, "2024-Q3")
    assert [a.number for a in d.overdue] == [10]  # due 31 December 2024, at risk
    later = _build(board_store, settings, "2024-Q3", as_of=date(2025, 5, 1))
    # Complete (3, 12) and Withdrawn (14) are never overdue; no update counts as not done.
    assert [a.number for a in later.overdue] == [2, 4, 6, 7, 8, 9, 10, 11, 13, 15, 16]


def test_by_csp_priority(board_store: EmbeddedStore, settings: Settings) -> None:
    d = _build(board_store, settings, "2024-Q3")
    assert len(d.by_priority) == 7
    fraud = next(r for r in d.by_priority if r.priority.iri == FRAUD)
    counts = dict(zip((c.key for c in d.columns), fraud.counts, strict=True))
    # Fraud: actions 1 and 6 on track, 10 at risk, 9 no update.
    assert (fraud.actions, counts["on-track"], counts["at-risk"], counts["no-update"]) == (
        4,
        2,
        1,
        1,
    )
    assert all(sum(r.counts) == r.actions for r in d.by_priority)


def test_commissioner_plans_through_the_alignment(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    d = _build(board_store, settings, "2024-Q3")
    # Both of the Commissioner's plans, newest first; the one the plan cites is marked.
    assert [(v.plan.label, v.cited) for v in d.commissioner] == [
        ("Staffordshire Police and Crime Plan 2024-28", False),
        ("Staffordshire Police and Crime Plan 2021-24", True),
    ]
    current = {r.priority.label: r.actions for r in d.commissioner[0].rows}
    assert len(current) == 4 and current["Impactful partnerships"] == 17
    cited = [v for v in d.commissioner if v.cited]
    assert [v.plan.label for v in cited] == ["Staffordshire Police and Crime Plan 2021-24"]
    rows = {r.priority.label: r for r in cited[0].rows}
    assert rows["A More Effective Criminal Justice System"].actions == 0  # the known gap
    assert rows["Prevent Harm and Protect People"].actions > 0


def test_an_earlier_quarter(board_store: EmbeddedStore, settings: Settings) -> None:
    d = _build(board_store, settings, "Q2 2024/25")
    assert d.reported == 7 and [a.number for a in d.exceptions] == []
    assert d.total("not-started") == 1
    notations = [p.notation for p in d.periods]
    assert notations[:4] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def test_default_quarter_is_the_latest_with_updates(
    board_store: EmbeddedStore, settings: Settings
) -> None:
    plan = delivery.resolve_plan(board_store, settings, "cannock-chase-csp/2024-25")
    found = delivery.default_period(board_store, settings, plan, date(2026, 1, 1))
    assert found.notation == "2024-Q3"


def test_json_twin_carries_the_same_numbers(board_store: EmbeddedStore, settings: Settings) -> None:
    body = _build(board_store, settings, "2024-Q3").as_json()
    assert body["period"] == "2024-Q3" and body["reported"] == 12
    assert body["rag"] == {"Green": 4, "Amber": 4, "Red": 1}
    assert [e["number"] for e in body["exceptions"]] == [7, 5, 8, 10]  # type: ignore[union-attr,index]


def test_model_agrees_with_the_delivery_canned_queries(
    board_store: EmbeddedStore, settings: Settings, catalog: Catalog
) -> None:
    """The page and the report say what the catalogue's questions answer, row for row."""
    queries = CannedQueries(catalog, board_store, settings)
    d = _build(board_store, settings, "2024-Q3")
    given = [("plan", PLAN), ("period", "2024-Q3")]

    def rows(name: str, pairs: list[tuple[str, str]]) -> list[dict[str, str | None]]:
        return queries.run(name, pairs).table.records()

    def by_label(found: tuple[CountRow, ...]) -> dict[tuple[str, str], int]:
        return {
            (r.priority.iri, c.label): n
            for r in found
            for c, n in zip(d.columns, r.counts, strict=True)
            if n
        }

    status_rows = rows("delivery-status", given)
    assert {(r["priority"], r["statusLabel"]): int(r["actions"] or 0) for r in status_rows} == (
        by_label(d.by_priority)
    )
    (cited,) = [v for v in d.commissioner if v.cited]
    pcp_rows = rows(
        "delivery-by-commissioner-priority", [*given, ("commissionerPlan", cited.plan.iri)]
    )
    assert {
        (r["priority"], r["statusLabel"]): int(r["actions"] or 0)
        for r in pcp_rows
        if r["statusLabel"] != "No actions"
    } == by_label(cited.rows)

    def numbers(name: str) -> list[int]:
        return [int(r["ordinal"] or 0) for r in rows(name, given)]

    assert numbers("exceptions") == [a.number for a in d.exceptions]
    assert sorted(numbers("missing-updates")) == [a.number for a in d.missing]
    overdue = rows("overdue-actions", [("plan", PLAN), ("date", d.as_of.isoformat())])
    assert {r["action"] for r in overdue} == {a.action.iri for a in d.overdue}


def test_complete_and_withdrawn_carry_into_a_silent_quarter(
    board_store: EmbeddedStore, settings: Settings, catalog: Catalog
) -> None:
    """Q4 has no updates: 3 and 12 (Complete) and 14 (Withdrawn) in Q3 stay so; the rest
    have no update, and the missing-updates question lists exactly those."""
    d = _build(board_store, settings, "2024-Q4")
    by_key = dict(zip((c.key for c in d.columns), d.totals, strict=True))
    assert (by_key["complete"], by_key["withdrawn"], by_key["no-update"]) == (2, 1, 14)
    missing = CannedQueries(catalog, board_store, settings).run(
        "missing-updates", [("period", "2024-Q4")]
    )
    assert [int(r["ordinal"] or 0) for r in missing.table.records()] == [
        a.number for a in d.missing
    ]
    assert len(d.missing) == 14
