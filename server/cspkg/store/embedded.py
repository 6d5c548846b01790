"""The embedded store: pyoxigraph in this process, in memory or on disk.

Writes go to the parent's store under a lock and bump the generation.  Queries run in
worker processes (``pool.py``) that read a snapshot of the current generation, so a
query can be killed at its deadline; with ``workers=0`` (CLI tools, unit tests) queries
run inline and the timeout is not enforced.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, parse, serialize

from ..errors import RdfInputError, StoreUnavailable
from .base import Formats, QueryResult, SerializedResult
from .engine import execute, syntax_error
from .pool import QueryPool
from .sources import Source
from .sparql_text import inject_using


def rdf_format(media_type: str) -> RdfFormat:
    """The pyoxigraph format for a media type, or ``RdfInputError``."""
    found = RdfFormat.from_media_type(media_type.split(";")[0].strip())
    if found is None:
        raise RdfInputError(f"unsupported RDF media type '{media_type}'")
    return found


class EmbeddedStore:
    """A pyoxigraph store; the default graph for queries is the union of named graphs."""

    kind = "embedded"

    def __init__(self, path: Path | None = None, workers: int = 0) -> None:
        try:
            self._store = Store(str(path)) if path is not None else Store()
        except OSError:
            raise StoreUnavailable("the on-disk store could not be opened") from None
        self._lock = threading.RLock()
        self._generation = 0
        self._snapshot_dir = Path(tempfile.mkdtemp(prefix="cspkg-snapshots-"))
        self._snapshots: dict[int, Path] = {}
        self._pool = QueryPool(workers, self._snapshot) if workers > 0 else None

    @property
    def generation(self) -> int:
        return self._generation

    def load_sources(self, sources: Sequence[Source]) -> None:
        """Load each source file into its own named graph (bulk loader: fast, not atomic)."""
        with self._lock:
            for source in sources:
                graph = NamedNode(source.graph_iri)
                if self._store.contains_named_graph(graph):
                    self._store.remove_graph(graph)
                try:
                    self._store.bulk_load(
                        path=source.path, format=rdf_format(source.media_type), to_graph=graph
                    )
                except SyntaxError as exc:
                    raise RdfInputError(f"{source.name}: {exc}") from None
            self._generation += 1

    def load_graph_dataset(self, nquads: bytes) -> None:
        """Add a whole N-Quads dataset (e.g. another store's dump), graphs preserved."""
        with self._lock:
            try:
                self._store.bulk_load(nquads, format=RdfFormat.N_QUADS)
            except SyntaxError as exc:
                raise RdfInputError(f"the dataset could not be parsed: {exc}") from None
            self._generation += 1

    def _snapshot(self) -> Path:
        """The N-Quads file of the current generation, written on first need."""
        with self._lock:
            generation = self._generation
            path = self._snapshots.get(generation)
            if path is None:
                path = self._snapshot_dir / f"generation-{generation}.nq"
                partial = path.with_suffix(".part")
                self._store.dump(output=partial, format=RdfFormat.N_QUADS)
                partial.replace(path)
                self._snapshots[generation] = path
                for old in [g for g in self._snapshots if g < generation - 1]:
                    self._snapshots.pop(old).unlink(missing_ok=True)
            return path

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
        if self._pool is not None:
            return self._pool.run(
                sparql,
                default_graph_uris,
                named_graph_uris,
                timeout,
                max_rows,
                base_iri,
                tuple((formats or {}).items()),
            )
        try:
            return execute(
                self._store, sparql, default_graph_uris, named_graph_uris, max_rows, base_iri
            )
        except OSError:
            raise StoreUnavailable("the store could not answer the query") from None

    def update(
        self,
        sparql: str,
        *,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> None:
        text = inject_using(sparql, using_graph_uris, using_named_graph_uris)
        with self._lock:
            try:
                self._store.update(text, base_iri=base_iri)
            except SyntaxError as exc:
                raise syntax_error(str(exc)) from None
            except OSError:
                raise StoreUnavailable("the update could not be applied") from None
            finally:
                self._generation += 1

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        """Parse first, then drop and insert in one update, so readers never see half."""
        try:
            triples = [q.triple for q in parse(data, format=rdf_format(media_type))]
        except SyntaxError as exc:
            raise RdfInputError(f"the RDF data could not be parsed: {exc}") from None
        body = (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode()
        graph = NamedNode(graph_iri)
        with self._lock:
            self._store.update(
                f"DROP SILENT GRAPH {graph} ; INSERT DATA {{ GRAPH {graph} {{ {body} }} }}"
            )
            self._generation += 1

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def triple_count(self) -> int:
        return len(self._store)

    def dump(self) -> bytes:
        return self._store.dump(format=RdfFormat.N_QUADS) or b""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        shutil.rmtree(self._snapshot_dir, ignore_errors=True)
