"""The board report's Commissioner's edition: HTML, Word and PDF from the one model the
``/commissioner`` page shows, with the same figures, saying only confirmed links count."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from docx import Document

from cspkg.catalog import load_catalog
from cspkg.cli import cli
from cspkg.config import load_settings
from cspkg.reports.commissioner import CONFIRMED_ONLY, file_name, render
from cspkg.services.canned_queries import CannedQueries
from cspkg.services.commissioner_view import CommissionerView, build
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from tests.conftest import FICTIONAL_PROGRESS, PROGRESS_GRAPH


@pytest.fixture
def view(commissioner_data: Path) -> Iterator[CommissionerView]:
    settings = replace(load_settings(environ={}), data_dir=commissioner_data)
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, commissioner_data]))
    store.load_graph(PROGRESS_GRAPH, FICTIONAL_PROGRESS.read_bytes(), "text/turtle")
    queries = CannedQueries(load_catalog(settings.queries_dir, settings.base), store, settings)
    yield build(queries, None, "2024-Q3")
    store.close()


def _expected(view: CommissionerView) -> list[list[str]]:
    return [[row.label, *(str(c.confirmed) for c in row.cells)] for row in view.plans]


def test_word_has_the_page_figures_and_says_confirmed_only(view: CommissionerView) -> None:
    document = Document(io.BytesIO(render(view, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert CONFIRMED_ONLY in text
    assert [h.text for h in document.paragraphs if h.style.name.startswith("Heading 2")] == [
        "Coverage: actions serving each priority", "Gaps",
        "Agencies in several partnerships' plans", "Delivery in Q3 2024/25",
    ]  # fmt: skip
    coverage = document.tables[0]
    cells = [[c.text.split(" (+")[0] for c in row.cells][:-1] for row in coverage.rows[1:]]
    assert cells == _expected(view)
    assert ["Cannock Chase CSP Delivery Plan 2024/25", "13", "17", "15", "14"] in cells


def test_html_and_pdf_say_the_same(view: CommissionerView) -> None:
    html = render(view, "html").decode("utf-8")
    assert "Only confirmed links are counted" in html and "<h1>The Commissioner" in html
    with pdfplumber.open(io.BytesIO(render(view, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Only confirmed links are counted" in text
    flat = " ".join(text.split())
    cannock = flat.index("Cannock Chase CSP")
    assert re.search(r"13 17 15 14 4 of 4", flat[cannock : cannock + 200])
    assert "The Commissioner's view Page 1 of" in flat and "Quarterly performance" not in flat
    assert file_name(view, "pdf") == "staffordshire-2024-28-commissioner-report-Q3-2024-25.pdf"


def test_the_command_writes_each_format(commissioner_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"CSPKG_DATA_DIR": str(commissioner_data)}
    for form in ("html", "docx", "pdf"):
        out = tmp_path / f"report.{form}"
        result = runner.invoke(
            cli, ["commissioner-report", "--format", form, "--out", str(out)], env=env
        )
        assert result.exit_code == 0, result.output
        assert "Staffordshire Police and Crime Plan 2024-28: 4 partnership plan(s)" in result.output
        assert out.stat().st_size > 1000
    bad = runner.invoke(
        cli, ["commissioner-report", "--commissioner-plan", "Nowhere 1999"], env=env
    )
    assert bad.exit_code == 2 and "the name or code of a Police and Crime Plan" in bad.output
