"""A thing's description (CBD-style) through the ``Store``, and a view of it for pages.

Two CONSTRUCT queries, never a copy of the store: the thing's outgoing triples (with one
level of blank-node closure, the labels of the objects and of the properties) and the
triples pointing at it (with their subjects' labels), the latter capped so a popular
concept cannot produce a huge page.  The same triples are served as Turtle, JSON-LD and
N-Triples, and turned into a plain view model for the HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..config import Settings
from ..namespaces import CSPKG, PREFIXES
from ..store.base import GraphResult, Store

INCOMING_LIMIT = 500
"""At most this many triples pointing at a thing are described."""

RDF_TYPE = PREFIXES["rdf"] + "type"
LABELS = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["rdfs"] + "label",
    PREFIXES["dcterms"] + "title",
    PREFIXES["schema"] + "name",
    PREFIXES["foaf"] + "name",
)
"""Where a human name is looked for, best first."""

_LABEL_LIST = ", ".join(f"<{iri}>" for iri in LABELS)

_OUTGOING = """CONSTRUCT {{
  <{iri}> ?p ?o . ?o ?lp ?ol . ?o ?bp ?bo . ?p ?pp ?pl . ?bo ?blp ?bl .
}} WHERE {{
  <{iri}> ?p ?o .
  OPTIONAL {{ ?p ?pp ?pl FILTER (?pp IN ({labels})) }}
  OPTIONAL {{ ?o ?lp ?ol FILTER (?lp IN ({labels})) }}
  OPTIONAL {{
    FILTER (isBlank(?o)) ?o ?bp ?bo
    OPTIONAL {{ ?bo ?blp ?bl FILTER (?blp IN ({labels})) }}
  }}
}}"""

_INCOMING = """CONSTRUCT {{ ?s ?p <{iri}> . ?s ?lp ?sl . ?p ?pp ?pl . }} WHERE {{
  {{ SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?p ?s LIMIT {limit} }}
  OPTIONAL {{ ?s ?lp ?sl FILTER (?lp IN ({labels})) }}
  OPTIONAL {{ ?p ?pp ?pl FILTER (?pp IN ({labels})) }}
}}"""


@dataclass(frozen=True)
class Description:
    """The triples that describe ``iri``; empty when the store knows nothing of it."""

    iri: str
    triples: list[Triple]
    truncated: bool = False

    @property
    def found(self) -> bool:
        return any(self._is_about(t) for t in self.triples)

    def _is_about(self, triple: Triple) -> bool:
        node = NamedNode(self.iri)
        return triple.subject == node or triple.object == node

    def as_graph(self) -> GraphResult:
        return GraphResult(self.triples, self.truncated)


def describe(store: Store, iri: str, settings: Settings) -> Description:
    """Outgoing and incoming triples of ``iri`` (which must be a safe absolute IRI)."""
    if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        return Description(iri, [])
    triples: list[Triple] = []
    truncated = False
    for template in (_OUTGOING, _INCOMING):
        text = template.format(iri=iri, labels=_LABEL_LIST, limit=INCOMING_LIMIT)
        result = store.query(text, timeout=settings.query_timeout, max_rows=settings.max_rows)
        assert isinstance(result, GraphResult)
        triples.extend(result.triples)
        truncated = truncated or result.truncated
    node = NamedNode(iri)
    ordered = sorted(
        dict.fromkeys(triples),
        key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)),
    )
    return Description(iri, ordered, truncated)


# --- The view model the HTML page renders --------------------------------------------


@dataclass(frozen=True)
class Value:
    """One object of a property: an IRI (with label and local link) or a literal."""

    text: str
    iri: str | None = None
    label: str | None = None
    href: str | None = None
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Property:
    iri: str
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Incoming:
    subject: Value
    property_label: str
    property_iri: str


@dataclass(frozen=True)
class Provenance:
    document: Value
    first_line: str | None
    last_line: str | None


@dataclass(frozen=True)
class ThingView:
    iri: str
    label: str
    types: list[Value]
    properties: list[Property]
    incoming: list[Incoming]
    provenance: Provenance | None = None
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def local_href(iri: str, base: str) -> str | None:
    """The ``/doc/`` page for an IRI under the base's ``id/`` or ``def/``, else ``None``."""
    if iri.startswith(base + "id/"):
        return "/doc/" + iri[len(base) + 3 :]
    if iri.startswith(base + "def/"):
        return "/doc/" + iri[len(base) :]
    return None


def curie(iri: str) -> str:
    """``prefix:local`` for a known namespace, else the IRI itself."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _labels(triples: Iterable[Triple]) -> dict[str, str]:
    """Best label per subject: preferred predicate first, English or untagged first."""
    found: dict[str, tuple[int, int, str]] = {}
    for t in triples:
        if t.predicate.value not in LABELS or not isinstance(t.object, Literal):
            continue
        lang = t.object.language
        rank = (LABELS.index(t.predicate.value), 0 if lang in (None, "en") else 1)
        key = _key(t.subject)
        if key not in found or rank < found[key][:2]:
            found[key] = (*rank, t.object.value)
    return {key: value[2] for key, value in found.items()}


def _key(term: object) -> str:
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return getattr(term, "value", str(term))


def _value(term: object, labels: dict[str, str], base: str) -> Value:
    if isinstance(term, Literal):
        datatype = term.datatype.value
        plain = datatype in (PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString")
        return Value(
            term.value, datatype=None if plain else curie(datatype), language=term.language
        )
    key = _key(term)
    if isinstance(term, BlankNode):
        return Value(labels.get(key, key), label=labels.get(key))
    label = labels.get(key)
    return Value(key, iri=key, label=label or curie(key), href=local_href(key, base) or key)


def thing_view(description: Description, base: str) -> ThingView:
    """Group the description by property, label every value, link what can be linked."""
    node = NamedNode(description.iri)
    labels = _labels(description.triples)
    outgoing: dict[str, list[Value]] = {}
    types: list[Value] = []
    incoming: list[Incoming] = []
    for t in description.triples:
        if t.subject == node:
            value = _value(t.object, labels, base)
            if t.predicate.value == RDF_TYPE:
                types.append(value)
            else:
                outgoing.setdefault(t.predicate.value, []).append(value)
        elif t.object == node:
            subject = _value(t.subject, labels, base)
            label = labels.get(t.predicate.value, curie(t.predicate.value))
            incoming.append(Incoming(subject, label, t.predicate.value))
    properties = [
        Property(p, labels.get(p, curie(p)), sorted(values, key=lambda v: v.label or v.text))
        for p, values in sorted(outgoing.items(), key=lambda item: _order(item[0], labels))
    ]
    incoming.sort(key=lambda i: (i.property_label, i.subject.label or i.subject.text))
    return ThingView(
        iri=description.iri,
        label=labels.get(description.iri, curie(description.iri)),
        types=sorted(types, key=lambda v: v.label or v.text),
        properties=properties,
        incoming=incoming,
        provenance=_provenance(outgoing, labels),
        truncated=description.truncated,
    )


def _order(predicate: str, labels: dict[str, str]) -> tuple[int, str]:
    """Labels and descriptions first, then properties alphabetically by label."""
    first = (*LABELS, PREFIXES["dcterms"] + "description", PREFIXES["skos"] + "definition")
    rank = first.index(predicate) if predicate in first else len(first)
    return rank, labels.get(predicate, curie(predicate)).lower()


def _provenance(outgoing: dict[str, list[Value]], labels: dict[str, str]) -> Provenance | None:
    """Where an action came from: its source document and line range, when recorded."""
    documents = outgoing.get(PREFIXES["prov"] + "wasDerivedFrom", [])
    if not documents:
        return None
    first = outgoing.get(str(CSPKG.sourceFirstLine), [])
    last = outgoing.get(str(CSPKG.sourceLastLine), [])
    return Provenance(
        documents[0], first[0].text if first else None, last[0].text if last else None
    )
