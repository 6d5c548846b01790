"""Read a plan document (a Word ``.docx`` or its ``.txt`` export) into clean, numbered lines.

Word's text export leaves artefacts in the text: ``[bookmark: _Hlk...]`` anchors, and
footnotes written inline as ``[footnoteRef:1] [1:  the footnote text]``.  This module
strips them so the parser sees only the plan's words, but keeps the footnote text (it can
carry meaning, such as what "County Lines" refers to) and keeps every line's original
number so errors and provenance point at the source.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PlanDocumentError

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
FOOTNOTE_TEXT = re.compile(r"\[(\d+):\s+(.*?)\]\s*$")
SUPPORTED_SUFFIXES = (".txt", ".docx")


@dataclass(frozen=True)
class Line:
    """One line of the document, cleaned, with its 1-based number in the source."""

    number: int
    text: str
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanDocument:
    """A plan document as lines, with what identifies the file it came from."""

    name: str
    lines: tuple[Line, ...]
    sha256: str
    media_type: str
    footnotes: dict[int, str] = field(default_factory=dict)


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


def _docx_paragraphs(path: Path) -> list[str]:
    """Paragraph texts of a .docx in document order, table cells included."""
    import docx  # python-docx; imported here so .txt imports do not pay for it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError:
        # Its message holds the server path; found by fuzzing (a .docx that is not a zip).
        raise PlanDocumentError(path.name, None, "not a Word (.docx) package") from None
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # SyntaxError: lxml's XMLSyntaxError (malformed XML, entity amplification).
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise PlanDocumentError(
            path.name, None, f"not a readable Word document ({reason})"
        ) from None

    texts: list[str] = []

    def walk(container: object) -> None:
        for block in container.iter_inner_content():  # type: ignore[attr-defined]
            if isinstance(block, Paragraph):
                texts.extend(block.text.splitlines() or [""])
            elif isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return texts


def read_plan_document(path: Path) -> PlanDocument:
    """Read a ``.txt`` (UTF-8, as Word exports it) or ``.docx`` plan document."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanDocumentError(
            path.name, None, f"unsupported file type '{suffix}'; expected .txt or .docx"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanDocumentError(path.name, None, f"cannot read file: {exc.strerror}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if suffix == ".docx":
        text = "\n".join(_docx_paragraphs(path))
        media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise PlanDocumentError(path.name, line, "text is not valid UTF-8") from None
        media_type = "text/plain"
    lines, footnotes = _from_text(path.name, text)
    return PlanDocument(path.name, tuple(lines), digest, media_type, footnotes)
