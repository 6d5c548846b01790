"""The one parser for RDF that came from outside: ``parse_rdf`` (and its streaming twin).

Every RDF a user or a remote sends goes through here: Graph Store writes, /validation
uploads, ``cspkg validate`` and ``cspkg load`` files, the files loaded at start-up,
harvested answers, JSON-LD contexts.  The guards live inside, so no caller can forget
one.  What each stops (found by the hardening tests):

- RDF/XML with a DTD: parsers expand internal entities without limit (a 1 KB "billion
  laughs" document became a 3 GB literal; 463 bytes sent to ``/store`` became 30 KB).
  Any ``<!DOCTYPE``, entity declaration or external entity reference is refused, judged
  by expat itself (so every encoding expat reads is covered) before the parser sees it.
- JSON-LD remote contexts and ``@import``: a string context is a URL to fetch (``file:``
  included).  Contexts must be inline objects; nothing is ever fetched.
- Size: ``max_bytes`` (the upload limit for requests) is checked before anything else.
- Depth: JSON and XML are walked with a nesting limit (``MAX_DEPTH``) by the checks
  above; pyoxigraph's Turtle/TriG readers keep their stack on the heap (200,000 nested
  brackets parse in about a second), so nesting there costs only memory bounded by size.
- Strict terms: pyoxigraph's strict mode refuses bad IRIs and language tags; RDF 1.2
  triple terms are refused because the validation and page code cannot represent them.
- Relative IRIs resolve against a fixed ``base``, never a server path.

Parsing is pyoxigraph's (Rust, no network access, no entity resolution); rdflib graphs,
where validation needs them, are built from its terms by ``to_graph``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral

from ..errors import RdfInputError, RequestTooLarge

UPLOAD_BASE = "https://upload.invalid/"
"""Base IRI for relative references in untrusted documents (``.invalid`` never resolves)."""

MAX_DEPTH = 1000
"""Deepest JSON or XML nesting accepted: far beyond any real document."""

FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "application/trig": ox.RdfFormat.TRIG,
    "trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
}
"""Media types (and short names) accepted for RDF, and the parser for each."""

SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
"""RDF syntax by file extension (lower case), for files and uploads."""

_OPTIONS = {"without_named_graphs": True, "rename_blank_nodes": True}
"""A document is one graph (the caller names it); blank nodes never clash across
documents."""
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class _Refused(Exception):
    """Raised inside expat handlers to stop at the first DTD construct."""


class _TooDeep(Exception):
    """Raised inside expat handlers when elements nest deeper than ``MAX_DEPTH``."""


def rdf_format(format_or_media_type: str | ox.RdfFormat) -> ox.RdfFormat:
    """The parser for a media type or short name; ``RdfInputError`` if not accepted."""
    if isinstance(format_or_media_type, ox.RdfFormat):
        return format_or_media_type
    key = format_or_media_type.split(";")[0].strip().lower()
    if key in FORMATS:
        return FORMATS[key]
    accepted = ", ".join(sorted(k for k in FORMATS if "/" in k))
    raise RdfInputError(f"unsupported RDF format '{format_or_media_type}'; use one of {accepted}")


def file_format(path: Path | str, name: str | None = None) -> ox.RdfFormat:
    """The syntax of a file from its extension; ``RdfInputError`` naming it if unknown."""
    suffix = Path(path).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    known = ", ".join(sorted(SUFFIXES))
    raise RdfInputError(
        f"{name or Path(path).name}: unknown RDF file extension '{suffix}' "
        f"(expected one of {known})"
    )


def parse_rdf(
    source: bytes | Path,
    format_or_media_type: str | ox.RdfFormat,
    *,
    name: str = "upload",
    base: str = UPLOAD_BASE,
    max_bytes: int | None = None,
) -> list[ox.Triple]:
    """Every triple of one untrusted document, which must be one graph (a named graph in
    TriG, N-Quads or JSON-LD is refused).

    ``source`` is the bytes or a file.  Raises only ``RdfInputError`` (naming ``name``,
    a line and what is wrong) or ``RequestTooLarge``; never reads another file and never
    opens a connection.
    """
    return list(iter_rdf(source, format_or_media_type, name=name, base=base, max_bytes=max_bytes))


def iter_rdf(
    source: bytes | Path,
    format_or_media_type: str | ox.RdfFormat,
    *,
    name: str = "upload",
    base: str = UPLOAD_BASE,
    max_bytes: int | None = None,
) -> Iterator[ox.Triple]:
    """``parse_rdf`` as a stream, for bulk loads: the checks run before the first triple."""
    fmt = rdf_format(format_or_media_type)
    data = _read(source, name, max_bytes, fmt)
    if fmt == ox.RdfFormat.RDF_XML:
        assert data is not None
        refuse_dtd(data, name)
    elif fmt == ox.RdfFormat.JSON_LD:
        assert data is not None
        refuse_remote_contexts(data, name)
    return _triples(source if data is None else data, fmt, name, base)


def _read(
    source: bytes | Path, name: str, max_bytes: int | None, fmt: ox.RdfFormat
) -> bytes | None:
    """The bytes where a check needs them all (XML, JSON-LD); else ``None`` for a file."""
    try:
        size = len(source) if isinstance(source, bytes) else source.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise RequestTooLarge(f"{name} is larger than {max_bytes} bytes")
        if isinstance(source, bytes):
            return source
        if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
            return source.read_bytes()
    except OSError as exc:
        raise RdfInputError(f"{name}: cannot read file ({exc.strerror or 'unreadable'})") from None
    return None


def _triples(source: bytes | Path, fmt: ox.RdfFormat, name: str, base: str) -> Iterator[ox.Triple]:
    try:
        if isinstance(source, Path):
            quads = ox.parse(path=source, format=fmt, **_OPTIONS, base_iri=base)
        else:
            quads = ox.parse(source, format=fmt, **_OPTIONS, base_iri=base)
        for quad in quads:
            if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
                raise RdfInputError(f"{name}: RDF 1.2 triple terms are not accepted")
            yield quad.triple
    except SyntaxError as exc:
        raise RdfInputError(f"{name}: not valid {fmt.name}: {_position(exc)}") from None
    except (OSError, ValueError) as exc:
        raise RdfInputError(f"{name}: not valid {fmt.name}: {_first_line(exc)}") from None


def _position(exc: SyntaxError) -> str:
    """pyoxigraph's 'Parser error at line 3 column 7: why (line 3)' as 'line 3 column 7: why'."""
    text = _first_line(exc).removeprefix("Parser error at ")
    head, sep, why = text.partition(": ")
    if sep and head.startswith("line "):
        return f"{head}: {why.rsplit(' (line ', 1)[0]}"
    return text


def refuse_dtd(data: bytes, name: str = "upload") -> None:
    """Raise ``RdfInputError`` if an XML document has a DTD or entities, nests deeper than
    ``MAX_DEPTH``, or is not XML."""

    def refuse(*_args: object) -> None:
        raise _Refused

    depth = 0

    def start(*_args: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep

    def end(*_args: object) -> None:
        nonlocal depth
        depth -= 1

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused:
        raise RdfInputError(
            f"{name}: XML document type declarations and entities are not accepted"
        ) from None
    except _TooDeep:
        raise RdfInputError(f"{name}: XML nested too deeply (over {MAX_DEPTH} levels)") from None
    except expat.ExpatError as exc:
        raise RdfInputError(
            f"{name}: not well-formed XML ({expat.errors.messages[exc.code]}, line {exc.lineno})"
        ) from None


def refuse_remote_contexts(data: bytes, name: str = "upload") -> None:
    """Raise ``RdfInputError`` unless every JSON-LD context is inline (nothing to fetch)
    and the document nests at most ``MAX_DEPTH`` deep."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        problem = (
            f"line {exc.lineno}: {exc.msg}"
            if isinstance(exc, json.JSONDecodeError)
            else "too deeply nested"
        )
        raise RdfInputError(f"{name}: not valid JSON-LD ({problem})") from None
    if not isinstance(document, dict | list):
        raise RdfInputError(f"{name}: a JSON-LD document is a JSON object or array")
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise RdfInputError(f"{name}: not valid JSON-LD (nested over {MAX_DEPTH} levels)")
        if isinstance(node, list):
            pending.extend((item, depth + 1) for item in node)
        elif isinstance(node, dict):
            if "@import" in node or _names_remote(node.get("@context")):
                raise RdfInputError(
                    f"{name}: remote JSON-LD contexts are not fetched; put the context inline"
                )
            pending.extend((item, depth + 1) for item in node.values())


def _names_remote(context: object) -> bool:
    """A string context (or a string in a context list) is a URL to fetch."""
    items = context if isinstance(context, list) else [context]
    return any(isinstance(item, str) for item in items)


def to_graph(triples: Iterable[ox.Triple], graph: Graph | None = None) -> Graph:
    """rdflib's view of parsed triples (for pySHACL), added to ``graph`` or a new one.

    ``xsd:string`` literals become plain ones, as rdflib's own readers make them, so
    shapes comparing with plain literals (``sh:in``, ``sh:hasValue``) match.
    """
    target = graph if graph is not None else Graph()
    target.addN((_term(t.subject), _term(t.predicate), _term(t.object), target) for t in triples)
    return target


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if datatype in (_XSD_STRING, _LANG_STRING):
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(datatype))
    raise RdfInputError("RDF 1.2 triple terms are not accepted")


def to_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Parsed triples as N-Triples (what a store or a SPARQL server is sent)."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
