"""Read a plan published as a PDF (pdfplumber) into the lines and tables a Word file gives.

A PDF has no paragraphs, only positioned words, and every page repeats the same header,
footer and page number.  So: words are grouped into lines by position; lines in the top
or bottom band of a page that recur on most pages (digits ignored), and page numbers, are
dropped; a line is joined to the one before when that one ended only because the next
word would not fit (a wrapped line), never across a larger gap, a bullet or a change of
size.  Ruled tables are found by pdfplumber; a table that continues on the next page
(its header row repeated or not) is one table; a cell merged across a row is one cell.

A PDF is untrusted input: its streams are inflated to a bounded total before pdfminer
reads them, pages are counted before any is read, nesting ends in a named error, and a
file with no text layer (a scan) is refused with what to do instead.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanDocumentError
from .plan_document import MAX_ROWS, MAX_UNZIPPED, Cell, Line, Row, Table, clean_line

MAX_PAGES = 500
"""A delivery plan runs to tens of pages; a file claiming more is refused before reading."""
MAX_WORDS = 1_000_000
BAND = 0.08
"""The share of the page height at the top and bottom where running heads and feet sit."""
PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
BULLET_START = re.compile(r"^(?:[·•●▪◦‣*–-]\s|\d{1,2}[.)]\s)")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st",
                           "ﬆ": "st"})  # fmt: skip
STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
NO_TEXT = (
    "no text layer: the PDF has no text to read (a scanned plan is only pictures of pages); "
    "export the plan from its original document (Word or Excel, or a PDF saved from it) "
    "and import that"
)


@dataclass
class _TextLine:
    """Words on one baseline, with where they sit."""

    page: int
    top: float
    x0: float
    x1: float
    size: float
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return " ".join(str(w["text"]) for w in self.words).translate(LIGATURES)

    def first_width(self) -> float:
        word = self.words[0]
        return float(word["x1"]) - float(word["x0"])


@dataclass
class _PdfTable:
    """A ruled table on one page: its rows of cells, each cell its own paragraphs."""

    page: int
    top: float
    rows: list[list[tuple[str, ...] | None]]
    spans: list[list[int]] = field(default_factory=list)
    """For each row, the column each position takes its cell from (itself if its own)."""


Page = tuple[list[_TextLine], list[_PdfTable], float]
"""One page as read: its body lines, its tables, its height."""


def check_pdf(name: str, raw: bytes) -> None:
    """Refuse a PDF whose compressed streams would inflate past what we will read (a
    'zip bomb' in a PDF); inflating stops at the limit, so the check itself is bounded."""
    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise PlanDocumentError(name, None, "not a PDF (it does not start with %PDF)")
    budget = MAX_UNZIPPED
    for match in STREAM.finditer(raw):
        end = raw.find(b"endstream", match.end())
        if end < 0:
            break
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(raw[match.end() : end], budget + 1)
        except zlib.error:
            continue  # not Flate (or encrypted): pdfminer decides
        budget -= len(out)
        if budget < 0:
            raise PlanDocumentError(name, None, "the PDF's streams unpack to too much to read")


def read_pdf(path: Path, raw: bytes) -> tuple[list[Line], list[Table]]:
    """The PDF's body text as numbered lines and its ruled tables, in reading order."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.utils.exceptions import PdfminerException

    name = path.name
    check_pdf(name, raw)
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            count = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))
            if count > MAX_PAGES:
                raise PlanDocumentError(
                    name, None, f"the PDF has more than {MAX_PAGES} pages; a plan has far fewer"
                )
            pages = [_read_page(name, number, page) for number, page in enumerate(pdf.pages)]
    except PdfminerException as exc:
        raise PlanDocumentError(name, None, _pdfminer_reason(exc)) from None
    except RecursionError:
        raise PlanDocumentError(
            name, None, "the PDF nests its objects too deeply to read"
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, AssertionError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PlanDocumentError(name, None, f"not a readable PDF ({reason})") from None
    if sum(len(line.words) for lines, _t, _h in pages for line in lines) > MAX_WORDS:
        raise PlanDocumentError(name, None, "the PDF holds more text than a plan")
    lines, tables = _assemble(name, pages)
    if not any(line.text for line in lines) and not tables:
        raise PlanDocumentError(name, None, NO_TEXT)
    return lines, tables


def _pdfminer_reason(exc: Exception) -> str:
    inner = exc.args[0] if exc.args else exc
    kind = type(inner).__name__
    if kind in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return (
            "the PDF is encrypted and needs a password to open; save a copy without a "
            "password, or export the plan from its original document"
        )
    if isinstance(inner, RecursionError):
        return "the PDF nests its objects too deeply to read"
    reason = str(inner).splitlines()[0][:200] if str(inner) else kind
    return f"not a readable PDF ({reason})"


def _lines_of(words: list[dict[str, Any]], page: int) -> list[_TextLine]:
    """Words grouped into lines by their top, each line left to right."""
    lines: list[_TextLine] = []
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        top, size = float(word["top"]), float(word.get("size") or 10)
        if lines and abs(top - lines[-1].top) <= max(2.0, 0.3 * size):
            lines[-1].words.append(word)
            continue
        lines.append(_TextLine(page, top, 0, 0, size, [word]))
    for line in lines:
        line.words.sort(key=lambda w: float(w["x0"]))
        line.x0 = float(line.words[0]["x0"])
        line.x1 = max(float(w["x1"]) for w in line.words)
        line.size = max(float(w.get("size") or 10) for w in line.words)
    return lines


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    cx = (float(word["x0"]) + float(word["x1"])) / 2
    cy = (float(word["top"]) + float(word["bottom"])) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _read_page(name: str, number: int, page: Any) -> Page:
    """One page's body lines (with the page height) and tables; nothing joined yet."""
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
    if len(words) > MAX_WORDS:
        raise PlanDocumentError(name, None, f"page {number + 1} holds more text than a plan")
    found = page.find_tables()
    boxes = [tuple(float(v) for v in t.bbox) for t in found]
    body = [w for w in words if not any(_inside(w, box) for box in boxes)]
    tables = [_table(number, table, words) for table in found]
    return _lines_of(body, number), tables, float(page.height)


def _table(page: int, table: Any, words: list[dict[str, Any]]) -> _PdfTable:
    """A pdfplumber table as rows of cell paragraphs; merged positions point at their cell."""
    rows: list[list[tuple[str, ...] | None]] = []
    grid = [list(row.cells) for row in table.rows]
    columns = max((len(r) for r in grid), default=0)
    full = next((r for r in grid if all(c is not None for c in r) and len(r) == columns), None)
    centres = [((c[0] + c[2]) / 2) for c in full] if full else []
    spans: list[list[int]] = []
    for index, cells in enumerate(grid):
        texts: list[tuple[str, ...] | None] = []
        span: list[int] = []
        for column, box in enumerate(cells):
            if box is None:
                texts.append(None)
                span.append(_owner(grid, index, column, centres, span))
                continue
            inside = [w for w in words if _inside(w, box)]
            lines = _lines_of(inside, page)
            pad = min((line.x0 for line in lines), default=box[0]) - box[0]
            texts.append(tuple(_paragraphs(lines, box[2] - pad)))
            span.append(column)
        rows.append(texts)
        spans.append(span)
    return _PdfTable(page, float(table.bbox[1]), rows, spans)


def _owner(
    grid: list[list[Any]], row: int, column: int, centres: list[float], span: list[int]
) -> int:
    """The column whose cell covers a merged position in this row (-1: the cell above)."""
    for left in range(column - 1, -1, -1):
        box = grid[row][left]
        if box is not None:
            x = centres[column] if column < len(centres) else box[2]
            return span[left] if box[0] <= x <= box[2] else -1
    return -1


def _paragraphs(lines: list[_TextLine], right: float, paragraph_gap: bool = True) -> list[str]:
    """Lines joined into paragraphs where a line was only wrapped (see the module's note)."""
    out: list[str] = []
    previous: _TextLine | None = None
    for line in lines:
        text = line.text
        if previous is not None and out and _wrapped(previous, line, right, paragraph_gap):
            tail = out[-1].rsplit(" ", 1)[-1]
            glue = "" if len(tail) > 1 and tail[-1] in "-/–—" and tail[-2].isalnum() else " "
            out[-1] = out[-1] + glue + text
        else:
            out.append(text)
        previous = line
    return out


def _wrapped(previous: _TextLine, line: _TextLine, right: float, gap: bool) -> bool:
    if abs(previous.size - line.size) > 0.5 or BULLET_START.match(line.text):
        return False
    if gap and line.page == previous.page and line.top - previous.top > 1.6 * previous.size:
        return False
    space = 0.28 * previous.size
    return previous.x1 + space + line.first_width() > right - 1.0


def _segments(line: _TextLine) -> list[str]:
    """A head or foot's parts (left, centre, right): words apart by more than two ems split."""
    parts: list[list[str]] = [[]]
    previous = None
    for word in line.words:
        if previous is not None and float(word["x0"]) - float(previous["x1"]) > 2 * line.size:
            parts.append([])
        parts[-1].append(str(word["text"]).translate(LIGATURES))
        previous = word
    return [" ".join(part) for part in parts]


def _running(pages: list[Page], body_size: float) -> set[int]:
    """ids of lines in the top or bottom band whose every part is a page number, recurs on
    most pages (digits ignored), or, in a one-page file, is set smaller than the text."""
    found: set[int] = set()
    counts: dict[str, set[int]] = {}
    banded: list[tuple[_TextLine, list[str]]] = []
    for lines, _tables, height in pages:
        for line in lines:
            if BAND * height < line.top < (1 - BAND) * height:
                continue
            keys = [re.sub(r"\d+", "#", part.lower()) for part in _segments(line)]
            banded.append((line, keys))
            for key in keys:
                counts.setdefault(key, set()).add(line.page)
    repeated = max(2, (len(pages) + 1) // 2)
    for line, keys in banded:
        small = len(pages) == 1 and line.size < body_size - 0.5
        if all(
            PAGE_NUMBER.match(key.replace("#", "1")) or len(counts[key]) >= repeated or small
            for key in keys
        ):
            found.add(id(line))
    return found


def _assemble(name: str, pages: list[Page]) -> tuple[list[Line], list[Table]]:
    """Body paragraphs and tables in page order, numbered as one document."""
    everything = [line for lines, _t, _h in pages for line in lines]
    inner = [
        line.size
        for lines, _t, height in pages
        for line in lines
        if BAND * height < line.top < (1 - BAND) * height
        for _ in line.words
    ]
    body_size = statistics.median(inner or [10.0])
    running = _running(pages, body_size)
    body = [line for line in everything if id(line) not in running]
    right = max((line.x1 for line in body), default=0.0)
    elements: list[tuple[int, float, object]] = [(line.page, line.top, line) for line in body]
    for _lines, tables, _height in pages:
        elements += [(table.page, table.top, table) for table in tables]
    elements.sort(key=lambda e: (e[0], e[1]))
    out_lines: list[Line] = []
    out_tables: list[Table] = []
    run: list[_TextLine] = []
    last_table: list[Row] | None = None
    header: tuple[str, ...] | None = None

    def flush() -> None:
        for text in _paragraphs(run, right):
            size = next((line.size for line in run if text.startswith(line.text)), body_size)
            kind = "heading" if size >= 1.15 * body_size else ""
            line, _ = clean_line(len(out_lines) + 1, text)
            out_lines.append(Line(line.number, line.text, kind=kind))
        run.clear()

    for _page, _top, element in elements:
        if isinstance(element, _TextLine):
            run.append(element)
            last_table = None
            continue
        flush()
        assert isinstance(element, _PdfTable)
        rows = _rows(element, out_lines)
        texts = tuple(c.text for c in rows[0].cells) if rows else ()
        if last_table is not None and rows and len(rows[0].cells) == len(last_table[0].cells):
            if texts == header:
                rows = rows[1:]
            last_table.extend(
                Row(len(last_table) + i + 1, r.cells, r.spanning) for i, r in enumerate(rows)
            )
        else:
            last_table, header = list(rows), texts
            out_tables.append(Table(f"table {len(out_tables) + 1}", ()))
        if len(last_table) > MAX_ROWS:
            raise PlanDocumentError(name, None, f"a table has more than {MAX_ROWS} rows")
        out_tables[-1] = Table(out_tables[-1].name, tuple(last_table))
    flush()
    return out_lines, out_tables


def _rows(table: _PdfTable, out_lines: list[Line]) -> list[Row]:
    """The table's rows as :class:`Row`, each cell's paragraphs numbered as lines."""
    rows: list[Row] = []
    above: list[Cell] = []
    for number, (texts, span) in enumerate(zip(table.rows, table.spans, strict=True), start=1):
        cells: list[Cell] = []
        for column, paragraphs in enumerate(texts):
            if paragraphs is None:
                owner = span[column]
                if owner >= 0:
                    cells.append(cells[owner])
                elif column < len(above):
                    cells.append(Cell(above[column].text, above[column].line, above[column].line))
                else:
                    cells.append(Cell("", len(out_lines), len(out_lines)))
                continue
            first = len(out_lines) + 1
            for text in paragraphs or ("",):
                out_lines.append(Line(len(out_lines) + 1, clean_line(0, text)[0].text, kind="cell"))
            cells.append(Cell("\n".join(paragraphs).strip(), first, len(out_lines)))
        unique = {id(c) for c in cells}
        rows.append(Row(number, tuple(cells), len(unique) == 1 and len(cells) > 1))
        above = cells
    return rows
