"""The agreement check's rule: same rows, and the order a query promises, kept; its
section of the Virtuoso report replaced, never duplicated."""

from __future__ import annotations

from pathlib import Path

from bench.virtuoso_agree import SECTION, compare, order_keys, write_section
from pyoxigraph import Literal, NamedNode

from cspkg.store import SelectResult

TEXT = 'SELECT ?x ?label (GROUP_CONCAT(?n; separator="; ") AS ?names) WHERE { } '
ORDERED = TEXT + "GROUP BY ?x ?label ORDER BY DESC(?x) STR(?label)"


def _result(*rows: tuple[str, str, str]) -> SelectResult:
    return SelectResult(
        ("x", "label", "names"),
        [(NamedNode(f"urn:{x}"), Literal(label), Literal(names)) for x, label, names in rows],
    )


def test_lists_compare_as_sets_and_the_promised_order_counts() -> None:
    one = _result(("b", "B", "p; q"), ("a", "A", "r"))
    texts = {"oxigraph": ORDERED, "virtuoso": ORDERED}
    assert compare(one, _result(("b", "B", "q; p"), ("a", "A", "r")), texts) is None
    assert compare(one, _result(("a", "A", "r"), ("b", "B", "p; q")), texts) == (
        "same rows, different order"
    )
    assert compare(one, _result(("b", "B", "p"), ("a", "A", "r")), texts) == (
        "rows differ (1 missing, 1 extra)"
    )


def test_an_order_only_in_a_subquery_promises_nothing() -> None:
    inner = "SELECT ?x WHERE { { SELECT ?x WHERE { } ORDER BY ?x LIMIT 3 } }"
    assert order_keys(_result(("a", "A", "")), inner) is None
    assert order_keys(_result(("a", "A", "")), TEXT) is None
    assert order_keys(_result(("a", "A", ""), ("b", "B", "")), ORDERED) == [
        ("<urn:a>", '"A"'),
        ("<urn:b>", '"B"'),
    ]


def test_the_section_is_replaced_at_the_end(tmp_path: Path) -> None:
    report = tmp_path / "virtuoso.md"
    report.write_text("# Timings\n\nmedians\n", encoding="utf-8")
    write_section(report, f"{SECTION}\n\nfirst\n")
    write_section(report, f"{SECTION}\n\nsecond\n")
    text = report.read_text(encoding="utf-8")
    assert text == f"# Timings\n\nmedians\n\n{SECTION}\n\nsecond\n"
