"""Which files make up the dataset, and the named graph each one goes into.

Each source file is its own named graph, so a file can be replaced without touching the
others and every triple can be traced to its file: ``{base}graph/{dir}/{relative path
without extension}``, e.g. ``{base}graph/data/plans/cannock-chase-csp-2024-25``.  One
exception: a plan's progress file, ``data/progress/{partnership}-{year}.ttl``, is its
plan's progress graph ``{base}graph/progress/{partnership}/{year}``, the graph the
service's progress form and agencies' Graph Store writes go into, so updates from a file
and from the service are one history in one graph (``services/progress_files.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
}
"""What a source file may be; every one is read by ``rdf/safe_rdf.py``'s parser."""

STAGING_PREFIX = "urn:cspkg:staging:"
"""Graph names a load writes under before swapping them in (``staging.py``)."""


@dataclass(frozen=True)
class Source:
    """One RDF file, its display name (no server path) and its graph IRI."""

    path: Path
    name: str
    graph_iri: str
    media_type: str


PROGRESS_GRAPHS = "graph/progress/"
"""Where each plan's progress graph is, ``{base}graph/progress/{partnership}/{year}``."""
_PROGRESS_FILE = re.compile(r"[^/]+/progress/(?P<partnership>[^/]+)-(?P<year>\d{4}-\d{2})\.\w+\Z")


def graph_iri(base: str, name: str) -> str:
    """The named graph for a source called ``name`` (``data/plans/x.ttl``)."""
    progress = _PROGRESS_FILE.match(name)
    if progress is not None:
        return f"{base}{PROGRESS_GRAPHS}{progress['partnership']}/{progress['year']}"
    stem = name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name
    return f"{base}graph/{stem}"


def find_sources(base: str, directories: Iterable[Path]) -> list[Source]:
    """Every RDF file (``SOURCE_SUFFIXES``) under the directories, recursively, in stable order."""
    found: list[Source] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            media_type = SOURCE_SUFFIXES.get(path.suffix)
            if media_type is None or not path.is_file():
                continue
            name = (Path(directory.name) / path.relative_to(directory)).as_posix()
            found.append(Source(path, name, graph_iri(base, name), media_type))
    return found
