"""Write a set of data files all together or not at all."""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

Render = str | Callable[[TextIO], None]
"""A file's text, or a function that writes it to a stream (for files too big to hold)."""


@dataclass
class WriteResult:
    """Which files changed and which already held the same text."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def write_all(rendered: dict[Path, Render]) -> WriteResult:
    """Stage every file under a temporary name, then rename each into place.

    Reading and parsing happen before this is called, so a failure there never leaves a
    half-written data folder; a file whose text is unchanged is not touched.
    """
    result = WriteResult()
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in rendered.items():
            if isinstance(text, str) and target.exists() and _same_text(target, text):
                result.unchanged.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".cspkg-", suffix=".tmp")
            staged.append((Path(temp), target))  # removed in `finally` if anything fails
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                if isinstance(text, str):
                    stream.write(text)
                else:
                    text(stream)
            if not isinstance(text, str) and target.exists() and filecmp.cmp(temp, target, False):
                staged.pop()
                os.unlink(temp)
                result.unchanged.append(target)
                continue
            os.chmod(temp, 0o644)  # mkstemp makes 0600; data files are for everyone to read
        for temp, target in staged:
            os.replace(temp, target)
            result.written.append(target)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return result


def _same_text(target: Path, text: str) -> bool:
    return target.read_text(encoding="utf-8") == text
