"""PDF plans: the seed as a PDF imports to the seed's graph; running heads, feet and page
numbers are never content; a table over pages is one table; hostile PDFs end in a named
error and write nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from cspkg.cli import cli
from cspkg.config import PROJECT_ROOT, Settings
from cspkg.errors import PlanDocumentError
from cspkg.namespaces import CSPKG
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import parse_plan
from cspkg.services.plan_import import import_plan
from tests.fixtures.plans.corpus import EASTWOLD, NORTHMERE
from tests.fixtures.plans.hostile import HOSTILE_PDFS
from tests.fixtures.plans.pdfs import front, render, table_html, text_to_pdf

SEED_TEXT = PROJECT_ROOT / "data" / "documents" / "cannock-chase-csp-delivery-plan-2024-25.txt"
"""The seed plan's text as the project keeps it (Word artefacts stripped)."""
POSITIONS = {CSPKG.sourceFirstLine, CSPKG.sourceLastLine}
FILE_FACTS = {CSPKG.sha256, DCTERMS.format}


def comparable(folder: Path) -> set[tuple[object, object, object]]:
    """Every triple the import wrote, but the file's own facts (hash, media type, the
    name's suffix), the line positions (a PDF's lines are not the .txt's) and runs of
    spaces in text (a PDF keeps no double spaces)."""
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path)
    out = set()
    for s, p, o in graph:
        if p in POSITIONS or p in FILE_FACTS:
            continue
        if isinstance(o, Literal) and isinstance(o.value, str):
            text = re.sub(r"seed-plan\.(?:txt|pdf)", "seed-plan.*", " ".join(str(o).split()))
            o = Literal(text, lang=o.language, datatype=o.datatype)
        out.add((s, p, o))
    return out


def test_the_seed_as_a_pdf_imports_to_the_same_graph(settings: Settings, tmp_path: Path) -> None:
    text = tmp_path / "seed-plan.txt"
    text.write_text(SEED_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pdf").mkdir()
    pdf = text_to_pdf(text, tmp_path / "pdf" / "seed-plan.pdf", "Cannock Chase CSP Delivery Plan")
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 8  # headers, footers and page numbers on every page
        assert "Page 2 of" in document.pages[1].extract_text()
    from_text = import_plan(text, settings, tmp_path / "from-text")
    from_pdf = import_plan(pdf, settings, tmp_path / "from-pdf")
    assert from_pdf.actions == from_text.actions == 17
    assert from_pdf.layout == from_text.layout
    assert comparable(tmp_path / "from-pdf") == comparable(tmp_path / "from-text")


def test_running_heads_feet_and_page_numbers_are_not_content(tmp_path: Path) -> None:
    path = NORTHMERE.build(NORTHMERE, tmp_path / NORTHMERE.name)
    document = read_plan_document(path)
    texts = [line.text for line in document.lines]
    assert not [t for t in texts if "Page " in t or "FICTIONAL TEST DOCUMENT" in t]
    assert not [t for t in texts if t.startswith("Northmere CSP Delivery Plan")]
    assert texts[0] == NORTHMERE.title  # the title, not the running head above it


def test_a_table_over_three_pages_is_one_table(tmp_path: Path) -> None:
    path = NORTHMERE.build(NORTHMERE, tmp_path / NORTHMERE.name)
    with pdfplumber.open(path) as pdf:
        assert [len(page.find_tables()) for page in pdf.pages] == [1, 1, 1]
    (table,) = read_plan_document(path).tables
    header, *rows = table.rows
    assert header.cells[0].text == "Ref" and len(rows) == len(NORTHMERE.actions)
    assert [r.cells[0].text for r in rows] == [a.ref for a in NORTHMERE.actions]
    multi = next(r for r, a in zip(rows, NORTHMERE.actions, strict=True) if len(a.text) > 1)
    action = NORTHMERE.actions[rows.index(multi)]
    assert multi.cells[1].text == "\n".join(action.text)  # wrapped lines joined, paragraphs kept
    assert multi.cells[3].text == "\n".join(action.partners)


def test_merged_heading_rows_span_the_table(tmp_path: Path) -> None:
    path = EASTWOLD.build(EASTWOLD, tmp_path / EASTWOLD.name)
    (table,) = read_plan_document(path).tables
    headings = [r.cells[0].text for r in table.rows if r.spanning]
    assert headings == ["Priority 1: Anti-Social Behaviour", "Priority 2: Domestic Abuse",
                        "Priority 3: Fraud"]  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_hostile_pdfs_end_in_a_named_error(tmp_path: Path, name: str) -> None:
    make, phrase = HOSTILE_PDFS[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    with pytest.raises(PlanDocumentError, match=phrase) as caught:
        read_plan_document(path)
    assert str(caught.value).startswith(f"{name}: ")


@pytest.mark.parametrize("name", ["encrypted.pdf", "scanned.pdf", "stream-bomb.pdf"])
def test_the_cli_writes_nothing_for_a_hostile_pdf(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    make, phrase = HOSTILE_PDFS[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["import", str(path), "--out", str(out)])
    assert result.exit_code == 2 and phrase in result.output
    assert "Nothing was written." in result.output
    assert not out.exists() or not any(out.rglob("*"))


def test_a_scanned_pdf_says_what_to_do(tmp_path: Path) -> None:
    make, _ = HOSTILE_PDFS["scanned.pdf"]
    path = tmp_path / "scanned.pdf"
    path.write_bytes(make(tmp_path))
    with pytest.raises(PlanDocumentError, match="export the plan from its original document"):
        read_plan_document(path)


def test_a_note_between_actions_is_in_the_table_and_one_after_them_under_it(
    tmp_path: Path,
) -> None:
    """A note row merged across a PDF table between two actions is reported as in the
    table (reading goes on); one after the last action as under it (it ends the table)."""
    header = ("Ref", "Action", "Lead", "Partners", "Priority", "Target date", "Outcome")
    rows: list[tuple[str, ...] | str] = [
        (a.ref, "\n".join(a.text), "\n".join(a.lead), "\n".join(a.partners) or "N/A",
         a.priority, str(a.target), a.outcome or "-")
        for a in NORTHMERE.actions[:2]
    ]  # fmt: skip
    rows[1:1] = ["Note: the next action is new this year."]
    rows.append("Source: the fictional partnership's delivery group.")
    body = front(NORTHMERE) + table_html(header, rows)
    record = parse_plan(read_plan_document(render(tmp_path / "notes.pdf", body, "FICTIONAL")))
    assert len(record.actions) == 2
    inside = [w.message for w in record.warnings if w.message.startswith("a note in the table")]
    under = [w.message for w in record.warnings if w.message.startswith("a note under the table")]
    assert inside == ["a note in the table, between its actions, not an action: "
                      "'Note: the next action is new this year.'"]  # fmt: skip
    assert len(under) == 1 and "Source: the fictional partnership" in under[0]
