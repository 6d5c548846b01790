"""The audit trail of writes: one ``cspkg.audit`` log line per attempted write.

Who: a keyed fingerprint of the bearer token (never the token), whom it belongs to
(``admin`` or ``agency:<IRI>``, ``access.py``) and the client address.  What:
the update's first line (cut short), its size and the graphs it names.  Outcome:
``committed``, or why it was refused.  Lines go through ``logging``, so the deployment
decides where they are kept (``cspkg serve`` sends them to stderr with gunicorn's).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
from contextvars import ContextVar

from ..store.sparql_text import _prologue, _resolve, tokens, unescape_codepoints

log = logging.getLogger("cspkg.audit")

request_address: ContextVar[str] = ContextVar("cspkg_request_address", default="")
"""The client's address for this request (set by ``web/hardening.py``): every audit line
carries it, and wrong tokens are counted by it (``access.TokenFailures``).  Not
``store.admission.current_client``, which is a token's holder when the token is valid."""

FIRST_LINE_CHARS = 120
_GRAPH_KEYWORDS = ("GRAPH", "WITH", "INTO", "TO", "USING", "LOAD", "CLEAR", "DROP", "CREATE")
_GRAPH_KEYWORDS += ("MOVE", "COPY", "ADD", "NAMED")
_WHOLE = {"DEFAULT": "default", "ALL": "all", "NAMED": "named"}


def fingerprint(secret: str | None, key: bytes) -> str:
    """A name for a token in the logs: ``hmac:`` and 16 hex digits of HMAC-SHA256 under the
    service's audit key.  Keyed, so a log reader cannot test guesses against it offline
    (an unkeyed hash of a weak token could be reversed by trying candidates)."""
    if not secret:
        return "none"
    digest = hmac.new(key, secret.encode("utf-8", "surrogateescape"), hashlib.sha256)
    return "hmac:" + digest.hexdigest()[:16]


def bearer_of(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if that is what it is."""
    scheme, _, given = (authorization or "").partition(" ")
    return given.strip() or None if scheme.lower() == "bearer" else None


def graphs_named(text: str) -> list[str]:
    """Graphs an update names (``GRAPH <g>``, ``WITH``, ``INTO``, ``DROP ALL``...), sorted.

    A best-effort reading for the log, not a policy: an update with no graph keyword
    writes to the default graph, which is reported as ``default``.
    """
    toks = list(tokens(unescape_codepoints(text)))
    base, prefixes = _prologue(toks)
    found: set[str] = set()
    for token, following in itertools.pairwise(toks):
        if not token.is_word(*_GRAPH_KEYWORDS):
            continue
        if following.is_word(*_WHOLE):
            found.add(_WHOLE[following.text.upper()])
            continue
        iri = _resolve(following, base, prefixes)
        if iri is not None:
            found.add(iri)
    return sorted(found) or ["default"]


def first_line(text: str) -> str:
    """The first non-blank line of an update, cut at ``FIRST_LINE_CHARS`` characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "…"


def log_write(
    outcome: str,
    text: str,
    token: str,
    client: str | None = None,
    who: str | None = None,
) -> None:
    """One audit line: outcome, who (``token``: its fingerprint; ``admin`` or the agency
    once the token is known; the client's address), and what the update was.  Callers go
    through ``SparqlService.audit``, which knows the key and the address."""
    level = logging.INFO if outcome == "committed" else logging.WARNING
    log.log(
        level,
        "write %s by token=%s as=%s client=%s size=%dB graphs=%s first_line=%r",
        outcome,
        token,
        who or "-",
        client or "-",
        len(text.encode("utf-8", "surrogateescape")),
        ",".join(graphs_named(text)),
        first_line(text),
    )
