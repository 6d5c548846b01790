"""Bearer tokens at rest: salted hashes, and the strength a token must have to be taken.

Settings keep a token only as ``salted-sha256$<salt>$<digest>`` (a plain token given in
the TOML file or the environment is hashed as it is read), so a settings dump, a core
file or a ``repr`` never holds one.  A fast hash is enough because a token must be long
and random (``weakness``): nobody can try 2^80 guesses; slow password hashes are for the
short secrets people choose, and would cost every write.  ``cspkg token`` makes a token
and its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections import Counter

HASHED = "salted-sha256$"
MIN_LENGTH = 24
"""Fewest characters a token may have."""
MIN_BITS = 80
"""Least randomness a token must show: its length times the entropy of its characters."""


def is_hashed(value: str) -> bool:
    """Whether a configured value is already a salted hash rather than a token."""
    return value.startswith(HASHED) and value.count("$") == 2


def hash_token(token: str, salt: bytes | None = None) -> str:
    """``salted-sha256$<salt hex>$<sha256(salt + token) hex>``: how settings keep a token."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.sha256(salt + token.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{HASHED}{salt.hex()}${digest}"


def matches(offered: str, stored: str) -> bool:
    """Whether ``offered`` is the token ``stored`` (a salted hash) was made from; the
    digests are compared in constant time."""
    salt_hex, _, digest = stored[len(HASHED) :].partition("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    mine = hashlib.sha256(salt + offered.encode("utf-8", "surrogateescape")).hexdigest()
    return hmac.compare_digest(mine.encode(), digest.encode())


def weakness(token: str) -> str | None:
    """Why a token is too weak to open writes (``None`` if it is strong enough).

    Length at least ``MIN_LENGTH``, and at least ``MIN_BITS`` by the entropy of its own
    characters: a repeated word or a run of one letter fails however long it is."""
    if len(token) < MIN_LENGTH:
        return f"is {len(token)} characters; a token needs at least {MIN_LENGTH}"
    counts = Counter(token)
    entropy = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    if entropy * len(token) < MIN_BITS:
        return (
            "repeats too few characters to be guessed only by luck; make one with "
            "'cspkg token' (random, 43 characters)"
        )
    return None


def new_token() -> tuple[str, str]:
    """A random token (256 bits, URL-safe) and its salted hash for the settings file."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
