"""Time ``cspkg import`` on a 40-page PDF plan: reading (pdfplumber), parsing, the whole import.

The plan is FICTIONAL (the invented "Benchmark Vale" partnership), rendered by WeasyPrint
as councils publish plans: a running header, footer and "Page N of M" on every page, a
front page of priorities, and one ruled table of actions (several agencies a cell, the
priority as a column) over the rest, its header row repeated on each page.

    python -m bench.pdf_import [--pages 40] [--repeats 5] [--out bench/results/pdf-import.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from html import escape
from pathlib import Path

from weasyprint import HTML

from cspkg.config import load_settings
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import parse_plan
from cspkg.services.plan_import import import_plan

PRIORITIES = ("Anti-Social Behaviour", "Domestic Abuse", "Fraud", "Road Safety")
AGENCIES = ("Staffordshire Police", "Probation Service", "Vysions Youth Service",
            "Cannock Chase District Council", "Staffordshire Fire and Rescue Service")  # fmt: skip
STYLE = """
@page { size: A4; margin: 2.4cm 2cm;
  @top-center { content: "Benchmark Vale CSP Delivery Plan 2026/27"; font-size: 9pt; }
  @bottom-left { content: "FICTIONAL BENCHMARK PLAN"; font-size: 9pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.5pt solid #333; padding: 3pt; vertical-align: top; text-align: left; }
td p { margin: 0 0 0.5em 0; } thead { display: table-header-group; } tr { break-inside: avoid; }
"""


def plan_html(actions: int) -> str:
    """The plan's HTML with ``actions`` rows in its table."""
    items = "".join(f"<li>{p}</li>" for p in PRIORITIES)
    head = (
        "<h1>Benchmark Vale Community Safety Partnership Delivery Plan 2026/27</h1>"
        "<p>FICTIONAL BENCHMARK PLAN: invented to time the importer.</p>"
        f"<h2>Our strategic priorities</h2><ul>{items}</ul>"
    )
    rows = []
    for n in range(1, actions + 1):
        text = (
            f"<p>Fictional action {n}: partnership patrols, youth sessions and advice desks "
            "in the Benchmark Vale estates, reviewed each quarter.</p>"
        )
        partners = "".join(f"<p>{a}</p>" for a in AGENCIES[1 + n % 3 : 3 + n % 3])
        cells = (f"B{n:03d}", text, f"<p>{AGENCIES[n % 2]}</p>", partners,
                 PRIORITIES[n % 4], f"Q{n % 4 + 1} 2026/27", f"Fictional outcome {n}")  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(
        f"<th>{escape(t)}</th>"
        for t in ("Ref", "Action", "Lead", "Partners", "Priority", "Target date", "Outcome")
    )
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<html><head><style>{STYLE}</style></head><body>{head}{table}</body></html>"


def build(folder: Path, pages: int) -> tuple[Path, int, int]:
    """A PDF of at least ``pages`` pages: rows are added until the table fills them."""
    import pdfplumber

    actions = pages * 6
    while True:
        path = folder / "benchmark-vale-plan.pdf"
        HTML(string=plan_html(actions)).write_pdf(str(path))
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        if count >= pages:
            return path, count, actions
        actions = int(actions * pages / count) + 2


def timed(run: object) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU is steadier on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    run()  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/pdf-import.md"))
    args = parser.parse_args()
    settings = load_settings(environ={})
    with tempfile.TemporaryDirectory(prefix="cspkg-bench-pdf-") as folder:
        path, pages, actions = build(Path(folder), args.pages)
        size = path.stat().st_size
        read, parse, whole = [], [], []
        for repeat in range(args.repeats):
            document = read_plan_document(path)
            read.append(timed(lambda: read_plan_document(path)))
            parse.append(timed(lambda d=document: parse_plan(d)))
            out = Path(folder) / f"out-{repeat}"
            whole.append(timed(lambda o=out: import_plan(path, settings, o)))
        report = import_plan(path, settings, Path(folder) / "check")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def row(name: str, runs: list[tuple[float, float]]) -> str:
        wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
        return (
            f"| {name} | {statistics.median(wall):.2f} | {min(wall):.2f} | {max(wall):.2f} | "
            f"{statistics.median(cpu):.2f} | {pages / statistics.median(cpu):.1f} |"
        )

    text = "\n".join([
        "# Importing a 40-page PDF plan",
        "",
        f"`python -m bench.pdf_import --pages {args.pages} --repeats {args.repeats}`: a "
        f"FICTIONAL plan of {pages} pages ({size // 1024} KB, {actions} actions in one ruled "
        "table repeated header on every page, running header, footer and page numbers), "
        f"made by WeasyPrint. The import found {report.actions} actions "
        f"({report.layout.split(' (')[0]}, {len(report.warnings)} warnings).",
        "",
        "| step | wall median s | wall min s | wall max s | CPU median s | pages per CPU s |",
        "|---|---|---|---|---|---|",
        row("read (pdfplumber: words, tables, heads and feet, joins)", read),
        row("parse (front matter, columns, actions)", parse),
        row("whole `import_plan` (read, parse, graphs, Turtle, write)", whole),
        "",
        f"Peak resident memory of the benchmark process: {peak:.0f} MB. Machine: "
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores "
        f"shared with other work (load average {os.getloadavg()[0]:.1f} at the end): wall "
        "times swing with the load, CPU times less; indicative, not a test. The `/validation` "
        f"upload checks a plan in a process stopped after {settings.upload_timeout:g} s "
        "(`upload_timeout`): the slowest whole import here took "
        f"{max(r[0] for r in whole):.0f} s.",
        "",
    ])  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
