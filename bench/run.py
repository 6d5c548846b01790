"""The benchmark runner: for each size, load and query our service and the reference.

Targets, each started fresh per size:

``ref-mem``   ``oxigraph serve`` in memory, data POSTed to ``/store`` (the reference; a
              query past ``--timeout`` restarts it: ``reference.py`` says why)
``remote``    ``cspkg serve --backend`` in front of ``ref-mem``
``mem``       ``cspkg serve``, embedded store in memory
``ref-disk``  ``oxigraph load`` then ``oxigraph serve --location`` (the on-disk reference)
``remote-disk`` ``cspkg serve --backend`` in front of ``ref-disk``, at sizes whose
              in-memory targets are skipped (elsewhere ``remote`` measures the backend)
``disk``      ``cspkg serve --store DIR``: built once, restarted unchanged, restarted
              with one plan changed (the incremental build)

Sizes above ``--in-memory-max-triples`` skip the in-memory targets (``ref-mem``,
``mem``, ``remote``): their copies would not fit (oxigraph in memory peaks at about
3.4 GB for 1M triples); the report says so.  Throughput is like for like: ours and its
reference cycle through the same query mix, the queries that answered on both sides in
the latency run (the reference stays up until ours has been measured).

Every canned query is bound once through the catalogue, so ``/sparql`` and the
reference run the identical text.  ``/queries/NAME`` is measured where it exists (a 404
gives "n/a").  Our figures are taken with ``Cache-Control: no-cache`` (the result cache
bypassed) so they compare engines and HTTP stacks; the "cached" column shows a repeat.

    python -m bench.run --sizes 10k,100k --query-seconds 1 --throughput-seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT
from cspkg.namespaces import DEFAULT_BASE
from cspkg.store.sources import graph_iri
from cspkg.store.sparql_text import remote_iris

from . import generate
from .client import Client, Latency, Request, canned_get, measure, sparql_get, throughput
from .procs import Process, free_port, run_timed
from .reference import Reference
from .report import write_report

BENCH_DIR = Path(__file__).resolve().parent
ADMIN_TOKEN = "bench-token-Hq4Wz8Lp2Xv7Nc5R"
TODAY = "2024-10-01"
REFERENCE = {"mem": "ref-mem", "disk": "ref-disk", "remote": "ref-mem"}
IN_MEMORY = ("ref-mem", "remote", "mem")
IN_MEMORY_MAX_TRIPLES = 2_000_000
"""Default: the largest dataset whose in-memory targets run (1M peaks at 3.4 GB in memory)."""


def bound_queries(dataset: Path) -> list[tuple[str, dict[str, str], str]]:
    """(name, parameter values, bound SPARQL) for every canned query, for this dataset."""
    params = json.loads((dataset / "params.json").read_text())
    catalog = load_catalog(PROJECT_ROOT / "queries")
    out = []
    for query in catalog.queries:
        values = params.get(query.name, {})
        text = query.bind(values)
        if remote_iris(text):
            continue  # SERVICE: leaves the machine (loopback only here), not comparable
        out.append((query.name, values, text))
    return out


def _safe(
    base: str,
    request: Request,
    seconds: float,
    reference: Reference | None = None,
    timeout: float = 600.0,
) -> Latency | str | None:
    """A figure, ``None`` (404: no such endpoint) or "failed" (timeout, error) for the table.

    ``reference``: the server that did the work; restarted after a failure, so a query
    still running there does not slow what is measured next."""
    try:
        return measure(base, request, seconds, timeout=timeout)
    except (RuntimeError, OSError) as exc:
        print(f"  failed: {request.path[:60]}: {str(exc)[-80:]}", flush=True)
        if reference is not None:
            reference.restart()
        return "failed"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work)
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs = self.work / "logs"
        self.logs.mkdir(exist_ok=True)

    # -- starting things ----------------------------------------------------------------

    def cspkg(
        self, dataset: Path | None, *extra: str, name: str, env: dict[str, str] | None = None
    ) -> tuple[Process, str]:
        port = free_port()
        env = {
            **(env or {}),
            "PYTHONPATH": os.pathsep.join(
                [str(PROJECT_ROOT / "server"), os.environ.get("PYTHONPATH", "")]
            ),
        }
        env["CSPKG_QUERY_TIMEOUT"] = str(self.args.timeout)
        env["CSPKG_ADMIN_TOKEN"] = ADMIN_TOKEN  # for the one checked write timed on disk
        if dataset is not None:
            env["CSPKG_ONTOLOGY_DIR"] = str(dataset / "ontology")
            env["CSPKG_DATA_DIR"] = str(dataset / "data")
            # Generated data conforms by construction; the build measured is the bulk load
            # (validation is measured on its own, per source).  The seed is validated.
            env["CSPKG_VALIDATE_ON_LOAD"] = "false"
        command = [sys.executable, "-m", "cspkg", "serve", "--port", str(port), *extra]
        return Process(command, env, self.logs / f"{name}.log"), f"http://127.0.0.1:{port}"

    # -- measuring ----------------------------------------------------------------------

    def queries(
        self,
        base: str,
        queries: list[tuple[str, dict[str, str], str]],
        reference: bool,
        ref_path: str = "/query",
        behind: Reference | None = None,
    ) -> dict[str, Any]:
        """Latency of every query; ``behind``: the reference doing the work (itself when
        ``reference``, the backend of the remote target), restarted after a failure."""
        seconds = self.args.query_seconds
        found: dict[str, Any] = {}
        for name, values, text in queries:
            if reference:
                # The client gives up at the timeout (the server has none: reference.py).
                request = sparql_get(ref_path, text)
                found[name] = {
                    "sparql": _safe(base, request, seconds, behind, timeout=self.args.timeout)
                }
                continue
            found[name] = {
                "sparql": _safe(base, sparql_get("/sparql", text), seconds, behind),
                "canned": _safe(base, canned_get(name, values), seconds, behind),
                "cached": _safe(base, sparql_get("/sparql", text, cache=True), seconds / 2, behind),
            }
        return found

    def latency(
        self,
        process: Process,
        base: str,
        queries: list,
        reference: bool,
        load_s: float,
        behind: Reference | None = None,
    ) -> dict[str, Any]:
        """Load figures and per-query latencies; throughput follows in :meth:`pair`."""
        load_peak = process.phase_peak()
        return {
            "load_s": load_s,
            "load_peak": load_peak,
            "queries": self.queries(base, queries, reference, behind=behind),
        }

    def pair(
        self,
        name: str,
        ours: dict[str, Any],
        ours_url: str,
        ref: dict[str, Any],
        ref_url: str,
        queries: list,
        ref_path: str = "/query",
    ) -> None:
        """Throughput of ours and its reference over the same mix (both servers up)."""
        mix = common_mix(ours["queries"], ref["queries"])
        left_out = [query for query, _, _ in queries if query not in mix]
        seconds = self.args.throughput_seconds
        for target, base, path in ((ours, ours_url, "/sparql"), (ref, ref_url, ref_path)):
            requests = [sparql_get(path, text) for query, _, text in queries if query in mix]
            measured = (
                {c: throughput(base, requests, c, seconds) for c in (1, 8)} if requests else {}
            )
            figures = {c: rate for c, (rate, _) in measured.items()}
            failed = {c: count for c, (_, count) in measured.items() if count}
            target.setdefault("throughput", {})[name] = {
                "figures": figures,
                "failed": failed,
                "mix": len(requests),
                "left_out": left_out,
            }

    @staticmethod
    def finish(process: Process, target: dict[str, Any]) -> None:
        target["serve_peak"] = process.phase_peak()

    # -- one size -----------------------------------------------------------------------

    def size(self, size: str) -> dict[str, Any]:
        t0 = time.perf_counter()
        dataset = generate.ensure(self.work / "data", size, self.args.seed)
        manifest = json.loads((dataset / "manifest.json").read_text())
        print(
            f"[{size}] dataset {manifest['triples']:,} triples ({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        queries = bound_queries(dataset)
        targets: dict[str, Any] = {}
        health = "/health"

        skipped_in_memory = manifest["triples"] > self.args.in_memory_max_triples
        if not skipped_in_memory:
            targets.update(self.in_memory(size, dataset, queries))
        else:
            reason = (
                f"skipped: {manifest['triples']:,} triples is over --in-memory-max-triples "
                f"{self.args.in_memory_max_triples:,} (an in-memory copy would not fit)"
            )
            print(f"[{size}] in-memory targets {reason}", flush=True)
            targets.update({name: {"skipped": reason} for name in IN_MEMORY})

        scratch = Path(tempfile.mkdtemp(dir=self.work, prefix=f"{size}-stores-"))
        try:
            location = scratch / "oxigraph"
            load_s, load_peak = run_timed(
                [
                    "oxigraph",
                    "load",
                    "--location",
                    str(location),
                    "--file",
                    str(dataset / "all.nq"),
                ],
                log=self.logs / f"{size}-ref-disk-load.log",
            )
            # Like ours after a big bulk load: compact first, or the server spends its
            # first minutes compacting while it is measured (3-4x slower queries at 10M).
            optimize_s, optimize_peak = run_timed(
                ["oxigraph", "optimize", "--location", str(location)],
                log=self.logs / f"{size}-ref-disk-optimize.log",
            )
            load_s, load_peak = load_s + optimize_s, max(load_peak, optimize_peak)
            store = scratch / "cspkg"
            ref = Reference(location, self.logs / f"{size}-ref-disk.log")
            ref_url = ref.url
            try:
                load_s += ref.wait()
                targets["ref-disk"] = self.latency(ref.process, ref_url, queries, True, load_s, ref)
                targets["ref-disk"]["load_peak"] = max(load_peak, targets["ref-disk"]["load_peak"])
                print(f"[{size}] ref-disk done", flush=True)
                if "remote-disk" in self.args.targets and skipped_in_memory:
                    # Where ref-mem cannot run, the remote backend fronts the on-disk one.
                    ours, url = self.cspkg(None, "--backend", ref_url, name=f"{size}-remote-disk")
                    try:
                        targets["remote-disk"] = self.latency(
                            ours, url, queries, False, ours.wait_http(url + health), ref
                        )
                        self.pair(
                            "remote-disk",
                            targets["remote-disk"],
                            url,
                            targets["ref-disk"],
                            ref_url,
                            queries,
                        )
                        self.finish(ours, targets["remote-disk"])
                    finally:
                        ours.stop()
                    print(f"[{size}] remote-disk done", flush=True)
                if "disk" in self.args.targets:
                    ours, url = self.cspkg(dataset, "--store", str(store), name=f"{size}-disk")
                    try:
                        targets["disk"] = self.latency(
                            ours, url, queries, False, ours.wait_http(url + health)
                        )
                        self.pair(
                            "disk", targets["disk"], url, targets["ref-disk"], ref_url, queries
                        )
                        targets["disk"]["replace_plan_s"] = replace_one_plan(url, dataset)
                        self.finish(ours, targets["disk"])
                    finally:
                        ours.stop()
                self.finish(ref.process, targets["ref-disk"])
                targets["ref-disk"]["restarts"] = ref.restarts
            finally:
                ref.stop()
            if "disk" not in self.args.targets:
                return self._size_result(manifest, targets, None)
            targets["disk"]["restart_s"] = self.restart(dataset, store, f"{size}-disk-restart")
            changed = sorted((dataset / "data" / "plans").glob("*.nt"))[0]
            original = changed.read_bytes()
            try:
                changed.write_bytes(original + b'<urn:bench:changed> <urn:bench:p> "x" .\n')
                targets["disk"]["one_changed_s"] = self.restart(
                    dataset, store, f"{size}-disk-changed"
                )
            finally:
                changed.write_bytes(original)
            print(f"[{size}] disk done", flush=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return self._size_result(
            manifest, targets, validation_times(dataset, self.args.validation_sample)
        )

    @staticmethod
    def _size_result(
        manifest: dict[str, Any], targets: dict[str, Any], validation: dict[str, Any] | None
    ) -> dict[str, Any]:
        return {
            "triples": manifest["triples"],
            "target": manifest["target"],
            "files": manifest["files"],
            "targets": targets,
            "validation": validation,
        }

    def in_memory(self, size: str, dataset: Path, queries: list) -> dict[str, Any]:
        """``ref-mem``, then ``remote`` and ``mem`` each paired with it while it is up."""
        targets: dict[str, Any] = {}
        ref = Reference(None, self.logs / f"{size}-ref-mem.log", dataset / "all.nq")
        ref_url = ref.url
        try:
            ref.wait()
            ref.process.phase_peak()
            started = time.perf_counter()
            ref.load()
            targets["ref-mem"] = self.latency(
                ref.process, ref_url, queries, True, time.perf_counter() - started, ref
            )
            print(f"[{size}] ref-mem done", flush=True)
            for name, extra in (("remote", ("--backend", ref_url)), ("mem", ())):
                if name not in self.args.targets:
                    continue
                ours, url = self.cspkg(None if extra else dataset, *extra, name=f"{size}-{name}")
                try:
                    targets[name] = self.latency(
                        ours,
                        url,
                        queries,
                        False,
                        ours.wait_http(url + "/health"),
                        ref if extra else None,
                    )
                    self.pair(name, targets[name], url, targets["ref-mem"], ref_url, queries)
                    self.finish(ours, targets[name])
                finally:
                    ours.stop()
                print(f"[{size}] {name} done", flush=True)
            self.finish(ref.process, targets["ref-mem"])
            targets["ref-mem"]["restarts"] = ref.restarts
        finally:
            ref.stop()
        return targets

    def restart(self, dataset: Path, store: Path, name: str) -> float:
        ours, url = self.cspkg(dataset, "--store", str(store), name=name)
        try:
            return ours.wait_http(url + "/health")
        finally:
            ours.stop()

    def cold_start(self) -> dict[str, Any]:
        """The project's own seed data: ``cspkg serve`` start -> first 200s."""
        query = load_catalog(PROJECT_ROOT / "queries").get("plan-summary")
        ours, url = self.cspkg(None, name="cold-start")
        try:
            health = ours.wait_http(url + "/health")
            client = Client(url)
            status, _ = client.get(canned_get("plan-summary", {}))
            canned = time.perf_counter() - ours.started if status == 200 else None
            status, _ = client.get(sparql_get("/sparql", query.bind({})))
            sparql = time.perf_counter() - ours.started if status == 200 else None
            client.close()
        finally:
            ours.stop()
        return {"health_s": health, "canned_s": canned, "sparql_s": sparql}


def common_mix(ours: dict[str, Any], ref: dict[str, Any]) -> set[str]:
    """Queries that answered (a latency figure, not "failed" or a timeout) on both sides."""
    return {
        name
        for name, figures in ours.items()
        if isinstance(figures["sparql"], Latency)
        and isinstance(ref.get(name, {}).get("sparql"), Latency)
    }


def replace_one_plan(base: str, dataset: Path, runs: int = 3) -> float:
    """Median seconds to PUT one plan's graph through ``/store``: a checked write, so
    the plan is validated with its context from the store before it replaces the graph
    (what revalidating one changed plan costs in a store of this size)."""
    plan = sorted((dataset / "data" / "plans").glob("*.nt"))[0]
    graph = graph_iri(DEFAULT_BASE, str(plan.relative_to(dataset)))
    body = plan.read_bytes()
    headers = {"Content-Type": "application/n-triples", "Authorization": f"Bearer {ADMIN_TOKEN}"}
    host, port = base.removeprefix("http://").split(":")
    samples = []
    for _ in range(runs):
        conn = http.client.HTTPConnection(host, int(port), timeout=600)
        try:
            started = time.perf_counter()
            conn.request("PUT", f"/store?{urlencode({'graph': graph})}", body, headers)
            response = conn.getresponse()
            answer = response.read()
            samples.append(time.perf_counter() - started)
        finally:
            conn.close()
        if response.status not in (200, 201, 204):
            raise RuntimeError(f"PUT of {plan.name}: HTTP {response.status}: {answer[:300]!r}")
    return statistics.median(samples)


def validation_times(dataset: Path, sample: int) -> dict[str, Any]:
    """Validating each source on its own (SHACL with the ontology), as a changed file is.

    Times ``sample`` files spread over the dataset and extrapolates to all of them; the
    one-plan figure is what revalidation costs after one plan changed.
    """
    from cspkg.config import load_settings
    from cspkg.rdf.validation import validate_files

    settings = load_settings(
        environ={}, ontology_dir=dataset / "ontology", data_dir=dataset / "data"
    )
    files = sorted((dataset / "data").rglob("*.nt"))
    step = max(1, len(files) // max(sample, 1))
    chosen = files[::step][:sample]
    seconds = []
    for path in chosen:
        started = time.perf_counter()
        validate_files([path], settings)
        seconds.append(time.perf_counter() - started)
    plan = sorted((dataset / "data" / "plans").glob("*.nt"))[0]
    started = time.perf_counter()
    conforms = validate_files([plan], settings).conforms
    one_plan = time.perf_counter() - started
    return {
        "sampled": len(chosen),
        "files": len(files),
        "all_estimate_s": sum(seconds) / len(seconds) * len(files),
        "one_plan_s": one_plan,
        "one_plan_conforms": conforms,
    }


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cspkg benchmark: ours vs oxigraph server")
    parser.add_argument(
        "--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m,10m or numbers"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--query-seconds", type=float, default=1.0, help="time per query per endpoint"
    )
    parser.add_argument("--throughput-seconds", type=float, default=5.0)
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="query timeout: ours stops the query; the bench stops waiting for the "
        "reference and restarts it (bench/reference.py)",
    )
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "cspkg-bench"))
    parser.add_argument("--out", default=str(BENCH_DIR / "results" / "latest.md"))
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument(
        "--in-memory-max-triples",
        type=int,
        default=IN_MEMORY_MAX_TRIPLES,
        help="larger datasets skip the in-memory targets (ref-mem, mem, remote)",
    )
    parser.add_argument("--validation-sample", type=int, default=20, help="files timed per size")
    parser.add_argument(
        "--targets",
        default="mem,remote,disk,remote-disk",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        help="ours to measure (remote-disk only where the in-memory targets are skipped); "
        "each with its reference",
    )
    args = parser.parse_args(argv)
    bench = Bench(args)
    results: dict[str, Any] = {"machine": machine(), "args": vars(args), "sizes": {}}
    if not args.no_cold_start:
        results["cold_start"] = bench.cold_start()
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        results["sizes"][size] = bench.size(size)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=json_default))
    text = write_report(results, out)
    print(text)
    return 0


def json_default(value: object) -> object:
    """``json.dumps`` default for result files: latencies as their fields."""
    if isinstance(value, Latency):
        return asdict(value)
    raise TypeError(type(value))


if __name__ == "__main__":
    raise SystemExit(main())
