"""The SPARQL 1.1 Graph Store HTTP Protocol over our store, free of Flask.

Graphs are named indirectly (``?graph=IRI``).  ``?default`` is the default graph that
queries see: the union of the named graphs.  It can be read but not written (405):
replacing "the union" would mean rewriting every graph at once, and quietly mapping it
to one named graph would make ``PUT ?default`` then ``GET ?default`` disagree anyway.
The bare endpoint (no parameter) is the whole dataset: GET reads it as quads, POST
creates a new graph ``{base}graph/store/{uuid}`` and answers with its IRI.

A graph exists while it holds a triple.  Oxigraph keeps empty named graphs and the
embedded store does not; queries cannot tell them apart, so existence is decided by
content, the same on both stores.

Every write is checked as a SPARQL Update is (``SparqlService.update``): applied first
to a scratch in-memory copy of the dataset, whose union must pass the shapes (422,
nothing written, otherwise), then applied to the real store as one transaction (a Graph
Store PUT or one update request).  Writes racing each other are not serialised: the
second one was validated against a dataset without the first, as with SPARQL Update.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple, serialize

from ..config import Settings
from ..errors import (
    CspkgError,
    GraphNotFound,
    MethodNotAllowed,
    ProtocolError,
    RequestTooLarge,
    UnsupportedMediaType,
)
from ..namespaces import PREFIXES
from ..rdf.safe_rdf import parse_rdf, to_ntriples
from ..store.base import AskResult, GraphResult, Store
from ..store.serialize import GRAPH_FORMATS, write_graph
from ..store.update_scope import UpdateScope
from . import progress_files
from .access import Writer, is_progress_graph, require_admin
from .dataset import stream
from .progress_write import Proposal, mint, proposal_of
from .sparql_service import SparqlService
from .write_check import check_literal_sizes

INPUT_FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
"""What a graph write may send.  Quad formats are refused: the request names the graph."""

NQUADS = "application/n-quads"
DATASET_EXTENSIONS = {NQUADS: "nq", "application/trig": "trig", "application/ld+json": "jsonld"}
"""Media type -> ``/data/dataset.*`` download, for GET on the bare endpoint."""

NEW_GRAPHS = "graph/store/"
"""Under ``settings.base``: where graphs created by POST to the endpoint are named."""

_READ = ("GET", "HEAD")
ALLOWED: dict[str, tuple[str, ...]] = {
    "graph": (*_READ, "PUT", "POST", "DELETE"),
    "default": _READ,
    "store": (*_READ, "POST"),
}
"""Methods per target: the ``Allow`` header of a 405."""


@dataclass(frozen=True)
class Target:
    """What a request addresses: one named graph, the union default graph, or the store."""

    kind: Literal["graph", "default", "store"]
    iri: str | None = None


@dataclass(frozen=True)
class Payload:
    """One RDF document from a request body (a multipart POST carries several)."""

    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class WriteOutcome:
    """The graph written and whether it held no triples before (201 rather than 204);
    for a progress update reported by an agency (or the form), the address the service
    gave it (``None``: it repeated the current update, nothing was written)."""

    graph: str
    created: bool
    update: str | None = None


def target_of(args: Mapping[str, Sequence[str]]) -> Target:
    """``?graph=IRI``, ``?default`` or neither; ``ProtocolError`` for anything else."""
    graphs = list(args.get("graph", ()))
    if "default" in args:
        if graphs:
            raise ProtocolError("send either ?graph=IRI or ?default, not both")
        return Target("default")
    if not graphs:
        return Target("store")
    if len(graphs) > 1:
        raise ProtocolError(f"the request has {len(graphs)} 'graph' parameters; send one")
    try:
        NamedNode(graphs[0])
    except ValueError:
        raise ProtocolError(f"the graph '{graphs[0]}' is not an absolute IRI") from None
    return Target("graph", graphs[0])


def input_format(content_type: str | None) -> RdfFormat:
    """The parser for a write's Content-Type; ``UnsupportedMediaType`` (415) otherwise."""
    accepted = ", ".join(k for k in INPUT_FORMATS if k != "application/x-turtle")
    media_type, *params = (part.strip() for part in (content_type or "").split(";"))
    media_type = media_type.lower()
    if not media_type:
        raise UnsupportedMediaType(f"a graph write needs a Content-Type: {accepted}")
    found = INPUT_FORMATS.get(media_type)
    if found is None:
        raise UnsupportedMediaType(f"'{media_type}' is not accepted; send {accepted}")
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"only UTF-8 is accepted, not {charset}")
    return found


def _node(iri: str) -> str:
    """The IRI in SPARQL syntax; ``target_of`` has already checked it is one."""
    return str(NamedNode(iri))


@dataclass(frozen=True)
class GraphStore:
    """Read, replace, merge and drop graphs with SparqlService's token and the shapes."""

    sparql: SparqlService

    @property
    def store(self) -> Store:
        return self.sparql.store

    @property
    def settings(self) -> Settings:
        return self.sparql.settings

    # --- reads ------------------------------------------------------------------------

    def read(self, target: Target, media_type: str) -> bytes | Iterator[bytes]:
        """The graph (or dataset) in ``media_type``, already negotiated by the caller."""
        if target.kind == "store":
            return stream(self.store, DATASET_EXTENSIONS[media_type])
        triples = self._triples(target.iri)
        if target.iri is not None and not triples:
            raise GraphNotFound(f"the store has no graph <{target.iri}>")
        if media_type == NQUADS:
            name = NamedNode(target.iri) if target.iri is not None else DefaultGraph()
            quads = [Quad(t.subject, t.predicate, t.object, name) for t in triples]
            return serialize(quads, format=RdfFormat.N_QUADS) or b""
        if media_type not in GRAPH_FORMATS:
            raise ValueError(f"no graph writer for {media_type}")
        return write_graph(triples, media_type, PREFIXES)

    def _triples(self, iri: str | None) -> list[Triple]:
        """Every triple of one graph, or of the union; the row limit is for queries only."""
        where = f"GRAPH {_node(iri)} {{ ?s ?p ?o }}" if iri is not None else "?s ?p ?o"
        result = self.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}",
            timeout=self.settings.query_timeout,
            max_rows=None,
        )
        assert isinstance(result, GraphResult)
        return list(dict.fromkeys(result.triples))  # a triple in two graphs, once

    # --- writes -----------------------------------------------------------------------

    def put(
        self, target: Target, payloads: Sequence[Payload], authorization: str | None
    ) -> WriteOutcome:
        """Replace the graph's content with the payload."""
        iri, writer = self._writable(target, "PUT", authorization)
        data = to_ntriples(self._triples_of(payloads, iri))
        existed = self._commit(
            iri,
            lambda store: store.load_graph(iri, data, "application/n-triples"),
            action=f"PUT GRAPH {_node(iri)} ({len(data)} bytes of N-Triples)",
            authorization=authorization,
            writer=writer,
        )
        return WriteOutcome(iri, created=not existed and bool(data))

    def post(
        self, target: Target, payloads: Sequence[Payload], authorization: str | None
    ) -> WriteOutcome:
        """Merge the payload into the graph; on the bare endpoint, into a new graph.

        An agency token's body is one progress update in the closed shape
        (``progress_write.proposal_of``): the service names and completes it."""
        iri, writer = self._writable(target, "POST", authorization)
        triples = self._triples_of(payloads, iri)
        if not writer.is_admin:
            try:
                proposal = proposal_of(triples)
            except CspkgError as exc:
                what = f"POST GRAPH {_node(iri)} ({len(triples)} statements)"
                refused = f"refused ({type(exc).__name__})"
                self.sparql.audit(refused, what, authorization, writer.describe(), exc)
                raise
            return self._report(iri, writer, proposal, authorization)
        data = to_ntriples(triples)
        insert = f"INSERT DATA {{ GRAPH {_node(iri)} {{ {data.decode()} }} }}"

        def merge(store: Store) -> None:
            if data:
                store.update(insert)

        existed = self._commit(
            iri,
            merge,
            action=f"POST GRAPH {_node(iri)} ({len(data)} bytes of N-Triples)",
            authorization=authorization,
            writer=writer,
        )
        return WriteOutcome(iri, created=not existed and bool(data))

    def report(self, graph: str, proposal: Proposal, authorization: str | None) -> WriteOutcome:
        """One new progress update into a plan's progress graph (the progress form)."""
        iri, writer = self._writable(Target("graph", graph), "POST", authorization)
        return self._report(iri, writer, proposal, authorization)

    def _report(
        self, iri: str, writer: Writer, proposal: Proposal, authorization: str | None
    ) -> WriteOutcome:
        """Mint the update under the write lock (its address and the update it replaces
        are read from the store as it is), then check and commit it as any write."""
        minted: dict[str, tuple[str | None, bytes]] = {}

        def prepare() -> None:
            minted["update"] = mint(self.store, self.settings, writer, proposal, iri, date.today())

        def merge(store: Store) -> None:
            _, data = minted["update"]
            if data:
                store.update(f"INSERT DATA {{ GRAPH {_node(iri)} {{ {data.decode()} }} }}")

        existed = self._commit(
            iri,
            merge,
            action=f"POST GRAPH {_node(iri)} (a progress update on <{proposal.action}>)",
            authorization=authorization,
            writer=writer,
            allowed=prepare,
        )
        update, _ = minted["update"]
        return WriteOutcome(iri, created=not existed and update is not None, update=update)

    def delete(self, target: Target, authorization: str | None) -> None:
        """Drop the graph; ``GraphNotFound`` (404) if it holds nothing."""
        iri, writer = self._writable(target, "DELETE", authorization)
        drop = f"DROP SILENT GRAPH {_node(iri)}"
        self._commit(
            iri,
            lambda store: store.update(drop),
            action=f"DELETE GRAPH {_node(iri)}",
            authorization=authorization,
            writer=writer,
            must_exist=True,
        )

    def _writable(
        self, target: Target, method: str, authorization: str | None
    ) -> tuple[str, Writer]:
        """Method allowed on the target (405), then the bearer token (401/403).

        An agency token may only POST (merge) into a progress graph: replacing or
        dropping one would lose other agencies' updates, and updates are never
        overwritten (``access.py``)."""
        if method not in ALLOWED[target.kind]:
            what = (
                "the default graph (the union of all graphs)"
                if target.kind == "default"
                else "the graph store"
            )
            raise MethodNotAllowed(
                f"{method} is not allowed on {what}; name a graph with ?graph=IRI",
                ALLOWED[target.kind],
            )
        try:
            writer = self.sparql.authorize_write(authorization)
            if method != "POST" or not is_progress_graph(self.settings, target.iri):
                require_admin(writer, f"{method} on this graph")
        except CspkgError as exc:
            named = f"GRAPH {_node(target.iri)}" if target.iri is not None else "a new graph"
            refused = f"refused ({type(exc).__name__})"
            self.sparql.audit(refused, f"{method} {named}", authorization, error=exc)
            raise
        if target.iri is not None:
            return target.iri, writer
        return self.settings.base + NEW_GRAPHS + uuid.uuid4().hex, writer

    def _triples_of(self, payloads: Sequence[Payload], base_iri: str) -> list[Triple]:
        """Parse every payload with the one untrusted-RDF parser (size limit first, no
        DTDs or entities, no remote contexts), blank nodes renamed apart."""
        if not payloads:
            raise ProtocolError("the request carries no RDF document")
        limit = self.settings.max_upload_bytes
        if sum(len(p.data) for p in payloads) > limit:
            raise RequestTooLarge(f"the RDF data is larger than {limit} bytes")
        triples: list[Triple] = []
        for n, payload in enumerate(payloads, start=1):
            rdf_format = input_format(payload.content_type)
            name = "the RDF data" if len(payloads) == 1 else f"RDF document {n}"
            triples += parse_rdf(payload.data, rdf_format, name=name, base=base_iri)
        check_literal_sizes(triples, self.settings)
        return triples

    def _commit(
        self,
        iri: str,
        change: Callable[[Store], None],
        *,
        action: str,
        authorization: str | None,
        writer: Writer,
        must_exist: bool = False,
        allowed: Callable[[], None] | None = None,
    ) -> bool:
        """Under the service's write lock, check then commit; leave one audit line.

        ``allowed`` (what the writer may send, and what the service adds to it) runs
        under the lock too, so what it saw of the store is what is changed.  Returns whether the graph held triples.
        """
        who = writer.describe()
        try:
            with self.sparql.write_lock:
                if allowed is not None:
                    allowed()
                existed = self._check_then_apply(iri, change, must_exist)
                progress_files.save(self.store, self.settings, iri)  # the file is the source
        except CspkgError as exc:
            self.sparql.audit(f"refused ({type(exc).__name__})", action, authorization, who, exc)
            raise
        self.sparql.audit("committed", action, authorization, who)
        return existed

    def _check_then_apply(
        self, iri: str, change: Callable[[Store], None], must_exist: bool
    ) -> bool:
        """Whether the graph held triples, then the checked change (SparqlService's)."""
        existed = _holds_triples(self.store, iri)  # under the write lock: what is changed
        if must_exist and not existed:
            raise GraphNotFound(f"the store has no graph <{iri}>")
        self.sparql.apply_checked(change, UpdateScope(frozenset({iri}), frozenset()))
        return existed


def _holds_triples(store: Store, iri: str) -> bool:
    answer = store.query(f"ASK {{ GRAPH {_node(iri)} {{ ?s ?p ?o }} }}")
    assert isinstance(answer, AskResult)
    return answer.value
