"""Canned-query parameters and the plan importer under random and mutated input.

Parameters are bound as RDF terms, so no value can change a query's shape: every value
either raises ``ParameterError`` or yields a query that parses and has the same columns.
The importer raises only ``CspkgError`` (a message naming the line) and writes nothing
when it fails.
"""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cspkg.catalog import Catalog
from cspkg.config import load_settings
from cspkg.errors import CspkgError, ParameterError, PlanDocumentError
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import parse_plan
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore, SelectResult

from ..conftest import SEED_PLAN
from .conftest import FUZZ

HOSTILE = st.sampled_from(
    [
        '"} ; DROP ALL ; #',
        "> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } <",
        "urn:x> . ?s ?p ?o . <urn:y",
        '2024-01-01"^^<urn:x> } #',
        "1 ) } UNION { ?s ?p ?o",
        "\\u003e",
        "true ; INSERT DATA { <a> <b> <c> }",
        "\x00",
        "x" * 5000,
    ]
)


@FUZZ
@given(data=st.data())
def test_parameters_cannot_change_a_query(
    catalog: Catalog, mini_store: EmbeddedStore, data: st.DataObject
) -> None:
    # Federated queries would call out to the bound endpoint: tests/federation covers them.
    local = [q for q in catalog.queries if q.parameters and not q.federated]
    query = data.draw(st.sampled_from(local))
    parameter = data.draw(st.sampled_from(query.parameters))
    value = data.draw(st.one_of(HOSTILE, st.text(max_size=80)))
    try:
        text = query.bind({parameter.name: value})
    except ParameterError as exc:
        assert exc.name == parameter.name
        return
    result = mini_store.query(text)
    assert isinstance(result, SelectResult)
    assert list(result.variables) == list(query.columns)


@FUZZ
@given(st.sampled_from(["x", "<x>", "1", "today", "true"]), st.text(min_size=1, max_size=30))
def test_unknown_parameter_names_refused(catalog: Catalog, value: str, name: str) -> None:
    query = catalog.queries[0]
    if name in {p.name for p in query.parameters}:
        return
    try:
        query.bind({name: value})
    except ParameterError:
        return
    raise AssertionError(f"unknown parameter {name!r} was accepted")


def _seed_lines() -> list[str]:
    return SEED_PLAN.read_text(encoding="utf-8").splitlines()


@st.composite
def mutated_plan(draw: st.DrawFn) -> str:
    lines = _seed_lines()
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "swap", "garble", "insert"]))
        if action == "drop":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "garble":
            lines[at] = draw(st.text(max_size=60))
        else:
            lines.insert(
                at,
                draw(
                    st.sampled_from(
                        [
                            "Action",
                            "Target Date",
                            "Priorities Met",
                            "[1:  x]",
                            "Responsible Agency",
                            "31st February 2025",
                            "N/A",
                            "",
                        ]
                    )
                ),
            )
    return "\n".join(lines)


@FUZZ
@given(mutated_plan())
def test_mutated_plans_import_or_fail_cleanly(tmp_path_factory: object, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz-import")  # type: ignore[attr-defined]
    source = folder / "plan.txt"
    source.write_text(text, encoding="utf-8")
    out = folder / "out"
    settings = load_settings(environ={})
    started = time.monotonic()
    try:
        import_plan(source, settings, out)
    except CspkgError as exc:
        assert "Traceback" not in str(exc) and str(folder) not in str(exc)
        assert not out.exists() or not any(out.rglob("*.ttl"))
    assert time.monotonic() - started < 20


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".txt", ".docx"]))
def test_random_documents_are_plan_errors(
    tmp_path_factory: object, data: bytes, suffix: str
) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz-doc")) / f"plan{suffix}"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        parse_plan(read_plan_document(path))
    except PlanDocumentError as exc:
        assert str(path.parent) not in str(exc)


def test_huge_and_invalid_utf8_documents(tmp_path: Path) -> None:
    cases = {
        "bad-utf8.txt": SEED_PLAN.read_bytes()[:2000] + b"\xc3\x28" + SEED_PLAN.read_bytes()[2000:],
        "huge.txt": b"Action\n" + b"A" * 5_000_000 + b"\n",
        "many.txt": b"Action\nx\nResponsible Agency\ny\n" * 20_000,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        started = time.monotonic()
        try:
            parse_plan(read_plan_document(path))
        except PlanDocumentError as exc:
            if name == "bad-utf8.txt":
                assert "UTF-8" in str(exc) and exc.line is not None
        assert time.monotonic() - started < 30, name
