"""Tokens: strong or refused at start-up, kept as salted hashes, not guessable by trying,
and named in audit lines only by a keyed hash, beside the client's address."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import replace

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cspkg import token_hash
from cspkg.cli import cli
from cspkg.config import load_settings
from cspkg.errors import CspkgError
from cspkg.store import EmbeddedStore
from cspkg.web import create_app

from ..conftest import delivery_data

ADMIN = "admin-Tq8Wz3Lp6Xv1Nc4Rk7Hd"
POLICE = "police-Jm2Qs9Bf5Yx8Gt3Vn6Pk"
AUDIT_KEY = "fictional-audit-key"
UPDATE = "INSERT DATA { GRAPH <urn:t:g> { <urn:t:a> <urn:t:b> 1 } }"
GRAPH = "https://cspkg.example.org/graph/progress/cannock-chase-csp/2024-25"
FORM = "/delivery/cannock-chase-csp/2024-25/progress"


@pytest.mark.parametrize("weak", ["poltok", "a" * 40, "passwordpasswordpassword"])
def test_weak_tokens_refused_by_the_settings_check(weak: str) -> None:
    for environ in (
        {"CSPKG_ADMIN_TOKEN": weak},
        {"CSPKG_AGENCY_TOKENS": f"staffordshire-police={weak}"},
    ):
        with pytest.raises(CspkgError) as caught:
            load_settings(environ=environ)
        message = str(caught.value)
        assert "token" in message and weak not in message


def test_cspkg_token_makes_a_strong_token_and_its_hash() -> None:
    result = CliRunner().invoke(cli, ["token"])
    assert result.exit_code == 0
    token = result.output.split("token (give it to its holder, once): ")[1].split()[0]
    stored = result.output.split("settings value (keep this):")[1].split()[0]
    assert token_hash.weakness(token) is None and token not in stored
    settings = load_settings(environ={"CSPKG_ADMIN_TOKEN": stored})
    assert settings.admin_token == stored  # a hash is kept as given
    client = create_app(settings, EmbeddedStore()).test_client()
    assert _update(client, token) == 204
    assert _update(client, stored) == 403  # the hash itself opens nothing


def _update(client: FlaskClient, token: str, address: str = "127.0.0.1") -> int:
    response = client.post(
        "/sparql",
        data=UPDATE,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) > 0
    return response.status_code


def _app(**overrides: object) -> FlaskClient:
    settings = replace(
        load_settings(environ={}),
        admin_token=ADMIN,
        agency_tokens=(("staffordshire-police", POLICE),),
        audit_key=AUDIT_KEY,
        **overrides,
    )
    store = EmbeddedStore()
    delivery_data(store)
    return create_app(settings, store).test_client()


def test_repeated_wrong_tokens_from_an_address_are_refused_for_a_while(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _app(token_failures=5, token_lockout_seconds=120)
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    guesses = [_update(client, f"guess-{n:04d}-Vb6Nq1Zk8Rt3Lw9Y", "10.0.0.7") for n in range(40)]
    assert guesses[:5] == [403] * 5 and set(guesses[5:]) == {429}
    assert _update(client, ADMIN, "10.0.0.7") == 429  # even the right token, for a while
    assert _update(client, ADMIN, "10.0.0.8") == 204  # other addresses are not held up
    lines = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    refused = [line for line in lines if "client=10.0.0.7" in line]
    assert len(refused) == 5  # the audit trail is not flooded by a guesser
    form = client.post(
        FORM,
        data={"token": POLICE, "action": "1", "period": "2024-Q4", "status": "On track"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert form.status_code == 429 and "Too many wrong access tokens" in form.get_data(as_text=True)


def test_audit_lines_carry_a_keyed_hash_and_the_client_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``/sparql``, ``/store`` and the form: every line names the client, and the token
    only by HMAC under the audit key (an unkeyed SHA-256 could be tested offline)."""
    client = _app()
    caplog.set_level(logging.INFO, logger="cspkg.audit")
    headers = {"Authorization": f"Bearer {POLICE}"}
    assert _update(client, ADMIN) == 204
    store = client.post(
        "/store",
        query_string={"graph": GRAPH},
        data="<urn:t:x> <urn:t:y> 1 .",
        content_type="text/turtle",
        headers=headers,
    )
    assert store.status_code == 403
    form = client.post(
        FORM, data={"token": POLICE, "action": "4", "period": "2024-Q4", "status": "On track"}
    )
    assert form.status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "cspkg.audit"]
    assert len(lines) == 3
    assert all("client=127.0.0.1" in line for line in lines), lines
    keyed = {
        token: "hmac:"
        + hmac.new(AUDIT_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()[:16]
        for token in (ADMIN, POLICE)
    }
    assert f"token={keyed[ADMIN]}" in lines[0]
    assert f"token={keyed[POLICE]}" in lines[1] and f"token={keyed[POLICE]}" in lines[2]
    for token in (ADMIN, POLICE):
        unkeyed = hashlib.sha256(token.encode()).hexdigest()[:12]
        assert all(token not in line and unkeyed not in line for line in lines)
