"""Read RDF files into one rdflib graph, with errors that name the file and line.

Shared by validation and the CLI so that every bad file is reported the same way: the
file's display name, the line where the parser says it failed, and what it expected.
Parsing itself is ``safe_rdf.parse_rdf``'s.  Nothing here prints or exits; callers decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from ..config import Settings
from ..namespaces import bind_prefixes
from .safe_rdf import file_format, parse_rdf, to_graph


def parse_into(graph: Graph, path: Path, display: str | None = None) -> None:
    """Parse one RDF file into ``graph`` (through ``safe_rdf``: a file given to
    ``cspkg validate`` is input like any upload); ``RdfInputError`` naming it as ``display``."""
    name = display or path.name
    fmt = file_format(path, name)
    to_graph(parse_rdf(path, fmt, name=name, base=path.resolve().as_uri()), graph)


def load_rdf_files(paths: Iterable[Path], root: Path | None = None) -> Graph:
    """Parse every file into one graph with the project's prefixes bound.

    ``root``, when given, names files by their path relative to it (``data/x.ttl``)
    instead of by bare file name, so messages are precise without leaking server paths.
    """
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        parse_into(graph, path, display_name(path, root))
    return graph


def display_name(path: Path, root: Path | None) -> str:
    """How a file is named in messages: relative to ``root`` if under it, else its name."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def turtle_files(*directories: Path) -> list[Path]:
    """Every ``*.ttl`` under the directories, recursively, in a stable order.

    A directory that does not exist yet (``data/`` before the first import) holds none.
    """
    found: list[Path] = []
    for directory in directories:
        if directory.is_dir():
            found.extend(sorted(p for p in directory.rglob("*.ttl") if p.is_file()))
    return found


def built_graph_files(settings: Settings) -> list[Path]:
    """The files that make up the built graph: the ontology, then the data."""
    return turtle_files(settings.ontology_dir, settings.data_dir)
