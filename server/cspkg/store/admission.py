"""Fair admission to the worker processes: a share per client, a bounded queue, deadlines.

Why: with one queue in arrival order, one client sending many slow queries holds every
worker and everyone else waits behind it (measured before this: 20 slow queries made a
3 ms query wait 48 s).  Here each client (its address, set per request by the web layer
in ``current_client``) runs at most ``per_client`` queries at once; when a worker
frees, the waiting request of the client with the fewest running goes next (arrival
order among equals).  At most ``queue_length`` requests wait, and each client at most
``2 * per_client`` of them; past that the request is refused at once (503 or 429 with
``Retry-After``) rather than holding a request thread.  A request waits no longer than
its own deadline (the query timeout counts the wait).

Requests with no client (start-up warming, the checks inside a write) are not held to
a share: they come from the service itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from contextvars import ContextVar

from ..errors import QueryTimeout, RateLimited, ServiceBusy

current_client: ContextVar[str] = ContextVar("cspkg_client", default="")
"""The address of the client the current request comes from ("" inside the service)."""


class _Waiter:
    __slots__ = ("client", "granted")

    def __init__(self, client: str) -> None:
        self.client = client
        self.granted = False


class Admission:
    """Counts free workers and hands them out fairly; ``acquire`` then ``release``."""

    def __init__(self, slots: int, per_client: int, queue_length: int) -> None:
        self.slots = slots
        self.per_client = max(1, per_client)
        self.queue_length = max(0, queue_length)
        self._free = slots
        self._running: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._cond = threading.Condition()

    def _cap(self, client: str) -> int:
        return self.per_client if client else self.slots

    def _grant(self) -> None:
        while self._free > 0:
            eligible = [w for w in self._waiting if self._running[w.client] < self._cap(w.client)]
            if not eligible:
                return
            chosen = min(eligible, key=lambda w: self._running[w.client])  # first of the fewest
            self._waiting.remove(chosen)
            chosen.granted = True
            self._free -= 1
            self._running[chosen.client] += 1
            self._cond.notify_all()

    def acquire(self, deadline: float | None, timeout: float | None) -> str:
        """Wait for a worker until ``deadline``; returns the client to ``release`` for."""
        client = current_client.get()
        retry = max(1, math.ceil(timeout or 1))
        with self._cond:
            if client:
                mine = sum(1 for w in self._waiting if w.client == client)
                if mine >= 2 * self.per_client:
                    raise RateLimited(
                        f"too many queries at once from your address: {self.per_client} "
                        f"may run and {2 * self.per_client} wait; retry in {retry} s",
                        retry,
                    )
                if len(self._waiting) >= self.queue_length and not self._can_start(client):
                    raise ServiceBusy(
                        f"every query worker is busy and {self.queue_length} queries are "
                        f"waiting; retry in {retry} s",
                        retry,
                    )
            waiter = _Waiter(client)
            self._waiting.append(waiter)
            self._grant()
            while not waiter.granted:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._waiting.remove(waiter)
                    raise QueryTimeout(
                        f"all query workers stayed busy for {timeout:g} s; try again later"
                    )
                self._cond.wait(remaining)
        return client

    def _can_start(self, client: str) -> bool:
        return self._free > 0 and self._running[client] < self._cap(client)

    def release(self, client: str) -> None:
        with self._cond:
            self._free += 1
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._grant()

    def state(self) -> dict[str, int]:
        """Free workers and waiting requests (for ``/health``)."""
        with self._cond:
            return {"free": self._free, "waiting": len(self._waiting)}
