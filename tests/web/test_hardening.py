"""Security headers, size limits, rate limit and quiet 500s (``web/hardening.py``)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspkg.store import EmbeddedStore
from cspkg.store.admission import current_client
from cspkg.web import create_app
from cspkg.web.hardening import TokenBucket

from ..conftest import _settings


def _app(**overrides: object) -> Flask:
    app = create_app(_settings(**overrides), EmbeddedStore())
    app.config["TESTING"] = False
    return app


@pytest.fixture
def client() -> FlaskClient:
    return _app().test_client()


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/", {}),
        ("GET", "/sparql", {"query_string": {"query": "ASK {}"}}),
        ("GET", "/sparql", {"query_string": {"query": "ASK {"}}),
        ("GET", "/health", {}),
        ("GET", "/no-such-page", {}),
        ("POST", "/sparql", {"data": b"x" * 6_000_000, "content_type": "application/sparql-query"}),
        ("OPTIONS", "/sparql", {}),
    ],
)
def test_security_headers_on_every_response(
    client: FlaskClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    response = client.open(path, method=method, **kwargs)  # type: ignore[arg-type]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_page_csp_admits_only_its_own_scripts(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-eval" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    if inline:
        assert nonce is not None
        assert all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline)
    other = client.get("/", headers={"Accept": "text/html"}).headers["Content-Security-Policy"]
    assert other != policy or nonce is None


def test_data_answers_get_the_strict_policy(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )


def test_long_url_is_414_with_a_clear_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}" + " " * 9000})
    assert response.status_code == 414
    assert "longer than 8000 bytes" in response.get_data(as_text=True)
    assert "POST" in response.get_data(as_text=True)


def test_large_body_is_413_with_a_clear_message(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data=b"x" * 6_000_000, content_type="application/sparql-query"
    )
    assert response.status_code == 413
    assert response.mimetype == "text/plain"
    assert "larger than 5000000 bytes" in response.get_data(as_text=True)


def test_long_query_text_is_413(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data=b"ASK {} #" + b"x" * 150_000, content_type="application/sparql-query"
    )
    assert response.status_code == 413


def test_rate_limit_off_by_default(client: FlaskClient) -> None:
    codes = {client.get("/sparql", query_string={"query": "ASK {}"}).status_code for _ in range(50)}
    assert codes == {200}


def test_rate_limit_429_with_retry_after() -> None:
    client = _app(rate_limit_per_minute=5).test_client()
    codes = [client.get("/sparql", query_string={"query": "ASK {}"}).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    refused = client.get("/sparql", query_string={"query": "ASK {}"})
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many requests" in refused.get_data(as_text=True)
    assert client.get("/health").status_code == 200
    other = client.get(
        "/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_token_bucket_refills() -> None:
    now = [0.0]
    bucket = TokenBucket(60, clock=lambda: now[0])
    assert all(bucket.take("a") is None for _ in range(60))
    assert bucket.take("a") == 1
    now[0] = 2.0
    assert bucket.take("a") is None and bucket.take("a") is None and bucket.take("a") == 1


def test_token_bucket_memory_is_bounded() -> None:
    bucket = TokenBucket(1, max_clients=10)
    for n in range(100):
        bucket.take(str(n))
    assert len(bucket._buckets) == 10


def test_unexpected_errors_say_nothing(caplog: pytest.LogCaptureFixture) -> None:
    app = _app()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail at /srv/app/x.py")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret" not in body and "Traceback" not in body and ".py" not in body
    assert "X-Frame-Options" in response.headers
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)


def test_settings_defaults() -> None:
    settings = replace(_settings())
    assert settings.rate_limit_per_minute == 0 and settings.max_url_length == 8000


def test_who_shares_the_workers_is_a_token_or_an_address() -> None:
    """A valid bearer token is its own client; a made-up one counts as the address; the
    forwarded address counts only from a trusted proxy."""
    app = _app(
        admin_token="admin-secret",
        agency_tokens=(("staffordshire-police", "agency-secret"),),
        trusted_proxies=("127.0.0.9",),
    )
    cases = [
        ({"Authorization": "Bearer admin-secret"}, "10.0.0.1", "token admin"),
        ({"Authorization": "Bearer agency-secret"}, "10.0.0.1", "token agency:<"),
        ({"Authorization": "Bearer made-up"}, "10.0.0.1", "10.0.0.1"),
        ({"X-Forwarded-For": "192.0.2.7"}, "10.0.0.1", "10.0.0.1"),
        ({"X-Forwarded-For": "198.51.100.1, 192.0.2.7"}, "127.0.0.9", "192.0.2.7"),
    ]
    for headers, peer, expected in cases:
        with app.test_request_context(
            "/sparql", headers=headers, environ_base={"REMOTE_ADDR": peer}
        ):
            app.preprocess_request()
            assert current_client.get().startswith(expected), (headers, peer)
