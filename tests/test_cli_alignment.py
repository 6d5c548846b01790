"""``cspkg align``, ``cspkg alignment`` and ``cspkg import-alignment`` as a person runs them,
and ``cspkg import`` suggesting at once for a plan under a Commissioner plan we hold."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from cspkg.cli import cli
from cspkg.config import load_settings
from tests.conftest import COMMISSIONER_FIXTURES, FIXTURES


def _data(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "data"
    shutil.copytree(load_settings(environ={}).data_dir, data)
    return {"CSPKG_DATA_DIR": str(data)}


def test_import_suggests_for_a_plan_under_a_held_commissioner_plan(
    runner: CliRunner, tmp_path: Path
) -> None:
    env = _data(tmp_path)
    plan = COMMISSIONER_FIXTURES / "larkvale-csp-delivery-plan-2025-26.txt"
    result = runner.invoke(cli, ["import", str(plan)], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "alignment to https://cspkg.example.org/id/police-and-crime-plan/staffordshire/2024-28"
        in result.output
    )
    assert "suggestions are not alignment until confirmed" in result.output
    assert (
        tmp_path / "data/alignment/suggested/larkvale-csp-2025-26-to-staffordshire-pcp-2024-28.ttl"
    ).exists()


def test_a_plan_under_2021_24_has_no_evidence_so_import_does_not_suggest(
    runner: CliRunner, tmp_path: Path
) -> None:
    plan = FIXTURES / "plans" / "exampleton-csp-delivery-plan-2024-25.txt"
    result = runner.invoke(cli, ["import", str(plan), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "alignment to" not in result.output


def test_align_alignment_and_import_alignment(runner: CliRunner, tmp_path: Path) -> None:
    env = _data(tmp_path)
    align = runner.invoke(cli, ["align", "cannock-chase-csp/2024-25"], env=env)
    assert align.exit_code == 0, align.output
    assert "1 priority and 0 action suggestion(s)" in align.output
    out = tmp_path / "review.xlsx"
    listed = runner.invoke(
        cli, ["alignment", "cannock-chase-csp/2024-25", "--out", str(out)], env=env
    )
    assert listed.exit_code == 0 and "1 suggestion(s)" in listed.output
    book = load_workbook(out)
    sheet = book["Review"]
    sheet["F6"], sheet["H6"], sheet["I6"] = "reject", "Fraud work here is awareness.", "A. Analyst"
    book.save(out)
    back = runner.invoke(cli, ["import-alignment", str(out)], env=env)
    assert back.exit_code == 0, back.output
    assert "0 accepted, 0 changed, 1 rejected, 0 left undecided" in back.output
    again = runner.invoke(cli, ["align", "cannock-chase-csp/2024-25"], env=env)
    assert "0 priority and 0 action suggestion(s)" in again.output
    assert "1 decided earlier kept" in again.output


def test_bad_input_exits_2_with_a_named_error(runner: CliRunner, tmp_path: Path) -> None:
    env = _data(tmp_path)
    unknown = runner.invoke(cli, ["align", "nowhere/2024-25"], env=env)
    assert unknown.exit_code == 2 and "no delivery plan called 'nowhere/2024-25'" in unknown.output
    pcp = runner.invoke(
        cli, ["align", "cannock-chase-csp/2024-25", "--commissioner-plan", "1999-2000"], env=env
    )
    assert pcp.exit_code == 2 and "no Police and Crime Plan called '1999-2000'" in pcp.output
    none = runner.invoke(
        cli, ["align", "cannock-chase-csp/2024-25", "--commissioner-plan", "2021-24"], env=env
    )
    assert none.exit_code == 2 and "the suggester needs data/evidence/" in none.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00" * 100)
    refused = runner.invoke(cli, ["import-alignment", str(junk)], env=env)
    assert refused.exit_code == 2 and "junk.xlsx: not a readable Excel workbook" in refused.output
    assert "Nothing was written." in refused.output
