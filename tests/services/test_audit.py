"""``services/audit.py``: fingerprints, graphs an update names, first lines."""

from __future__ import annotations

import hashlib

import pytest

from cspkg.services.audit import bearer_of, fingerprint, first_line, graphs_named


def test_fingerprint_is_keyed_stable_short_and_not_the_token() -> None:
    key = b"audit-key"
    assert fingerprint("abc", key) == fingerprint("abc", key) != fingerprint("abd", key)
    assert fingerprint("abc", key) != fingerprint("abc", b"another key")
    assert fingerprint("abc", key).startswith("hmac:") and len(fingerprint("abc", key)) == 21
    unkeyed = hashlib.sha256(b"abc").hexdigest()
    assert unkeyed[:16] not in fingerprint("abc", key)  # a log reader cannot try guesses
    token = "s3cret-token"  # not hex: it could only appear if it were copied in
    assert token not in fingerprint(token, key) and token[:6] not in fingerprint(token, key)
    assert fingerprint(None, key) == fingerprint("", key) == "none"


def test_bearer_of() -> None:
    assert bearer_of("Bearer  t ") == "t"
    assert bearer_of("bearer t") == "t"
    assert bearer_of("Basic t") is None and bearer_of(None) is None and bearer_of("Bearer") is None


@pytest.mark.parametrize(
    ("update", "graphs"),
    [
        ("INSERT DATA { <a> <b> <c> }", ["default"]),
        ("INSERT DATA { GRAPH <urn:g> { <a> <b> <c> } }", ["urn:g"]),
        ("PREFIX g: <urn:g:>\nWITH g:one DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:g:one"]),
        ("DROP ALL", ["all"]),
        ("CLEAR SILENT DEFAULT", ["default"]),
        ("MOVE <urn:a> TO <urn:b>", ["urn:a", "urn:b"]),
        ('INSERT DATA { <a> <b> "GRAPH <urn:fake>" }', ["default"]),
    ],
)
def test_graphs_named(update: str, graphs: list[str]) -> None:
    assert graphs_named(update) == graphs


def test_first_line_cut() -> None:
    assert first_line("\n\n  DROP ALL \n more") == "DROP ALL"
    assert len(first_line("x" * 500)) == 120
