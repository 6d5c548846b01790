"""How a canned query's answer is presented to people: the optional header fields.

Every field has a default, so a query written without them still reads well:

- ``group: Coverage and gaps`` -- the catalogue section (default ``Other questions``);
- ``titles: lsoa="Neighbourhood (LSOA)" crimes="Crimes"`` -- column titles in words
  (default: the variable name spelled out, ``sharedActions`` -> "Shared actions"; a label
  column ``xLabel`` takes the title of ``x``);
- ``hidden: total`` -- columns the page leaves out (the data twins keep them);
- ``rows: action`` -- the page shows one row per distinct value of that column;
- ``total: total LSOAs`` -- a column holding how many rows there are in all, and what
  they are, so a limited answer says "top 20 of 185 LSOAs";
- ``matrix: rows=row columns=column value=covered [by=rowKind]
  [sheets="action=Actions x priorities; csp-priority=CSP x Commissioner"]`` -- the
  workbook pivots the long answer into a wide grid (one sheet per ``by`` value, named
  by ``sheets``);
- ``shows: commissionerPlan`` -- columns that say which value an optional parameter left
  empty stood for (a query falls back to the Police and Crime Plan the delivery plan
  cites): the form shows that value chosen rather than a bare "Any".
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from .errors import CatalogError

FIELDS = {"group", "titles", "hidden", "rows", "total", "matrix", "shows"}
DEFAULT_GROUP = "Other questions"
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class Matrix:
    """Which columns make a long answer a grid: row and column things and the value."""

    rows: str
    columns: str
    value: str
    by: str | None = None
    sheets: dict[str, str] = field(default_factory=dict)
    """``by`` value -> sheet name."""


@dataclass(frozen=True)
class Presentation:
    """The presentation fields of one query (see the module text)."""

    group: str = DEFAULT_GROUP
    titles: dict[str, str] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()
    rows: str | None = None
    total: tuple[str, str] | None = None
    matrix: Matrix | None = None
    shows: tuple[str, ...] = ()

    def title_of(self, column: str) -> str:
        """The column's title in words."""
        if column in self.titles:
            return self.titles[column]
        if column.endswith("Label") and len(column) > 5:
            return self.title_of(column[:-5])
        return spell(column)


def spell(name: str) -> str:
    """``sharedActions`` -> "Shared actions", ``actionsA`` -> "Actions A"."""
    words = _WORD.findall(name) or [name]
    text = " ".join(w if w.isupper() else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def parse_presentation(
    source: str, fields: dict[str, list[str]], lines: dict[str, list[int]], columns: tuple[str, ...]
) -> Presentation:
    """Read the presentation fields; errors name the file and line."""

    def line(key: str) -> int:
        return lines[key][0]

    def known(key: str, name: str) -> str:
        if name not in columns:
            raise CatalogError(source, line(key), f"{key}: '{name}' is not a column")
        return name

    def pairs(key: str) -> dict[str, str]:
        try:
            words = shlex.split(fields[key][0])
        except ValueError as exc:
            raise CatalogError(source, line(key), f"{key}: {exc}") from None
        found = {}
        for word in words:
            name, equals, value = word.partition("=")
            if not equals or not value:
                raise CatalogError(source, line(key), f"{key}: expected NAME=VALUE, not '{word}'")
            found[name] = value
        return found

    presentation: dict[str, object] = {}
    if "group" in fields:
        presentation["group"] = fields["group"][0]
    if "titles" in fields:
        presentation["titles"] = {known("titles", k): v for k, v in pairs("titles").items()}
    if "hidden" in fields:
        presentation["hidden"] = tuple(known("hidden", n) for n in fields["hidden"][0].split())
    if "shows" in fields:
        presentation["shows"] = tuple(known("shows", n) for n in fields["shows"][0].split())
    if "rows" in fields:
        presentation["rows"] = known("rows", fields["rows"][0].strip())
    if "total" in fields:
        column, _, noun = fields["total"][0].partition(" ")
        presentation["total"] = (known("total", column), noun.strip() or "rows")
    if "matrix" in fields:
        given = pairs("matrix")
        allowed = {"rows", "columns", "value", "by", "sheets"}
        if not {"rows", "columns", "value"} <= given.keys() or given.keys() - allowed:
            raise CatalogError(
                source, line("matrix"), "matrix: rows= columns= value= [by=] [sheets=]"
            )
        sheets = {}
        for part in given.get("sheets", "").split(";"):
            key, equals, sheet = part.partition("=")
            if part.strip() and not (equals and key.strip() and sheet.strip()):
                raise CatalogError(source, line("matrix"), f"matrix: sheets: bad '{part}'")
            if equals:
                sheets[key.strip()] = sheet.strip()
        presentation["matrix"] = Matrix(
            known("matrix", given["rows"]),
            known("matrix", given["columns"]),
            known("matrix", given["value"]),
            known("matrix", given["by"]) if "by" in given else None,
            sheets,
        )
    return Presentation(**presentation)  # type: ignore[arg-type]
