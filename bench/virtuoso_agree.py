"""Every canned query on Virtuoso against the embedded store, at a benchmark size.

    nice -n 10 python -m bench.virtuoso_agree --size 1m

The dataset goes into an in-memory embedded store and into a throwaway Virtuoso
(``bench/virtuoso.py``, filled through the remote store's Graph Store writes); each
canned query, bound as ``bench.run`` binds it, runs once on each, in the text bound for
that store's dialect (``queries/forms/virtuoso/`` where there is one, as ``/queries``
runs it).  A query agrees when both give the same rows, and, where the query promises an
order (an outermost ``ORDER BY``), the same sequence of its projected sort keys.  The
table, with both times, replaces the agreement section of ``bench/results/virtuoso.md``
(and goes to ``virtuoso-agree.json``).

The comparison rule (``answer_rows``, ``order_keys``) is the one
``tests/store/test_backends_agree.py`` asserts with.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pyoxigraph import Literal

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT
from cspkg.errors import CspkgError
from cspkg.namespaces import DEFAULT_BASE
from cspkg.store import EmbeddedStore, SelectResult
from cspkg.store.remote import RemoteStore
from cspkg.store.sources import find_sources

from . import generate
from . import virtuoso as virtuoso_server
from .run import bound_queries, machine
from .virtuoso_run import AGREEMENT as SECTION
from .virtuoso_run import common_arguments, fill

_CONCAT = re.compile(r"GROUP_CONCAT\s*\((.*?)\)\s+AS\s+\?(\w+)", re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r"SEPARATOR\s*=\s*\"((?:[^\"\\]|\\.)*)\"", re.IGNORECASE)
_ORDER = re.compile(r"\bORDER\s+BY\b(?P<keys>[^{}]*?)(?:\bLIMIT\b|\bOFFSET\b|$)", re.I | re.S)

Row = tuple[str | None, ...]


def _concat_columns(text: str) -> dict[str, str]:
    """GROUP_CONCAT result columns and their separators (default a space)."""
    found = {}
    for inner, column in _CONCAT.findall(text):
        separator = _SEPARATOR.search(inner)
        found[column] = separator.group(1) if separator else " "
    return found


def _cells(result: SelectResult, row: tuple[Any, ...], concat: dict[str, str]) -> Row:
    cells: list[str | None] = []
    for variable, term in zip(result.variables, row, strict=True):
        if variable in concat and isinstance(term, Literal):
            parts = sorted(term.value.split(concat[variable])) if term.value else []
            cells.append(concat[variable].join(parts) or None)
        else:
            cells.append(None if term is None else str(term))
    return tuple(cells)


def answer_rows(result: object, *texts: str) -> Counter[Row]:
    """The rows as a multiset.  Two things may legitimately differ between engines and
    are normalised: the order of values inside a GROUP_CONCAT of any of ``texts`` (a
    query and its engine form may compute a column differently; the order is undefined
    in SPARQL) and an empty GROUP_CONCAT (``""`` on Virtuoso, unbound on Oxigraph)."""
    assert isinstance(result, SelectResult)
    concat = {k: v for text in texts for k, v in _concat_columns(text).items()}
    return Counter(_cells(result, row, concat) for row in result.rows)


def order_keys(result: object, text: str) -> list[Row] | None:
    """The sequence of the projected variables the outermost ``ORDER BY`` of ``text``
    sorts on, row by row (``None``: the query promises no order).  Two engines that sort
    alike give the same sequence whatever they do with ties."""
    assert isinstance(result, SelectResult)
    found = list(_ORDER.finditer(text))
    if not found or "}" in text[found[-1].end() :]:
        return None  # no ORDER BY, or only in a subquery
    names = re.findall(r"[?$](\w+)", found[-1].group("keys"))
    keys = [result.variables.index(n) for n in dict.fromkeys(names) if n in result.variables]
    if not keys:
        return None
    concat = _concat_columns(text)
    return [tuple(_cells(result, row, concat)[k] for k in keys) for row in result.rows]


def compare(expected: object, got: object, texts: dict[str, str]) -> str | None:
    """Why ``got`` (a backend's answer) is not ``expected`` (the embedded store's), or
    ``None`` when they agree."""
    every = texts.values()
    want, have = answer_rows(expected, *every), answer_rows(got, *every)
    if want != have:
        missing, extra = sum((want - have).values()), sum((have - want).values())
        return f"rows differ ({missing} missing, {extra} extra)"
    if order_keys(expected, texts["oxigraph"]) != order_keys(got, texts["oxigraph"]):
        return "same rows, different order"
    return None


def _timed(store: Any, text: str, timeout: float) -> tuple[float, object]:
    started = time.perf_counter()
    try:
        result: object = store.query(text, timeout=timeout)
    except CspkgError as exc:
        result = exc
    return time.perf_counter() - started, result


def run(size: str, seed: int, work: Path, timeout: float, buffers: int) -> dict[str, Any]:
    dataset = generate.ensure(work / "data", size, seed)
    catalog = load_catalog(PROJECT_ROOT / "queries")
    queries = [
        (name, {d: catalog.get(name).bind(values, dialect=d) for d in ("oxigraph", "virtuoso")})
        for name, values, _ in bound_queries(dataset)
    ]
    sources = find_sources(DEFAULT_BASE, [dataset / "ontology", dataset / "data"])
    started = time.perf_counter()
    embedded = EmbeddedStore()
    embedded.replace_sources(sources)
    embedded_load = time.perf_counter() - started
    print(f"[{size}] embedded store loaded in {embedded_load:.1f} s", flush=True)
    folder = Path(tempfile.mkdtemp(dir=work, prefix=f"{size}-agree-"))
    server = virtuoso_server.Virtuoso(folder, virtuoso_server.template(work), buffers=buffers)
    rows = []
    try:
        virtuoso_load, triples = fill(server.url, dataset)
        print(f"[{size}] {triples:,} triples into Virtuoso in {virtuoso_load:.1f} s", flush=True)
        remote = RemoteStore(server.url, profile="virtuoso")
        for name, texts in queries:
            ours_s, expected = _timed(embedded, texts["oxigraph"], timeout)
            theirs_s, got = _timed(remote, texts["virtuoso"], timeout)
            if isinstance(got, CspkgError):
                verdict = f"refused or failed: {got}"
            elif isinstance(expected, CspkgError):
                verdict = f"embedded store failed: {expected}"
            else:
                verdict = compare(expected, got, texts) or "agree"
            count = len(expected.rows) if isinstance(expected, SelectResult) else None
            rows.append(
                {
                    "query": name,
                    "form": texts["virtuoso"] != texts["oxigraph"],
                    "embedded_s": ours_s,
                    "virtuoso_s": theirs_s,
                    "rows": count,
                    "verdict": verdict,
                }
            )
            print(f"  {name}: {ours_s:.2f} s / {theirs_s:.2f} s, {verdict}", flush=True)
        remote.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        embedded.close()
    return {
        "size": size,
        "seed": seed,
        "triples": triples,
        "embedded_load_s": embedded_load,
        "virtuoso_load_s": virtuoso_load,
        "virtuoso": virtuoso_server.version(),
        "machine": {**machine(), "load_average": ", ".join(f"{v:.1f}" for v in os.getloadavg())},
        "queries": rows,
    }


def render(results: dict[str, Any]) -> str:
    """The agreement section of ``virtuoso.md``."""
    m = results["machine"]
    agree = sum(row["verdict"] == "agree" for row in results["queries"])
    lines = [
        SECTION,
        "",
        f"Size {results['size']} (seed {results['seed']}, {results['triples']:,} triples); "
        f"Virtuoso {results['virtuoso']}; {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
        f"load average at the end {m['load_average']}. Generated by "
        f"`nice -n 10 python -m bench.virtuoso_agree --size {results['size']}`: one run of "
        "each query on each store, in catalogue order, right after loading; the embedded "
        "store in-process with its inline engine, Virtuoso through the remote store "
        "(`RemoteStore`, profile `virtuoso`). Loaded in "
        f"{results['embedded_load_s']:.1f} s (embedded) and {results['virtuoso_load_s']:.1f} s "
        "(Virtuoso, Graph Store writes).",
        "",
        f"**{agree} of {len(results['queries'])} agree**: same rows (GROUP_CONCAT values "
        "compared as sets) and, where the query has an outermost ORDER BY, the same "
        "sequence of its sort keys. *form*: Virtuoso ran the query's engine form "
        "(`queries/forms/virtuoso/`). Times are single runs on a shared machine; the "
        "medians above are `bench.virtuoso_run`'s, from its own run (where it lists a "
        "query as refused, that run predates the query's form).",
        "",
        "| query | form | embedded s | Virtuoso s | rows | answer |",
        "|---|---|---:|---:|---:|---|",
    ]
    for row in results["queries"]:
        lines.append(
            f"| {row['query']} | {'yes' if row['form'] else ''} | {row['embedded_s']:.2f} | "
            f"{row['virtuoso_s']:.2f} | {row['rows'] if row['rows'] is not None else ''} | "
            f"{row['verdict']} |"
        )
    return "\n".join(lines) + "\n"


def write_section(report: Path, section: str) -> None:
    """Put ``section`` at the end of ``report`` in place of the one written before."""
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    kept = text.split(SECTION)[0].rstrip("\n")
    report.write_text((kept + "\n\n" if kept else "") + section, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="every canned query: Virtuoso vs embedded")
    parser.add_argument("--size", default="1m")
    parser.add_argument("--timeout", type=float, default=120.0, help="per query, seconds")
    args = common_arguments(parser).parse_args(argv)
    results = run(args.size, args.seed, Path(args.work), args.timeout, args.buffers)
    out = Path(args.out)
    out.with_name("virtuoso-agree.json").write_text(json.dumps(results, indent=2))
    section = render(results)
    write_section(out, section)
    print(section)
    return 0 if all(row["verdict"] == "agree" for row in results["queries"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
