"""Readable, stable URI keys from natural keys (names, years, first words of a text)."""

from __future__ import annotations

import re
import unicodedata

STOP_WORDS = frozenset(
    "a an and as at be by csp for from in into is it its of on or the this to with within".split()
)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by dashes; ``&`` reads as ``and``; brackets drop out."""
    text = re.sub(r"\([^)]*\)?", " ", text).replace("&", " and ")
    text = text.replace("’", "").replace("'", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def action_slug(ordinal: int, text: str, words: int = 5) -> str:
    """Two-digit position then the first significant words: ``12-bleed-kits-installation-6``."""
    kept = [w for w in slugify(text).split("-") if w not in STOP_WORDS][:words]
    return f"{ordinal:02d}-" + "-".join(kept) if kept else f"{ordinal:02d}"


def year_slug(year: str) -> str:
    """``2024/25`` -> ``2024-25``."""
    return slugify(year.replace("/", "-"))
