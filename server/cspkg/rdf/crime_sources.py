"""Where police.uk street-level CSVs come from: single files, folders, or the archive zip.

data.police.uk's download is a zip with one folder per month holding
``YYYY-MM-<force>-street.csv`` (beside outcomes and stop-and-search files, which are
skipped).  Entries are read as streams, never extracted, so an entry's name cannot reach
the file system; a zip is untrusted input, so its entry count, each entry's size and its
compression ratio are bounded from the headers and again while reading (headers can lie).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from ..errors import RdfInputError

STREET_FILE = re.compile(r"^(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$")
"""``2019-01-staffordshire-street.csv``: month and force id, as police.uk names them."""

MAX_ENTRIES = 20_000
"""Entries in one zip: a three-year national archive has about 5,000."""
MAX_ENTRY_BYTES = 1 << 30
"""One CSV uncompressed: the largest force's month is tens of megabytes."""
MAX_RATIO = 200
"""Uncompressed / compressed size of an entry: CSV compresses about 5-10 times."""


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class CsvSource:
    """One street-level CSV to read: a name for messages and how to open it."""

    name: str
    """As the user would find it: the path given, or ``archive.zip:2019-01/....csv``."""
    file_name: str
    path: Path
    member: str | None = None
    """The entry inside the zip at ``path``; None for a plain file."""
    compressed: int = 0

    @contextmanager
    def open(self) -> Iterator[CountingReader]:
        """A binary stream over the CSV that counts, hashes and bounds what it reads."""
        if self.member is None:
            try:
                with self.path.open("rb") as raw:
                    yield CountingReader(raw, self.name, MAX_ENTRY_BYTES, None)
            except OSError as exc:
                raise RdfInputError(f"{self.name}: cannot read file: {exc.strerror}") from None
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as raw:
            ratio_cap = max(self.compressed, 1) * MAX_RATIO
            yield CountingReader(raw, self.name, min(MAX_ENTRY_BYTES, ratio_cap), self.compressed)


class CountingReader(io.RawIOBase):
    """Reads a stream, keeping its SHA-256 and refusing more than ``limit`` bytes."""

    def __init__(self, raw: _Reader, name: str, limit: int, compressed: int | None) -> None:
        super().__init__()
        self._raw, self.name, self._limit, self._compressed = raw, name, limit, compressed
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            chunk = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RdfInputError(f"{self.name}: cannot read the archive entry ({exc})") from None
        self.size += len(chunk)
        if self.size > self._limit:
            why = (
                f"it expands more than {MAX_RATIO} times (a zip bomb?)"
                if self._compressed is not None and self._limit < MAX_ENTRY_BYTES
                else f"it is larger than {MAX_ENTRY_BYTES >> 20} MB"
            )
            raise RdfInputError(f"{self.name}: refused: {why}")
        self.digest.update(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def text(self) -> io.TextIOWrapper:
        """The stream as UTF-8 text (a byte-order mark dropped), newlines kept for csv."""
        return io.TextIOWrapper(io.BufferedReader(self, 1 << 16), encoding="utf-8-sig", newline="")


def _zip_sources(path: Path, shown: str) -> list[CsvSource]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise RdfInputError(f"{shown}: refused: more than {MAX_ENTRIES} entries")
            found = []
            for info in infos:
                member = PurePosixPath(info.filename)
                if member.is_absolute() or ".." in member.parts or "\\" in info.filename:
                    raise RdfInputError(
                        f"{shown}: refused: entry '{info.filename}' leaves the archive"
                    )
                if info.is_dir() or not STREET_FILE.match(member.name):
                    continue
                if info.file_size > MAX_ENTRY_BYTES:
                    raise RdfInputError(
                        f"{shown}:{info.filename}: refused: larger than {MAX_ENTRY_BYTES >> 20} MB"
                    )
                if info.file_size > max(info.compress_size, 1) * MAX_RATIO:
                    raise RdfInputError(
                        f"{shown}:{info.filename}: refused: it expands more than {MAX_RATIO} times (a zip bomb?)"
                    )
                if info.flag_bits & 0x1:
                    raise RdfInputError(f"{shown}:{info.filename}: refused: the entry is encrypted")
                found.append(
                    CsvSource(
                        f"{shown}:{info.filename}",
                        member.name,
                        path,
                        info.filename,
                        info.compress_size,
                    )
                )
    except zipfile.BadZipFile:
        raise RdfInputError(f"{shown}: not a zip archive police.uk would send") from None
    except OSError as exc:
        raise RdfInputError(f"{shown}: cannot read file: {exc.strerror}") from None
    return sorted(found, key=lambda s: s.member or "")  # fmt: skip


def _folder_sources(folder: Path, shown: str) -> list[CsvSource]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if STREET_FILE.match(name):
                full = Path(root) / name
                found.append(
                    CsvSource(os.path.join(shown, os.path.relpath(full, folder)), name, full)
                )
    return found  # fmt: skip


def find_sources(paths: list[Path]) -> list[CsvSource]:
    """Every street-level CSV the paths hold, in a stable order; none at all is an error.

    A path is a CSV file (any name), a zip archive, or a folder searched for
    ``YYYY-MM-<force>-street.csv`` files at any depth (symbolic links not followed).
    """
    found: list[CsvSource] = []
    for path in paths:
        shown = str(path)
        if path.is_dir():
            inside = _folder_sources(path, shown)
            if not inside:
                raise RdfInputError(f"{shown}: no YYYY-MM-<force>-street.csv files in the folder")
            found += inside
        elif path.suffix.lower() == ".zip":
            inside = _zip_sources(path, shown)
            if not inside:
                raise RdfInputError(
                    f"{shown}: no YYYY-MM-<force>-street.csv entries in the archive"
                )
            found += inside
        elif path.exists():
            found.append(CsvSource(shown, path.name, path))
        else:
            raise RdfInputError(f"{shown}: cannot read file: No such file or directory")
    return found
