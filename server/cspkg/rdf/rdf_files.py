"""Read RDF files into one rdflib graph, with errors that name the file and line.

Shared by validation, loading and the CLI so that every bad file is reported the same
way: the file's name (never a server path), the line where the parser says it failed,
and what it expected.  Nothing here prints or exits; callers decide.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from xml.sax import SAXException, SAXParseException

from rdflib import Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from ..config import Settings
from ..errors import RdfInputError
from ..namespaces import bind_prefixes

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
"""RDF syntax by file extension (lower case)."""


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, from its extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise RdfInputError(
            f"{path.name}: unknown RDF file extension '{path.suffix}' (expected one of {known})"
        ) from None


def _problem(exc: BaseException) -> str:
    """Turn a parser exception into 'line N: what went wrong' where the parser says."""
    if isinstance(exc, BadSyntax):
        why = str(getattr(exc, "_why", "")) or "bad syntax"
        return f"line {exc.lines + 1}: {why}"
    if isinstance(exc, SAXParseException):
        return f"line {exc.getLineNumber()}: {exc.getMessage()}"
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def parse_into(graph: Graph, path: Path, display: str | None = None) -> None:
    """Parse one RDF file into ``graph``; raise RdfInputError naming it as ``display``."""
    name = display or path.name
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RdfInputError(f"{name}: cannot read file ({_problem(exc)})") from None
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except (SyntaxError, ParserError, SAXException, ValueError) as exc:
        raise RdfInputError(f"{name}: not valid {fmt}: {_problem(exc)}") from None


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
