"""Fair admission to the worker processes: a share per client, a bounded queue, deadlines.

Why: with one queue in arrival order, one client sending many slow queries holds every
worker and everyone else waits behind it (measured before this: 20 slow queries made a
3 ms query wait 48 s).  Here each client (its address, set per request by the web layer
in ``current_client``) runs at most ``per_client`` queries at once, and the worker time
each client used recently is remembered (halving every 10 s):

* when a worker frees, the waiting request of the client with the fewest running and
  then the least recent worker time goes next, so quick clients pass heavy ones;
* "heavy" clients (over a second of recent worker time) together hold at most all but
  one worker, so an attacker with several addresses still leaves one for the others;
* at most ``queue_length`` requests wait, each client at most ``2 * per_client`` of
  them (429 past that); when the queue is full a newcomer displaces the waiting request
  of a heavier client (which gets 503), or is refused itself (503 with ``Retry-After``)
  rather than holding a request thread.

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
"""The address of the client the current request comes from ("" inside the service)."""


HEAVY_SECONDS = 1.0
"""Worker time (decayed) past which a client counts as heavy."""
HALF_LIFE = 10.0
"""Seconds after which a client's recorded worker time counts half."""
MAX_CLIENTS = 10_000
"""Clients whose worker time is remembered (least recently seen forgotten)."""


class _Waiter:
    __slots__ = ("client", "granted", "refused")

    def __init__(self, client: str) -> None:
        self.client = client
        self.granted = False
        self.refused = False


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
        self._clock = clock
        self._free = slots
        self._running: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._used: OrderedDict[str, tuple[float, float]] = OrderedDict()  # (seconds, at)
        self._cond = threading.Condition()

    # --- bookkeeping (lock held) -----------------------------------------------------

    def _usage(self, client: str) -> float:
        """Worker seconds ``client`` used recently, halving every ``HALF_LIFE``."""
        seconds, at = self._used.get(client, (0.0, 0.0))
        return seconds * 0.5 ** ((self._clock() - at) / HALF_LIFE)

    def _charge(self, client: str, seconds: float) -> None:
        total = self._usage(client) + seconds
        self._used.pop(client, None)
        self._used[client] = (total, self._clock())
        while len(self._used) > MAX_CLIENTS:
            self._used.popitem(last=False)

    def _heavy(self, client: str) -> bool:
        return bool(client) and self._usage(client) >= HEAVY_SECONDS

    def _eligible(self, waiter: _Waiter) -> bool:
        client = waiter.client
        if not client:
            return True
        if self._running[client] >= self.per_client:
            return False
        if self.slots >= 2 and self._heavy(client):
            heavy = sum(n for c, n in self._running.items() if self._heavy(c))
            return heavy < self.slots - 1  # one worker stays for light clients
        return True

    def _grant(self) -> None:
        while self._free > 0:
            eligible = [w for w in self._waiting if self._eligible(w)]
            if not eligible:
                return
            chosen = min(eligible, key=lambda w: (self._running[w.client], self._usage(w.client)))
            self._waiting.remove(chosen)
            chosen.granted = True
            self._free -= 1
            self._running[chosen.client] += 1
            self._cond.notify_all()

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

    def acquire(self, deadline: float | None, timeout: float | None) -> tuple[str, float]:
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
                if mine >= 2 * self.per_client:
                    raise RateLimited(
                        f"too many queries at once from your address: {self.per_client} "
                        f"may run and {2 * self.per_client} wait; retry in {retry} s",
                        retry,
                    )
                if len(self._waiting) >= self.queue_length and not self._make_room(client):
                    raise busy
            waiter = _Waiter(client)
            self._waiting.append(waiter)
            self._grant()
            while not waiter.granted:
                if waiter.refused:
                    raise busy
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._waiting.remove(waiter)
                    raise QueryTimeout(
                        f"all query workers stayed busy for {timeout:g} s; try again later"
                    )
                self._cond.wait(remaining)
        return client, self._clock()

    def release(self, ticket: tuple[str, float]) -> None:
        """The request is done and its worker ready for another."""
        client, started = ticket
        with self._cond:
            self._free += 1
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            if client:
                self._charge(client, self._clock() - started)
            self._grant()

    def state(self) -> dict[str, int]:
        """Free workers and waiting requests (for ``/health``)."""
        with self._cond:
            return {"free": self._free, "waiting": len(self._waiting)}
