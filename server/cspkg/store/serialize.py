"""Writers for typed results: SPARQL JSON / XML / CSV / TSV and the RDF graph formats.

Tabular writers are generators yielding chunks, so the web layer can stream a response
while it is being written.  Graph results go through pyoxigraph's serializers, which
need the whole (row-limited) triple list anyway for Turtle's grouping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring as _json_string  # type: ignore[attr-defined]
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from .base import AskResult, GraphResult, SelectResult, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
NUMERIC_TYPES = frozenset(
    XSD + name
    for name in (
        "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
        "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte decimal double float"
    ).split()
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheet programs."""
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_CHUNK_ROWS = 500

TabularWriter = Callable[[SelectResult | AskResult], Iterator[bytes]]


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json_text(term: Term) -> str:
    """``json.dumps(_json_term(term), ensure_ascii=False)``, written directly (no dict)."""
    if isinstance(term, NamedNode):
        return '{"type": "uri", "value": ' + _json_string(term.value) + "}"
    if isinstance(term, Literal):
        value = '{"type": "literal", "value": ' + _json_string(term.value)
        if term.language:
            return value + ', "xml:lang": ' + _json_string(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return value + ', "datatype": ' + _json_string(datatype) + "}"
        return value + "}"
    if isinstance(term, BlankNode):
        return '{"type": "bnode", "value": ' + _json_string(term.value) + "}"
    return json.dumps(_json_term(term), ensure_ascii=False)


def _chunks(rows: list[tuple[Term | None, ...]]) -> Iterator[list[tuple[Term | None, ...]]]:
    for start in range(0, len(rows), _CHUNK_ROWS):
        yield rows[start : start + _CHUNK_ROWS]


def write_json(result: SelectResult | AskResult) -> Iterator[bytes]:
    """SPARQL 1.1 Query Results JSON.

    Each distinct term is encoded once per result (results repeat the same IRIs and
    labels row after row), and rows are joined as text rather than built as dicts and
    dumped one by one: several times faster on large results, same bytes as
    ``json.dumps`` of the binding objects."""
    if isinstance(result, AskResult):
        yield json.dumps({"head": {}, "boolean": result.value}).encode()
        return
    head = json.dumps({"vars": list(result.variables)})
    yield f'{{"head": {head}, "results": {{"bindings": ['.encode()
    keys = [json.dumps(name, ensure_ascii=False) + ": " for name in result.variables]
    encoded: dict[Term, str] = {}
    first = True
    for chunk in _chunks(result.rows):
        parts = []
        for row in chunk:
            cells = []
            for key, term in zip(keys, row, strict=True):
                if term is None:
                    continue
                text = encoded.get(term)
                if text is None:
                    text = encoded[term] = _json_text(term)
                cells.append(key + text)
            parts.append("{" + ", ".join(cells) + "}")
        text = ",\n".join(parts)
        yield (text if first else ",\n" + text).encode()
        first = False
    yield b"]}}\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        dt = quoteattr(term.datatype.value)
        return f"<literal datatype={dt}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def write_xml(result: SelectResult | AskResult) -> Iterator[bytes]:
    """SPARQL Query Results XML."""
    yield (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    )
    if isinstance(result, AskResult):
        yield f"<head/><boolean>{str(result.value).lower()}</boolean></sparql>\n".encode()
        return
    names = "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    yield f"<head>{names}</head><results>\n".encode()
    for chunk in _chunks(result.rows):
        parts = []
        for row in chunk:
            cells = "".join(
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in zip(result.variables, row, strict=True)
                if term is not None
            )
            parts.append(f"<result>{cells}</result>\n")
        yield "".join(parts).encode()
    yield b"</results></sparql>\n"


def defuse(text: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of running it (CWE-1236)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(term: Term | None) -> str:
    """A term as one spreadsheet-safe value: its lexical form, formulas defused (a
    number such as ``-3`` stays a number), blank nodes as ``_:id``."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Literal):
        return term.value if term.datatype.value in NUMERIC_TYPES else defuse(term.value)
    return defuse(term.value if isinstance(term, NamedNode) else str(term))


def _csv_quote(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_field(term: Term | None) -> str:
    return _csv_quote(cell_text(term))


def _tsv_field(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _delimited(
    result: SelectResult | AskResult,
    header: list[str],
    cell: Callable[..., str],
    sep: str,
    eol: str,
) -> Iterator[bytes]:
    if isinstance(result, AskResult):
        yield (f"{'_askResult' if sep == ',' else '?_askResult'}{eol}").encode()
        yield f"{str(result.value).lower()}{eol}".encode()
        return
    yield (sep.join(header) + eol).encode()
    for chunk in _chunks(result.rows):
        yield "".join(sep.join(cell(t) for t in row) + eol for row in chunk).encode()


def write_csv(
    result: SelectResult | AskResult, titles: Iterable[str] | None = None, bom: bool = False
) -> Iterator[bytes]:
    """The one CSV writer: SPARQL 1.1 CSV results (lexical forms only, CRLF line ends,
    RFC 4180) with formulas defused, so every CSV this service sends is safe to open.

    Spreadsheet downloads pass ``titles`` (the header in words) and ``bom`` (Excel reads
    UTF-8 only after a byte-order mark)."""
    header = list(result.variables) if isinstance(result, SelectResult) else []
    if titles is not None:
        header = [_csv_quote(defuse(title)) for title in titles]
    if bom:
        yield "\ufeff".encode()
    yield from _delimited(result, header, _csv_field, ",", "\r\n")


def write_tsv(result: SelectResult | AskResult) -> Iterator[bytes]:
    """SPARQL 1.1 TSV results: terms in N-Triples syntax, ``?``-prefixed header."""
    header = ["?" + v for v in result.variables] if isinstance(result, SelectResult) else []
    return _delimited(result, header, _tsv_field, "\t", "\n")


TABULAR_WRITERS: dict[str, TabularWriter] = {
    "application/sparql-results+json": write_json,
    "application/sparql-results+xml": write_xml,
    "text/csv": write_csv,
    "text/tab-separated-values": write_tsv,
}
"""Result media type -> writer, for SELECT and ASK."""

GRAPH_FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
"""Graph media type -> pyoxigraph format, for CONSTRUCT and DESCRIBE."""


def write_graph(
    triples: Iterable[Triple] | GraphResult,
    media_type: str,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialize triples in one of ``GRAPH_FORMATS``, with readable prefixes where allowed."""
    items = triples.triples if isinstance(triples, GraphResult) else list(triples)
    rdf_format = GRAPH_FORMATS[media_type]
    if rdf_format in (RdfFormat.N_TRIPLES,):
        prefixes = None
    elif prefixes:
        used = _used_namespaces(items, prefixes)
        prefixes = {p: iri for p, iri in prefixes.items() if iri in used}
    data = serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


def _used_namespaces(triples: list[Triple], prefixes: dict[str, str]) -> set[str]:
    """Namespaces that occur, so Turtle does not open with a wall of unused prefixes."""
    used: set[str] = set()
    wanted = set(prefixes.values())
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, Literal):
                term = term.datatype
            if isinstance(term, NamedNode):
                for ns in wanted:
                    if term.value.startswith(ns):
                        used.add(ns)
    return used
