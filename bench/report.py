"""The benchmark's Markdown report: every figure beside the reference's and the ratio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PAIRS = (
    ("mem", "ref-mem", "Embedded store, in memory vs oxigraph server in memory"),
    ("disk", "ref-disk", "Embedded store, on disk vs oxigraph server on disk"),
    (
        "remote",
        "ref-mem",
        "Remote backend (cspkg in front of oxigraph in memory) vs that oxigraph directly",
    ),
)
NA = "n/a"


def _ms(latency: Any, key: str) -> str:
    if latency is None:
        return NA
    if isinstance(latency, str):
        return latency
    value = latency[key] if isinstance(latency, dict) else getattr(latency, key)
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _value(latency: Any, key: str) -> float | None:
    if latency is None or isinstance(latency, str):
        return None
    value = latency[key] if isinstance(latency, dict) else getattr(latency, key)
    return None if value is None else float(value)


def _ratio(ours: float | None, ref: float | None) -> str:
    if ours is None or ref is None or ref == 0:
        return NA
    return f"{ours / ref:.2f}x"


def _mb(value: float) -> str:
    return f"{value / 2**20:.0f}"


def _rows(latency: Any) -> str:
    rows = _value(latency, "rows")
    return NA if rows is None else f"{rows:.0f}"


def size_section(size: str, data: dict[str, Any]) -> list[str]:
    targets = data["targets"]
    lines = [f"### {size}: {data['triples']:,} triples in {data['files']:,} files", ""]
    lines += [
        "| store | load s | ref s | ratio | load peak MB | ref | ratio | serving peak MB | ref | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for ours, ref, _ in PAIRS:
        o, r = targets[ours], targets[ref]
        lines.append(
            f"| {ours} | {o['load_s']:.2f} | {r['load_s']:.2f} | {_ratio(o['load_s'], r['load_s'])} "
            f"| {_mb(o['load_peak'])} | {_mb(r['load_peak'])} | {_ratio(o['load_peak'], r['load_peak'])} "
            f"| {_mb(o['serve_peak'])} | {_mb(r['serve_peak'])} | {_ratio(o['serve_peak'], r['serve_peak'])} |"
        )
    disk = targets["disk"]
    checked = data.get("validation")
    if checked:
        lines += [
            "",
            f"Validation per source (SHACL, each file with the ontology): one plan "
            f"{checked['one_plan_s']:.2f} s; all {checked['files']:,} files about "
            f"{checked['all_estimate_s']:.0f} s (from {checked['sampled']} timed).",
        ]
    lines += [
        "",
        f"On-disk restarts (start -> /health 200): unchanged sources {disk['restart_s']:.2f} s; "
        f"one plan changed {disk['one_changed_s']:.2f} s (first build {disk['load_s']:.2f} s).",
        "",
        "Throughput, requests/s (all canned queries in turn through /sparql, vs the reference's /query):",
        "",
        "| store | 1 client | ref | ratio | 8 clients | ref | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for ours, ref, _ in PAIRS:
        o, r = _tput(targets[ours]), _tput(targets[ref])
        lines.append(
            f"| {ours} | {o[1]:.1f} | {r[1]:.1f} | {_ratio(o[1], r[1])} "
            f"| {o[8]:.1f} | {r[8]:.1f} | {_ratio(o[8], r[8])} |"
        )
    for ours, ref, title in PAIRS:
        lines += [
            "",
            f"**{title}** — latency in ms (median, p95); ratio = ours / reference",
            "",
            "| query | rows | /queries med | /sparql med | ref med | ratio | /sparql p95 | ref p95 | ratio | cached med |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, figures in targets[ours]["queries"].items():
            sparql, canned, cached = figures["sparql"], figures.get("canned"), figures.get("cached")
            reference = targets[ref]["queries"][name]["sparql"]
            lines.append(
                f"| {name} | {_rows(sparql)}/{_rows(reference)} | {_ms(canned, 'median_ms')} "
                f"| {_ms(sparql, 'median_ms')} | {_ms(reference, 'median_ms')} "
                f"| {_ratio(_value(sparql, 'median_ms'), _value(reference, 'median_ms'))} "
                f"| {_ms(sparql, 'p95_ms')} | {_ms(reference, 'p95_ms')} "
                f"| {_ratio(_value(sparql, 'p95_ms'), _value(reference, 'p95_ms'))} "
                f"| {_ms(cached, 'median_ms')} |"
            )
    return [*lines, ""]


def _tput(target: dict[str, Any]) -> dict[int, float]:
    return {int(k): float(v) for k, v in target["throughput"].items()}


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    args = results["args"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}; "
        f"{machine['os']}; Python {machine['python']}; pyoxigraph / oxigraph {machine['pyoxigraph']}.",
        f"Run: sizes {args['sizes']}, seed {args['seed']}, {args['query_seconds']} s per query per "
        f"endpoint, {args['throughput_seconds']} s per throughput figure. Generated by `python -m bench.run`.",
        "",
        "Rows column: rows returned by ours / by the reference (ours stop at `max_rows`).",
        "Our latencies bypass the result cache (`Cache-Control: no-cache`); 'cached' is a repeat without it.",
        "",
    ]
    cold = results.get("cold_start")
    if cold:
        canned = NA if cold.get("canned_s") is None else f"{cold['canned_s']:.2f} s"
        sparql = NA if cold.get("sparql_s") is None else f"{cold['sparql_s']:.2f} s"
        lines += [
            "Cold start on the project's seed data (`cspkg serve` start -> first 200): "
            f"/health {cold['health_s']:.2f} s; /queries/plan-summary {canned}; "
            f"plan-summary through /sparql {sparql}.",
            "",
        ]
    for size, data in results["sizes"].items():
        lines += size_section(size, data)
    return "\n".join(lines)


def write_report(results: dict[str, Any], out: Path) -> str:
    text = render(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return text
