"""The embedded store: pyoxigraph in this process, in memory or on disk.

Writes go to the parent's store under a lock and bump the generation.  Queries run in
worker processes (``pool.py``) that read a snapshot of the current generation, so a
query can be killed at its deadline; with ``workers=0`` (CLI tools, unit tests) queries
run inline and the timeout is not enforced.  A client's SPARQL Update is evaluated in a
worker too (``try_update``): the worker applies it to a copy of the graphs it touches
and sends back the quads it removed and added (a ``Change``); the caller validates that
and applies it here (``apply_change``: data only, no query evaluation in this
process).  The caller holds the write lock throughout, so the snapshot the worker
changed is the state the change is applied to: the two stay one store.

Snapshots: in memory, an N-Quads dump that each worker loads into its own replica; on
disk, a RocksDB checkpoint (``Store.backup``: hard links, milliseconds) that workers
open with ``Store.read_only`` — no replica, so worker memory does not grow with the
data.  (Opening the live directory read-only while this process writes to it is
undefined behaviour in RocksDB; a checkpoint never changes.)

On disk, ``changed_sources`` says which files' content hash changed since the last load
(``manifest.py``), so a restart on unchanged data loads nothing.  What to load and
whether to validate it first is ``services/loading.py``'s, for start-up and
``cspkg load`` alike; ``replace_sources`` is only the fast bulk write.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse, serialize

from ..errors import CspkgError, RdfInputError, StoreUnavailable
from ..rdf.safe_rdf import iter_rdf, parse_rdf, to_ntriples
from .base import Formats, Progress, QueryResult, SerializedResult
from .engine import execute, syntax_error, update_error
from .manifest import SourceManifest
from .pool import Change, PoolLimits, QueryPool
from .sources import Source
from .sparql_text import inject_using

COMPACT_AFTER_BYTES = 32 * 2**20
"""On disk, a bulk load of at least this many bytes of files is followed by a full
compaction (``Store.optimize``).  Measured at 10M triples: queries on the freshly
bulk-loaded store ran 3-4x slower (compare-priorities 180 ms, crime-hotspots 80 ms)
than after the 23 s compaction (60 ms, 20 ms), and query workers read a checkpoint of
that state for as long as the data does not change.  Small loads (one changed plan)
skip it: a full compaction rewrites the whole store."""


class EmbeddedStore:
    """A pyoxigraph store; the default graph for queries is the union of named graphs."""

    kind = "embedded"
    dialect = "oxigraph"
    shared_version = True
    """Every write goes through this object, so its generation is the store's version."""

    def __init__(
        self, path: Path | None = None, workers: int = 0, limits: PoolLimits | None = None
    ) -> None:
        try:
            self._store = Store(str(path)) if path is not None else Store()
        except OSError:
            raise StoreUnavailable("the on-disk store could not be opened") from None
        self._path = path
        self._manifest = SourceManifest(path) if path is not None else None
        self._lock = threading.RLock()
        self._generation = 0
        self._count: tuple[int, int] | None = None  # (generation, triples)
        self._count_lock = threading.Lock()
        # Checkpoints are hard links only on the store's own file system: keep them beside it.
        parent = str(path.resolve().parent) if path is not None else None
        self._snapshot_dir = Path(tempfile.mkdtemp(prefix=".cspkg-snapshots-", dir=parent))
        self._snapshots: dict[int, Path] = {}
        self._workers = workers
        self._pool = QueryPool(workers, self._snapshot, limits) if workers > 0 else None
        self._loader: int | None = None  # thread whose queries run inline (``loading``)

    @property
    def pool(self) -> QueryPool | None:
        """The worker processes (``None`` when queries run inline)."""
        return self._pool

    @property
    def generation(self) -> int:
        return self._generation

    def replace_sources(
        self,
        sources: Sequence[Source],
        drop: Sequence[str] = (),
        on_progress: Progress | None = None,
    ) -> None:
        """Replace each source's graph with its file, and drop ``drop``, in one bulk load
        (fast, for start-up; ``services/loading.py`` decides what and validates).

        Readers never see half: the lock is held throughout and the generation moves once,
        so query workers keep reading the previous snapshot until it is done.  On disk the
        manifest forgets the replaced sources first, so a crash means "reload next time".
        """
        with self._lock:
            self._generation += 1
            replaced = {source.graph_iri for source in sources} | set(drop)
            if self._manifest is not None:
                kept = self._manifest.read()
                self._manifest.write({g: k for g, k in kept.items() if g not in replaced})
            for graph in sorted(replaced):
                self._store.remove_graph(NamedNode(graph))
            self._bulk_extend(sources, on_progress)
            if self._path is not None:
                self._store.flush()
                if sum(source.path.stat().st_size for source in sources) >= COMPACT_AFTER_BYTES:
                    self._store.optimize()

    def _bulk_extend(self, sources: Sequence[Source], on_progress: Progress | None) -> None:
        """All sources in one bulk load: on RocksDB, one bulk load per file costs ~7x more
        (measured: 886 files, 1M triples, 104 s per file vs 14 s in one go)."""

        def quads() -> Iterator[Quad]:
            for done, source in enumerate(sources):
                if on_progress is not None:
                    on_progress("loading", done, len(sources))
                graph = NamedNode(source.graph_iri)
                triples = iter_rdf(
                    source.path, source.media_type, name=source.name, base=source.graph_iri
                )
                for triple in triples:
                    yield Quad(triple.subject, triple.predicate, triple.object, graph)
            if on_progress is not None:
                on_progress("loading", len(sources), len(sources))

        self._store.bulk_extend(quads())

    def load_graph_dataset(self, nquads: bytes) -> None:
        """Add a whole N-Quads dataset (e.g. another store's dump), graphs preserved."""
        with self._lock:
            try:  # parse + bulk_extend keeps blank node labels (bulk_load renames them)
                self._store.bulk_extend(parse(nquads, format=RdfFormat.N_QUADS))
            except SyntaxError as exc:
                raise RdfInputError(f"the dataset could not be parsed: {exc}") from None
            self._written()

    def _snapshot(self) -> Path:
        """The current generation for workers, made on first need: a RocksDB checkpoint
        directory (on disk) or an N-Quads file (in memory).

        Made once per generation and then only looked up, without the lock: a query
        then never waits behind a write (which holds the lock while it applies)."""
        made = self._snapshots.get(self._generation)
        if made is not None:
            return made
        with self._lock:
            generation = self._generation
            path = self._snapshots.get(generation)
            if path is None:
                if self._path is not None:
                    path = self._snapshot_dir / f"generation-{generation}"
                    shutil.rmtree(path, ignore_errors=True)
                    self._store.backup(str(path))
                else:
                    path = self._snapshot_dir / f"generation-{generation}.nq"
                    partial = path.with_suffix(".part")
                    self._store.dump(output=partial, format=RdfFormat.N_QUADS)
                    partial.replace(path)
                self._snapshots[generation] = path
                for old in [g for g in self._snapshots if g < generation - 1]:
                    _remove(self._snapshots.pop(old))
            return path

    def warm(self) -> None:
        """Have every worker open the current snapshot now, in the background, so the
        first queries after start do not each pay for it (an in-memory replica of 1M
        triples takes seconds to load); the spare ones too (``QueryPool._replace``)."""
        if self._pool is None:
            return
        for _ in range(self._workers):
            threading.Thread(target=self._warm_one, daemon=True).start()
        threading.Thread(target=self._pool.warm_spares, daemon=True).start()

    def _warm_one(self) -> None:
        with contextlib.suppress(CspkgError):
            self.query("ASK {}", timeout=None)

    def _written(self) -> None:
        """After any write: a new generation.

        The source manifest is left alone on purpose: a graph that an acknowledged write
        changed must not be reloaded from its unchanged file at the next start (that
        would undo the write).  Only a changed file replaces its graph.
        """
        self._generation += 1

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """While a load runs: its own queries (validation context) run in this process,
        not in workers that would each need a snapshot of every intermediate state."""
        self._loader = threading.get_ident()
        try:
            yield
        finally:
            self._loader = None

    def changed_sources(self, sources: Sequence[Source]) -> tuple[list[Source], list[str]]:
        """On disk: the sources whose content changed since they were last recorded, and
        the graphs whose source is gone.  In memory every source counts as changed."""
        if self._manifest is None:
            return list(sources), []
        plan = self._manifest.plan(sources)
        return plan.load, plan.drop

    def record_sources(self, sources: Sequence[Source]) -> None:
        """After a load: remember what the graphs came from, so the next start does not
        load the same files again (on disk; in memory there is no next start)."""
        if self._manifest is None:
            return
        with self._lock:
            self._store.flush()
            self._manifest.write(self._manifest.plan(sources).after)

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
        if self._pool is not None and self._loader != threading.get_ident():
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
            except RuntimeError as exc:
                raise update_error(exc) from None
            except OSError:
                raise StoreUnavailable("the update could not be applied") from None
            finally:
                self._written()

    def try_update(
        self,
        sparql: str,
        *,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
        graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> Change:
        """Run the update in a worker on a copy of ``graphs`` (``None``: every graph) and
        return what it would change; this store is not touched.  Needs workers."""
        if self._pool is None:
            raise StoreUnavailable("updates in a worker need worker processes")
        text = inject_using(sparql, using_graph_uris, using_named_graph_uris)
        return self._pool.update(text, base_iri, graphs, timeout)

    def apply_change(self, change: Change) -> None:
        """Apply a change found by ``try_update``: ground quads in one update (one
        transaction), then quads with blank nodes (which SPARQL DATA blocks cannot name)
        one by one.  Only data is parsed here, never a client's query text."""
        ground = [q for q in change.removed if not _has_blank(q)]
        ground_added = [q for q in change.added if not _has_blank(q)]
        parts = [_data_block("DELETE DATA", ground), _data_block("INSERT DATA", ground_added)]
        text = " ;\n".join(part for part in parts if part)
        with self._lock:
            try:
                if text:
                    self._store.update(text)
                for quad in change.removed:
                    if _has_blank(quad):
                        self._store.remove(quad)
                self._store.extend(q for q in change.added if _has_blank(q))
            except OSError:
                raise StoreUnavailable("the update could not be applied") from None
            finally:
                self._written()

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        """Parse first (``safe_rdf``), then drop and insert in one update, so readers
        never see half."""
        triples = parse_rdf(data, media_type, name="the RDF data", base=graph_iri)
        body = to_ntriples(triples).decode()
        graph = NamedNode(graph_iri)
        with self._lock:
            self._store.update(
                f"DROP SILENT GRAPH {graph} ; INSERT DATA {{ GRAPH {graph} {{ {body} }} }}"
            )
            self._written()

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def triple_count(self) -> int:
        """Counted once per generation: a count visits every quad (seconds at 10M
        triples), and ``/health`` asks for it on every call."""
        with self._count_lock:
            generation = self._generation  # read first: a write meanwhile makes it stale
            if self._count is None or self._count[0] != generation:
                self._count = (generation, len(self._store))
            return self._count[1]

    def flush(self) -> None:
        """Make everything written so far durable on disk (no-op in memory)."""
        with self._lock:
            self._store.flush()

    def dump(self) -> bytes:
        return self._store.dump(format=RdfFormat.N_QUADS) or b""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        shutil.rmtree(self._snapshot_dir, ignore_errors=True)
        if self._path is not None:
            self._store = Store()  # drop the database handle (and its lock) now, not at GC


def _remove(snapshot: Path) -> None:
    if snapshot.is_dir():
        shutil.rmtree(snapshot, ignore_errors=True)
    else:
        snapshot.unlink(missing_ok=True)


def _has_blank(quad: Quad) -> bool:
    return isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode)


def _data_block(keyword: str, quads: Sequence[Quad]) -> str:
    """``INSERT DATA { GRAPH <g> { ... } }`` for ground quads, grouped by graph."""
    if not quads:
        return ""
    by_graph: dict[object, list[Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad)
    blocks = []
    for graph, members in by_graph.items():
        body = (serialize([q.triple for q in members], format=RdfFormat.N_TRIPLES) or b"").decode()
        blocks.append(body if isinstance(graph, DefaultGraph) else f"GRAPH {graph} {{ {body} }}")
    return f"{keyword} {{ {' '.join(blocks)} }}"
