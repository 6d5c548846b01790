"""Read a plan document (``.txt``, ``.docx``, ``.pdf``, ``.xlsx``, ``.csv``) into clean, numbered
lines and tables.

Word's text export leaves artefacts in the text: ``[bookmark: _Hlk...]`` anchors, and
footnotes written inline as ``[footnoteRef:1] [1:  the footnote text]``.  This module
strips them so the parser sees only the plan's words, but keeps the footnote text (it can
carry meaning, such as what "County Lines" refers to) and keeps every line's original
number so errors and provenance point at the source.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import PlanDocumentError
from .plan_record import Notice

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
FOOTNOTE_TEXT = re.compile(r"\[(\d+):\s+(.*?)\]\s*$")
SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".xlsx", ".csv")
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_BYTES = 20_000_000
"""A plan is a few hundred kilobytes; anything past this is refused before it is parsed."""
MAX_UNZIPPED = 100_000_000
MAX_XML_PART = 40_000_000
DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
MAX_ROWS = 5_000


@dataclass(frozen=True)
class Line:
    """One line of the document, cleaned, with its 1-based number in the source.

    ``kind`` is what Word says the paragraph is ("heading", "bullet"), or "cell" for a
    line inside a table; plain text has no kinds.
    """

    number: int
    text: str
    footnotes: tuple[str, ...] = ()
    kind: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell's text (its paragraphs joined by new lines) and its source lines."""

    text: str
    line: int
    last_line: int


@dataclass(frozen=True)
class Row:
    """A table row; ``number`` counts from 1 within the table (the sheet's row number)."""

    number: int
    cells: tuple[Cell, ...]
    spanning: bool = False
    """One cell merged across the whole row: a heading over the rows below it."""


@dataclass(frozen=True)
class Table:
    """A Word table or a spreadsheet's sheet; ``name`` is how messages refer to it."""

    name: str
    rows: tuple[Row, ...]
    sheet: bool = False


@dataclass(frozen=True)
class PlanDocument:
    """A plan document as lines (and tables), with what identifies the file it came from."""

    name: str
    lines: tuple[Line, ...]
    sha256: str
    media_type: str
    footnotes: dict[int, str] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    notices: tuple[Notice, ...] = ()
    """What reading noticed and the import reports (hidden rows, a read cut short)."""


def clean_line(number: int, raw: str) -> tuple[Line, dict[int, str]]:
    """Strip Word artefacts from one line; return the line and any footnotes defined on it."""
    text = BOOKMARK.sub("", raw)
    found: dict[int, str] = {}
    refs = [int(n) for n in FOOTNOTE_REF.findall(text)]
    text = FOOTNOTE_REF.sub("", text)
    match = FOOTNOTE_TEXT.search(text)
    if match:
        found[int(match.group(1))] = " ".join(match.group(2).split())
        text = text[: match.start()]
    text = text.replace("\u00a0", " ").strip()
    notes = tuple(found.get(n, "") for n in refs if n in found)
    return Line(number, text, notes), found


def _from_text(name: str, text: str) -> tuple[list[Line], dict[int, str]]:
    lines: list[Line] = []
    footnotes: dict[int, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line, found = clean_line(number, raw)
        footnotes.update(found)
        lines.append(line)
    return lines, footnotes


def check_package(path: Path, raw: bytes) -> None:
    """Refuse a Word or Excel package that would unpack to more than we will read, or
    whose XML declares a DTD (Office never writes one; entities are how XML attacks)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            entries = package.infolist()
            if len(entries) > 5_000 or sum(e.file_size for e in entries) > MAX_UNZIPPED:
                raise PlanDocumentError(path.name, None, "the package unpacks to too much to read")
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                if entry.file_size > MAX_XML_PART:
                    raise PlanDocumentError(
                        path.name, None, f"the package part {entry.filename} is too large"
                    )
                if DOCTYPE.search(package.read(entry)):
                    raise PlanDocumentError(
                        path.name, None, "the package declares a DTD, which Office never does"
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        raise PlanDocumentError(path.name, None, "not a Word or Excel package") from None


def _paragraph_kind(paragraph: object) -> str:
    style = getattr(getattr(paragraph, "style", None), "name", "") or ""
    if style.startswith(("Heading", "Title")):
        return "heading"
    p_pr = paragraph._p.pPr  # type: ignore[attr-defined]
    if style.startswith("List") or (p_pr is not None and p_pr.numPr is not None):
        return "bullet"
    return ""


def _docx_blocks(path: Path) -> tuple[list[tuple[str, str]], list[Table]]:
    """Paragraph texts (with kinds) of a .docx in document order, table cells included,
    and the top-level tables with each cell's lines."""
    import docx  # python-docx; imported here so .txt imports do not pay for it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError:
        # Its message holds the server path; found by fuzzing (a .docx that is not a zip).
        raise PlanDocumentError(path.name, None, "not a Word (.docx) package") from None
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        SyntaxError,
        TypeError,
        AttributeError,
    ) as exc:
        # SyntaxError: lxml's XMLSyntaxError (malformed XML, entity amplification);
        # TypeError, AttributeError: broken relationship parts (found by mutating a .docx).
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PlanDocumentError(
            path.name, None, f"not a readable Word document ({reason})"
        ) from None

    texts: list[tuple[str, str]] = []
    tables: list[Table] = []

    def walk(container: object, depth: int) -> None:
        for block in container.iter_inner_content():  # type: ignore[attr-defined]
            if isinstance(block, Paragraph):
                kind = "cell" if depth else _paragraph_kind(block)
                texts.extend((text, kind) for text in block.text.splitlines() or [""])
            elif isinstance(block, DocxTable):
                rows: list[Row] = []
                for number, row in enumerate(block.rows, start=1):
                    if len(rows) >= MAX_ROWS:
                        raise PlanDocumentError(
                            path.name, None, f"a table has more than {MAX_ROWS} rows"
                        )
                    seen: dict[int, Cell] = {}
                    cells: list[Cell] = []
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # merged cells repeat
                            first = len(texts) + 1
                            walk(cell, depth + 1)
                            lines = [text for text, _ in texts[first - 1 :]]
                            seen[id(cell._tc)] = Cell(
                                "\n".join(lines).strip(), first, max(first, len(texts))
                            )
                        cells.append(seen[id(cell._tc)])
                    rows.append(Row(number, tuple(cells), len(seen) == 1 and len(cells) > 1))
                if depth == 0:
                    tables.append(Table(f"table {len(tables) + 1}", tuple(rows)))

    walk(document, 0)
    return texts, tables


def read_plan_document(path: Path) -> PlanDocument:
    """Read a ``.txt`` (UTF-8, as Word exports it), ``.docx``, ``.pdf``, ``.xlsx`` or ``.csv``
    plan."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanDocumentError(
            path.name,
            None,
            f"unsupported file type '{suffix}'; expected .txt, .docx, .pdf, .xlsx or .csv",
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanDocumentError(
                path.name, None, f"the file is {size} bytes; a plan may be at most {MAX_BYTES}"
            )
        raw = path.read_bytes()
    except OSError as exc:
        # The path as given (``../nope/plan.txt``): its name alone hides which folder.
        raise PlanDocumentError(str(path), None, f"cannot read file: {exc.strerror}") from None
    digest = hashlib.sha256(raw).hexdigest()
    media_type = MEDIA_TYPES[suffix]
    tables: list[Table] = []
    kinds: list[str] = []
    if suffix in (".xlsx", ".csv"):
        from .plan_sheets import read_sheets

        if suffix == ".xlsx":
            check_package(path, raw)
        tables, notices = read_sheets(path, raw)
        return PlanDocument(path.name, (), digest, media_type, {}, tuple(tables), tuple(notices))
    if suffix == ".pdf":
        from .plan_pdf import read_pdf

        pdf_lines, tables = read_pdf(path, raw)
        return PlanDocument(path.name, tuple(pdf_lines), digest, media_type, {}, tuple(tables))
    if suffix == ".docx":
        check_package(path, raw)
        blocks, tables = _docx_blocks(path)
        text = "\n".join(text for text, _ in blocks)
        kinds = [kind for _, kind in blocks]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise PlanDocumentError(path.name, line, "text is not valid UTF-8") from None
    lines, footnotes = _from_text(path.name, text)
    if kinds:  # a trailing empty paragraph has no line; kinds line up from the start
        lines = [replace(line, kind=kind) for line, kind in zip(lines, kinds, strict=False)]
    return PlanDocument(path.name, tuple(lines), digest, media_type, footnotes, tuple(tables))
