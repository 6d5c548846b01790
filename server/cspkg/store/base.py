"""The one store interface everything above ``store/`` talks to, and its typed results.

Two implementations exist (embedded pyoxigraph, remote SPARQL server); services and the
web layer see only this protocol, so both behave the same from the outside.  Results use
pyoxigraph's term classes because both implementations produce them naturally (the
remote one by parsing the server's SPARQL JSON / N-Triples answers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Literal as KindLiteral
from typing import Protocol, TypeAlias, runtime_checkable

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .sources import Source

Term: TypeAlias = NamedNode | BlankNode | Literal | Triple
"""An RDF term as it appears in a result."""


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query; ``truncated`` says rows were cut at the row limit."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.variables

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of lexical values: easy to compare in tests and templates."""
        return [
            {
                name: None if term is None else term.value
                for name, term in zip(self.variables, row, strict=True)
            }
            for row in self.rows
        ]


@dataclass(frozen=True)
class AskResult:
    """The answer of an ASK query."""

    value: bool


@dataclass(frozen=True)
class GraphResult:
    """Triples from CONSTRUCT or DESCRIBE; ``truncated`` says triples were cut at the limit."""

    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False


QueryResult: TypeAlias = SelectResult | AskResult | GraphResult


@dataclass(frozen=True)
class SerializedResult:
    """A result already written in ``media_type`` by the process that ran the query.

    Returned only to callers that pass ``formats`` to ``Store.query``: a query worker
    then ships bytes, not pickled terms, and the writing happens outside the server's
    own process (measured: pickling terms cost more than running small queries).
    """

    kind: KindLiteral["results", "graph"]
    media_type: str
    body: bytes
    truncated: bool = False
    rows: int | None = None
    """Solutions (SELECT) or triples written: what paging needs without re-reading."""


Progress: TypeAlias = Callable[[str, int, int], None]
"""``(step, done, total)``: how far a load is, for the caller to render (the CLI draws
bars; stores and services never print)."""

Formats: TypeAlias = Mapping[str, str]
"""Result kind (``"results"`` / ``"graph"``) -> the media type the caller would send."""


@runtime_checkable
class Store(Protocol):
    """A quad store reached over SPARQL.  Named graphs hold the data; the default graph
    seen by queries is their union unless the request names a dataset."""

    kind: str
    """``"embedded"`` or ``"remote"``: reported by ``/health``."""
    dialect: str
    """The engine's name (``"oxigraph"``, or the backend profile's): a canned query runs
    the form written for it, if it has one (``queries/forms/``)."""

    @property
    def generation(self) -> int:
        """The store's version: changes with every write (cache keys, replicas)."""
        ...

    @property
    def shared_version(self) -> bool:
        """Whether ``generation`` also changes with writes made by others (another front
        end over the same server): only then may answers be cached."""
        ...

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
        formats: Formats | None = None,
    ) -> QueryResult | SerializedResult:
        """Run a query; raise ``QuerySyntaxError``, ``QueryTimeout`` or ``StoreUnavailable``.

        With ``formats``, a store may answer with a ``SerializedResult`` in the media type
        given for the result's kind; callers must accept either."""
        ...

    def update(
        self,
        sparql: str,
        *,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> None:
        """Apply a SPARQL Update as one transaction."""
        ...

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        """Replace one named graph with the parsed ``data``, atomically."""
        ...

    def changed_sources(self, sources: Sequence[Source]) -> tuple[list[Source], list[str]]:
        """The sources whose graphs must be (re)loaded, and graphs whose source is gone.

        A store that cannot tell (remote, or in memory) answers: all of them, none."""
        ...

    def replace_sources(
        self,
        sources: Sequence[Source],
        drop: Sequence[str] = (),
        on_progress: Progress | None = None,
    ) -> None:
        """Replace each source's graph with its file and drop ``drop``; readers see the
        old graphs or the new ones, never half.  Files are read by ``rdf/safe_rdf``."""
        ...

    def record_sources(self, sources: Sequence[Source]) -> None:
        """Remember that the graphs now hold these sources (for ``changed_sources``)."""
        ...

    def loading(self) -> AbstractContextManager[None]:
        """Held by a load (``services/loading.py``) while it stages and validates."""
        ...

    def warm(self) -> None:
        """Prepare for the first queries in the background (start-up)."""
        ...

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def triple_count(self) -> int:
        """Number of statements in all named graphs."""
        ...

    def dump(self) -> bytes:
        """The whole dataset as N-Quads: used to check writes on a scratch copy."""
        ...

    def close(self) -> None:
        """Release processes, files and connections."""
        ...
