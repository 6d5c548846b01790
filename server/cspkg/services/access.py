"""Who a bearer token belongs to, and what an agency's token may write.

Two kinds of token open writes: the admin token (``admin_token``) may do anything the
write path allows; an agency token (``agency_tokens``) may only report progress, and
only on actions its agency leads or supports, in the closed shape of
``services/progress_write.py`` (which also names the update and dates it).  "Its agency" includes the agency's
units, transitively (``org:unitOf``): a council's token may report for an action its
community safety team leads, since the council answers for its teams; a unit's token
may not report for its parent's or a sibling unit's actions.  Members of a grouping
(``org:hasMember``) are not covered by the grouping's token, nor the reverse.

Tokens are compared in constant time against every configured token and are never
logged or shown: audit lines carry a fingerprint (``audit.py``).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..config import Settings
from ..errors import AuthenticationRequired, QueryRefused
from ..namespaces import CSPKG
from ..store.base import SelectResult, Store

ORGANISATIONS = "id/organisation/"
"""Under ``settings.base``: where agencies are named; an agency token's slug goes here."""

PROGRESS_GRAPHS = "graph/progress/"
"""Under ``settings.base``: the named graphs that updates reported on the running service
go into, one per plan (``graph/progress/{partnership}/{year}``).  They are not backed by
files, so loading ``data/`` again never replaces them.  Agency tokens write only here."""


@dataclass(frozen=True)
class Writer:
    """The holder of a valid token: the admin (``agency`` is ``None``) or one agency."""

    agency: str | None

    @property
    def is_admin(self) -> bool:
        return self.agency is None

    def describe(self) -> str:
        """For audit lines: ``admin`` or the agency's IRI (never the token)."""
        return "admin" if self.agency is None else f"agency:<{self.agency}>"


PARTNERSHIPS = "partnership/"
"""An ``agency_tokens`` key starting so names a partnership (``partnership/cannock-chase-csp``):
its token may review its own plans' alignment suggestions (``alignment_entry.py``)."""


def agency_iri(base: str, key: str) -> str:
    """An ``agency_tokens`` key as an IRI: a register slug, ``partnership/slug``, or an IRI."""
    if key.startswith(("http://", "https://", "urn:")):
        return key
    if key.startswith(PARTNERSHIPS):
        return base + "id/" + key.strip("/")
    return base + ORGANISATIONS + key.strip("/")


def writes_enabled(settings: Settings) -> bool:
    """Whether any token is configured; with none the service is read-only."""
    return bool(settings.admin_token) or bool(settings.agency_tokens)


def identify(settings: Settings, authorization: str | None) -> Writer:
    """The writer an ``Authorization: Bearer`` header names.

    ``QueryRefused`` (403) if no token is configured or the token is not one of them,
    ``AuthenticationRequired`` (401) if the header is missing or not a bearer token.
    """
    if not writes_enabled(settings):
        raise QueryRefused("this service is read-only: SPARQL Update and graph writes are off")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise AuthenticationRequired("writes need an 'Authorization: Bearer <token>' header")
    offered = given.strip().encode()
    found: Writer | None = None
    # Every comparison runs, whichever matches, so timing says nothing about which did.
    if settings.admin_token and hmac.compare_digest(offered, settings.admin_token.encode()):
        found = Writer(None)
    for key, token in settings.agency_tokens:
        if hmac.compare_digest(offered, token.encode()) and found is None:
            found = Writer(agency_iri(settings.base, key))
    if found is None:
        raise QueryRefused("the bearer token does not allow writes")
    return found


def require_admin(writer: Writer, what: str) -> None:
    """Refuse (403) an agency token for anything but reporting progress."""
    if not writer.is_admin:
        raise QueryRefused(
            f"an agency token may only report progress on its own actions, not {what}"
        )


def progress_graph(base: str, plan: str) -> str:
    """``{base}graph/progress/{partnership}/{year}``: where the service keeps a plan's
    reported updates (not a file's graph, so reloading data/ never replaces them)."""
    key = plan.rstrip("/").split("/delivery-plan/", 1)[-1]
    return base + PROGRESS_GRAPHS + key


def is_progress_graph(settings: Settings, iri: str | None) -> bool:
    """Whether ``iri`` is one of the service's progress graphs (agency tokens' only target)."""
    prefix = settings.base + PROGRESS_GRAPHS
    return iri is not None and iri.startswith(prefix) and len(iri) > len(prefix)


def actions_in_scope(
    store: Store, agency: str, actions: Iterable[str], settings: Settings
) -> set[str]:
    """Those of ``actions`` that ``agency`` (or one of its units) leads or supports."""
    wanted = sorted(set(actions))
    if not wanted:
        return set()
    values = " ".join(str(NamedNode(a)) for a in wanted)
    result = store.query(
        f"SELECT DISTINCT ?action WHERE {{ VALUES ?action {{ {values} }} "
        f"?action <{CSPKG.responsibleAgency}>|<{CSPKG.supportingAgency}> ?who . "
        f"?who <http://www.w3.org/ns/org#unitOf>* {NamedNode(agency)} }}",
        timeout=settings.query_timeout,
        max_rows=None,
    )
    assert isinstance(result, SelectResult)
    return {row[0].value for row in result.rows if row[0] is not None}


def agencies_in_scope(store: Store, agency: str, settings: Settings) -> set[str]:
    """The agency and all its units (transitively): whom its token may report as."""
    result = store.query(
        f"SELECT DISTINCT ?who WHERE {{ ?who <http://www.w3.org/ns/org#unitOf>* "
        f"{NamedNode(agency)} }}",
        timeout=settings.query_timeout,
        max_rows=None,
    )
    assert isinstance(result, SelectResult)
    return {row[0].value for row in result.rows if row[0] is not None} | {agency}
