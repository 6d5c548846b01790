"""What an on-disk store was built from: each source graph's content hash, kept beside it.

The embedded on-disk store re-imports only the sources whose content changed since the
last load.  The hashes live in ``cspkg-sources.json`` inside the store directory (RocksDB
leaves files it does not know alone), not in a named graph, where every union-graph
query would see them.  The file is rewritten atomically, and the entries of sources
about to be reloaded are dropped *before* loading, so a crash mid-load means "reload
next time", never "trust a half-written graph".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .sources import Source

MANIFEST_NAME = "cspkg-sources.json"
_VERSION = 1


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def source_key(source: Source) -> str:
    """What a graph was loaded from: content and media type (a format change reloads)."""
    return f"{source.media_type} {content_hash(source.path)}"


@dataclass(frozen=True)
class Plan:
    """What a load must do: sources to (re)load, graphs to drop, and the hashes after."""

    load: list[Source]
    drop: list[str]
    unchanged: dict[str, str]
    after: dict[str, str]


class SourceManifest:
    """Graph IRI -> source key, for the sources loaded into one on-disk store."""

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / MANIFEST_NAME

    def read(self) -> dict[str, str]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != _VERSION:
            return {}
        graphs = document.get("graphs")
        return {str(k): str(v) for k, v in graphs.items()} if isinstance(graphs, dict) else {}

    def write(self, graphs: dict[str, str]) -> None:
        partial = self.path.with_suffix(".part")
        document = {"version": _VERSION, "graphs": dict(sorted(graphs.items()))}
        partial.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, self.path)

    def plan(self, sources: Sequence[Source]) -> Plan:
        recorded = self.read()
        after = {source.graph_iri: source_key(source) for source in sources}
        load = [s for s in sources if recorded.get(s.graph_iri) != after[s.graph_iri]]
        drop = sorted(set(recorded) - set(after))
        unchanged = {g: k for g, k in recorded.items() if after.get(g) == k}
        return Plan(load, drop, unchanged, after)
