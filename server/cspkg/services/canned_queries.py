"""Run a canned query: bind its parameters as RDF terms, query a store, return a table.

The store is anything with ``query(sparql)`` returning pyoxigraph-shaped solutions, so
the embedded and remote stores (``cspkg.store``, in progress) can replace the stopgap
:class:`LocalStore` below without touching callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol

import pyoxigraph as ox

from ..catalog import CannedQuery
from ..errors import RdfInputError
from .results import Table


class Queryable(Protocol):
    """What running a canned query needs from a store."""

    def query(self, sparql: str) -> Any: ...


def run_canned(
    store: Queryable,
    query: CannedQuery,
    values: dict[str, str] | None = None,
    *,
    today: date | None = None,
) -> Table:
    """Bind ``values`` (raising ``ParameterError`` for bad ones), run, and tabulate."""
    return Table.from_solutions(store.query(query.bind(values, today=today)))


class LocalStore:
    """Stopgap embedded store: an in-memory pyoxigraph store over some RDF files.

    Everything goes in the default graph; ``cspkg.store`` will replace this with one named
    graph per source.
    """

    SUFFIXES: ClassVar[dict[str, ox.RdfFormat]] = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
    }

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._store = ox.Store()
        for path in files:
            self.load(path)

    @classmethod
    def from_directories(cls, *directories: Path) -> LocalStore:
        """Load every RDF file found (recursively) under the existing directories."""
        found = [
            path
            for directory in directories
            if directory.is_dir()
            for path in sorted(directory.rglob("*"))
            if path.suffix in cls.SUFFIXES
        ]
        return cls(found)

    def load(self, path: Path) -> None:
        """Add one RDF file; a syntax error names the file, not a server path."""
        try:
            self._store.load(path=str(path), format=self.SUFFIXES[path.suffix])
        except (SyntaxError, ValueError, OSError) as exc:
            raise RdfInputError(f"{path.name}: {exc}") from None

    def query(self, sparql: str) -> Any:
        """Run a SPARQL query over the default graph."""
        return self._store.query(sparql)
