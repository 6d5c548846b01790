"""What a checked write costs as the store grows: one plan replaced, one triple added.

Every write is tried on a scratch copy and validated before it is committed
(``services/write_check.py``).  Scoped writes copy and validate only what they touch,
so their cost should stay flat from 10k to 1M triples; the whole-dataset check (used
only for updates whose graphs cannot be known from their text) grows with the store,
so it is timed at the small sizes only.

    PYTHONPATH=server python -m bench.writes --sizes 10k,100k,1m
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from cspkg.config import load_settings
from cspkg.errors import ValidationFailed
from cspkg.services.graph_store import GraphStore, Payload, Target
from cspkg.services.sparql_service import SparqlService
from cspkg.store.embedded import EmbeddedStore
from cspkg.store.sources import find_sources

from . import generate

TOKEN = "Bearer bench"
WHOLE_UP_TO = 150_000
"""Largest store the whole-dataset check is timed on (it is ~1 min at 1M triples)."""


def _median_seconds(action: Callable[[], None], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(dataset: Path, runs: int) -> dict[str, Any]:
    """Timings for one generated dataset, on an on-disk store built from it."""
    settings = replace(
        load_settings(environ={}, ontology_dir=dataset / "ontology", data_dir=dataset / "data"),
        admin_token="bench",
    )
    sources = find_sources(settings.base, [settings.ontology_dir, settings.data_dir])
    plan = next(s for s in sources if s.path.parent.name == "plans")
    scratch = Path(tempfile.mkdtemp(prefix="cspkg-writes-"))
    store = EmbeddedStore(scratch / "store")
    try:
        store.replace_sources(sources)
        service = SparqlService(store, settings)
        graph_store = GraphStore(service)
        data = plan.path.read_bytes()
        target = Target("graph", plan.graph_iri)

        def put_plan() -> None:
            graph_store.put(target, [Payload(plan.media_type, data)], TOKEN)

        def insert_triple() -> None:
            service.update(
                f"INSERT DATA {{ GRAPH <{plan.graph_iri}> {{ <urn:bench:n> <urn:bench:p> 1 }} }}",
                authorization=TOKEN,
            )

        def whole_check() -> None:  # GRAPH ?g: the graphs are not known from the text
            # Timed whether or not it passes: the whole dataset is validated either way.
            with contextlib.suppress(ValidationFailed):
                service.update(
                    "INSERT { GRAPH ?g { <urn:bench:n> <urn:bench:p> 2 } }"
                    f" WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g = <{plan.graph_iri}>) }}",
                    authorization=TOKEN,
                )

        triples = store.triple_count()
        found: dict[str, Any] = {
            "triples": triples,
            "plan_triples": data.count(b"\n"),
            "put_plan_s": _median_seconds(put_plan, runs),
            "insert_triple_s": _median_seconds(insert_triple, runs),
        }
        if triples <= WHOLE_UP_TO:
            found["whole_check_s"] = _median_seconds(whole_check, 1)
        return found
    finally:
        store.close()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="checked-write cost by store size")
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "cspkg-bench"))
    args = parser.parse_args(argv)
    print(
        "| size | triples | plan graph | PUT one plan s | INSERT DATA 1 triple s | whole check s |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        dataset = generate.ensure(Path(args.work) / "data", size, args.seed)
        found = measure(dataset, args.runs)
        whole = found.get("whole_check_s")
        print(
            f"| {size} | {found['triples']:,} | {found['plan_triples']:,} "
            f"| {found['put_plan_s']:.2f} | {found['insert_triple_s']:.2f} "
            f"| {'n/a' if whole is None else f'{whole:.2f}'} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
