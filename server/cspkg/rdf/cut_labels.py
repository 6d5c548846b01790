"""Long texts as labels, cut and made whole again by one rule.

The importer names an action by its first paragraph cut on a word boundary ("…"), so
tables and lists stay readable; the whole text is the action's ``dcterms:description``.
Every view that shows a label whole (downloads, a thing page's heading and title) undoes
the cut the same way, and a view that must shorten a text cuts it the same way.
"""

from __future__ import annotations

LABEL_LENGTH = 120
"""How long a label the importer writes may be."""
CUT_MARK = "…"
CUT_MARKS = (CUT_MARK, "...")
"""How a label cut short ends (older data may end with three dots)."""


def cut_short(text: str, length: int = LABEL_LENGTH) -> str:
    """``text`` as it is if it fits in ``length`` characters, else cut at the last word
    boundary before it, with ``CUT_MARK``."""
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",;:-– ")
    return cut + CUT_MARK


def is_cut(label: str) -> bool:
    """Whether ``label`` was cut short (ends with a cut mark)."""
    return label.rstrip().endswith(CUT_MARKS)


def first_paragraph(description: str) -> str:
    """The text a cut label stands for: the first paragraph of the description (paragraphs
    are separated by a blank line)."""
    return description.strip().split("\n\n")[0].strip()


def whole_label(label: str, description: str | None) -> str:
    """``label``, or the whole text it was cut from when it was cut and there is one."""
    if description and is_cut(label):
        return first_paragraph(description)
    return label
