"""Crime over months at scale: importing a national month, and the trend questions on
three years of a county.

    python -m bench.crime [--rows 500000] [--months 36] [--repeats 5]

1. A generated national month (police.uk's columns, ``--rows`` rows over about 35,000
   LSOAs and 43 forces) imported by ``cspkg import-crime`` in a child process, without a
   filter (every LSOA: the most cells) and with ``--area``; wall time and the child's
   peak resident memory (``getrusage``), at a tenth of the rows too, to show how memory
   follows rows.
2. ``--months`` generated months for Staffordshire's nine districts (about 700 LSOAs;
   Cannock Chase's 60 real LSOA codes, the others invented), imported, loaded with the
   project's data into the embedded store; ``crime-trend``, ``crime-change`` and
   ``crime-seasonal`` for the seed plan, median and worst of ``--repeats`` runs.

Results: ``bench/results/crime.md`` and ``crime.json``.  Synthetic data: no figure here
is a real crime count.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT, load_settings
from cspkg.rdf.crime_import import RowFilter
from cspkg.services.canned_queries import run_canned
from cspkg.services.crime_import import import_crime
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources

RESULTS = PROJECT_ROOT / "bench" / "results"
HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
TYPES = [
    ("Anti-social behaviour", 30), ("Violence and sexual offences", 33), ("Criminal damage and arson", 8),
    ("Other theft", 6), ("Vehicle crime", 5), ("Burglary", 5), ("Shoplifting", 5), ("Public order", 5),
    ("Other crime", 1), ("Robbery", 1), ("Drugs", 2), ("Bicycle theft", 1), ("Possession of weapons", 1),
    ("Theft from the person", 1),
]  # fmt: skip
DISTRICTS = [
    ("Cannock Chase", 60), ("East Staffordshire", 75), ("Lichfield", 65), ("Newcastle-under-Lyme", 80),
    ("South Staffordshire", 70), ("Stafford", 80), ("Staffordshire Moorlands", 60), ("Tamworth", 50),
    ("Stoke-on-Trent", 160),
]  # fmt: skip
SEED_EXTRACT = PROJECT_ROOT / "data" / "sources" / "police-uk" / "2019-01-cannock-chase-street.csv"


def _row(rng: random.Random, month: str, force: str, code: str, name: str) -> list[str]:
    kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    crime_id = "" if kind.startswith("Anti") else f"{rng.getrandbits(256):064x}"
    return [
        crime_id, month, force, force, f"{rng.uniform(-3, 1):.6f}", f"{rng.uniform(50, 55):.6f}",
        "On or near Somewhere", code, name, kind, "" if not crime_id else "Under investigation", "",
    ]  # fmt: skip


def national_month(path: Path, rows: int, month: str = "2024-01", seed: int = 7) -> None:
    """About 35,000 LSOAs in 330 districts, over 43 forces; Cannock Chase's among them."""
    rng = random.Random(seed)
    lsoas = [
        (f"E01{100_000 + i:06d}", f"District {i // 106:03d} {i % 106:03d}A") for i in range(35_000)
    ]
    lsoas[:60] = [
        (f"E01029{345 + i:03d}", f"Cannock Chase {i // 5 + 1:03d}{'ABCDE'[i % 5]}")
        for i in range(60)
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        for _ in range(rows):
            code, name = rng.choice(lsoas)
            writer.writerow(_row(rng, month, f"Force {int(code[-4:]) % 43:02d} Police", code, name))


def county_months(folder: Path, months: int, per_month: int = 9_000, seed: int = 11) -> list[str]:
    """``months`` months ending 2025-03 for Staffordshire's districts, as police.uk lays
    them out (a folder per month)."""
    rng = random.Random(seed)
    with SEED_EXTRACT.open(encoding="utf-8") as stream:
        cannock = sorted({(r["LSOA code"], r["LSOA name"]) for r in csv.DictReader(stream)})
    lsoas = list(cannock)
    number = 0
    for district, count in DISTRICTS[1:]:
        for i in range(count):
            number += 1
            lsoas.append((f"E01998{number:03d}", f"{district} {i // 4 + 1:03d}{'ABCD'[i % 4]}"))
    names = []
    end = 2025 * 12 + 2
    for index in range(end - months + 1, end + 1):
        month = f"{index // 12}-{index % 12 + 1:02d}"
        season = 1 + 0.2 * ((index % 12) in (5, 6, 7))
        path = folder / month / f"{month}-staffordshire-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(HEADER)
            for _ in range(int(per_month * season)):
                code, name = rng.choice(lsoas)
                writer.writerow(_row(rng, month, "Staffordshire Police", code, name))
        names.append(month)
    return names


def _import_child(csv_path: Path, out: Path, area: str | None) -> dict[str, float]:
    """``cspkg import-crime`` in a fresh process: wall time and its peak RSS."""
    command = [
        str(Path(sys.executable).parent / "cspkg"),
        "import-crime",
        str(csv_path),
        "--out",
        str(out),
    ]
    if area:
        command += ["--area", area]
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t,"
        " 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *command], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def _time(
    store: EmbeddedStore, query: object, values: dict[str, str], repeats: int
) -> dict[str, float]:
    seconds = []
    rows = 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = len(run_canned(store, query, values).rows)  # type: ignore[arg-type]
        seconds.append(time.perf_counter() - start)
    return {"median_s": statistics.median(seconds), "max_s": max(seconds), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, object] = {"rows": args.rows, "months": args.months}
    with tempfile.TemporaryDirectory(prefix="cspkg-crime-bench-") as temp:
        work = Path(temp)
        imports = []
        for rows in (args.rows // 10, args.rows):
            month = work / f"2024-01-national-{rows}-street.csv"
            national_month(month, rows)
            for area in (None, "Cannock Chase"):
                measured = _import_child(month, work / f"out-{rows}-{area}", area)
                imports.append({"rows": rows, "area": area or "(every LSOA)", **measured})
                print(f"import {rows} rows, {area or 'every LSOA'}: {measured}", flush=True)
            month.unlink()
        results["imports"] = imports

        county = work / "county"
        county_months(county, args.months)
        settings = load_settings(environ={})
        data = work / "data"
        shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("crime", "sources"))
        mine = replace(settings, data_dir=data)
        start = time.perf_counter()
        report = import_crime([county], mine, keep=RowFilter())
        results["county_import"] = {"rows": report.rows, "seconds": time.perf_counter() - start}
        store = EmbeddedStore()
        start = time.perf_counter()
        store.replace_sources(find_sources(mine.base, [mine.ontology_dir, data]))
        results["county_load_s"] = time.perf_counter() - start
        counted = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        results["county_triples"] = int(counted.rows[0][0].value)  # type: ignore[union-attr]
        catalog = load_catalog(PROJECT_ROOT / "queries")
        asb = mine.base + "def/cannock-chase-csp/priorities/anti-social-behaviour"
        questions = [
            ("crime-trend", {}),
            ("crime-trend", {"priority": asb}),
            ("crime-trend", {"priority": asb, "from": "2024-04", "to": "2025-03"}),
            ("crime-change", {}),
            ("crime-seasonal", {"priority": asb}),
        ]
        results["queries"] = []
        for name, values in questions:
            timed = _time(store, catalog.get(name), values, args.repeats)
            results["queries"].append({"query": name, "parameters": values, **timed})  # type: ignore[union-attr]
            print(f"{name} {values}: {timed}", flush=True)
        store.close()
    _write(results)


def _write(results: dict[str, object]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crime.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Crime over months: import and trend questions",
        "",
        f"`python -m bench.crime --rows {results['rows']} --months {results['months']}` "
        "(synthetic data; `bench/crime.py`).",
        "",
        "## Importing one month",
        "",
        "| rows | kept | seconds | peak memory (MB) |",
        "|---:|---|---:|---:|",
    ]
    for i in results["imports"]:  # type: ignore[union-attr]
        lines.append(f"| {i['rows']:,} | {i['area']} | {i['seconds']:.1f} | {i['peak_mb']:.0f} |")
    lines += [
        "",
        "Peak memory is the import process's resident set (`getrusage`). Rows are streamed and",
        "only counted, so memory follows the (month, LSOA, category) cells kept, not the rows:",
        "with `--area` it is the same at ten times the rows; every LSOA of a national month",
        "keeps about 35,000 LSOAs' cells.",
    ]
    county = results["county_import"]
    lines += [
        "",
        f"## {results['months']} months of a county",
        "",
        f"{county['rows']:,} rows imported in {county['seconds']:.1f} s; loaded with the project's "  # type: ignore[index]
        f"data ({results['county_triples']:,} triples) in {results['county_load_s']:.1f} s.",
        "",
        "| query | parameters | rows | median (s) | worst (s) |",
        "|---|---|---:|---:|---:|",
    ]
    for q in results["queries"]:  # type: ignore[union-attr]
        shown = (
            ", ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in q["parameters"].items())
            or "(defaults)"
        )
        lines.append(
            f"| {q['query']} | {shown} | {q['rows']} | {q['median_s']:.3f} | {q['max_s']:.3f} |"
        )
    (RESULTS / "crime.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
