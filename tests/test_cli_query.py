"""``cspkg queries`` and ``cspkg query`` over the fixture graph."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspkg.cli import cli
from cspkg.config import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"

B = "https://cspkg.example.org/"
CST = B + "id/organisation/cannock-chase-district-council/community-safety-team"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Point the embedded store at the fixture graph only (no ontology)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "mini-plan.ttl").write_bytes((FIXTURES / "mini-plan.ttl").read_bytes())
    return {"CSPKG_DATA_DIR": str(data), "CSPKG_ONTOLOGY_DIR": str(tmp_path / "none")}


def test_queries_lists_the_catalogue(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0, result.output
    assert "agency-partners: Agency partners\n" in result.output
    assert f"    --param agency=<name>  (default {CST})\n" in result.output  # names work
    assert "    --param plan=<name>  (optional)\n" in result.output
    assert "    --param endpoint=<iri>  " in result.output  # an address, not a thing
    queries = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
    assert result.output.count(": ") == len(queries)


def test_query_as_csv(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(
        cli, ["query", "agency-workload", "--format", "csv"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "agency,agencyLabel,actionsLed,actionsSupported,actions",
        f"{CST},Community Safety Team,3,1,4",
        f"{B}id/organisation/staffordshire-police,Staffordshire Police,1,1,2",
        f"{B}id/organisation/loudmouth-theatre-productions,Loudmouth Theatre Productions,1,0,1",
    ]


def test_query_as_sparql_json_with_a_param(runner: CliRunner, env: dict[str, str]) -> None:
    args = ["query", "agency-partners", "-p", f"agency={B}id/organisation/staffordshire-police"]
    result = runner.invoke(cli, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["head"]["vars"] == ["partner", "partnerLabel", "sharedActions"]
    assert document["results"]["bindings"] == [
        {
            "partner": {"type": "uri", "value": CST},
            "partnerLabel": {"type": "literal", "value": "Community Safety Team"},
            "sharedActions": {
                "type": "literal",
                "value": "2",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            },
        }
    ]


def test_query_as_table(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["query", "overdue-actions", "-p", "date=2025-05-01"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "action", "actionLabel", "targetText", "targetDue", "status", "statusLabel", "period",
        "periodLabel",
    ]  # fmt: skip
    assert set(lines[1]) == {"-", " "}
    assert "Fraud campaign" in lines[2] and lines[2].rstrip().endswith("2024-12-31")
    assert lines[-1] == "(2 rows)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nope"], "no canned query named 'nope' (cspkg queries lists every query)"),
        (["query", "agency-partner"], "did you mean 'agency-partners'?"),
        (["query", "priority-gaps", "-p", "min"], "--param expects KEY=VALUE"),
        (["query", "priority-gaps", "-p", "min=3 || true"], "parameter 'min': expected"),
        (["query", "priority-gaps", "-p", "max=3"], "parameter 'max': expected a known"),
        (["query", "action", "-p", "action=not an iri"], "parameter 'action': expected"),
        (["query", "actions-per-csp-priority", "--format", "xml"], "Invalid value"),
    ],
)
def test_bad_requests_are_usage_errors(
    runner: CliRunner, env: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 2
    assert message in result.output


def test_broken_query_file_stops_with_file_and_line(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "oops.rq").write_text("# title: T\n# colour: red\n", encoding="utf-8")
    result = runner.invoke(cli, ["queries"], env={**env, "CSPKG_QUERIES_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert (
        "Error: " in result.output and "oops.rq:2: unknown header field 'colour'" in result.output
    )


WORKLOAD_FIRST = f"{CST},Community Safety Team,3,1,4"


def test_query_on_an_on_disk_store(runner: CliRunner, tmp_path: Path) -> None:
    """``--store DIR`` reads what ``cspkg load --store DIR`` put there, and writes nothing."""
    from cspkg.store import EmbeddedStore

    location = tmp_path / "store"
    filled = EmbeddedStore(location)
    data = (FIXTURES / "mini-plan.ttl").read_bytes()
    filled.load_graph(B + "graph/fixtures/mini-plan", data, "text/turtle")
    filled.close()
    del filled  # pyoxigraph releases the directory's lock when the store is collected
    gc.collect()
    args = ["query", "agency-workload", "--format", "csv", "--store", str(location)]
    result = runner.invoke(cli, args, env={"CSPKG_DATA_DIR": str(tmp_path / "none")})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == WORKLOAD_FIRST


def test_query_on_a_remote_server(runner: CliRunner, remote_url: str) -> None:
    from cspkg.store import RemoteStore

    remote = RemoteStore(remote_url)
    remote.update("DROP ALL")
    data = (FIXTURES / "mini-plan.ttl").read_bytes()
    remote.load_graph(B + "graph/fixtures/mini-plan", data, "text/turtle")
    remote.close()
    args = ["query", "agency-workload", "--format", "csv", "--backend", remote_url]
    result = runner.invoke(cli, args, env={"CSPKG_DATA_DIR": "/nonexistent"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == WORKLOAD_FIRST


def test_query_on_an_empty_store_warns(runner: CliRunner, tmp_path: Path) -> None:
    args = ["query", "agency-workload", "--store", str(tmp_path / "empty")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    assert "warning: the store is empty" in result.output


def test_unreachable_backend_is_an_error_not_a_traceback(runner: CliRunner) -> None:
    args = ["query", "agency-workload", "--backend", "http://127.0.0.1:9"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "Error: the SPARQL server could not be reached" in result.output
