"""Write a set of data files all together or not at all."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class WriteResult:
    """Which files changed and which already held the same text."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def write_all(rendered: dict[Path, str]) -> WriteResult:
    """Stage every file under a temporary name, then rename each into place.

    Rendering happens before this is called, so a failure in reading or parsing never
    leaves a half-written data folder; a file whose text is unchanged is not touched.
    """
    result = WriteResult()
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in rendered.items():
            if target.exists() and target.read_text(encoding="utf-8") == text:
                result.unchanged.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".cspkg-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(temp, 0o644)  # mkstemp makes 0600; data files are for everyone to read
            staged.append((Path(temp), target))
        for temp, target in staged:
            os.replace(temp, target)
            result.written.append(target)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return result
