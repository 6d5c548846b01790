"""A long text cut on a word boundary for a label, and made whole again from the description."""

from __future__ import annotations

from cspkg.rdf.cut_labels import LABEL_LENGTH, cut_short, first_paragraph, is_cut, whole_label

FIRST = (
    "CSP to fund an annual package of ASB diversionary activities for the district, "
    "provided by Achieving Goals and Dreamz and Vysions Youth Service."
)
DESCRIPTION = FIRST + "\n\nA second paragraph the label never carries."


def test_a_long_text_is_cut_on_a_word_boundary() -> None:
    label = cut_short(FIRST)
    assert len(label) <= LABEL_LENGTH + 1 and label.endswith("…")
    assert FIRST.startswith(label[:-1]) and FIRST[len(label) - 1] == " "  # a whole word
    assert cut_short("Fraud") == "Fraud" and cut_short("one, two", 5) == "one…"
    assert cut_short("x" * 1000, 10) == "x" * 10 + "…"  # one long word: cut where it must


def test_a_cut_label_is_made_whole_from_its_description() -> None:
    label = cut_short(FIRST)
    assert is_cut(label) and is_cut("Older data...") and not is_cut("Fraud")
    assert whole_label(label, DESCRIPTION) == FIRST == first_paragraph("  " + DESCRIPTION)
    assert whole_label(label, None) == label  # nothing to make it whole from
    assert whole_label("Target hardening", DESCRIPTION) == "Target hardening"  # not cut
