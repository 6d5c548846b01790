"""A small SPARQL lexer: enough to see a request's shape without a full parse.

Why not rdflib's parser?  It is slow (pyparsing), and it does not accept exactly the
language Oxigraph accepts, so a policy built on it could miss what the engine will run.
Keywords cannot hide inside strings, IRIs, prefixed names or comments, so a tokenizer
that skips those finds every ``SERVICE``, ``LOAD``, ``USING`` and ``WITH`` the engine will
see.  ``\\uXXXX`` escapes are expanded first, as the SPARQL grammar requires, so an
escaped keyword is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache, wraps
from typing import NamedTuple, TypeVar
from urllib.parse import urljoin

_T = TypeVar("_T")
_MEMO_MAX_TEXT = 20_000


def _memo(function: Callable[..., _T]) -> Callable[..., _T]:
    """Remember answers for short texts: the same (canned) query is lexed once, not per
    request.  Bounded: 256 answers, texts of at most 20 kB."""
    cached = lru_cache(maxsize=256)(function)

    @wraps(function)
    def wrapper(text: str, *args: object) -> _T:
        if len(text) > _MEMO_MAX_TEXT:
            return function(text, *args)
        return cached(text, *args)

    return wrapper


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_NAME_START = (
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
    r"\u200C-\u200D\u2070-\uFFFD"
)
_NAME_CHAR = _NAME_START + r"_0-9\-\u00B7\u0300-\u036F\u203F-\u2040"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''|\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
              |'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*")
  | (?P<var>[?$][%(c)s]+)
  | (?P<bnode>_:[%(c)s.]*)
  | (?P<pname>(?:[%(s)s][%(c)s.]*)?:(?:[%(c)s:%%]|\\[^\s]|\.(?=[%(c)s:%%\\]))*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^)
  | (?P<other>.)
    """  # noqa: UP031  (the pattern is full of braces)
    % {"s": _NAME_START, "c": _NAME_CHAR},
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    """One lexical token: ``kind`` is a group name of ``_TOKEN``; ``start`` an offset.

    A named tuple, not a dataclass: building one is several times cheaper, and a query
    of a few kB has hundreds of tokens, lexed on every request."""

    kind: str
    text: str
    start: int
    depth: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def unescape_codepoints(text: str) -> str:
    """Expand ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, which SPARQL applies before parsing."""

    def expand(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return match.group(0)

    return _ESCAPE.sub(expand, text)


def tokens(text: str) -> Iterator[Token]:
    """Tokens of ``text`` (already unescaped), without spaces and comments."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(depth - 1, 0)
        yield Token(kind, value, match.start(), depth)
        if value == "{":
            depth += 1


@_memo
def _lexed(text: str) -> tuple[Token, ...]:
    """The tokens of ``text`` after unescaping, lexed once for every check that reads
    them (query form, nesting depth, SERVICE/LOAD targets, FROM) instead of once each."""
    return tuple(tokens(unescape_codepoints(text)))


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@_memo
def query_form(text: str) -> str | None:
    """``"select"``, ``"ask"``, ``"construct"`` or ``"describe"``; ``None`` if unclear."""
    for token in _lexed(text):
        if token.is_word(*_FORMS):
            return token.text.lower()
    return None


def _prologue(toks: Sequence[Token]) -> tuple[str, dict[str, str]]:
    base = ""
    prefixes: dict[str, str] = {}
    for i, token in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if token.is_word("BASE") and nxt is not None and nxt.kind == "iri":
            base = urljoin(base, nxt.text[1:-1])
        elif (
            token.is_word("PREFIX")
            and i + 2 < len(toks)
            and nxt is not None
            and nxt.kind == "pname"
            and toks[i + 2].kind == "iri"
        ):
            prefixes[nxt.text.rstrip(":")] = urljoin(base, toks[i + 2].text[1:-1])
    return base, prefixes


def _resolve(token: Token, base: str, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1])
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def remote_iris(text: str, base_iri: str | None = None) -> list[str | None]:
    """Every IRI a query or update would fetch: ``SERVICE`` endpoints and ``LOAD`` sources.

    ``None`` stands for a target that cannot be known before running (``SERVICE ?var``,
    an undeclared prefix): a policy must refuse it.
    """
    return list(_remote_iris(text, base_iri))


@_memo
def _remote_iris(text: str, base_iri: str | None) -> tuple[str | None, ...]:
    toks = _lexed(text)
    base, prefixes = _prologue(toks)
    base = urljoin(base_iri or "", base) if base_iri else base
    found: list[str | None] = []
    for i, token in enumerate(toks):
        if not token.is_word("SERVICE", "LOAD"):
            continue
        j = i + 1
        if j < len(toks) and toks[j].is_word("SILENT"):
            j += 1
        found.append(_resolve(toks[j], base, prefixes) if j < len(toks) else None)
    return tuple(found)


@_memo
def has_dataset_clause(text: str) -> bool:
    """True if an update names its own dataset (``USING``, ``USING NAMED`` or ``WITH``)."""
    return any(t.is_word("USING", "WITH") for t in _lexed(text))


def inject_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Add protocol ``using-graph-uri`` / ``using-named-graph-uri`` to every DELETE/INSERT.

    The embedded engine has no protocol-level update dataset, so the equivalent clauses
    are written into the text before each operation's ``WHERE`` (``DELETE WHERE`` takes
    none).  Callers refuse updates that already carry USING/WITH, as the protocol says.
    """
    if not using and not using_named:
        return text
    text = unescape_codepoints(text)
    clause = "".join(f" USING <{iri}>" for iri in using)
    clause += "".join(f" USING NAMED <{iri}>" for iri in using_named)
    pieces: list[str] = []
    last = 0
    previous: Token | None = None
    for token in tokens(text):
        after_delete = previous is not None and previous.is_word("DELETE")
        if token.is_word("WHERE") and token.depth == 0 and not after_delete:
            pieces.append(text[last : token.start])
            pieces.append(clause + " ")
            last = token.start
        previous = token
    pieces.append(text[last:])
    return "".join(pieces)


@_memo
def has_from_clause(text: str) -> bool:
    """True if a query names its own dataset with ``FROM`` / ``FROM NAMED``.

    Such a query must see exactly that dataset, not the union default graph.
    """
    return any(t.is_word("FROM") for t in _lexed(text))


def dataset_clauses(text: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses, resolved."""
    toks = _lexed(text)
    base, prefixes = _prologue(toks)
    default: list[str] = []
    named: list[str] = []
    for i, token in enumerate(toks[:-1]):
        if not token.is_word("FROM"):
            continue
        target, bucket = toks[i + 1], default
        if target.is_word("NAMED") and i + 2 < len(toks):
            target, bucket = toks[i + 2], named
        iri = _resolve(target, base, prefixes)
        if iri is not None:
            bucket.append(iri)
    return default, named


_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = set(_OPENERS.values())


@_memo
def nesting_depth(text: str) -> int:
    """The deepest bracket nesting (``( [ {``) outside strings, IRIs and comments.

    Oxigraph's SPARQL parser recurses once per level and overflows its stack (killing
    the process) somewhere past a few thousand levels, so callers cap this first.
    """
    depth = deepest = 0
    for token in _lexed(text):
        if token.kind != "other":
            continue
        if token.text in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in _CLOSERS:
            depth = max(depth - 1, 0)
    return deepest
