"""A 5-second smoke run of ``bench/load/run_load.py``: it reports, and nothing unexpected."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

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


def _load_script() -> ModuleType:
    """``bench/load/run_load.py`` as a module (a script, not in a package)."""
    spec = importlib.util.spec_from_file_location("run_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_load"] = module
    spec.loader.exec_module(module)
    return module


def test_report_runs_keep_each_others_sections(tmp_path: Path) -> None:
    """``--reports`` writes its own section; the plain run rewrites only the part above."""
    module = _load_script()
    path = tmp_path / "report.md"
    path.write_text(module.merged(path, "# Load test\n\nfirst\n", False))
    path.write_text(module.merged(path, "## Board reports under load\n\nreports 1\n", True))
    path.write_text(module.merged(path, "# Load test\n\nsecond\n", False))
    path.write_text(module.merged(path, "## Board reports under load\n\nreports 2\n", True))
    text = path.read_text()
    assert text == "# Load test\n\nsecond\n\n## Board reports under load\n\nreports 2\n", text


def test_the_plain_run_keeps_the_hand_written_notes(tmp_path: Path) -> None:
    """Writing the plain run again replaces its figures, not the notes under them."""
    module = _load_script()
    path = tmp_path / "report.md"
    notes = "## Notes (written by hand)\n\n- what the figures mean\n"
    path.write_text("# Load test\n\nfirst\n\n" + notes + "\n## Board reports under load\n\nr\n")
    path.write_text(module.merged(path, "# Load test\n\nsecond\n", False))
    text = path.read_text()
    assert text == "# Load test\n\nsecond\n\n" + notes + "\n## Board reports under load\n\nr\n", (
        text
    )
