"""The Virtuoso backend measured: ``cspkg serve --backend URL --backend-profile virtuoso``
against Virtuoso directly, on the same canned queries and throughput mix.

    python -m bench.virtuoso_run --sizes 100k,1m --query-seconds 0.5 --throughput-seconds 3

Per size: a throwaway Virtuoso (``bench/virtuoso.py``) is filled graph by graph through
the remote store's Graph Store writes (bulk, unvalidated: what ``cspkg load`` does after
its checks), then each canned query, bound as ``bench.run`` binds it (in its Virtuoso
form where it has one, as ``/queries/NAME`` runs it there), is timed through
our ``/sparql`` and ``/queries/NAME`` and, as the profile sends it, on Virtuoso's own
``/sparql``; throughput at 1 and 8 clients cycles through the queries both answered.
Queries the profile refuses on Virtuoso are listed, not timed.  The report (ratios ours /
Virtuoso) goes to ``bench/results/virtuoso.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT
from cspkg.errors import QueryUnsupported
from cspkg.namespaces import DEFAULT_BASE
from cspkg.store.profiles import get_profile
from cspkg.store.remote import RemoteStore
from cspkg.store.sources import find_sources

from . import generate
from . import virtuoso as virtuoso_server
from .procs import rss_bytes
from .report import _mb, _ms, _ratio, _rows, _value
from .run import BENCH_DIR, Bench, bound_queries, json_default, machine

AGREEMENT = "## Every canned query: Virtuoso against the embedded store"
"""The heading of the part of the report ``bench.virtuoso_agree`` writes (kept here)."""

ACCOUNT = {
    "CSPKG_BACKEND_USER": virtuoso_server.USER,
    "CSPKG_BACKEND_PASSWORD": virtuoso_server.PASSWORD,
}


def fill(url: str, dataset: Path) -> tuple[float, int]:
    """Load the dataset into Virtuoso through the remote store: seconds, triples."""
    store = RemoteStore(
        url,
        profile="virtuoso",
        user=virtuoso_server.USER,
        password=virtuoso_server.PASSWORD,
        write_timeout=3600,
    )
    started = time.perf_counter()
    for source in find_sources(DEFAULT_BASE, [dataset / "ontology", dataset / "data"]):
        store.load_graph(source.graph_iri, source.path.read_bytes(), source.media_type)
    seconds = time.perf_counter() - started
    count = store.triple_count()
    store.close()
    return seconds, count


def measure_size(bench: Bench, size: str) -> dict[str, Any]:
    work = bench.work
    dataset = generate.ensure(work / "data", size, bench.args.seed)
    profile = get_profile("virtuoso")
    queries, refused = [], {}
    catalog = load_catalog(PROJECT_ROOT / "queries")
    for name, values, _ in bound_queries(dataset):
        text = catalog.get(name).bind(values, dialect=profile.name)  # its Virtuoso form, if any
        try:
            queries.append((name, values, profile.prepare(text)))
        except QueryUnsupported as exc:
            refused[name] = str(exc)
    template = virtuoso_server.template(work)
    folder = Path(tempfile.mkdtemp(dir=work, prefix=f"{size}-virtuoso-"))
    server = virtuoso_server.Virtuoso(folder, template, buffers=bench.args.buffers)
    try:
        load_s, triples = fill(server.url, dataset)
        print(f"[{size}] {triples:,} triples into Virtuoso in {load_s:.1f} s", flush=True)
        direct = {
            "load_s": load_s,
            "queries": bench.queries(server.url, queries, True, ref_path="/sparql"),
        }
        print(f"[{size}] Virtuoso direct done", flush=True)
        ours, url = bench.cspkg(
            None,
            *("--backend", server.url, "--backend-profile", "virtuoso"),
            name=f"{size}-virtuoso-front",
            env=ACCOUNT,
        )
        try:
            front = bench.latency(ours, url, queries, False, ours.wait_http(url + "/health"))
            bench.pair("front", front, url, direct, server.url, queries, ref_path="/sparql")
            bench.finish(ours, front)
        finally:
            ours.stop()
        direct["serve_rss"] = rss_bytes(server.pid)
        print(f"[{size}] cspkg serve --backend done", flush=True)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"triples": triples, "refused": refused, "direct": direct, "front": front}


def _throughput(target: dict[str, Any], clients: int) -> float | None:
    figures = target.get("throughput", {}).get("front", {}).get("figures", {})
    return figures.get(clients)


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    args = results["args"]
    lines = [
        "# Virtuoso backend: cspkg serve --backend vs Virtuoso directly",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores; Python {m.get('python', '?')}; "
        f"Virtuoso {virtuoso_server.version()}; load average at start "
        f"{m.get('load_average', 'not recorded')}. Sizes {args['sizes']}, seed {args['seed']}, "
        f"{args['query_seconds']} s per query per endpoint, {args['throughput_seconds']} s per "
        "throughput figure. Generated by `python -m bench.virtuoso_run`.",
        "",
        "Both sides run the text the virtuoso profile sends (its rewrites applied); ours "
        "bypasses the result cache (`Cache-Control: no-cache`). Ratio = ours / Virtuoso.",
        "",
        "## Summary",
        "",
        "| size | triples | load s | median ratio (range) | 1 client ours / Virtuoso req/s | "
        "ratio | 8 clients ours / Virtuoso | ratio | front end peak MB | Virtuoso RSS MB |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, data in results["sizes"].items():
        front, direct = data["front"], data["direct"]
        ratios = sorted(
            value
            for name in front["queries"]
            if (value := _query_ratio(front, direct, name)) is not None
        )
        spread = (
            f"{ratios[len(ratios) // 2]:.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
            if ratios
            else "n/a"
        )
        cells = []
        for clients in (1, 8):
            ours, ref = _throughput(front, clients), _throughput(direct, clients)
            cells.append(f"{ours or 0:.0f} / {ref or 0:.0f} | {_ratio(ours, ref)}")
        lines.append(
            f"| {size} | {data['triples']:,} | {direct['load_s']:.1f} | {spread} | "
            f"{cells[0]} | {cells[1]} | {_mb(front['serve_peak'])} | {_mb(direct['serve_rss'])} |"
        )
    for size, data in results["sizes"].items():
        front, direct = data["front"], data["direct"]
        lines += [
            "",
            f"## {size}: median ms per query",
            "",
            "| query | ours /sparql | ours /queries/NAME | Virtuoso /sparql | ratio | rows |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, ours in front["queries"].items():
            ref = direct["queries"][name]["sparql"]
            lines.append(
                f"| {name} | {_ms(ours['sparql'], 'median_ms')} | "
                f"{_ms(ours['canned'], 'median_ms')} | {_ms(ref, 'median_ms')} | "
                f"{_ratio(_value(ours['sparql'], 'median_ms'), _value(ref, 'median_ms'))} | "
                f"{_rows(ours['sparql'])} |"
            )
        for name, reason in data["refused"].items():
            lines.append(f"| {name} | refused (501) | | | | |")
            lines.append(f"|  | {reason} | | | | |")
    return "\n".join(lines) + "\n"


def _query_ratio(front: dict[str, Any], direct: dict[str, Any], name: str) -> float | None:
    ours = _value(front["queries"][name]["sparql"], "median_ms")
    ref = _value(direct["queries"][name]["sparql"], "median_ms")
    return None if ours is None or ref is None or ref == 0 else ours / ref


def common_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options every Virtuoso measurement takes (this one and ``bench.virtuoso_agree``)."""
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--buffers", type=int, default=100_000, help="Virtuoso 8 KB pages")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "cspkg-bench"))
    parser.add_argument("--out", default=str(BENCH_DIR / "results" / "virtuoso.md"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cspkg over Virtuoso vs Virtuoso directly")
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--query-seconds", type=float, default=0.5)
    parser.add_argument("--throughput-seconds", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="query timeout (ours)")
    args = common_arguments(parser).parse_args(argv)
    bench = Bench(args)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    results: dict[str, Any] = {
        "machine": {**machine(), "load_average": load},
        "args": vars(args),
        "sizes": {},
    }
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        results["sizes"][size] = measure_size(bench, size)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=json_default))
    text = render(results)
    before = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = before[before.index(AGREEMENT) :] if AGREEMENT in before else ""
    out.write_text(text + (f"\n{kept}" if kept else ""), encoding="utf-8")  # agreement kept
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
