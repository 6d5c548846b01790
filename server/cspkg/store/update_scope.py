"""Which named graphs a SPARQL Update can change, and which it reads, from its text alone.

Why: a write is validated by trying it on a scratch copy first.  Copying the whole
store for that grows with the data (a 1M-triple store for a one-plan change); copying
only the graphs the update touches does not.  That is sound only when the update can
neither change nor read anything outside a set of graphs known before it runs, so the
analysis is conservative: any form it cannot bound (``GRAPH ?g``, the default graph,
``DROP ALL``, ``LOAD`` ...) gives ``None`` and the caller checks the whole dataset as
before.  Built on the same lexer as the SERVICE policy (``sparql_text.py``), so
keywords inside strings, IRIs and comments are never mistaken for structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from .sparql_text import Token, _resolve, tokens, unescape_codepoints

_TERM_KINDS = frozenset({"iri", "pname", "var", "bnode", "string"})


@dataclass(frozen=True)
class UpdateScope:
    """The graphs an update may change (``changes``) and those it may read (``reads``)."""

    changes: frozenset[str]
    reads: frozenset[str]


class _Unbounded(Exception):
    """The update can touch graphs not named in its text."""


def update_scope(
    text: str,
    using_graph_uris: Sequence[str] = (),
    using_named_graph_uris: Sequence[str] = (),
    base_iri: str | None = None,
) -> UpdateScope | None:
    """The graphs ``text`` changes and reads, or ``None`` if they cannot be known.

    ``using_*`` are the protocol's ``using-graph-uri`` / ``using-named-graph-uri``: the
    dataset of every operation's WHERE clause, as USING / USING NAMED would be.
    """
    try:
        return _Analysis(text, base_iri, using_graph_uris, using_named_graph_uris).run()
    except (_Unbounded, IndexError):
        return None


class _Analysis:
    """One pass over the tokens, operation by operation (``;`` at depth 0 separates)."""

    def __init__(
        self, text: str, base_iri: str | None, using: Sequence[str], using_named: Sequence[str]
    ) -> None:
        self.toks = list(tokens(unescape_codepoints(text)))
        self.pos = 0
        self.base = base_iri or ""
        self.prefixes: dict[str, str] = {}
        self.using = tuple(using)
        self.using_named = tuple(using_named)
        self.changes: set[str] = set()
        self.reads: set[str] = set()

    # -- cursor ------------------------------------------------------------------------

    def peek(self) -> Token | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> Token:
        token = self.toks[self.pos]
        self.pos += 1
        return token

    def take_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.pos += 1
            return True
        return False

    def iri(self) -> str:
        """The next token as a resolved IRI (a variable or unknown prefix: unbounded)."""
        token = self.take()
        if token.kind not in ("iri", "pname"):
            raise _Unbounded
        resolved = _resolve(token, self.base, self.prefixes)
        if resolved is None:
            raise _Unbounded
        return resolved

    # -- operations --------------------------------------------------------------------

    def run(self) -> UpdateScope:
        while self.peek() is not None:
            self.prologue()
            if self.peek() is None:
                break
            self.operation()
            token = self.peek()
            if token is not None:
                if token.text != ";":
                    raise _Unbounded  # not an update we understand: the engine will say why
                self.pos += 1
        return UpdateScope(frozenset(self.changes), frozenset(self.reads))

    def prologue(self) -> None:
        while True:
            if self.take_word("BASE"):
                self.base = urljoin(self.base, self.take().text[1:-1])
            elif self.take_word("PREFIX"):
                name = self.take().text.rstrip(":")
                self.prefixes[name] = urljoin(self.base, self.take().text[1:-1])
            else:
                return

    def operation(self) -> None:
        word = self.take()
        keyword = word.text.upper() if word.kind == "word" else ""
        if keyword in ("CLEAR", "DROP", "CREATE"):
            self.take_word("SILENT")
            if not self.take_word("GRAPH"):
                raise _Unbounded  # DEFAULT, NAMED, ALL
            self.changes.add(self.iri())
        elif keyword in ("ADD", "MOVE", "COPY"):
            self.take_word("SILENT")
            source = self.graph_ref()
            if not self.take_word("TO"):
                raise _Unbounded
            target = self.graph_ref()
            self.reads.add(source)
            self.changes.add(target)
            if keyword == "MOVE":
                self.changes.add(source)
        elif keyword in ("INSERT", "DELETE") and self.take_word("DATA"):
            self.changes.update(self.quad_block())
        elif keyword == "DELETE" and self.take_word("WHERE"):
            graphs = self.quad_block()
            self.changes.update(graphs)
            self.reads.update(graphs)
        elif keyword in ("WITH", "INSERT", "DELETE"):
            self.modify(word)
        else:
            raise _Unbounded  # LOAD (fetches from outside) or something unknown

    def graph_ref(self) -> str:
        """``GRAPH? iri`` in ADD/MOVE/COPY; ``DEFAULT`` is the default graph: unbounded."""
        if self.take_word("DEFAULT"):
            raise _Unbounded
        self.take_word("GRAPH")
        return self.iri()

    def modify(self, first: Token) -> None:
        """``[WITH g] (DELETE {..} [INSERT {..}] | INSERT {..}) (USING [NAMED] g)* WHERE {..}``."""
        with_graph = None
        if first.is_word("WITH"):
            with_graph = self.iri()
            if not self.take_word("DELETE", "INSERT"):
                raise _Unbounded
        self.changes.update(self.quad_block(default=with_graph))
        if self.take_word("INSERT"):
            self.changes.update(self.quad_block(default=with_graph))
        using, using_named = list(self.using), list(self.using_named)
        while self.take_word("USING"):
            (using_named if self.take_word("NAMED") else using).append(self.iri())
        self.reads.update(using_named)
        if not self.take_word("WHERE"):
            raise _Unbounded
        default = using if using or using_named else [with_graph] if with_graph else None
        self.reads.update(self.pattern_block(default))

    # -- blocks ------------------------------------------------------------------------

    def quad_block(self, default: str | None = None) -> set[str]:
        """The graphs a ``{ ... }`` of quads names; triples outside ``GRAPH`` go to
        ``default`` (WITH), or to the store's default graph: unbounded."""
        return self.pattern_block([default] if default else None, templates=True)

    def pattern_block(self, default: list[str] | None, templates: bool = False) -> set[str]:
        """The graphs a group pattern reads: each ``GRAPH iri`` and, for patterns outside
        any GRAPH, the ``default`` graphs (``None``: the store's default graph, unbounded).

        Inside parentheses (FILTER, BIND expressions) terms are not patterns.  A
        ``GRAPH ?g`` could be any graph: unbounded.
        """
        opening = self.take()
        if opening.text != "{":
            raise _Unbounded
        found: set[str] = set()
        outside_depth = opening.depth  # the depth of tokens inside this block is +1
        graph_depths: list[int] = []  # depths of GRAPH blocks we are inside
        pending_graph: str | None = None
        parens = 0
        while True:
            token = self.take()
            if token.text == "}" and token.depth == outside_depth:
                return found
            if graph_depths and token.text == "}" and token.depth == graph_depths[-1]:
                graph_depths.pop()
                continue
            if token.is_word("GRAPH"):
                pending_graph = self.iri()
                found.add(pending_graph)
                continue
            if token.text == "{" and pending_graph is not None:
                graph_depths.append(token.depth)
                pending_graph = None
                continue
            if token.text == "(":
                parens += 1
            elif token.text == ")":
                parens = max(parens - 1, 0)
            elif token.kind in _TERM_KINDS and not graph_depths and not parens:
                if default is None:
                    raise _Unbounded
                found.update(default)
            elif token.is_word("SERVICE") and not templates:
                raise _Unbounded  # reads elsewhere; leave it to the whole-dataset check
