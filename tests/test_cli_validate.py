"""``cspkg validate``: exit 0 (no violations), 1 (violations), 2 (could not run)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH

from cspkg.cli import cli


def test_a_conforming_file_exits_0(runner: CliRunner, valid_graph: Path) -> None:
    result = runner.invoke(cli, ["validate", "--today", "2025-01-01", str(valid_graph)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Validation conforms: 0 violations")


def test_warnings_alone_still_exit_0(runner: CliRunner, valid_graph: Path) -> None:
    # By 2025-06-01 valid.ttl's fraud campaign (due 2025-04-30) is overdue: a warning.
    result = runner.invoke(cli, ["validate", "--today", "2025-06-01", str(valid_graph)])
    assert result.exit_code == 0
    assert "1 warning" in result.output and "Fraud campaign" in result.output


def test_violations_exit_1_and_are_listed(
    runner: CliRunner, valid_graph: Path, shapes_fixtures: Path
) -> None:
    broken = shapes_fixtures / "breaks" / "action-without-responsible-agency.ttl"
    result = runner.invoke(
        cli, ["validate", "--today", "2025-01-01", str(valid_graph), str(broken)]
    )
    assert result.exit_code == 1
    assert "1 violation" in result.output
    assert "cspkgsh:Action-responsibleAgency" in result.output


def test_each_format(runner: CliRunner, valid_graph: Path, shapes_fixtures: Path) -> None:
    broken = str(shapes_fixtures / "breaks" / "action-without-plan.ttl")
    args = ["validate", "--today", "2025-01-01", str(valid_graph), broken, "--format"]
    as_json = runner.invoke(cli, [*args, "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["counts"]["Violation"] == 1
    as_turtle = runner.invoke(cli, [*args, "turtle"])
    graph = Graph().parse(data=as_turtle.output, format="turtle")
    assert len(list(graph.subjects(SH.resultSeverity, SH.Violation))) == 1
    as_html = runner.invoke(cli, [*args, "html"])
    assert as_html.output.startswith("<!DOCTYPE html>")
    assert "action&#x27;s plan" in as_html.output and "A test action" in as_html.output


def test_output_file_gets_the_report(runner: CliRunner, valid_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(
        cli,
        [
            "validate",
            "--today",
            "2025-01-01",
            "--format",
            "json",
            "--output",
            str(target),
            str(valid_graph),
        ],
    )
    assert result.exit_code == 0
    assert result.output.startswith("Validation conforms")
    assert json.loads(target.read_text(encoding="utf-8"))["conforms"] is True


def test_bad_rdf_exits_2_naming_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\n\nex:a ex:b .\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"Error: {bad}: not valid Turtle: line 3" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path / "nowhere.ttl")])
    assert result.exit_code == 2
    assert f"Error: {tmp_path / 'nowhere.ttl'}: cannot read file" in result.output


def test_broken_shapes_exit_2(runner: CliRunner, valid_graph: Path, tmp_path: Path) -> None:
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "bad.ttl").write_text("not turtle", encoding="utf-8")
    result = runner.invoke(
        cli, ["validate", str(valid_graph)], env={"CSPKG_SHAPES_DIR": str(tmp_path / "shapes")}
    )
    assert result.exit_code == 2
    assert "broken shapes file shapes/bad.ttl" in result.output


def test_default_is_the_built_graph(runner: CliRunner, valid_graph: Path, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plan.ttl").write_bytes(valid_graph.read_bytes())
    env = {"CSPKG_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(cli, ["validate", "--today", "2025-01-01"], env=env)
    assert result.exit_code == 0, result.output
    (tmp_path / "data" / "bad.ttl").write_text("oops", encoding="utf-8")
    failed = runner.invoke(cli, ["validate"], env=env)
    assert failed.exit_code == 2
    assert "data/bad.ttl" in failed.output
