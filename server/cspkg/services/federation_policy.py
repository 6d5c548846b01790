"""Which remote endpoints a query may reach: SERVICE and LOAD only to the allow-list.

The engines (pyoxigraph, the Oxigraph server) really fetch ``SERVICE`` endpoints and
``LOAD`` sources, so every query text is checked before it reaches a store — ad-hoc
queries at ``/sparql`` and canned queries alike (a canned query may take its endpoint as
a parameter, which makes it user input).  The allow-list is empty by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import QueryRefused
from ..store.sparql_text import remote_iris


def check_remote_iris(text: str, allow_list: Iterable[str], base_iri: str | None = None) -> None:
    """Raise ``QueryRefused`` for any SERVICE/LOAD target not exactly on ``allow_list``."""
    allowed = set(allow_list)
    for iri in remote_iris(text, base_iri):
        if iri is None:
            raise QueryRefused("SERVICE and LOAD need a fixed IRI on this service's allow-list")
        if iri not in allowed:
            raise QueryRefused(f"<{iri}> is not on this service's allow-list for SERVICE/LOAD")


def reachable(text: str, allow_list: Iterable[str]) -> bool:
    """Whether a query's SERVICE/LOAD targets can pass ``check_remote_iris`` here at all:
    every fixed target allowed, and for a target given as a parameter, something allowed.
    A catalogue query that is not reachable is unavailable on this deployment."""
    allowed = set(allow_list)
    return all(bool(allowed) if iri is None else iri in allowed for iri in remote_iris(text))
