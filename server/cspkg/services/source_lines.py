"""The plan document's own words beside the data: the lines an action was read from.

``cspkg import`` keeps the document's text as ``data/documents/NAME.txt`` (line N of that
file is line N of the document as the importer numbered it, Word artefacts stripped), so
an action page can show its ``sourceFirstLine``-``sourceLastLine`` and a reader can check
the data against the plan.  Not RDF: the store never loads it.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from ..rdf.plan_document import PlanDocument

DOCUMENTS = "documents"
MAX_LINES = 200
"""At most this many lines are shown for one action."""


def source_text_path(document_name: str) -> str:
    """Where, under the data folder, the text of ``document_name`` is kept."""
    return f"{DOCUMENTS}/{PurePath(document_name).stem}.txt"


def source_text(document: PlanDocument) -> str:
    """Line N of the result is the document's line N (blank where the reader kept none)."""
    last = max((line.number for line in document.lines), default=0)
    texts = [""] * last
    for line in document.lines:
        texts[line.number - 1] = line.text
    return "\n".join(texts) + "\n"


def source_lines(
    data_dir: Path, document_name: str | None, first: int | None, last: int | None
) -> list[tuple[int, str]]:
    """Lines ``first``..``last`` of a kept document, numbered; empty if it is not kept."""
    if not document_name or first is None:
        return []
    name = PurePath(document_name).name  # a file name from the graph, never a path
    path = data_dir / source_text_path(name)
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    last = min(last if last is not None else first, first + MAX_LINES - 1, len(lines))
    return [(n, lines[n - 1]) for n in range(max(first, 1), last + 1)]
