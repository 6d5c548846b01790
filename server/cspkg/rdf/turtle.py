"""Deterministic Turtle: the same graph always gives the same bytes.

Committed data files are compared byte for byte with a fresh import, so the output must
not depend on hash seeds or insertion order.  rdflib's Turtle serialiser sorts subjects
and predicates; we add a fixed header and make sure no blank nodes are written (their
labels are not stable).
"""

from __future__ import annotations

from rdflib import BNode, Graph


def to_turtle(graph: Graph, header: str = "") -> str:
    """Serialise ``graph`` as Turtle, with ``header`` as leading ``#`` comment lines."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        raise ValueError("deterministic Turtle needs a graph without blank nodes")
    body = graph.serialize(format="turtle")
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    return ("\n".join(lines) + "\n\n" if lines else "") + body.strip() + "\n"
