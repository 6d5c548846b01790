"""The probe's smaller findings, each through the entry point it was found at: control
characters in a workbook download, a DTD or a formula without a value in a progress
return, a commentary longer than the form takes, hidden direction and zero-width
characters in names and commentary."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from cspkg.cli import cli
from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import delivery_data

POLICE = "police-Kq3Wv8Zm1Tx6Hr4Lp9Nc"
FORM = "/delivery/cannock-chase-csp/2024-25/progress"
RLO, ZWSP = "\u202e", "\u200b"


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    store = EmbeddedStore()
    delivery_data(store)
    settings = replace(load_settings(environ={}), agency_tokens=(("staffordshire-police", POLICE),))
    yield create_app(settings, store).test_client()
    store.close()


@pytest.mark.parametrize(
    "url",
    [
        "/queries/exceptions.xlsx?period=%00",
        "/queries/exceptions.xlsx?period=%01",
        "/queries/exceptions.xlsx?period=a%0bb",
        # Matched to an agency by name, so the About sheet repeats what was typed (a 500
        # before the workbook writer replaced characters XML cannot hold).
        "/queries/agency-actions.xlsx?agency=Staffordshire%0bPolice",
    ],
)
def test_control_characters_in_a_workbook_parameter_are_not_a_500(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        book = load_workbook(io.BytesIO(response.data))
        about = [str(c.value) for row in book["About"].iter_rows() for c in row]
        assert any("Staffordshire\ufffdPolice" in value for value in about), about


def _return(
    path: Path, status: object = "On track", commentary: str = "Fictional.", percent: object = 50
) -> Path:
    """A progress return workbook: the header and one row for action 4 in Q3."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Progress"
    sheet.append(["Action", "Quarter", "Status", "% complete", "Commentary", "Reported by"])
    sheet.append([4, "2024-Q3", status, percent, commentary, f"A. {RLO}Tester{ZWSP} (fictional)"])
    book.save(path)
    return path


def _with_dtd(source: Path, part: str) -> Path:
    """The same workbook with an entity declared in one XML part."""
    target = source.with_name(f"dtd-{part.replace('/', '-')}-return.xlsx")
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == part:
                head, _, rest = data.partition(b"?>")
                data = head + b'?><!DOCTYPE x [<!ENTITY e "boom">]>' + rest
            new.writestr(item, data)
    return target


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_import_progress_refuses_a_dtd_as_import_does(tmp_path: Path, part: str) -> None:
    book = _return(tmp_path / "return.xlsx")
    with zipfile.ZipFile(book) as archive:
        if part not in archive.namelist():  # openpyxl writes inline strings
            part = "xl/workbook.xml"
    hostile = _with_dtd(book, part)
    runner = CliRunner()
    result = runner.invoke(cli, ["import-progress", str(hostile), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "declares a DTD" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "o").exists()
    plan = runner.invoke(cli, ["validate", str(hostile)])
    assert "declares a DTD" in plan.output  # the plan import's own words


def test_a_formula_without_a_saved_value_is_named_in_a_warning(tmp_path: Path) -> None:
    """openpyxl reads such a cell as empty: the person is told which cell, not left to
    wonder where the value went (a required cell: beside the error it causes)."""
    book = _return(tmp_path / "return.xlsx", percent="=20+30")
    result = CliRunner().invoke(cli, ["import-progress", str(book), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"warning: row 2, column D \(% complete\): a formula with no saved value", result.output
    ), result.output
    book = _return(tmp_path / "status.xlsx", status='=IF(D2>40,"On track","At risk")')
    result = CliRunner().invoke(cli, ["import-progress", str(book), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2, result.output
    assert "row 2, column C (Status): a formula with no saved value" in result.output


def test_names_lose_hidden_characters_and_commentary_is_isolated(tmp_path: Path) -> None:
    book = _return(tmp_path / "return.xlsx", "Off track", f"Fictional: {RLO}kcart no")
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["import-progress", str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = (out / "progress" / "cannock-chase-csp-2024-25.ttl").read_text(encoding="utf-8")
    assert '"A. Tester (fictional)"' in written  # the name, cleaned
    assert RLO in written  # the commentary, as written
    store = EmbeddedStore()
    delivery_data(store)
    store.load_graph("https://cspkg.example.org/graph/test/hidden", written.encode(), "text/turtle")
    client = create_app(load_settings(environ={}), store).test_client()
    page = client.get("/delivery/cannock-chase-csp/2024-25?period=2024-Q3")
    html = page.get_data(as_text=True)
    assert f"<bdi>Fictional: {RLO}kcart no</bdi>" in html
    report = client.get("/delivery/cannock-chase-csp/2024-25/board-report.docx?period=2024-Q3")
    cells = [
        c.text for t in Document(io.BytesIO(report.data)).tables for r in t.rows for c in r.cells
    ]
    assert f"\u2068Fictional: {RLO}kcart no\u2069" in cells
    store.close()


def test_a_long_commentary_is_refused_with_a_character_count(client: FlaskClient) -> None:
    form = client.get(FORM).get_data(as_text=True)
    assert 'data-module="govuk-character-count" data-maxlength="4000"' in form
    long = "Fictional. " * 819  # 9,009 characters
    answers = {"token": POLICE, "action": "3", "period": "2024-Q4", "status": "On track",
               "commentary": long}  # fmt: skip
    response = client.post(FORM, data=answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Commentary must be 4,000 characters or less" in html
    assert long.strip() in html  # kept, not cut, for the person to shorten
