"""What an import would make of a plan, without writing anything (``cspkg import --explain``).

For each action table: every column, the property it maps to (or that it is kept as an
annotation), the score and how the title was matched, and a sample value; then the front
matter found and the import's warnings.  If the import would stop, the reason is part of
the explanation rather than an error, so a person can see how far recognition got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import PlanDocumentError
from ..rdf.agency_register import REGISTER_FILE, load_register
from ..rdf.plan_document import Row, read_plan_document
from ..rdf.plan_layout import Layout
from ..rdf.plan_parser import parse_plan
from ..rdf.plan_record import Notice, PlanRecord, Unlisted
from ..rdf.plan_tables import ActionTable, find_action_tables


@dataclass(frozen=True)
class ColumnMapping:
    """One column as the importer reads it."""

    column: str
    title: str
    property: str
    score: float
    how: str
    sample: str


@dataclass(frozen=True)
class TableMapping:
    """One action table: where it is and its columns."""

    name: str
    header_row: int
    columns: tuple[ColumnMapping, ...]


@dataclass
class Explanation:
    """What ``cspkg import --explain`` prints for one document."""

    source: str
    layout: str = ""
    tables: list[TableMapping] = field(default_factory=list)
    record: PlanRecord | None = None
    problem: str | None = None
    warnings: list[Notice] = field(default_factory=list)


def _single(row: Row) -> bool:
    return row.spanning or [i for i, c in enumerate(row.cells) if c.text.strip()] == [0]


def _sample(found: ActionTable, index: int) -> str:
    for row in found.table.rows[found.header + 1 :]:
        if _single(row) or index >= len(row.cells):
            continue
        text = " ".join(row.cells[index].text.split())
        if text:
            return text if len(text) <= 60 else text[:57] + "..."
    return ""


def _mapping(found: ActionTable) -> TableMapping:
    columns = []
    for column in found.columns:
        if not column.title and not _sample(found, column.index):
            continue
        place = found.column_name(column.index).removeprefix("column ")
        place = place.split(" (")[0] if found.table.sheet else str(column.index + 1)
        columns.append(
            ColumnMapping(
                place,
                column.title,
                column.property,
                column.score,
                column.how or "no title like it",
                _sample(found, column.index),
            )
        )
    return TableMapping(found.table.name, found.header + 1, tuple(columns))


def explain_plan(
    source: Path, settings: Settings, layout: Layout | None = None, unlisted: Unlisted = "add"
) -> Explanation:
    """Read and parse ``source`` as an import would, and say how; nothing is written."""
    register = load_register(settings.data_dir / REGISTER_FILE)
    document = read_plan_document(source)
    chosen = layout or Layout()
    explanation = Explanation(document.name)
    if chosen.kind != "narrative":
        explanation.tables = [_mapping(t) for t in find_action_tables(document, chosen)]
    try:
        record = parse_plan(
            document, layout, unlisted, lambda name: register.resolve(name) is not None
        )
    except PlanDocumentError as exc:
        explanation.problem = str(exc)
        return explanation
    explanation.record = record
    explanation.layout = record.layout
    explanation.warnings = list(record.warnings)
    return explanation
