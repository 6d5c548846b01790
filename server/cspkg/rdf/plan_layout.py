"""Where a plan keeps its actions, when the built-in recognition needs telling.

Most plans are recognised without help: the narrative template by its 'Action' blocks,
a table by a header row whose titles the built-in synonyms know.  A layout file (TOML,
``cspkg import --layout FILE``) names what they cannot::

    layout = "table"          # or "narrative"; default: recognise
    table = 2                 # which Word table (from 1), or: sheet = "Actions"
    header_row = 3            # the header's row in that table (from 1)
    priorities = "headings"   # "column" or "headings" (merged rows over the actions)
    partnership = "Westshire" # when no title names it
    year = "2025/26"

    [columns]                 # field = the plan's column title
    action = "Initiative"
    responsible = "Accountable body"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PlanDocumentError

FIELDS = ("reference", "action", "responsible", "supporting", "priorities", "target", "outcome")
KEYS = {"layout", "table", "sheet", "header_row", "priorities", "partnership", "year", "columns"}


@dataclass(frozen=True)
class Layout:
    """The recognition settings; the defaults mean: recognise everything."""

    kind: str = "auto"
    table: int | None = None
    sheet: str | None = None
    header_row: int | None = None
    priorities: str = "auto"
    partnership: str | None = None
    year: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    name: str = ""
    """The layout file's name, for the import report ('' for the built-ins)."""


def _fail(name: str, problem: str) -> PlanDocumentError:
    return PlanDocumentError(name, None, problem)


def load_layout(path: Path) -> Layout:
    """Read and check a layout file; every mistake names the key at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path.name, f"cannot read the layout file: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path.name, f"not a TOML layout file ({exc})") from None
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise _fail(path.name, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    kind = data.get("layout", "auto")
    if kind not in ("auto", "narrative", "table"):
        raise _fail(path.name, 'layout must be "narrative" or "table"')
    priorities = data.get("priorities", "auto")
    if priorities not in ("auto", "column", "headings"):
        raise _fail(path.name, 'priorities must be "column" or "headings"')
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise _fail(path.name, "[columns] maps a field to a column title (text)")
    wrong = sorted(set(columns) - set(FIELDS))
    if wrong:
        raise _fail(
            path.name, f"unknown column field(s) {', '.join(wrong)}; known: {', '.join(FIELDS)}"
        )
    for key in ("table", "header_row"):
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise _fail(path.name, f"{key} must be a whole number from 1")
    for key in ("sheet", "partnership", "year"):
        if key in data and not isinstance(data[key], str):
            raise _fail(path.name, f"{key} must be text")
    return Layout(
        kind="table" if columns and kind == "auto" else kind,
        table=data.get("table"),
        sheet=data.get("sheet"),
        header_row=data.get("header_row"),
        priorities=priorities,
        partnership=data.get("partnership"),
        year=data.get("year"),
        columns=dict(columns),
        name=path.name,
    )
