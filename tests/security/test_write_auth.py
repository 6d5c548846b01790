"""Writes: where the token comes from, how it is compared, what is refused, what is logged."""

from __future__ import annotations

import hmac
import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cspkg import token_hash
from cspkg.config import load_settings
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import _settings

TOKEN = "s3cret-token-for-audit-Rk8Tq2Xw"
UPDATE = "PREFIX ex: <urn:ex:>\nINSERT DATA { GRAPH <urn:audit:g> { ex:a ex:b 1 } }"


@pytest.fixture
def client() -> FlaskClient:
    return create_app(_settings(admin_token=TOKEN), EmbeddedStore()).test_client()


def _post(client: FlaskClient, body: str, authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(
        "/sparql", data=body, content_type="application/sparql-update", headers=headers
    )
    return response.status_code


FROM_ENV = "from-env-Vb6Nq1Zk8Rt3Lw9Y"
FROM_FILE = "from-file-Jc4Hs7Pm2Xd5Gf8Q"


def test_token_from_environment_kept_as_a_salted_hash() -> None:
    kept = load_settings(environ={"CSPKG_ADMIN_TOKEN": FROM_ENV}).admin_token
    assert kept is not None and kept.startswith("salted-sha256$") and FROM_ENV not in kept
    assert token_hash.matches(FROM_ENV, kept) and not token_hash.matches(FROM_FILE, kept)
    again = load_settings(environ={"CSPKG_ADMIN_TOKEN": FROM_ENV}).admin_token
    assert again != kept  # a new salt each time


def test_token_from_toml_file_and_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "cspkg.toml"
    config.write_text(f'admin_token = "{FROM_FILE}"\n')
    for settings in (
        load_settings(config, environ={}),
        load_settings(environ={"CSPKG_CONFIG": str(config)}),
    ):
        assert token_hash.matches(FROM_FILE, settings.admin_token or "")
    both = load_settings(config, environ={"CSPKG_ADMIN_TOKEN": FROM_ENV})
    assert token_hash.matches(FROM_ENV, both.admin_token or "")


def test_token_never_in_repr() -> None:
    assert TOKEN not in repr(load_settings(environ={"CSPKG_ADMIN_TOKEN": TOKEN}))


def test_no_token_401_wrong_token_403(client: FlaskClient) -> None:
    assert _post(client, UPDATE, None) == 401
    assert _post(client, UPDATE, "Basic " + TOKEN) == 401
    assert _post(client, UPDATE, "Bearer wrong") == 403
    assert _post(client, UPDATE, "Bearer " + TOKEN[:-1]) == 403
    assert _post(client, UPDATE, "Bearer " + TOKEN) == 204


def test_writes_off_without_a_configured_token() -> None:
    client = create_app(_settings(admin_token=""), EmbeddedStore()).test_client()
    assert _post(client, UPDATE, "Bearer ") in (401, 403)
    assert _post(client, UPDATE, "Bearer anything") == 403


def test_token_compared_in_constant_time(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Salted digests are compared with ``compare_digest``, whether the token is right."""
    calls: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(token_hash.hmac, "compare_digest", spy)
    assert _post(client, UPDATE, "Bearer wrong") == 403
    assert _post(client, UPDATE, "Bearer " + TOKEN) == 204
    # Each request compares twice: who shares the workers (hardening), who may write.
    assert len(calls) == 4
    assert all(a != b for a, b in calls[:2]) and all(a == b for a, b in calls[2:])
    assert all(len(a) == len(b) == 64 for a, b in calls)  # digests, not the tokens


def test_each_write_is_audited_without_the_token(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    assert _post(client, UPDATE, "Bearer " + TOKEN) == 204
    assert _post(client, UPDATE, "Bearer wrong") == 403
    assert _post(client, UPDATE, None) == 401
    lines = [r for r in caplog.records if r.name == "cspkg.audit"]
    assert len(lines) == 3
    committed, wrong, missing = (r.getMessage() for r in lines)
    assert committed.startswith("write committed by token=hmac:")
    assert "graphs=urn:audit:g" in committed
    assert f"size={len(UPDATE)}B" in committed
    assert "first_line='PREFIX ex: <urn:ex:>'" in committed
    assert "client=127.0.0.1" in committed
    assert "refused (TokenRefused)" in wrong and "refused (AuthenticationRequired)" in missing
    assert "token=none" in missing
    assert all(
        TOKEN not in r.getMessage() and "wrong" not in r.getMessage().split("token=")[1][:20]
        for r in lines
    )
    assert lines[0].levelno == logging.INFO and lines[1].levelno == logging.WARNING


def test_invalid_write_is_audited_as_refused(caplog: pytest.LogCaptureFixture) -> None:
    client = create_app(_settings(admin_token=TOKEN), EmbeddedStore()).test_client()
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    bad = (
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>\n"
        'INSERT DATA { GRAPH <urn:w> { <urn:x> a cspkg:Action ; cspkg:ordinal "ten" } }'
    )
    assert _post(client, bad, "Bearer " + TOKEN) == 422
    (line,) = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    assert "refused (ValidationFailed)" in line and "graphs=urn:w" in line
