"""Fair admission: shares per client, heavy clients leave a worker, bounded queue."""

from __future__ import annotations

import threading
import time

import pytest

from cspkg.errors import QueryTimeout, RateLimited, ServiceBusy
from cspkg.store.admission import Admission, current_client


def acquire_as(admission: Admission, client: str, wait: float = 0.2) -> tuple[str, float]:
    current_client.set(client)
    return admission.acquire(time.monotonic() + wait, wait)


def test_a_client_runs_at_most_its_share_and_others_pass() -> None:
    admission = Admission(slots=2, per_client=1, queue_length=8)
    held = acquire_as(admission, "10.0.0.1")
    with pytest.raises(QueryTimeout):
        acquire_as(admission, "10.0.0.1")
    other = acquire_as(admission, "10.0.0.2")
    admission.release(held)
    admission.release(other)


def test_too_many_waiting_from_one_client_is_429() -> None:
    admission = Admission(slots=1, per_client=1, queue_length=8)
    held = acquire_as(admission, "10.0.0.1")
    errors: list[Exception] = []

    def wait() -> None:
        try:
            acquire_as(admission, "10.0.0.1", wait=1.0)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wait) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    with pytest.raises(RateLimited):
        acquire_as(admission, "10.0.0.1")
    admission.release(held)
    for thread in threads:
        thread.join()


def test_heavy_clients_leave_one_worker_for_light_ones() -> None:
    admission = Admission(slots=2, per_client=2, queue_length=8)
    first = acquire_as(admission, "10.0.0.1")
    admission._charge("10.0.0.1", 5.0)  # it has been running slow queries
    with pytest.raises(QueryTimeout):
        acquire_as(admission, "10.0.0.1")  # the last worker is kept for light clients
    light = acquire_as(admission, "10.0.0.2")
    admission.release(first)
    admission.release(light)


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
