"""The Virtuoso benchmark's report: ratios ours / Virtuoso, refusals listed, not timed."""

from __future__ import annotations

from bench.client import Latency
from bench.virtuoso_run import render


def test_report_gives_ratios_and_lists_refused_queries() -> None:
    def timed(ms: float) -> Latency:
        return Latency(ms, ms * 2, 10, 3)

    front = {
        "queries": {"q": {"sparql": timed(30.0), "canned": timed(35.0), "cached": timed(1.0)}},
        "serve_peak": 150 * 2**20,
        "throughput": {"front": {"figures": {1: 20.0, 8: 40.0}}},
    }
    direct = {
        "load_s": 2.5,
        "queries": {"q": {"sparql": timed(10.0)}},
        "serve_rss": 300 * 2**20,
        "throughput": {"front": {"figures": {1: 40.0, 8: 50.0}}},
    }
    results = {
        "machine": {"cpu": "test cpu", "cores": "2", "python": "3.11", "load_average": "1.0"},
        "args": {"sizes": "10k", "seed": 42, "query_seconds": 0.1, "throughput_seconds": 1},
        "sizes": {
            "10k": {
                "triples": 10_000,
                "refused": {"plan-summary": "the virtuoso backend cannot answer this"},
                "direct": direct,
                "front": front,
            }
        },
    }
    text = render(results)
    assert "| 10k | 10,000 | 2.5 | 3.00x (3.00-3.00) | 20 / 40 | 0.50x | 40 / 50 | 0.80x |" in text
    assert "| q | 30.0 | 35.0 | 10.0 | 3.00x | 3 |" in text
    assert "| plan-summary | refused (501) |" in text and "load average at start 1.0" in text
