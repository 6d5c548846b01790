"""The shape of a query or update, measured before the engine sees it.

Oxigraph's parser and evaluator recurse once per level of the expression tree, and its
optimiser grows faster than linearly with the number of triple patterns and the length
of a property path.  Measured in a worker (pyoxigraph 0.5, default 8 MB stack):
``FILTER(!!!…true)`` with 10,000 ``!``, ``1+1+…`` with 8,000 terms, ``a && a && …`` with
15,000 and a 20,000-way ``|`` path kill the process (SIGSEGV); 1,000 triple patterns or a
1,000-step ``/`` path run past 30 s on an empty store.  A bracket count misses all of
these (none of them nests a bracket), so this module walks the lexer's tokens with a
stack of frames that knows whether a bracket opens an expression, a group of triple
patterns, a property path or data, and measures:

* **expression depth**: open brackets plus the run of prefix operators (``!``, unary
  ``-``/``+``, path ``^``) at that point: each is one level of the parse tree;
* **operator chain**: binary operators in a row within one expression (``1+1+…``,
  ``a || b || …``), each a level of a left-deep tree;
* **triple patterns**: pattern separators and groups outside data blocks
  (``INSERT DATA``/``DELETE DATA``/``VALUES``, which hold ground data, not patterns);
* **property path length**: ``/`` and ``|`` steps in a row within one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .sparql_text import Token, _lexed, _memo

# Frame kinds: what a bracket opened.
_EXPR, _GROUP, _PATH, _DATA = "expression", "group", "path", "data"

_EXPRESSION_KEYWORDS = {"FILTER", "BIND", "HAVING", "SELECT", "BY", "ASC", "DESC", "GROUP"}
"""Words after which ``(`` opens an expression, inside a group as outside."""
_BINARY_EXPRESSION = {"+", "-", "*", "/", "||", "&&", "=", "!=", "<", ">", "<=", ">="}
_PATH_STEPS = {"/", "|"}
_OPERAND_KINDS = {"var", "iri", "pname", "string", "number", "bnode"}
_SEPARATORS = {",", ";", "."}


@dataclass(frozen=True)
class Shape:
    """What a request's parse tree would look like, in the four measures above."""

    depth: int = 0
    chain: int = 0
    patterns: int = 0
    path: int = 0


@dataclass(frozen=True)
class ShapeLimits:
    depth: int
    chain: int
    patterns: int
    path: int

    def problem(self, shape: Shape) -> str | None:
        """The first limit ``shape`` goes over, in words naming it, or ``None``."""
        checks = (
            (shape.depth, self.depth, "expression depth", "levels of nesting"),
            (shape.chain, self.chain, "operator chain", "operators in a row"),
            (shape.patterns, self.patterns, "triple patterns", "triple patterns"),
            (shape.path, self.path, "property path length", "steps in one path"),
        )
        for found, limit, name, unit in checks:
            if found > limit:
                return (
                    f"the query is too complex: {name} limit exceeded "
                    f"({found} {unit}; at most {limit})"
                )
        return None


def _is_operand(token: Token | None) -> bool:
    if token is None:
        return False
    if token.kind in _OPERAND_KINDS or token.text in (")", "]"):
        return True
    return token.kind == "word" and token.text.upper() not in _EXPRESSION_KEYWORDS


def _opens(frames: Sequence[str], previous: Token | None, before: Token | None) -> str:
    """What a ``(`` opens, from the enclosing frame and the tokens just before it."""
    outer = frames[-1] if frames else _EXPR
    if outer in (_EXPR, _DATA):
        return outer
    if previous is not None and previous.is_word(*_EXPRESSION_KEYWORDS):
        return _EXPR
    if before is not None and before.is_word("FILTER") and previous is not None:
        return _EXPR  # FILTER fn(...) / FILTER regex(...)
    if previous is not None and previous.is_word("VALUES"):
        return _DATA
    return _PATH  # a path group or a collection


class _Frame:
    """One open bracket: what it opened, operators in a row in it, whether it holds a
    pattern (a group with content counts as one even without a separator)."""

    __slots__ = ("chain", "content", "kind")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.chain = 0
        self.content = False


@_memo
def measure(text: str) -> Shape:
    """The shape of ``text`` (a query or an update); cheap, one pass over the tokens."""
    toks = _lexed(text)
    frames: list[_Frame] = []
    top = _Frame(_EXPR)  # outside any bracket: the SELECT clause, ORDER BY ...
    unary = depth = chain = patterns = path = 0
    previous: Token | None = None
    before: Token | None = None
    last_closed = ""
    for token in toks:
        value = token.text
        frame = frames[-1] if frames else top
        if token.kind == "other" and value in ("(", "{", "["):
            if value == "(":
                kind = _opens([f.kind for f in frames[-1:]], previous, before)
            elif value == "{":
                data = previous is not None and (
                    previous.is_word("DATA", "VALUES")
                    or (previous.kind == "var" and before is not None and before.is_word("VALUES"))
                    or (previous.text == ")" and last_closed == _DATA)
                )
                kind = _DATA if data or frame.kind == _DATA else _GROUP
            else:
                kind = frame.kind if frame.kind in (_DATA, _EXPR) else _GROUP
            frame.content = True
            frames.append(_Frame(kind))
            depth = max(depth, len(frames) + unary)
            unary = 0
        elif token.kind == "other" and value in (")", "}", "]"):
            if frames:
                closed = frames.pop()
                last_closed = closed.kind
                if closed.kind == _GROUP and closed.content:
                    patterns += 1
            unary = 0
        elif frame.kind == _DATA:
            pass
        elif value in ("!", "^", "^^") or (value in ("-", "+") and not _is_operand(previous)):
            unary += len(value)  # "^^" in a path is two inverses
            depth = max(depth, len(frames) + unary)
        elif frame.kind == _EXPR and value in _BINARY_EXPRESSION:
            frame.chain += 1
            chain = max(chain, frame.chain)
            unary = 0
        elif frame.kind in (_GROUP, _PATH) and value in _PATH_STEPS:
            frame.chain += 1
            path = max(path, frame.chain)
            unary = 0
        elif value in _SEPARATORS or token.is_word("AS"):
            frame.chain = 0
            unary = 0
            if frame.kind == _GROUP and value in _SEPARATORS:
                patterns += 1
        else:
            unary = 0
            frame.content = True
        before, previous = previous, token
    return Shape(depth, chain, patterns, path)
