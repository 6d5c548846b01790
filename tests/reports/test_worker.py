"""Board reports (and the Commissioner's edition) over HTTP: made once per plan, quarter,
as-at date and store version, in a process with a time limit and a memory cap, a bounded
number at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask

from cspkg.config import load_settings
from cspkg.reports import worker
from cspkg.store import EmbeddedStore
from cspkg.web import create_app
from cspkg.web.context import EXTENSION

from ..conftest import delivery_data

PAGE = "/delivery/cannock-chase-csp/2024-25"
ADMIN = "admin-Zr5Tq8Wp3Kx6Lm9Vb2Hc"


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    made = EmbeddedStore()
    delivery_data(made)
    yield made
    made.close()


def _app(store: EmbeddedStore, **overrides: object) -> Flask:
    settings = replace(load_settings(environ={}), admin_token=ADMIN, **overrides)
    return create_app(settings, store)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The forms each real render was made in (a spy around ``worker.run``)."""
    made: list[str] = []
    original = worker.run

    def counted(delivery: object, form: str, *args: object) -> bytes:
        made.append(form)
        return original(delivery, form, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "run", counted)
    return made


def test_a_report_is_made_once_per_store_version(store: EmbeddedStore, renders: list[str]) -> None:
    client = _app(store).test_client()
    first = client.get(f"{PAGE}/board-report.html?period=2024-Q3")
    again = client.get(f"{PAGE}/board-report.html?period=2024-Q3")
    assert first.status_code == again.status_code == 200
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert renders == ["html"]
    assert client.get(f"{PAGE}/board-report.html?period=Q3+2024/25").data == first.data
    assert renders == ["html"]  # the same quarter written another way: the same report
    assert client.get(f"{PAGE}/board-report.html?period=2024-Q2").status_code == 200
    assert renders == ["html", "html"]  # another quarter is another report
    write = client.post(
        "/sparql",
        data="INSERT DATA { GRAPH <urn:t:g> { <urn:t:a> <urn:t:b> 1 } }",
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert write.status_code == 204
    fresh = client.get(f"{PAGE}/board-report.html?period=2024-Q3")
    assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]
    assert renders == ["html", "html", "html"]  # the data changed: made again


def test_many_asking_at_once_share_one_render(store: EmbeddedStore, renders: list[str]) -> None:
    app = _app(store)
    answers: list[tuple[int, bytes]] = []

    def ask() -> None:
        response = app.test_client().get(f"{PAGE}/board-report.docx?period=2024-Q3")
        answers.append((response.status_code, response.data))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _ in answers] == [200] * 6
    assert len({body for _, body in answers}) == 1 and answers[0][1].startswith(b"PK")
    assert renders == ["docx"]


def test_past_the_bound_another_report_is_429(store: EmbeddedStore) -> None:
    app = _app(store, report_workers=1)
    renders = app.extensions[EXTENSION].renders
    assert renders.slots.acquire(blocking=False)  # one report being made elsewhere
    try:
        for url in (f"{PAGE}/board-report.pdf?period=2024-Q3", "/commissioner/report.pdf"):
            response = app.test_client().get(url)
            assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
            assert "being made" in response.get_data(as_text=True)
    finally:
        renders.slots.release()
    assert app.test_client().get(f"{PAGE}/board-report.html?period=2024-Q3").status_code == 200
    edition = app.test_client().get("/commissioner/report.docx?period=2024-Q3")
    assert edition.status_code == 200 and edition.data.startswith(b"PK")


def test_time_limit_and_memory_cap_stop_a_render(store: EmbeddedStore) -> None:
    slow = _app(store, report_timeout=0.05).test_client()
    response = slow.get(f"{PAGE}/board-report.pdf?period=2024-Q3", headers={"Accept": "text/plain"})
    assert response.status_code == 503 and "longer than 0.05 s" in response.get_data(as_text=True)
    small = _app(store, worker_memory_mb=40).test_client()
    response = small.get(
        f"{PAGE}/board-report.docx?period=2024-Q3", headers={"Accept": "text/plain"}
    )
    assert response.status_code == 503 and "memory" in response.get_data(as_text=True)
    # The serving process is untouched: the same report is made with the usual limits.
    usual = _app(store).test_client().get(f"{PAGE}/board-report.pdf?period=2024-Q3")
    assert usual.status_code == 200 and usual.data.startswith(b"%PDF")
