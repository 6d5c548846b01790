"""The repository runs from any clone: nothing it runs reads a folder beside it.

A user who clones the project has no ``shared`` folder beside it; the seed plan, the police.uk extract,
the reference identifiers and the W3C test files are kept in the repository with their
provenance and licence notes (``data/sources/README.md``, ``tests/w3c/README.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from cspkg.config import PROJECT_ROOT

from .conftest import SEED_PLAN, SOURCES, W3C

THIS = Path(__file__).resolve()
# What is run: the build, the tests, CI, the bench and the package.
RUN_FROM = ["Makefile", "pyproject.toml", ".ci", "tests", "bench", "server", "queries"]
TEXT_SUFFIXES = {"", ".py", ".toml", ".cfg", ".ini", ".sh", ".txt", ".rq", ".yml", ".yaml"}
OUTSIDE = re.compile(
    r"""\.\./+shared"""  # a relative path up to a folder beside the clone
    r"""|/work/shared"""  # the build machine's absolute path
    r"""|parent\s*/\s*["']shared["']"""  # the project root's parent, then that folder
    r"""|parents?\[\d\]\s*/\s*["']shared["']"""
    r"""|["']\.\.["']\s*,\s*["']shared["']"""  # os.path.join("..", "shared")
)


def _files() -> list[Path]:
    found = []
    for name in RUN_FROM:
        root = PROJECT_ROOT / name
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            if ".venv" in path.parts or "__pycache__" in path.parts or path.resolve() == THIS:
                continue
            found.append(path)
    return found


def test_nothing_run_reads_a_folder_beside_the_repository() -> None:
    files = _files()
    assert PROJECT_ROOT / "Makefile" in files and PROJECT_ROOT / "tests" / "conftest.py" in files
    hits = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").split("\n"), 1
        )
        if OUTSIDE.search(line)
    ]
    assert hits == []


@pytest.mark.parametrize(
    # Written in two pieces so that a grep of the repository for such reads finds none here.
    "line",
    ['SEED = PROJECT_ROOT.parent / "sha' + 'red" / "seed"', "PLAN := ../sha" + "red/seed/x.txt"],
)
def test_the_check_sees_a_read_from_beside(line: str) -> None:
    assert OUTSIDE.search(line)


def test_the_sources_are_in_the_repository_with_their_notes() -> None:
    assert SEED_PLAN.is_relative_to(PROJECT_ROOT) and SEED_PLAN.stat().st_size > 10_000
    assert (SOURCES / "police-uk" / "2019-01-cannock-chase-street.csv").is_file()
    assert "Open Government Licence v3.0" in (SOURCES / "README.md").read_text(encoding="utf-8")
    assert "E07000192" in (SOURCES / "identifiers.md").read_text(encoding="utf-8")
    assert "W3C" in (W3C.parent / "LICENSE.md").read_text(encoding="utf-8")


def test_every_w3c_file_a_manifest_names_is_kept() -> None:
    """The manifests name their data, queries and results as files next to them."""
    named = []
    for manifest in sorted(W3C.rglob("manifest*.ttl")):
        graph = Graph().parse(manifest, format="turtle")
        named += [
            Path(str(o).removeprefix("file://"))
            for o in graph.objects()
            if str(o).startswith("file://")
        ]
    assert len(named) > 20
    missing = [str(p) for p in named if p.suffix and not p.is_file()]
    assert missing == []
