"""The bench's reference server: restarted on its own address with its data."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest
from bench.reference import Reference

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(url: str) -> int:
    request = Request(
        f"{url}/query?query={quote(QUERY)}", headers={"Accept": "application/sparql-results+json"}
    )
    with urlopen(request, timeout=10) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])


def test_restart_keeps_the_address_and_reloads_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    data = tmp_path / "all.nq"
    data.write_text("<urn:a> <urn:p> <urn:b> <urn:g> .\n<urn:c> <urn:p> <urn:d> <urn:h> .\n")
    reference = Reference(None, tmp_path / "ref.log", data)
    try:
        reference.wait()
        reference.load()
        assert _count(reference.url) == 2  # the union default graph, as ours has
        first = reference.process.popen.pid
        reference.restart()
        assert reference.process.popen.pid != first and reference.restarts == 1
        assert _count(reference.url) == 2
        assert "--timeout-s" not in reference.process.command
    finally:
        reference.stop()
