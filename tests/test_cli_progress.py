"""``cspkg tracker`` and ``cspkg import-progress``: what a CSP officer types and reads."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from cspkg.cli import cli


def test_tracker_writes_a_workbook_named_by_the_plans_short_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "tracker.xlsx"
    result = runner.invoke(
        cli, ["tracker", "cannock-chase-csp/2024-25", "--period", "2024-Q3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "17 actions" in result.output and "Q3 2024/25 (October to December 2024)" in result.output
    )
    assert load_workbook(out).sheetnames == ["Progress", "Instructions"]


def test_tracker_refuses_an_unknown_plan_or_quarter(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "tracker.xlsx"
    unknown = runner.invoke(
        cli, ["tracker", "nowhere/2024-25", "--period", "2024-Q3", "--out", str(out)]
    )
    assert unknown.exit_code == 2
    assert "no delivery plan called 'nowhere/2024-25'" in unknown.output
    bad = runner.invoke(
        cli, ["tracker", "cannock-chase-csp/2024-25", "--period", "Q5", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "2024-Q3 or Q3 2024/25" in bad.output
    assert not out.exists()


def test_import_progress_reports_what_it_wrote(
    runner: CliRunner, progress_fixtures: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli, ["import-progress", str(progress_fixtures / "2024-q3.csv"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "2024-q3.csv: 14 new update(s)" in result.output
    assert (tmp_path / "progress" / "cannock-chase-csp-2024-25.ttl").exists()


def test_a_bad_row_exits_2_names_row_and_column_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "action,period,status,progress,commentary\n3,2024-Q3,On track,140,too much\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["import-progress", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "row 2, column progress: '140' is not a percentage" in result.output
    assert "Nothing was written." in result.output
    assert not (tmp_path / "out").exists()
