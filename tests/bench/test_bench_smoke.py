"""The benchmark runs end to end at a tiny size and fills every row (no timing asserted)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bench.run import main

from bench import generate

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs oxigraph")


def test_generator_is_seeded_and_reproducible(tmp_path: Path) -> None:
    one = generate.generate(tmp_path / "one", 3000, seed=7)
    two = generate.generate(tmp_path / "two", 3000, seed=7)
    assert one == two and one["triples"] > 2000
    assert (tmp_path / "one" / "all.nq").read_bytes() == (tmp_path / "two" / "all.nq").read_bytes()
    plans = sorted((tmp_path / "one" / "data" / "plans").glob("*.nt"))
    assert len(plans) == len(generate.YEARS)  # one named graph per plan
    params = json.loads((tmp_path / "one" / "params.json").read_text())
    assert params["agency-actions"]["agency"].startswith("https://")


def test_bench_produces_a_full_report(tmp_path: Path) -> None:
    out = tmp_path / "latest.md"
    args = ["--sizes", "3000", "--query-seconds", "0.02", "--throughput-seconds", "0.2"]
    args += ["--validation-sample", "2"]
    assert main([*args, "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    text = out.read_text()
    assert "Machine:" in text and "### 3000:" in text and "Cold start" in text
    assert "Validation per source" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 3 * 13
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert all(cells), row
        # Only /queries/NAME may be missing (it lands with the api branch).
        assert sum(cell == "n/a" for cell in cells) <= 1, row
    assert json.loads(out.with_suffix(".json").read_text())["sizes"]["3000"]["triples"] > 2000


def test_remote_backend_fronts_the_disk_reference_where_memory_is_skipped(
    tmp_path: Path,
) -> None:
    out = tmp_path / "big.md"
    args = ["--sizes", "3000", "--query-seconds", "0.02", "--throughput-seconds", "0.2"]
    args += ["--in-memory-max-triples", "0", "--targets", "remote-disk", "--no-cold-start"]
    assert main([*args, "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    text = out.read_text()
    assert "(cspkg in front of oxigraph on disk) vs that oxigraph directly" in text
    assert "| remote-disk |" in text and "| disk |" not in text
    targets = json.loads(out.with_suffix(".json").read_text())["sizes"]["3000"]["targets"]
    assert set(targets) == {"ref-mem", "remote", "mem", "ref-disk", "remote-disk"}
    assert targets["remote-disk"]["throughput"]["remote-disk"]["figures"]
