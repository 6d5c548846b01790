"""Import LSOA populations into ``data/population/lsoa-{year}.ttl``, one file per year.

Importing a year again replaces that year's file; nothing is written when any row is bad.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..config import Settings
from ..rdf.population import read_estimates, write_year
from .data_files import Render, write_all


@dataclass
class PopulationReport:
    lsoas_by_year: dict[str, int]
    residents_by_year: dict[str, int]
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def import_population(
    path: Path, settings: Settings, out_dir: Path | None = None, year: str | None = None
) -> PopulationReport:
    estimates = read_estimates(path, year)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    out_dir = out_dir or settings.data_dir
    years = sorted({e.year for e in estimates})
    rendered: dict[Path, Render] = {}
    for when in years:
        mine = [e for e in estimates if e.year == when]
        target = out_dir / "population" / f"lsoa-{when}.ttl"
        rendered[target] = partial(
            write_year,
            estimates=mine,
            year=when,
            base=settings.base,
            source=path.name,
            digest=digest,
        )
    result = write_all(rendered)
    return PopulationReport(
        {y: sum(1 for e in estimates if e.year == y) for y in years},
        {y: sum(e.population for e in estimates if e.year == y) for y in years},
        result.written,
        result.unchanged,
    )
