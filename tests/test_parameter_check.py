"""One parameter check: an unknown quarter, date, plan or name is refused the same way
everywhere: 400 with the GOV.UK error summary on pages, a message in the twins, exit 2 in
the CLI; never 200 with no rows (which reads as "none")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cspkg.cli import EXIT_USAGE_OR_INPUT, cli
from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

BAD_QUARTERS = ["banana", "Q5 2024", "2030-Q1"]
UNKNOWN_PLAN = "https://cspkg.example.org/id/delivery-plan/nowhere-csp/2024-25"


@pytest.fixture(scope="module")
def client(board_store: EmbeddedStore) -> FlaskClient:
    return create_app(load_settings(environ={}), board_store).test_client()


@pytest.mark.parametrize("quarter", BAD_QUARTERS)
@pytest.mark.parametrize("name", ["exceptions", "missing-updates", "delivery-status",
                                  "delivery-by-commissioner-priority", "status-of-actions"])  # fmt: skip
def test_a_bad_quarter_is_refused_by_every_twin(
    client: FlaskClient, name: str, quarter: str
) -> None:
    for twin in (".json", ".csv", ".xlsx"):
        response = client.get(f"/queries/{name}{twin}", query_string={"period": quarter})
        assert response.status_code == 400, (twin, response.get_data(as_text=True)[:200])
    body = client.get(f"/queries/{name}.json", query_string={"period": quarter}).get_json()
    assert body["parameter"] == "period" and "quarter" in body["message"]


@pytest.mark.parametrize("quarter", BAD_QUARTERS)
def test_a_bad_quarter_on_pages_is_400_with_the_error_summary(
    client: FlaskClient, quarter: str
) -> None:
    html = {"Accept": "text/html"}
    for url in ("/queries/exceptions", "/delivery/cannock-chase-csp/2024-25"):
        response = client.get(url, query_string={"period": quarter}, headers=html)
        assert response.status_code == 400, url
        assert "govuk-error-summary" in response.get_data(as_text=True), url


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"plan": UNKNOWN_PLAN}, "plan"), ({"plan": "Nowhere CSP plan"}, "plan"),
     ({"date": "2025-02-30"}, "date"), ({"date": "12025-01-01"}, "date")],
)  # fmt: skip
def test_an_unknown_plan_or_date_is_refused_not_answered_empty(
    client: FlaskClient, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/queries/overdue-actions.json", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def test_an_unknown_iri_of_a_thing_names_what_it_is_not(client: FlaskClient) -> None:
    message = client.get(
        "/queries/missing-updates.json", query_string={"plan": UNKNOWN_PLAN}
    ).get_json()["message"]
    assert "a delivery plan this service holds" in message and "nowhere-csp" in message
    assert "Cannock Chase CSP Delivery Plan 2024/25" in message  # the closest


@pytest.mark.parametrize("quarter", BAD_QUARTERS)
def test_the_cli_exits_2_for_a_bad_quarter(runner: CliRunner, quarter: str) -> None:
    query = runner.invoke(cli, ["query", "exceptions", "-p", f"period={quarter}"])
    assert query.exit_code == EXIT_USAGE_OR_INPUT, query.output
    assert "period" in query.output
    report = runner.invoke(cli, ["report", "cannock-chase-csp/2024-25", "--period", quarter])
    assert report.exit_code == EXIT_USAGE_OR_INPUT, report.output


def test_the_cli_exits_2_for_an_unknown_plan(runner: CliRunner) -> None:
    query = runner.invoke(cli, ["query", "missing-updates", "-p", f"plan={UNKNOWN_PLAN}"])
    assert query.exit_code == EXIT_USAGE_OR_INPUT and "plan" in query.output
    report = runner.invoke(cli, ["report", "nowhere-csp/2024-25", "--period", "2024-Q3"])
    assert report.exit_code == EXIT_USAGE_OR_INPUT


@pytest.mark.parametrize("url", ["/?plan=nowhere-csp/2024-25", "/charts?plan=nowhere-csp/2024-25"])
def test_an_unknown_plan_in_a_page_address_is_400_with_the_error_summary(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert "nowhere-csp/2024-25" in summary and "cannock-chase-csp/2024-25" in summary
    twin = "/charts/actions-per-csp-priority.json?" + url.split("?")[1]
    assert client.get(twin).status_code == 400
