"""Checking one write before it is committed: try it on a scratch copy, validate the result.

Two ways, chosen by what is known of the write beforehand:

* **Scoped** (the usual case: Graph Store writes, ``INSERT DATA``/``DELETE DATA``, updates
  whose graphs are all named; see ``store/update_scope.py``): only the graphs the write
  changes or reads are copied, and only the nodes it changes are validated, with the
  statements about them and about what they point to from the rest of the store as
  context.  The cost follows the size of the write, not of the store: one plan
  replaced in a 1M-triple store is checked like one plan on its own.
* **Whole** (an update whose graphs cannot be known from its text): the whole dataset
  is copied and validated, as the import of everything would be.

Either way nothing reaches the real store until the state it would produce has passed
the shapes (violations block; warnings and infos do not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import Dataset, Graph

from ..config import Settings
from ..errors import RequestTooLarge
from ..rdf.safe_rdf import to_graph
from ..store.base import GraphResult, SelectResult, Store
from ..store.embedded import EmbeddedStore
from ..store.update_scope import UpdateScope
from .validation_gate import validate_before_load

VALUES_CHUNK = 400
"""IRIs per context query: keeps each query text well under the length limits."""

Change = Callable[[Store], None]


def check_literal_sizes(statements: Iterable[Triple | Quad], settings: Settings) -> None:
    """``RequestTooLarge`` (413) for a literal over ``max_literal_bytes``.

    Why: the shapes check reads the change through rdflib, whose N-Triples parser takes
    time quadratic in a literal's length (measured: 300 kB 1.8 s, 3 MB 190 s, all of it
    under the write lock); the limit keeps every write's check short."""
    limit = settings.max_literal_bytes
    for statement in statements:
        value = statement.object
        if isinstance(value, Literal) and len(value.value) > limit // 4:
            size = len(value.value.encode("utf-8"))
            if size > limit:
                raise RequestTooLarge(
                    f"a literal of {size} bytes was sent; literals may be at most {limit} bytes"
                )


def check_write(
    store: Store, change: Change, settings: Settings, scope: UpdateScope | None
) -> None:
    """Raise ``ValidationFailed`` unless ``change`` leaves the data valid; writes nothing."""
    if scope is None:
        _check_whole(store, change, settings)
    else:
        _check_scoped(store, change, settings, scope)


# -- whole dataset ---------------------------------------------------------------------


def _check_whole(store: Store, change: Change, settings: Settings) -> None:
    scratch = EmbeddedStore()
    try:
        scratch.load_graph_dataset(store.dump())
        change(scratch)
        validate_before_load(union_graph(scratch.dump()), settings)
    finally:
        scratch.close()


def union_graph(nquads: bytes) -> Graph:
    """All statements of an N-Quads dataset as one rdflib graph (what shapes check)."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# -- scoped ----------------------------------------------------------------------------


def _check_scoped(store: Store, change: Change, settings: Settings, scope: UpdateScope) -> None:
    """Copy the graphs the write touches, apply it there, validate what it changed."""
    changed = sorted(scope.changes)
    scratch = EmbeddedStore()
    try:
        for iri in sorted(scope.changes | scope.reads):
            _copy_graph(store, scratch, iri, settings)
        before = graph_triples(scratch, changed, settings)
        change(scratch)
        after = graph_triples(scratch, changed, settings)
    finally:
        scratch.close()
    validate_changed(store, before, after, changed, settings, referrers=True)


def validate_changed(
    store: Store,
    before: Sequence[Triple],
    after: Sequence[Triple],
    exclude: Sequence[str],
    settings: Settings,
    referrers: bool = False,
) -> None:
    """Validate the nodes a change touched (subjects ``before`` or ``after`` it) and, with
    ``referrers``, the nodes elsewhere that point at them, with
    ``after`` as their new statements and context from the store's graphs other than
    ``exclude`` (the changed graphs' old and staged versions).

    ``ValidationFailed`` on a violation by a touched node (or a blank node of ``after``);
    violations of context nodes are left to their own sources' checks.
    """
    focus = {t.subject for t in [*before, *after]}
    if referrers:
        focus |= _referrers(store, focus, exclude, settings)
    context = _context(store, focus, after, exclude, settings)
    data = _rdflib_graph([*after, *context])
    validate_before_load(data, settings, {n.value for n in focus if isinstance(n, NamedNode)})


def _referrers(
    store: Store, nodes: Iterable[object], exclude: Sequence[str], settings: Settings
) -> set[object]:
    """Nodes in other graphs that point at ``nodes``: removing an agency's statements
    can break the ``sh:class`` check of every action that names it (measured before
    this: deleting the agencies graph left 64 violations in the served graph)."""
    named = sorted((n for n in nodes if isinstance(n, NamedNode)), key=str)
    skip = ", ".join(f"<{iri}>" for iri in exclude)
    not_in = f"FILTER (?g NOT IN ({skip}))" if exclude else ""
    found: set[object] = set()
    for start in range(0, len(named), VALUES_CHUNK):
        values = " ".join(str(n) for n in named[start : start + VALUES_CHUNK])
        result = store.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {values} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} {not_in} }}",
            timeout=settings.query_timeout,
            max_rows=None,
        )
        assert isinstance(result, SelectResult)
        found |= {row[0] for row in result.rows if isinstance(row[0], NamedNode)}
    return found


def _copy_graph(store: Store, scratch: EmbeddedStore, iri: str, settings: Settings) -> None:
    triples = graph_triples(store, [iri], settings)
    graph = NamedNode(iri)
    quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    scratch.load_graph_dataset(serialize(quads, format=RdfFormat.N_QUADS) or b"")


def graph_triples(store: Store, iris: Sequence[str], settings: Settings) -> list[Triple]:
    """Every statement in the named graphs ``iris`` (none for an empty list)."""
    found: list[Triple] = []
    for iri in iris:
        result = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
            timeout=settings.query_timeout,
            max_rows=None,
        )
        assert isinstance(result, GraphResult)
        found += result.triples
    return list(dict.fromkeys(found))


def _context(
    store: Store,
    focus: Iterable[object],
    after: Sequence[Triple],
    changed: Sequence[str],
    settings: Settings,
) -> list[Triple]:
    """What the rest of the store says about the changed nodes, and about what they and
    the changed statements point to (types for ``sh:class``, labels for messages)."""
    first = _about(store, [n for n in focus if isinstance(n, NamedNode)], changed, settings)
    targets = {t.object for t in [*after, *first] if isinstance(t.object, NamedNode)}
    second = _about(store, sorted(targets, key=str), changed, settings)
    return [*first, *second]


def _about(
    store: Store, nodes: Sequence[NamedNode], exclude: Sequence[str], settings: Settings
) -> list[Triple]:
    """Statements with one of ``nodes`` as subject, from graphs other than ``exclude``."""
    unique = list(dict.fromkeys(nodes))
    skip = ", ".join(f"<{iri}>" for iri in exclude)
    not_in = f"FILTER (?g NOT IN ({skip}))" if exclude else ""
    found: list[Triple] = []
    for start in range(0, len(unique), VALUES_CHUNK):
        values = " ".join(str(n) for n in unique[start : start + VALUES_CHUNK])
        result = store.query(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} {not_in} }}",
            timeout=settings.query_timeout,
            max_rows=None,
        )
        assert isinstance(result, SelectResult)
        found += [Triple(*row) for row in result.rows if not isinstance(row[2], BlankNode)]
    return found


def _rdflib_graph(triples: Sequence[Triple]) -> Graph:
    return to_graph(dict.fromkeys(triples))
