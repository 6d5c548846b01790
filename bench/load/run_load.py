"""A bounded load test of ``cspkg serve``: N client threads for D seconds, on loopback only.

Mix per client loop: canned queries (through ``/queries`` when the server has it, else
their bound text through ``/sparql``), ad-hoc SPARQL, and now and then a deliberately
expensive query that must end in the timeout (503).  With ``--hostile``, attackers join:
``--slow`` connections from one address sending queries that run to the timeout,
``--half-open`` connections that send half a request and stall (reopened when the
server closes them), a crash payload (``FILTER(!!!…)``) and the memory query now and
then, and a ``/health`` probe twice a second.  Each client has its own loopback address
(127.0.0.x), as distinct clients would.  Records latency per kind, every unexpected
status, and the RSS of the server's processes once a second, then writes a Markdown
report.  Exit status 1 if anything unexpected happened.

    python bench/load/run_load.py                       # 16 clients, 60 s, own server
    python bench/load/run_load.py --hostile             # the same with attackers mixed in
    python bench/load/run_load.py --clients 4 --duration 5 --report /tmp/r.md   # smoke

Writing to the report file again replaces this run's figures only: the section under
"## Notes (written by hand)" and the ``--reports`` section stay.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

from bench.load.board_reports import REPORT_SECTION, merged, reporter, warm_reports  # noqa: E402
from bench.procs import rss_bytes as tree_rss  # noqa: E402

from cspkg.catalog import load_catalog  # noqa: E402

ADHOC = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "ASK { ?s a ?type }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50",
    "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type",
]
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MEMORY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
CRASH = "ASK { FILTER(" + "!" * 10_000 + "true) }"
EXPECTED = {
    "canned": {200},
    "adhoc": {200},
    "expensive": {503},
    "health": {200},
    "slow": {429, 503},
    "crash": {400},
    "memory": {503},
    "own-slow": {200, 503},
    "own-fast": {200},
    "own-four": {200},
    "report": {200, 429},
}
KINDS = (
    "canned",
    "adhoc",
    "health",
    "expensive",
    "slow",
    "crash",
    "memory",
    "own-slow",
    "own-fast",
    "own-four",
    "report",
)
OWN_SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }"
"""An analyst's slow query: about 1.4 s alone on the seed graph (200), past the timeout
when the cores are busy (503)."""
OWN = "127.0.0.12"
"""The address of a council behind one NAT: its slow query, fast queries and a page's four."""


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from one loopback address: each client is its own address."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


def session_from(source: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAdapter(source))
    return session


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    rss: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float, detail: str) -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            if status in EXPECTED[kind]:
                self.latencies[kind].append(seconds)
            elif len(self.unexpected) < 50:
                self.unexpected.append(f"{kind} -> {status}: {detail[:120]}")
            else:
                self.unexpected.append("")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, timeout: float) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"), env.get("PYTHONPATH")]))
    env["CSPKG_QUERY_TIMEOUT"] = str(timeout)
    env.pop("CSPKG_RATE_LIMIT_PER_MINUTE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "cspkg", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not come up")


def canned_requests(url: str) -> list[tuple[str, dict[str, str]]]:
    """(path, params) for each canned query: ``/queries/NAME`` if served, else /sparql."""
    catalog = load_catalog(ROOT / "queries")
    try:
        has_queries = requests.get(url + "/queries", timeout=5).status_code == 200
    except requests.RequestException:
        has_queries = False
    local = [q for q in catalog.queries if not q.federated]  # no calls off the machine
    if has_queries:
        return [(f"/queries/{q.name}", {}) for q in local]
    return [("/sparql", {"query": q.bind()}) for q in local]


def client(url: str, stop: float, seed: int, canned: list, out: Results) -> None:
    """Fast queries back to back: half canned, half ad hoc."""
    rng = random.Random(seed)
    session = session_from(f"127.0.0.{20 + seed}")
    headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"}
    while time.monotonic() < stop:
        if rng.random() < 0.5:
            kind, (path, params) = "canned", rng.choice(canned)
        else:
            kind, path, params = "adhoc", "/sparql", {"query": rng.choice(ADHOC)}
        send(session, url, kind, path, params, headers, out)


def expensive(url: str, stop: float, interval: float, out: Results) -> None:
    """One query that must hit the timeout every ``interval`` seconds.

    A separate sender, not part of each client's loop: timed-out queries hold a query
    worker until the deadline, so 16 clients sending them in step would hold every
    worker at once and starve the fast queries (measured: 503 "workers busy").
    """
    session = session_from("127.0.0.2")
    while time.monotonic() + interval < stop:
        time.sleep(interval)
        send(session, url, "expensive", "/sparql", {"query": EXPENSIVE}, {}, out)


def every(url: str, stop: float, interval: float, kind: str, source: str, out: Results) -> None:
    """``/health`` probes, crash payloads or the memory query, one per ``interval``."""
    session = session_from(source)
    while time.monotonic() + interval < stop:
        time.sleep(interval)
        if kind == "health":
            started = time.perf_counter()
            try:
                response = session.get(url + "/health", timeout=60)
                out.record(kind, response.status_code, time.perf_counter() - started, "")
            except requests.RequestException as exc:
                out.record(kind, 0, time.perf_counter() - started, type(exc).__name__)
        else:
            query = CRASH if kind == "crash" else MEMORY
            send(session, url, kind, "/sparql", {"query": query}, {}, out)


def slow(url: str, stop: float, out: Results) -> None:
    """Queries that run to the timeout, back to back, all from one address."""
    session = session_from("127.0.0.3")
    while time.monotonic() < stop:
        send(session, url, "slow", "/sparql", {"query": EXPENSIVE}, {}, out)
        time.sleep(0.05)


def one_address(url: str, stop: float, canned: list, out: Results) -> None:
    """One address (a council behind a NAT) runs a slow query; while it runs,
    five fast queries one after another, then four canned questions sent together, all
    from the same address: with work-conserving admission none waits for the slow one."""
    rng = random.Random(99)
    fresh = {"Cache-Control": "no-cache"}
    while time.monotonic() + 4 < stop:
        slow_query = threading.Thread(
            target=send,
            args=(session_from(OWN), url, "own-slow", "/sparql", {"query": OWN_SLOW}, {}, out),
        )
        slow_query.start()
        time.sleep(0.2)
        session = session_from(OWN)
        for _ in range(5):
            send(session, url, "own-fast", "/sparql", {"query": rng.choice(ADHOC)}, {}, out)
        four = [
            threading.Thread(
                target=send, args=(session_from(OWN), url, "own-four", path, params, fresh, out)
            )
            for path, params in rng.sample(canned, 4)
        ]
        for thread in four:
            thread.start()
        for thread in four:
            thread.join()
        slow_query.join()
        time.sleep(1.0)


def half_open(port: int, stop: float, count: int) -> None:
    """``count`` connections that send half a request and stall; reopened when closed."""
    held: list[socket.socket] = []
    while time.monotonic() < stop:
        held = [s for s in held if _still_open(s)]
        while len(held) < count:
            sock = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.4", 0))
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(sock)
        time.sleep(0.5)
    for sock in held:
        sock.close()


def _still_open(sock: socket.socket) -> bool:
    """False once the server has answered (408) or closed it; then it is closed here."""
    try:
        sock.setblocking(False)
        sock.recv(1024)
    except BlockingIOError:
        return True
    except OSError:
        pass
    sock.close()
    return False


def send(
    session: requests.Session,
    url: str,
    kind: str,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    out: Results,
) -> None:
    started = time.perf_counter()
    try:
        if path.startswith("/queries/"):  # the query API reads its parameters from the URL
            response = session.get(url + path, params=params, headers=headers, timeout=60)
        else:
            response = session.post(url + path, data=params, headers=headers, timeout=60)
        out.record(kind, response.status_code, time.perf_counter() - started, response.text)
    except requests.RequestException as exc:
        out.record(kind, 0, time.perf_counter() - started, type(exc).__name__)


def sample_rss(pid: int, stop: threading.Event, out: Results) -> None:
    begun = time.monotonic()
    while not stop.wait(1.0):
        out.rss.append((time.monotonic() - begun, tree_rss(pid)))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(args: argparse.Namespace, out: Results, elapsed: float, canned_via: str) -> str:
    fast = out.latencies["canned"] + out.latencies["adhoc"]
    p99 = percentile(fast, 0.99) * 1000
    rss = [value for _, value in out.rss]
    quarter = max(1, len(rss) // 4)
    early = statistics.mean(rss[quarter : 2 * quarter] or rss[:1]) if rss else 0
    late = statistics.mean(rss[-quarter:]) if rss else 0
    growth = (late - early) / early * 100 if early else 0.0
    total = sum(out.statuses.values())
    made = out.statuses[("report", 200)]
    lines = [
        REPORT_SECTION if args.reports else "# Load test: `cspkg serve` on loopback",
        "",
        *(
            [f"Command: `python bench/load/run_load.py {' '.join(sys.argv[1:])}`", ""]
            if args.reports
            else []
        ),
        (
            f"Alongside: {args.reports} clients asking for board reports "
            + ("back to back " if not args.report_pause else f"every {args.report_pause:g} s ")
            + "(seed plan, any quarter, PDF/Word/HTML, half with `Cache-Control: no-cache`): "
            f"{made} answered ({made / elapsed:.1f}/s), "
            f"{out.statuses[('report', 429)]} refused 429 while every renderer was busy"
            + (
                f" (each of the 12 reports was made once before the run: "
                f"{args.warmed:.0f} s, one at a time).  "
                if getattr(args, "warmed", None) is not None
                else ".  "
            )
            if args.reports
            else ""
        )
        + f"Run: {args.clients} clients for {args.duration:g} s, query timeout {args.timeout:g} s, "
        + (
            f"one expensive query every {args.expensive_interval:g} s"
            if args.expensive_interval > 0
            else "no expensive queries"
        )
        + "; canned queries "
        f"via {canned_via}.  Machine: {os.cpu_count()} cores."
        + (
            f"  Hostile: {args.slow} slow connections from one address, {args.half_open} "
            "half-open connections, a crash payload every 2 s, the memory query every 5 s, "
            "/health twice a second; one more address (own-*) runs a slow query (about 1.4 s alone) "
            "and, while it runs, five fast queries and then four canned questions at once."
            if args.hostile
            else ""
        ),
        "",
        f"- requests: {total} ({total / elapsed:.0f}/s)",
        f"- unexpected outcomes: {len(out.unexpected)}",
        f"- fast queries p99: {p99:.0f} ms (bound {args.p99_bound_ms:g} ms: "
        f"{'met' if p99 <= args.p99_bound_ms else 'NOT met'})",
        f"- /health p99: {percentile(out.latencies['health'], 0.99) * 1000:.0f} ms",
        f"- server RSS (all processes): {early / 2**20:.0f} MiB after warm-up -> "
        f"{late / 2**20:.0f} MiB at the end ({growth:+.1f} %; max {max(rss or [0]) / 2**20:.0f} MiB)",
        "",
        "| kind | requests | status codes | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in [k for k in KINDS if any(key[0] == k for key in out.statuses)]:
        codes = {s: c for (k, s), c in out.statuses.items() if k == kind}
        values = out.latencies[kind]
        cells = [percentile(values, q) * 1000 for q in (0.5, 0.95, 0.99)] + [
            max(values or [0]) * 1000
        ]
        lines.append(
            f"| {kind} | {sum(codes.values())} | {dict(sorted(codes.items()))} | "
            + " | ".join(f"{v:.0f}" for v in cells)
            + " |"
        )
    if out.rss:
        lines += ["", "Memory over time (RSS of the server's process tree):", ""]
        lines += ["| s | MiB |", "|---|---|"]
        step = max(1, len(out.rss) // 12)
        lines += [f"| {t:.0f} | {v / 2**20:.0f} |" for t, v in out.rss[::step]]
    if out.unexpected:
        lines += ["", "Unexpected:", ""] + [f"- {u}" for u in out.unexpected[:20] if u]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=3.0, help="CSPKG_QUERY_TIMEOUT")
    parser.add_argument("--expensive-interval", type=float, default=4.0, help="seconds (0: none)")
    parser.add_argument("--p99-bound-ms", type=float, default=1000.0)
    parser.add_argument("--hostile", action="store_true", help="mix attackers in")
    parser.add_argument("--slow", type=int, default=8, help="slow connections (--hostile)")
    parser.add_argument("--half-open", type=int, default=16, help="stalled connections")
    parser.add_argument("--reports", type=int, default=0, help="board report clients")
    parser.add_argument("--report-pause", type=float, default=0.0, help="seconds between")
    parser.add_argument("--warm-reports", action="store_true", help="make each report first")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "load" / "report.md")
    args = parser.parse_args(argv)
    port = free_port()
    server = start_server(port, args.timeout)
    url = f"http://127.0.0.1:{port}"
    out = Results()
    try:
        wait_up(url)
        canned = canned_requests(url)
        canned_via = (
            "/queries" if canned[0][0] != "/sparql" else "/sparql (bound from cspkg.catalog)"
        )
        if args.warm_reports:
            args.warmed = warm_reports(url, session_from("127.0.0.9"))
        stop_sampling = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, stop_sampling, out))
        sampler.start()
        begun = time.monotonic()
        stop = begun + args.duration
        threads = [
            threading.Thread(target=client, args=(url, stop, n, canned, out))
            for n in range(args.clients)
        ]
        if args.expensive_interval > 0:
            threads.append(
                threading.Thread(target=expensive, args=(url, stop, args.expensive_interval, out))
            )
        threads += [
            threading.Thread(
                target=reporter,
                args=(
                    url,
                    session_from(f"127.0.1.{10 + n}"),
                    stop,
                    n,
                    args.report_pause,
                    out.record,
                ),
            )
            for n in range(args.reports)
        ]
        if args.hostile:
            threads += [
                threading.Thread(target=slow, args=(url, stop, out)) for _ in range(args.slow)
            ]
            threads += [
                threading.Thread(target=half_open, args=(port, stop, args.half_open)),
                threading.Thread(target=every, args=(url, stop, 2.0, "crash", "127.0.0.6", out)),
                threading.Thread(target=every, args=(url, stop, 5.0, "memory", "127.0.0.7", out)),
                threading.Thread(target=one_address, args=(url, stop, canned, out)),
            ]
        threads.append(
            threading.Thread(target=every, args=(url, stop, 0.5, "health", "127.0.0.5", out))
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - begun
        stop_sampling.set()
        sampler.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    text = report(args, out, elapsed, canned_via)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(merged(args.report, text, bool(args.reports)), encoding="utf-8")
    print(text)
    return 1 if out.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
