"""The board report in each format, read back by the libraries people would use.

Word is opened with python-docx (headings by style, tables by cell); the PDF is read
with pypdf and its first page rendered to an image with poppler's pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader

from cspkg.config import Settings
from cspkg.reports import board
from cspkg.services import delivery
from cspkg.services.delivery_model import Delivery
from cspkg.store import EmbeddedStore

PREPARED = date(2025, 1, 24)
SECTIONS = [
    "Summary",
    "Delivery by CSP priority",
    "Exceptions: actions off track or at risk",
    "Actions with no update",
    "Overdue actions",
    "Outcomes",
    "Alignment with the Commissioner's priorities",
]
TITLE = "Quarterly performance report, Q3 2024/25"


@pytest.fixture(scope="module")
def model(board_store: EmbeddedStore) -> Delivery:
    from cspkg.config import load_settings

    settings: Settings = load_settings(environ={})
    plan = delivery.resolve_plan(board_store, settings, "cannock-chase-csp/2024-25")
    period = delivery.resolve_period(board_store, settings, "2024-Q3")
    return delivery.build(board_store, settings, plan, period)


class _Outline(HTMLParser):
    """Headings (h1-h3) and table cells of an HTML document, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.cells: list[str] = []
        self.tags: set[str] = set()
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.add(tag)
        if tag in ("h1", "h2", "h3", "td", "th"):
            self._open, self._text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            text = " ".join(self._text.split())
            (self.cells if tag in ("td", "th") else self.headings).append(  # type: ignore[arg-type]
                text if tag in ("td", "th") else (tag, text)
            )
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data


def test_html(model: Delivery) -> None:
    html = board.render(model, "html", PREPARED).decode("utf-8")
    outline = _Outline()
    outline.feed(html)
    assert outline.headings[0] == ("h1", TITLE)
    assert [text for tag, text in outline.headings if tag == "h2"] == SECTIONS
    assert "script" not in outline.tags and "link" not in outline.tags  # self-contained
    assert "Off track (Red)" in outline.cells and "Prepared 24 January 2025" in html
    assert any("Support worker post vacant" in cell for cell in outline.cells)


def test_html_escapes_what_the_graph_says(model: Delivery) -> None:
    from dataclasses import replace

    from cspkg.services.delivery_model import Named

    hostile = replace(model, plan=Named(model.plan.iri, "<script>alert(1)</script>"))
    html = board.render(hostile, "html", PREPARED).decode("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_word_has_real_headings_and_tables(model: Delivery) -> None:
    document = Document(BytesIO(board.render(model, "docx", PREPARED)))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", TITLE)
    assert [text for style, text in headings if style == "Heading 2"] == SECTIONS
    commissioner = [text for style, text in headings if style == "Heading 3"]
    assert commissioner == [
        "Staffordshire Police and Crime Plan 2024-28",
        "Staffordshire Police and Crime Plan 2021-24 (the plan this delivery plan cites)",
    ]
    summary, by_priority, exceptions, missing, overdue = document.tables[:5]
    assert [c.text for c in summary.rows[0].cells] == ["Status", "Actions"]
    assert [c.text for c in summary.rows[-1].cells] == ["All actions", "17"]
    assert [c.text for c in by_priority.rows[0].cells][:3] == [
        "CSP priority",
        "Not started (Amber)",
        "On track (Green)",
    ]
    assert len(by_priority.rows) == 1 + 7
    first = [c.text for c in exceptions.rows[1].cells]
    assert first[0] == "7" and first[2] == "Burton Addiction Centre"
    assert first[3:5] == ["Off track (Red)", "20%"]
    assert "Support worker post vacant" in first[5]
    assert [r.cells[0].text for r in missing.rows[1:]] == ["4", "9", "15", "16", "17"]
    assert [r.cells[0].text for r in overdue.rows[1:]] == ["10"]
    assert len(document.tables) == 5 + len(model.commissioner)
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_text_and_first_page_image(model: Delivery, tmp_path: Path) -> None:
    pdf = board.render(model, "pdf", PREPARED)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for heading in [TITLE, *SECTIONS]:
        assert heading in text, heading
    assert "Off track (Red)" in text and f"Page 1 of {len(reader.pages)}" in text
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True, timeout=60,
    )  # fmt: skip
    with Image.open(tmp_path / "page.png") as image:
        width, height = image.size
        # A4 landscape is 841.9 x 595.3 points: 842 x 595 or 596 pixels at 72 dpi.
        assert width == 842 and height in (595, 596)
        grey = image.convert("L")
        dark = sum(1 for value in grey.getdata() if value < 128)
        assert dark > 2000  # text was drawn, not a blank page
        # The RAG tags are drawn in colour: the green tag's tint is on the page.
        colours = {pixel[:3] for pixel in image.convert("RGB").getdata()}
        assert (0xCC, 0xE2, 0xD8) in colours


def test_file_names_and_unknown_format(model: Delivery) -> None:
    assert board.file_name(model, "pdf") == "cannock-chase-csp-2024-25-2024-Q3-board-report.pdf"
    with pytest.raises(Exception, match="use html, docx or pdf"):
        board.render(model, "rtf")


def test_pdf_is_tagged_pdf_ua_with_its_properties(model: Delivery) -> None:
    """Tagged (a structure tree, marked content) PDF/UA-1, so a screen reader can follow
    headings and tables; title, author (the partnership) and subject set."""
    reader = PdfReader(BytesIO(board.render(model, "pdf", PREPARED)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    metadata = reader.metadata
    assert metadata is not None and metadata.title == TITLE
    assert metadata.author == "Cannock Chase Community Safety Partnership"
    xmp = reader.xmp_metadata
    assert xmp is not None and b"pdfuaid" in xmp.stream.get_data()


def test_full_titles_one_quarter_form_and_word_properties(model: Delivery) -> None:
    html = board.render(model, "html", PREPARED).decode()
    assert "…" not in html  # the data's cut titles are given whole
    assert "2024-Q3" not in html and "Q3 2024/25" in html  # one way to write the quarter
    assert '<meta name="author" content="Cannock Chase Community Safety Partnership">' in html
    assert html.count("<main>") == 1
    document = Document(BytesIO(board.render(model, "docx", PREPARED)))
    assert document.core_properties.author == "Cannock Chase Community Safety Partnership"
