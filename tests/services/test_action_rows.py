"""What each action in a list shows: one query for thing pages and answer tables alike,
Commissioner priorities under one named Police and Crime Plan (the cited one by default)."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO, StringIO

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspkg.config import Settings, load_settings
from cspkg.services.action_rows import Ref, action_facts, action_rows, told_apart
from cspkg.services.explain import explain_action
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app
from tests.conftest import FIXTURES

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


# --- two partnerships' schemes, each with an "Anti-Social Behaviour (ASB)" ---------------

ASB = "Anti-Social Behaviour (ASB)"
CANNOCK_ASB = ASB + " – Cannock Chase Community Safety Partnership"
EXAMPLETON_ASB = ASB + " – Exampleton CSP"
POLICE = "Staffordshire Police"


@pytest.fixture(scope="module")
def two_partnerships(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """The seed plan and the fictional Exampleton plan, whose agencies both include
    Staffordshire Police and whose schemes both have the priority ASB."""
    served = load_settings(environ={})
    data = tmp_path_factory.mktemp("two") / "data"
    shutil.copytree(served.data_dir, data, ignore=shutil.ignore_patterns("crime", "progress"))
    settings = replace(served, data_dir=data)
    import_plan(FIXTURES / "plans" / "exampleton-csp-delivery-plan-2024-25.txt", settings, data)
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    yield create_app(settings, store).test_client()
    store.close()


def _asb_labels(texts: list[str]) -> set[str]:
    return {t for text in texts for t in text.split("; ") if t.startswith(ASB)}


def test_a_name_two_partnerships_share_says_whose_on_every_view(
    two_partnerships: FlaskClient,
) -> None:
    client = two_partnerships
    page = client.get("/doc/organisation/staffordshire-police").get_data(as_text=True)
    touches = page[page.index("data-priorities") :]
    touches = touches[: touches.index("</table>")]
    shown = re.findall(r'<a class="govuk-link" href="[^"]+">([^<]+)</a>', touches)
    assert _asb_labels(shown) == {CANNOCK_ASB, EXAMPLETON_ASB}
    assert len(shown) == len(set(shown))  # no two entries read the same
    # the agency's question: the answer page and its twins, one shown table
    url = "/queries/agency-actions{}?agency=" + POLICE
    answer = client.get(url.format("")).get_data(as_text=True)
    assert _asb_labels(re.findall(r">([^<]+)</a>", answer)) == {CANNOCK_ASB, EXAMPLETON_ASB}
    as_json = client.get(url.format(".json")).get_json()
    cells = [row["cspLabel"]["value"] for row in as_json["rows"] if row.get("cspLabel")]
    assert _asb_labels([c for c in cells if c]) == {CANNOCK_ASB, EXAMPLETON_ASB}
    table = list(
        csv.DictReader(
            StringIO(client.get(url.format(".csv")).get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert _asb_labels([r["cspLabel"] for r in table]) == {CANNOCK_ASB, EXAMPLETON_ASB}
    sheet = load_workbook(BytesIO(client.get(url.format(".xlsx")).data)).worksheets[0]
    assert _asb_labels([str(c.value) for row in sheet.iter_rows() for c in row if c.value]) == {
        CANNOCK_ASB,
        EXAMPLETON_ASB,
    }


def test_a_name_only_one_partnership_uses_stays_as_it_is(
    two_partnerships: FlaskClient,
) -> None:
    """A list with one ASB (an action's page, one plan's actions) names no partnership."""
    action = "/doc/action/cannock-chase-csp/2024-25/02-fund-annual-package-asb-diversionary"
    page = two_partnerships.get(action)
    one_plan = "/queries/agency-actions.csv?plan=cannock-chase-csp/2024-25&agency=" + POLICE
    table = two_partnerships.get(one_plan).get_data(as_text=True)
    assert f'"{ASB};' in table and "Exampleton" not in table and " – Cannock Chase" not in table
    assert page.status_code == 200 and f">{ASB}<" in page.get_data(as_text=True)


def test_told_apart_names_the_owner_only_where_a_label_repeats() -> None:
    a, b = Ref("a", "ASB"), Ref("b", "asb")
    c, d = Ref("c", "Fraud"), Ref("d", "Theft")
    named = told_apart([a, b, a, c, d, Ref("e", "Theft")], {"a": "Here", "b": "There", "c": "X"})
    assert named == {a: Ref("a", "ASB – Here"), b: Ref("b", "asb – There")}
