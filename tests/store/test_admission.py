"""Fair admission: work-conserving shares, heavy clients leave a worker, bounded queue."""

from __future__ import annotations

import threading
import time

import pytest

from cspkg.errors import QueryTimeout, RateLimited, ServiceBusy
from cspkg.store.admission import LIGHT_RECENT, RECLAIM_AFTER, Admission, Grant, current_client


def acquire_as(admission: Admission, client: str, wait: float = 0.2) -> Grant:
    current_client.set(client)
    return admission.acquire(time.monotonic() + wait, wait)


def test_a_client_may_use_any_idle_worker() -> None:
    """Work-conserving: one address's slow query never keeps its fast one off a free worker."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    slow = acquire_as(admission, "10.0.0.1")
    started = time.monotonic()
    fast = acquire_as(admission, "10.0.0.1", wait=0.5)  # over its share: nobody else waits
    assert time.monotonic() - started < 0.1
    admission.release(fast)
    admission.release(slow)


def test_shares_bind_when_others_wait() -> None:
    """Both workers busy with one client's queries: the next free one goes to the other
    client waiting, not to the first client's next request."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    first = acquire_as(admission, "10.0.0.1")
    second = acquire_as(admission, "10.0.0.1")
    order: list[str] = []

    def wait_as(client: str) -> None:
        ticket = acquire_as(admission, client, wait=2.0)
        order.append(client)
        time.sleep(0.2)
        admission.release(ticket)

    mine = threading.Thread(target=wait_as, args=("10.0.0.1",))
    mine.start()
    time.sleep(0.05)
    other = threading.Thread(target=wait_as, args=("10.0.0.2",))
    other.start()
    time.sleep(0.05)
    admission.release(first)
    time.sleep(0.05)
    assert order == ["10.0.0.2"]  # arrived later, within its share
    admission.release(second)
    mine.join()
    other.join()
    assert order == ["10.0.0.2", "10.0.0.1"]


def test_four_at_once_from_one_address_all_run() -> None:
    """A page's four questions from one address while its slow query runs: no 429."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    slow = acquire_as(admission, "10.0.0.1")
    errors: list[Exception] = []
    done: list[str] = []

    def ask() -> None:
        try:
            ticket = acquire_as(admission, "10.0.0.1", wait=2.0)
        except Exception as exc:
            errors.append(exc)
            return
        time.sleep(0.02)
        admission.release(ticket)
        done.append("ok")

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    admission.release(slow)
    assert errors == [] and len(done) == 4


def test_too_many_waiting_from_one_client_is_429_while_others_wait() -> None:
    admission = Admission(slots=1, per_client=1, queue_length=8)
    held = acquire_as(admission, "10.0.0.1")
    errors: list[Exception] = []

    def wait(client: str) -> None:
        try:
            admission.release(acquire_as(admission, client, wait=1.0))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wait, args=(c,)) for c in ("10.0.0.1",) * 2 + ("10.0.0.2",)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    with pytest.raises(RateLimited):
        acquire_as(admission, "10.0.0.1")
    admission.release(held)
    for thread in threads:
        thread.join()
    assert errors == []


def test_heavy_clients_leave_one_worker_while_a_light_one_is_about() -> None:
    admission = Admission(slots=2, per_client=2, queue_length=8)
    admission.release(acquire_as(admission, "10.0.0.2"))  # a light client was just served
    first = acquire_as(admission, "10.0.0.1")
    admission._charge("10.0.0.1", 5.0)  # it has been running slow queries
    with pytest.raises(QueryTimeout):
        acquire_as(admission, "10.0.0.1")  # the last worker is kept for light clients
    light = acquire_as(admission, "10.0.0.2")
    admission.release(light)
    admission.release(first)


def test_a_heavy_client_alone_gets_every_worker() -> None:
    """No light client about: the kept worker is handed out once the last one's recent
    query stops counting (``LIGHT_RECENT``), without anything else happening."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    admission.release(acquire_as(admission, "10.0.0.2"))
    first = acquire_as(admission, "10.0.0.1")
    admission._charge("10.0.0.1", 5.0)
    started = time.monotonic()
    second = acquire_as(admission, "10.0.0.1", wait=LIGHT_RECENT + 1.0)
    assert time.monotonic() - started < LIGHT_RECENT + 0.5
    admission.release(second)
    admission.release(first)


def test_full_queue_displaces_the_heaviest_waiter() -> None:
    admission = Admission(slots=1, per_client=1, queue_length=1)
    held = acquire_as(admission, "10.0.0.9")
    admission._charge("10.0.0.1", 5.0)
    outcome: list[Exception] = []

    def heavy() -> None:
        try:
            acquire_as(admission, "10.0.0.1", wait=2.0)
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.1)
    done = threading.Event()

    def light() -> None:
        admission.release(acquire_as(admission, "10.0.0.2", wait=2.0))
        done.set()

    light_thread = threading.Thread(target=light)
    light_thread.start()
    thread.join()
    assert isinstance(outcome[0], ServiceBusy)
    admission.release(held)
    light_thread.join()
    assert done.is_set()
    held = acquire_as(admission, "10.0.0.9")
    waiting = threading.Thread(target=lambda: _quietly(admission, "10.0.0.3"))
    waiting.start()
    time.sleep(0.1)
    with pytest.raises(ServiceBusy):  # the heavy newcomer does not displace a light waiter
        acquire_as(admission, "10.0.0.1")
    admission.release(held)
    waiting.join()


def _quietly(admission: Admission, client: str) -> None:
    admission.release(acquire_as(admission, client, wait=2.0))


def test_many_quick_queries_do_not_make_a_client_heavy() -> None:
    """A busy page or a council's users behind one address: two seconds of worker time
    in 40 quick queries is not heavy; two seconds in one query is."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    for _ in range(40):
        admission._charge("10.0.0.1", 0.05)
    admission._charge("10.0.0.2", 2.0)
    assert not admission._heavy("10.0.0.1")
    assert admission._heavy("10.0.0.2")


def test_a_lent_worker_is_taken_back_for_a_client_within_its_share() -> None:
    """A flood that found the service idle holds both workers; a newcomer within its
    share gets the lent one back once its query has run ``RECLAIM_AFTER``."""
    admission = Admission(slots=2, per_client=1, queue_length=8)
    own = acquire_as(admission, "10.0.0.1")
    lent = acquire_as(admission, "10.0.0.1")
    assert not own.lent and lent.lent
    got: list[Grant] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: got.append(acquire_as(admission, "10.0.0.2", 3.0)))
    thread.start()
    time.sleep(RECLAIM_AFTER + 0.3)
    assert lent.revoked and not own.revoked  # the pool stops the lent one's query
    admission.release(lent)
    thread.join()
    assert got and time.monotonic() - started < RECLAIM_AFTER + 0.6
    admission.release(got[0])
    admission.release(own)


def test_a_lent_worker_is_kept_while_nobody_else_waits() -> None:
    admission = Admission(slots=2, per_client=1, queue_length=8)
    own = acquire_as(admission, "10.0.0.1")
    lent = acquire_as(admission, "10.0.0.1")
    waiting = threading.Thread(target=lambda: _quietly(admission, "10.0.0.1"))
    waiting.start()  # the same client's third: it waits, takes nothing back
    time.sleep(RECLAIM_AFTER + 0.3)
    assert not lent.revoked
    admission.release(lent)
    waiting.join()
    admission.release(own)


class FakeClock:
    """The admission's clock, moved by the test (deadlines still use the real one)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_running_query_counts_as_worker_time() -> None:
    """A flood that found the service idle has finished nothing yet; its queries count
    as they run.  Many quick queries beside a running one still do not make it heavy."""
    clock = FakeClock()
    admission = Admission(slots=2, per_client=1, queue_length=8, clock=clock)
    first = acquire_as(admission, "10.0.0.1")
    second = acquire_as(admission, "10.0.0.1")
    assert not admission._heavy("10.0.0.1")
    clock.now = 0.6
    assert admission._heavy("10.0.0.1")  # 1.2 s in two queries, none finished
    for _ in range(40):
        admission._charge("10.0.0.2", 0.02)
    current_client.set("10.0.0.2")
    admission.release(first)
    quick = acquire_as(admission, "10.0.0.2")
    clock.now = 1.6
    assert not admission._heavy("10.0.0.2")  # 1.8 s in 41 queries
    admission.release(quick)
    admission.release(second)


def test_a_worker_taken_back_is_not_lent_again_while_its_taker_is_about() -> None:
    """20 slow clients from one address hold both workers; a probe from elsewhere takes
    the lent one back.  The flood, heavy by its running queries, does not get that
    worker again while the probe's client is about, so the next probe does not wait
    for a second revocation (and the replacement of a second killed worker)."""
    clock = FakeClock()
    admission = Admission(slots=2, per_client=1, queue_length=8, clock=clock)
    own = acquire_as(admission, "10.0.0.1")
    lent = acquire_as(admission, "10.0.0.1")
    clock.now = RECLAIM_AFTER + 0.1
    got: list[Grant] = []
    probe = threading.Thread(target=lambda: got.append(acquire_as(admission, "10.0.0.2", 3.0)))
    probe.start()
    until = time.monotonic() + 2.0
    while not lent.revoked and time.monotonic() < until:
        time.sleep(0.01)
    assert lent.revoked
    admission.release(lent)
    probe.join()
    admission.release(got[0])
    with pytest.raises(QueryTimeout):  # kept for the probe's client while it is about
        acquire_as(admission, "10.0.0.1", wait=0.3)
    clock.now += LIGHT_RECENT + 0.1
    again = acquire_as(admission, "10.0.0.1")  # nobody else about: lent again
    assert again.lent
    admission.release(again)
    admission.release(own)
