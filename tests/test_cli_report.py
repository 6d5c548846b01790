"""``cspkg report``: the board report from the command line, by plan key and quarter."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from cspkg.cli import cli
from cspkg.store import EmbeddedStore

from .conftest import delivery_data


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An on-disk store holding the seed plan and the fictional quarter."""
    location = tmp_path_factory.mktemp("report-store")
    store = EmbeddedStore(location)
    delivery_data(store)
    store.close()
    return str(location)


def test_word_report_by_plan_key(runner: CliRunner, store_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "board.docx"
    args = ["report", "cannock-chase-csp/2024-25", "--period", "Q3 2024/25"]
    result = runner.invoke(
        cli, [*args, "--format", "docx", "--out", str(out), "--store", store_dir]
    )
    assert result.exit_code == 0, result.output
    assert "Q3 2024/25 (October to December 2024): 17 actions" in result.output
    document = Document(BytesIO(out.read_bytes()))
    assert document.paragraphs[1].text == "Quarterly performance report, Q3 2024/25"


def test_html_report_named_after_plan_and_quarter(
    runner: CliRunner, store_dir: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["report", "cannock-chase-csp/2024-25", "--period", "2024-Q3",
                                 "--as-at", "2025-05-01", "--store", store_dir])  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (tmp_path / "cannock-chase-csp-2024-25-2024-Q3-board-report.html").read_text()
    assert "Overdue is judged as at 1 May 2025" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-plan", "--period", "2024-Q3"], "known plans are cannock-chase-csp/2024-25"),
        (["cannock-chase-csp/2024-25", "--period", "Q7 2024"], "2024-Q3 or Q3 2024/25"),
    ],
)
def test_bad_plan_or_quarter(
    runner: CliRunner, store_dir: str, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "never.html"
    result = runner.invoke(cli, ["report", *args, "--out", str(out), "--store", store_dir])
    assert result.exit_code == 2 and message in result.output  # an input error (cli.EXIT_CODES)
    assert not out.exists()
