"""The one gate every write passes: ``validate_before_load(graph)``.

It calls the project's SHACL validation (``cspkg.rdf.validation``) when that module is
present; until then it falls back to checking that the graph survives a round trip
through the store's own parser and, if ``shapes/`` holds shapes, to running pySHACL on
them.  Either way an invalid graph raises ``ValidationFailed`` with a short summary.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from pyoxigraph import RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ..errors import ValidationFailed

_MAX_LISTED = 10


def _project_validator() -> object | None:
    try:
        module = importlib.import_module("cspkg.rdf.validation")
    except ImportError:
        return None
    for name in ("validate_graph", "validate"):
        if callable(getattr(module, name, None)):
            return getattr(module, name)
    return None


def validate_before_load(graph: Graph, shapes_dir: Path | None = None) -> None:
    """Raise ``ValidationFailed`` unless ``graph`` is fit to load."""
    validator = _project_validator()
    if validator is not None:
        report = validator(graph)  # type: ignore[operator]
        if getattr(report, "conforms", True) is False:
            summary = getattr(report, "summary", None)
            text = summary() if callable(summary) else str(summary or report)
            raise ValidationFailed(f"the data breaks the shapes: {text}", report)
        return
    _check_round_trip(graph)
    shapes = _read_shapes(shapes_dir)
    if shapes is not None:
        _check_shapes(graph, shapes)


def _check_round_trip(graph: Graph) -> None:
    """rdflib accepts some terms (bad IRIs, ill-formed literals) the store would not."""
    data = graph.serialize(format="nt", encoding="utf-8")
    try:
        for _ in parse(data, format=RdfFormat.N_TRIPLES):
            pass
    except SyntaxError as exc:
        raise ValidationFailed(f"the data is not well-formed RDF: {exc}") from None


def _read_shapes(shapes_dir: Path | None) -> Graph | None:
    if shapes_dir is None or not shapes_dir.is_dir():
        return None
    files = sorted(shapes_dir.rglob("*.ttl"))
    if not files:
        return None
    shapes = Graph()
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def _check_shapes(graph: Graph, shapes: Graph) -> None:
    import pyshacl

    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    if conforms:
        return
    assert isinstance(results, Graph)
    lines = []
    for result in results.subjects(URIRef(str(SH.resultSeverity)), None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        lines.append(f"{focus} {path or ''}: {message or 'violates a shape'}".strip())
    lines.sort()
    more = f" (and {len(lines) - _MAX_LISTED} more)" if len(lines) > _MAX_LISTED else ""
    raise ValidationFailed(
        f"{len(lines)} shape violation(s): " + "; ".join(lines[:_MAX_LISTED]) + more, results
    )
