"""Content negotiation as a pure function: Accept header or ``format`` -> media type.

Kept free of Flask so every rule can be unit-tested with plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..errors import NotAcceptable

Kind = Literal[
    "results", "graph", "description", "table", "stored_graph", "dataset", "page", "thing", "error"
]

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
NQUADS = "application/n-quads"
TRIG = "application/trig"
HTML = "text/html"
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (what a client may ask for, what we send), in our order of preference.
_OFFERS: dict[Kind, tuple[tuple[str, str], ...]] = {
    "results": (
        (JSON_RESULTS, JSON_RESULTS),
        (XML_RESULTS, XML_RESULTS),
        (CSV, CSV),
        (TSV, TSV),
        ("application/json", JSON_RESULTS),
        ("application/xml", XML_RESULTS),
        ("text/xml", XML_RESULTS),
    ),
    "graph": (
        (TURTLE, TURTLE),
        (NTRIPLES, NTRIPLES),
        (JSONLD, JSONLD),
        (RDFXML, RDFXML),
        ("application/x-turtle", TURTLE),
        ("application/json", JSONLD),
        ("application/xml", RDFXML),
        ("text/xml", RDFXML),
    ),
}
# Graph Store Protocol: one graph (N-Quads names it), or the whole dataset.
_OFFERS["stored_graph"] = (*_OFFERS["graph"], (NQUADS, NQUADS))
_OFFERS["dataset"] = (
    (NQUADS, NQUADS),
    (TRIG, TRIG),
    (JSONLD, JSONLD),
    ("application/json", JSONLD),
)
_OFFERS["description"] = (*_OFFERS["graph"], (HTML, HTML), ("application/xhtml+xml", HTML))
# A canned query's page: HTML for browsers (and */*), SPARQL results for clients that ask.
_OFFERS["table"] = ((HTML, HTML), ("application/xhtml+xml", HTML), *_OFFERS["results"])
# A page with a JSON twin (catalogue, validation report): ties go to the page.
_OFFERS["page"] = ((HTML, HTML), ("application/xhtml+xml", HTML), (JSON, JSON))
# An error's body: plain text unless the client ranks JSON or a page above it.
_OFFERS["error"] = (("text/plain", "text/plain"), (JSON, JSON), (HTML, HTML))
# A thing's description: the page first, then its RDF.
_OFFERS["thing"] = ((HTML, HTML), ("application/xhtml+xml", HTML), *_OFFERS["graph"])

_FORMAT_NAMES: dict[str, dict[Kind, str]] = {
    "json": {"results": JSON_RESULTS, "graph": JSONLD, "table": JSON_RESULTS},
    "xml": {"results": XML_RESULTS, "graph": RDFXML, "table": XML_RESULTS},
    "csv": {"results": CSV, "table": CSV},
    "tsv": {"results": TSV, "table": TSV},
    "turtle": {"graph": TURTLE},
    "ttl": {"graph": TURTLE},
    "nt": {"graph": NTRIPLES},
    "ntriples": {"graph": NTRIPLES},
    "n-triples": {"graph": NTRIPLES},
    "jsonld": {"graph": JSONLD},
    "json-ld": {"graph": JSONLD},
    "rdfxml": {"graph": RDFXML},
    "rdf+xml": {"graph": RDFXML},
    "rdf": {"graph": RDFXML},
    "html": {"description": HTML, "table": HTML, "page": HTML, "thing": HTML},
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), or 0 for none."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        return 3 if (self.type, self.subtype) == (kind, sub) else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header leniently: unreadable entries are skipped, not fatal."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """How much the client wants ``media_type``: q of the most specific matching range."""
    best, specificity = 0.0, 0
    for media_range in ranges:
        level = media_range.matches(media_type)
        if level > specificity:
            best, specificity = media_range.q, level
    return best


def negotiate(kind: Kind, accept: str | None, format_param: str | None = None) -> str:
    """The media type to answer with; ``NotAcceptable`` when the client takes none.

    A ``format`` parameter (a short name like ``csv`` or a media type) overrides Accept,
    so links and browsers can pick a format.  No Accept header means our first choice.
    """
    chosen = acceptable(kind, accept, format_param)
    if chosen is not None:
        return chosen
    if format_param:
        raise NotAcceptable(f"format '{format_param}' is not available for {kind}; {_list(kind)}")
    raise NotAcceptable(f"none of the accepted media types fits {kind}; {_list(kind)}")


@lru_cache(maxsize=256)
def acceptable(kind: Kind, accept: str | None, format_param: str | None = None) -> str | None:
    """``negotiate`` without the exception: ``None`` when the client takes nothing of
    ``kind``.  Remembered: clients send the same few Accept headers on every request."""
    offers = _OFFERS[kind]
    if format_param:
        name = format_param.strip().lower()
        chosen = _FORMAT_NAMES.get(name, {}).get(kind)
        if chosen is None:
            chosen = next((send for ask, send in offers if ask == name), None)
        return chosen
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0][1]
    best, best_q = None, 0.0
    for ask, send in offers:
        q = quality(ranges, ask)
        if q > best_q:
            best, best_q = send, q
    return best


def _list(kind: Kind) -> str:
    return "available: " + ", ".join(dict.fromkeys(send for _, send in _OFFERS[kind]))
