"""Fair admission to the worker processes: work-conserving shares, a bounded queue, deadlines.

Why: with one queue in arrival order, one client sending many slow queries holds every
worker and everyone else waits behind it (measured before this: 20 slow queries made a
3 ms query wait 48 s).  But shares that bind when nobody else wants a worker leave one
idle while a client waits (measured: a 10 ms query waited 3 s behind the same address's
3 s query, and a page's four questions got two 429s), and councils reach the service
from one proxy or NAT address.  So shares bind only when others want a worker:

* a client (its address, or its bearer token, set per request by the web layer in
  ``current_client``) runs ``per_client`` queries at once within its share; a free
  worker nobody within their share is waiting for goes to a request over its share
  (a client may use any idle worker);
* the worker time each client used recently is remembered (halving every 10 s), its
  running queries counted as they run; when a worker frees, the waiting request of the client with the fewest running and then the
  least recent worker time goes next, so quick clients pass heavy ones;
* "heavy" clients (over a second of recent worker time, in queries of a quarter second
  or more on average) together hold at most all but one worker while another client is
  about (waiting, running, or served in the last ``LIGHT_RECENT`` seconds), so an
  attacker with several addresses still leaves one for the others; alone they may take
  every worker;
* a worker lent beyond a client's share is taken back (its query stopped, 503 with
  ``Retry-After``) when another client within its share has waited and the query has
  run ``RECLAIM_AFTER``: a flood that found the service idle holds only its share.
  Taking back costs the one waiting little: the pool hands the killed worker's place to
  a spare already started (``QueryPool._replace``), and the flood, heavy by its running
  queries, is not lent the worker again while the client that took it is about
  (measured: the first probe behind 20 slow clients 17-36 ms, was 1.7 s);
* at most ``queue_length`` requests wait; while other clients are waiting a client may
  have at most ``waiting_per_client`` of them (a quarter of the queue, at least twice
  its share; 429 past that); when the queue is full a
  newcomer displaces the waiting request of a heavier client (which gets 503), or is
  refused itself (503 with ``Retry-After``) rather than holding a request thread.

A request waits no longer than its own deadline (the query timeout counts the wait).

Requests with no client (start-up warming, the checks inside a write) are not held to
a share: they come from the service itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from contextvars import ContextVar

from ..errors import QueryTimeout, RateLimited, ServiceBusy

current_client: ContextVar[str] = ContextVar("cspkg_client", default="")
"""Who the current request comes from: its address or its token ("" inside the service)."""


HEAVY_SECONDS = 1.0
"""Worker time (decayed) past which a client counts as heavy..."""
HEAVY_MEAN = 0.25
"""...if its queries took this long on average (decayed alike)."""
HALF_LIFE = 10.0
"""Seconds after which a client's recorded worker time counts half."""
LIGHT_RECENT = 1.0
"""Seconds after its last query a client still counts as about (its next is near)."""
RECLAIM_AFTER = 0.5
"""Seconds a lent worker's query runs before a waiting client within its share may take
the worker back (a page's quick questions finish well within it)."""
MAX_CLIENTS = 10_000
"""Clients whose worker time is remembered (least recently seen forgotten)."""


class _Waiter:
    __slots__ = ("client", "grant", "refused")

    def __init__(self, client: str) -> None:
        self.client = client
        self.grant: Grant | None = None
        self.refused = False


class Grant:
    """A worker handed to a request (what ``acquire`` returns and ``release`` takes).

    ``lent``: granted beyond the client's share because nobody else wanted the worker
    then.  Once another client within its share waits and the query has run
    ``RECLAIM_AFTER``, the grant is ``revoked``: the pool stops the query (503, retry)
    and the worker goes to the one waiting, so a client that found the service idle
    cannot keep every worker for the length of its slow queries."""

    __slots__ = ("client", "lent", "revoked", "started")

    def __init__(self, client: str, started: float, lent: bool) -> None:
        self.client = client
        self.started = started
        self.lent = lent
        self.revoked = False


class Admission:
    """Counts free workers and hands them out fairly; ``acquire`` then ``release``."""

    def __init__(
        self,
        slots: int,
        per_client: int,
        queue_length: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.slots = slots
        self.per_client = max(1, per_client)
        self.queue_length = max(0, queue_length)
        # A page asks several questions at once (four on the delivery page), and a
        # council's users share one address: a quarter of the queue, at least twice
        # the share.
        self.waiting_per_client = max(2 * self.per_client, self.queue_length // 4)
        self._clock = clock
        self._free = slots
        self._running: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        # client -> (worker seconds, queries, when): both halving every HALF_LIFE
        self._used: OrderedDict[str, tuple[float, float, float]] = OrderedDict()
        self._grants: set[Grant] = set()  # running
        self._lent: list[Grant] = []  # running beyond their client's share
        self._reclaiming = 0  # revoked, not yet released
        self._cond = threading.Condition()

    # --- bookkeeping (lock held) -----------------------------------------------------

    def _usage(self, client: str) -> float:
        """Worker seconds ``client`` used recently, halving every ``HALF_LIFE``, and the
        time its running queries have run so far."""
        return self._used_so_far(client)[0]

    def _used_so_far(self, client: str) -> tuple[float, float]:
        """(worker seconds, queries) of ``client``: recorded ones decayed, plus its
        running queries as they stand.

        Why count running queries: a flood that starts on an idle service has finished
        none when the first other client comes, so on recorded time alone it is not
        heavy then, and the worker taken back from it was lent to it again at once
        (measured: the next probe waited for a second revocation and a new worker)."""
        seconds, count, at = self._used.get(client, (0.0, 0.0, 0.0))
        now = self._clock()
        decay = 0.5 ** ((now - at) / HALF_LIFE)
        running = [now - g.started for g in self._grants if g.client == client]
        return seconds * decay + sum(running), count * decay + len(running)

    def _charge(self, client: str, seconds: float) -> None:
        used, count, at = self._used.pop(client, (0.0, 0.0, 0.0))
        decay = 0.5 ** ((self._clock() - at) / HALF_LIFE)
        self._used[client] = (used * decay + seconds, count * decay + 1, self._clock())
        while len(self._used) > MAX_CLIENTS:
            self._used.popitem(last=False)

    def _heavy(self, client: str) -> bool:
        """Over ``HEAVY_SECONDS`` of recent worker time, in queries that take
        ``HEAVY_MEAN`` or more on average: a client sending many quick queries (a busy
        page, a council's users behind one address) is not heavy, one sending slow
        ones is."""
        if not client:
            return False
        seconds, count = self._used_so_far(client)
        return seconds >= HEAVY_SECONDS and seconds >= HEAVY_MEAN * count

    def _within_share(self, waiter: _Waiter) -> bool:
        """May run even if every other client wanted a worker."""
        client = waiter.client
        if not client:
            return True
        if self._running[client] >= self.per_client:
            return False
        return not self._held_back(client)

    def _held_back(self, client: str) -> bool:
        """A heavy client at the heavy clients' limit while another client is about."""
        if self.slots < 2 or not self._heavy(client):
            return False
        heavy = sum(n for c, n in self._running.items() if self._heavy(c))
        return heavy >= self.slots - 1 and self._others_about(client)

    def _others_about(self, besides: str) -> bool:
        """A client other than ``besides`` is waiting, running or was just served."""
        if any(w.client != besides for w in self._waiting):
            return True
        if any(c and c != besides for c in self._running):
            return True
        since = self._clock() - LIGHT_RECENT
        for client, (_, _, at) in reversed(self._used.items()):  # most recent first
            if at < since:
                return False
            if client != besides:
                return True
        return False

    def _fairest(self, waiters: list[_Waiter]) -> _Waiter | None:
        return min(
            waiters, key=lambda w: (self._running[w.client], self._usage(w.client)), default=None
        )

    def _grant(self) -> None:
        """Hand out free workers: within shares first, then to anyone (work-conserving)."""
        while self._free > 0 and self._waiting:
            lent = False
            chosen = self._fairest([w for w in self._waiting if self._within_share(w)])
            if chosen is None:
                chosen = self._fairest([w for w in self._waiting if not self._held_back(w.client)])
                lent = chosen is not None and bool(chosen.client)
            if chosen is None:
                return
            self._waiting.remove(chosen)
            chosen.grant = Grant(chosen.client, self._clock(), lent)
            self._grants.add(chosen.grant)
            if lent:
                self._lent.append(chosen.grant)
            self._free -= 1
            self._running[chosen.client] += 1
            self._cond.notify_all()

    def _reclaim(self) -> float:
        """Revoke lent workers that waiting clients within their share now need; the
        seconds until the next one may be revoked (``LIGHT_RECENT`` if none)."""
        if self._free > 0 or not self._lent:
            return LIGHT_RECENT
        needing = [w for w in self._waiting if w.client and self._within_share(w)]
        now = self._clock()
        pause = LIGHT_RECENT
        for grant in sorted(self._lent, key=lambda g: g.started):
            if len(needing) <= self._reclaiming:
                break
            if not any(w.client != grant.client for w in needing):
                continue
            ran = now - grant.started
            if ran < RECLAIM_AFTER:
                pause = min(pause, RECLAIM_AFTER - ran)
                continue
            grant.revoked = True
            self._lent.remove(grant)
            self._reclaiming += 1
        return pause

    def _make_room(self, client: str) -> bool:
        """The queue is full: refuse the waiter of the heaviest client, if heavier than
        ``client``; False if ``client`` is the one to refuse."""
        mine = self._usage(client)
        heaviest = max(self._waiting, key=lambda w: self._usage(w.client), default=None)
        if heaviest is None or self._usage(heaviest.client) <= mine:
            return False
        self._waiting.remove(heaviest)
        heaviest.refused = True
        self._cond.notify_all()
        return True

    # --- the interface -----------------------------------------------------------------

    def acquire(self, deadline: float | None, timeout: float | None) -> Grant:
        """Wait for a worker until ``deadline``; returns what to hand to ``release``."""
        client = current_client.get()
        retry = max(1, math.ceil(timeout or 1))
        busy = ServiceBusy(
            f"every query worker is busy and {self.queue_length} requests are waiting; "
            f"retry in {retry} s",
            retry,
        )
        with self._cond:
            if client:
                mine = sum(1 for w in self._waiting if w.client == client)
                others = any(w.client != client for w in self._waiting)
                if others and mine >= self.waiting_per_client:
                    raise RateLimited(
                        f"too many queries at once from your address or token: {self.per_client} "
                        f"may run and {self.waiting_per_client} wait; retry in {retry} s",
                        retry,
                    )
                if len(self._waiting) >= self.queue_length and not self._make_room(client):
                    raise busy
            waiter = _Waiter(client)
            self._waiting.append(waiter)
            self._grant()
            while waiter.grant is None:
                if waiter.refused:
                    raise busy
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._waiting.remove(waiter)
                    raise QueryTimeout(
                        f"all query workers stayed busy for {timeout:g} s; try again later"
                    )
                # Looked at again when a lent worker may be reclaimed, or once another
                # client's recent query no longer counts (nothing else may wake it).
                pause = self._reclaim()
                self._cond.wait(pause if remaining is None else min(remaining, pause))
                self._grant()
        return waiter.grant

    def release(self, grant: Grant) -> None:
        """The request is done and its worker ready for another."""
        client = grant.client
        with self._cond:
            self._grants.discard(grant)
            if grant in self._lent:
                self._lent.remove(grant)
            if grant.revoked:
                self._reclaiming -= 1
            self._free += 1
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            if client:
                self._charge(client, self._clock() - grant.started)
            self._grant()

    def state(self) -> dict[str, int]:
        """Free workers and waiting requests (for ``/health``)."""
        with self._cond:
            return {"free": self._free, "waiting": len(self._waiting)}
