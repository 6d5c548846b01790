"""Run a canned query on the project's ``Store`` (either backend) and get a ``Table``.

``canned_queries.run_canned`` predates the ``Store`` interface and expects pyoxigraph
solutions; pages need the configured timeout and row limit of the real store, so this
adapter binds, runs through ``Store.query`` and tabulates the typed ``SelectResult``.
"""

from __future__ import annotations

from datetime import date

from ..catalog import CannedQuery
from ..config import Settings
from ..errors import CspkgError
from ..store.base import SelectResult, Store
from .results import Table


def select(store: Store, sparql: str, settings: Settings) -> SelectResult:
    """A SELECT with the configured limits; anything else is a programming error."""
    result = store.query(sparql, timeout=settings.query_timeout, max_rows=settings.max_rows)
    if not isinstance(result, SelectResult):
        raise CspkgError("expected a SELECT query")
    return result


def run_on_store(
    store: Store,
    query: CannedQuery,
    settings: Settings,
    values: dict[str, str] | None = None,
    *,
    today: date | None = None,
) -> Table:
    """Bind ``values`` (``ParameterError`` for bad ones), run with limits, tabulate."""
    result = select(store, query.bind(values, today=today), settings)
    rows = tuple(tuple(row) for row in result.rows)
    return Table(tuple(result.variables), rows)  # type: ignore[arg-type]
