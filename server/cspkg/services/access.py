"""Who a bearer token belongs to, and what an agency's token may write.

Two kinds of token open writes: the admin token (``admin_token``) may do anything the
write path allows; an agency token (``agency_tokens``) may only report progress, and
only on actions its agency leads or supports, in the closed shape of
``services/progress_write.py`` (which also names the update and dates it).  "Its agency" includes the agency's
units, transitively (``org:unitOf``): a council's token may report for an action its
community safety team leads, since the council answers for its teams; a unit's token
may not report for its parent's or a sibling unit's actions.  Members of a grouping
(``org:hasMember``) are not covered by the grouping's token, nor the reverse.

Tokens are kept as salted hashes (``token_hash.py``), compared in constant time against
every configured one, and never logged or shown: audit lines carry a keyed fingerprint
(``audit.py``).  An address that sends ``token_failures`` wrong tokens is refused for a
while (``TokenFailures``).
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from ..config import Settings
from ..errors import AuthenticationRequired, QueryRefused, RateLimited, TokenRefused
from ..namespaces import CSPKG
from ..store.base import SelectResult, Store
from ..store.sources import PROGRESS_GRAPHS
from ..token_hash import hash_token, is_hashed, matches
from .audit import bearer_of, fingerprint

ORGANISATIONS = "id/organisation/"
"""Under ``settings.base``: where agencies are named; an agency token's slug goes here."""

# ``store.sources.PROGRESS_GRAPHS``, under ``settings.base``: each plan's progress graph
# (``graph/progress/{partnership}/{year}``), the one home of its updates: its file
# ``data/progress/{partnership}-{year}.ttl`` loads into it and the service's writes go into
# it (and back to the file: ``progress_files.py``).  Agency tokens write only here.


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


class TokenFailures:
    """Wrong tokens per client address.  After ``limit`` of them within ``seconds`` the
    address's writes are refused (429, ``Retry-After``) for ``seconds``, whatever token
    it sends, so guessing gains nothing; audit lines stop at the ``limit``-th (which says
    the address is refused).  Memory is bounded: past ``max_clients`` the least recently
    failing address is forgotten."""

    def __init__(
        self,
        limit: int,
        seconds: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.limit, self.seconds, self.clock, self.max_clients = limit, seconds, clock, max_clients
        self._seen: OrderedDict[str, tuple[int, float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """``RateLimited`` (not audited) while ``client`` is refused."""
        with self._lock:
            _, _, until = self._seen.get(client, (0, 0.0, 0.0))
        wait = until - self.clock()
        if wait > 0:
            refused = RateLimited(
                "too many wrong tokens from this address: writes are refused for "
                f"{math.ceil(wait)} s",
                math.ceil(wait),
            )
            refused.audited = False
            raise refused

    def failed(self, client: str) -> bool:
        """Count one wrong token; whether it gets an audit line."""
        now = self.clock()
        with self._lock:
            count, start, until = self._seen.pop(client, (0, now, 0.0))
            if now - start > self.seconds:
                count, start = 0, now
            count += 1
            if self.limit and count >= self.limit:
                until = now + self.seconds
            self._seen[client] = (count, start, until)
            while len(self._seen) > self.max_clients:
                self._seen.popitem(last=False)
        return not self.limit or count <= self.limit


class Tokens:
    """The configured tokens as salted hashes (``token_hash``), whom each belongs to, the
    wrong-token counter and the key of audit fingerprints: one per service."""

    def __init__(self, settings: Settings) -> None:
        configured: list[tuple[str | None, str]] = []
        if settings.admin_token:
            configured.append((None, settings.admin_token))
        configured += [(agency_iri(settings.base, k), t) for k, t in settings.agency_tokens]
        # Settings made by load_settings hold hashes already; others (tests) are hashed here.
        self._entries = [(who, t if is_hashed(t) else hash_token(t)) for who, t in configured]
        key = settings.audit_key or secrets.token_hex(32)
        self._key = key.encode("utf-8")
        self.failures = TokenFailures(settings.token_failures, settings.token_lockout_seconds)

    @property
    def enabled(self) -> bool:
        return bool(self._entries)

    def identify(self, authorization: str | None, client: str = "") -> Writer:
        """The writer an ``Authorization: Bearer`` header names.

        ``QueryRefused`` (403) if no token is configured, ``TokenRefused`` (403) if the
        token is not one of them, ``AuthenticationRequired`` (401) if the header is missing
        or not a bearer token, ``RateLimited`` (429) while the address is refused for
        sending wrong tokens.
        """
        if not self.enabled:
            raise QueryRefused("this service is read-only: SPARQL Update and graph writes are off")
        self.failures.check(client)
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise AuthenticationRequired("writes need an 'Authorization: Bearer <token>' header")
        offered = given.strip()
        found: Writer | None = None
        # Every comparison runs, whichever matches, so timing says nothing about which did.
        for agency, stored in self._entries:
            if matches(offered, stored) and found is None:
                found = Writer(agency)
        if found is None:
            refused = TokenRefused("the bearer token does not allow writes")
            refused.audited = self.failures.failed(client)
            raise refused
        return found

    def holder(self, authorization: str | None) -> Writer | None:
        """Whose valid bearer token the header carries, if any: for sharing the query
        workers (a token is its own client), so nothing is counted or refused here."""
        scheme, _, given = (authorization or "").partition(" ")
        if not self.enabled or scheme.lower() != "bearer" or not given.strip():
            return None
        found: Writer | None = None
        for agency, stored in self._entries:
            if matches(given.strip(), stored) and found is None:
                found = Writer(agency)
        return found

    def fingerprint(self, authorization: str | None) -> str:
        """A keyed hash naming the header's token in audit lines (``audit.fingerprint``)."""
        return fingerprint(bearer_of(authorization), self._key)


def require_admin(writer: Writer, what: str) -> None:
    """Refuse (403) an agency token for anything but reporting progress."""
    if not writer.is_admin:
        raise QueryRefused(
            f"an agency token may only report progress on its own actions, not {what}"
        )


def progress_graph(base: str, plan: str) -> str:
    """``{base}graph/progress/{partnership}/{year}``: the plan's progress graph, which its
    progress file loads into and the service's writes go into."""
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
