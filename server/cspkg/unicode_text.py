"""Characters that change how text around them reads, kept out of names and fenced in
commentary.

Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates,
the marks U+200E, U+200F, U+061C) can make "Off track" display as something else or
reorder a table row; zero-width characters (U+200B-U+200D, U+2060, U+FEFF) make two
names that look the same differ.  A name (who reported) loses them: nobody types one
on purpose.  Commentary is the person's words and keeps them, but every view shows it
isolated (HTML ``<bdi>``, ``isolate`` for Word), so nothing in it can reach the text
around it.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_HIDDEN = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}]")


def clean_name(text: str) -> str:
    """``text`` without bidirectional controls or zero-width characters."""
    return _HIDDEN.sub("", text)


def isolate(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: whatever
    direction controls it holds end with it (for Word, which has no ``<bdi>``)."""
    return f"\u2068{text}\u2069" if _HIDDEN.search(text) else text
