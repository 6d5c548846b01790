"""A 5-second smoke run of ``bench/load/run_load.py``: it reports, and nothing unexpected."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from cspkg.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "bench" / "load" / "run_load.py"


def test_smoke_load_writes_a_clean_report(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("run_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    report = tmp_path / "report.md"
    code = module.main(
        ["--clients", "4", "--duration", "5", "--expensive-interval", "2", "--report", str(report)]
    )
    text = report.read_text(encoding="utf-8")
    assert "- unexpected outcomes: 0" in text, text
    assert re.search(r"\| expensive \| (\d+) \| \{503: \1\} \|", text), text
    assert code == 0
