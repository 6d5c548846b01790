"""Parsing RDF that came from outside (uploads, ``cspkg validate FILE``) without trusting it.

Found by the hardening tests, and what each rule here stops:

- RDF/XML with a DTD: pyoxigraph expands internal entities without limit (a 1 KB
  "billion laughs" document became a 3 GB literal after 43 s) and rdflib's expat
  takes minutes before its amplification guard fires.  Any ``<!DOCTYPE``, entity
  declaration or external entity reference is refused, judged by expat itself (so
  every encoding expat reads is covered) before the real parser sees the bytes.
- JSON-LD remote contexts: rdflib fetches a string ``@context`` (and ``@import``)
  with urllib, ``file:`` URLs included, so a document could read a local file or make
  the server call any host.  Contexts must be inline objects.
- Relative IRIs: rdflib resolves them against ``file:///`` + the working directory,
  which leaks a server path into the graph; a fixed base is used instead.
- Deep nesting: rdflib's Turtle and JSON-LD readers recurse, so a few hundred nested
  brackets raise ``RecursionError``; that becomes an ``RdfInputError`` (a 400).
"""

from __future__ import annotations

import json
from typing import Any
from xml.parsers import expat
from xml.sax import SAXException

from pyoxigraph import Literal, NamedNode
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.exceptions import ParserError

from ..errors import RdfInputError, RequestTooLarge

UPLOAD_BASE = "https://upload.invalid/"
"""Base IRI for relative references in untrusted documents (``.invalid`` never resolves)."""

FORMATS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/trig": "trig",
    "application/n-quads": "nquads",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
}
"""Media types accepted for untrusted RDF, and rdflib's parser name for each."""

PARSER_ERRORS = (
    SyntaxError,  # BadSyntax (Turtle, N-Triples, TriG)
    ParserError,
    SAXException,
    ValueError,  # bad IRIs, bad UTF-8, JSON
    RecursionError,
    IndexError,  # Turtle: a string cut short (found by fuzzing)
    AssertionError,  # TriG: the N3 reader asserts on a bad quote (found by fuzzing)
    TypeError,  # RDF/XML: some mangled XML literals reach a str.join with None (fuzzing)
)
"""What rdflib's parsers raise on bad input."""


class _Refused(Exception):
    """Raised inside expat handlers to stop at the first DTD construct."""


def parser_name(format_or_media_type: str) -> str:
    """rdflib's parser name for a media type or parser name; ``RdfInputError`` if unknown."""
    key = format_or_media_type.split(";")[0].strip().lower()
    if key in FORMATS.values():
        return key
    if key in FORMATS:
        return FORMATS[key]
    raise RdfInputError(
        f"unsupported RDF format '{format_or_media_type}'; use one of "
        + ", ".join(sorted(set(FORMATS)))
    )


def refuse_dtd(data: bytes, name: str = "upload") -> None:
    """Raise ``RdfInputError`` if an XML document has a DTD or entities, or is not XML."""

    def refuse(*_args: object) -> None:
        raise _Refused

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except _Refused:
        raise RdfInputError(
            f"{name}: XML document type declarations and entities are not accepted"
        ) from None
    except expat.ExpatError as exc:
        raise RdfInputError(
            f"{name}: not well-formed XML ({expat.errors.messages[exc.code]}, line {exc.lineno})"
        ) from None


def refuse_remote_contexts(data: bytes, name: str = "upload") -> None:
    """Raise ``RdfInputError`` unless every JSON-LD context is inline (nothing to fetch)."""
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
        # rdflib fails with UnboundLocalError on a bare scalar (found by fuzzing).
        raise RdfInputError(f"{name}: a JSON-LD document is a JSON object or array")
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            if "@import" in node or _names_remote(node.get("@context")):
                raise RdfInputError(
                    f"{name}: remote JSON-LD contexts are not fetched; put the context inline"
                )
            pending.extend(node.values())


def _names_remote(context: object) -> bool:
    """A string context (or a string in a context list) is a URL to fetch."""
    items = context if isinstance(context, list) else [context]
    return any(isinstance(item, str) for item in items)


def check_untrusted(data: bytes, format_or_media_type: str, name: str = "upload") -> str:
    """Apply the format's refusals; return rdflib's parser name.  Any parser may follow."""
    fmt = parser_name(format_or_media_type)
    if fmt == "xml":
        refuse_dtd(data, name)
    elif fmt == "json-ld":
        refuse_remote_contexts(data, name)
    return fmt


def parse_untrusted(
    data: bytes,
    format_or_media_type: str,
    *,
    name: str = "upload",
    graph: Graph | None = None,
    base: str = UPLOAD_BASE,
    max_bytes: int | None = None,
) -> Graph:
    """Parse untrusted RDF into ``graph`` (a new one by default); ``RdfInputError`` if bad.

    Never reads a file, never opens a connection, never raises anything but
    ``RdfInputError`` / ``RequestTooLarge`` for what the document contains.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise RequestTooLarge(f"{name} is larger than {max_bytes} bytes")
    fmt = check_untrusted(data, format_or_media_type, name)
    parsed = Graph()
    try:
        parsed.parse(data=data, format=fmt, publicID=base)
    except RecursionError:
        raise RdfInputError(f"{name}: not valid {fmt}: nested too deeply") from None
    except PARSER_ERRORS as exc:
        raise RdfInputError(f"{name}: not valid {fmt}: {_first_line(exc)}") from None
    _check_terms(parsed, name)
    if graph is None:
        return parsed
    graph += parsed  # only a whole document is added
    return graph


def _check_terms(graph: Graph, name: str) -> None:
    """rdflib keeps IRIs it only warns about (``<a b>``), and its serialiser then fails
    with a bare ``Exception``; the store's term constructors are strict, so use them."""
    for triple in graph:
        for term in triple:
            try:
                if isinstance(term, URIRef):
                    NamedNode(str(term))
                elif isinstance(term, RdfLiteral):
                    if term.language:
                        Literal(str(term), language=term.language)
                    elif term.datatype is not None:
                        NamedNode(str(term.datatype))
            except ValueError as exc:
                raise RdfInputError(f"{name}: not valid RDF: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
