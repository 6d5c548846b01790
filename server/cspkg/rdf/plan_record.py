"""What any plan layout is read into: plain records, before any RDF is made.

The narrative reader (``plan_parser``) and the table reader (``plan_tables``) both fill
these, so everything after parsing (names, graphs, the import report) is one path.
Positions are kept as a line number (provenance, sorting) and, for tables, a phrase
such as "table 1, row 4, column 'Lead'" so messages point where a person would look.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..errors import PlanDocumentError
from .dates import TargetDate

BULLETS = "·•●▪◦‣-*–"
NONE_WORDS = {"n/a", "na", "none", "-", "–", "—", "tbc", "n.a", ""}
PRIORITY_PREFIX = re.compile(
    r"^(?:(?:strategic )?(?:priority|theme)\s*(?:\d+|[a-z])?\s*[:.)–-]\s*|\d+[.)]\s+)", re.I
)
Unlisted = Literal["add", "refuse"]


@dataclass(frozen=True)
class Named:
    """A name as written in the plan, with the line it was read from (and table position)."""

    text: str
    line: int
    where: str = ""

    @property
    def at(self) -> str:
        return self.where or f"line {self.line}"


@dataclass(frozen=True)
class Notice:
    """A warning the import reports: where, and what a person may want to do about it."""

    where: str
    message: str


@dataclass(frozen=True)
class ActionRecord:
    """One action of the plan, with its position in the source."""

    ordinal: int
    first_line: int
    last_line: int
    paragraphs: tuple[str, ...]
    responsible: tuple[Named, ...]
    supporting: tuple[Named, ...]
    priorities: tuple[Named, ...]
    target: TargetDate | None
    target_line: int | None = None
    reference: str | None = None
    """The plan's own reference for the action ("1.3", "ASB-02"), when it gives one."""
    outcome: str | None = None
    """The measure of success or outcome the plan states for the action."""
    heading: Named | None = None
    """The priority heading the action sat under in the plan's table."""
    annotations: tuple[tuple[str, str], ...] = ()
    """(column title, cell text) for the table's columns no property holds."""


@dataclass(frozen=True)
class PriorityRecord:
    """A priority as the plan names it, with its description and footnotes if any."""

    label: str
    line: int
    description: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommissionerPlanRecord:
    """The Police and Crime Plan the CSP works under, as the delivery plan states it."""

    area: str
    years: str
    title: str
    line: int
    priorities: tuple[PriorityRecord, ...]
    approaches: tuple[Named, ...]


@dataclass(frozen=True)
class PlanRecord:
    """Everything a reader took from one delivery plan."""

    source: str
    partnership: str
    year: str
    introduction: tuple[str, ...]
    priorities: tuple[PriorityRecord, ...]
    commissioner: CommissionerPlanRecord | None
    actions: tuple[ActionRecord, ...]
    layout: str = "narrative"
    warnings: tuple[Notice, ...] = ()


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove a leading bullet character; say whether there was one."""
    stripped = text.lstrip()
    if stripped and stripped[0] in BULLETS and (len(stripped) == 1 or stripped[1] == " "):
        return stripped[1:].strip(), True
    return stripped, False


def heading_key(text: str) -> str:
    """Normalise a heading: case, spacing and a trailing colon do not matter."""
    return " ".join(text.lower().rstrip(":").split())


def priority_key(text: str) -> str:
    """Normalise a priority name so that the plan's variants of one priority agree.

    "Anti-social" and "Anti-Social", "&" and "and", and a parenthetical such as
    "(incl. Alcohol, Drugs and Mental Health)" or "(ASB)" do not distinguish priorities.
    """
    text = re.sub(r"\([^)]*\)?", " ", text.lower()).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


NAME_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*")
MAX_NAME_PIECES = 40


def split_names(text: str, known: Callable[[str], bool]) -> list[str] | None:
    """'Staffordshire Police, Probation Service and Vysions Youth Service' -> the three,
    when the text splits at commas, 'and', '&' or '/' into names ``known`` all knows (the
    fewest pieces: 'Fire and Rescue Service' stays one name); None when it does not."""
    pieces = NAME_SEPARATOR.split(text)
    separators = NAME_SEPARATOR.findall(text)
    if len(pieces) < 2 or len(pieces) > MAX_NAME_PIECES:
        return None
    best: dict[int, list[str] | None] = {len(pieces): []}
    for start in range(len(pieces) - 1, -1, -1):
        best[start] = None
        for end in range(start + 1, len(pieces) + 1):
            rest = best[end]
            if rest is None:
                continue
            name = pieces[start] + "".join(
                sep + piece
                for sep, piece in zip(
                    separators[start : end - 1], pieces[start + 1 : end], strict=True
                )
            )
            current = best[start]
            shorter = current is None or len(rest) + 1 < len(current)
            if shorter and name.strip() and known(name.strip()):
                best[start] = [name.strip(), *rest]
    found = best[0]
    return found if found is not None and len(found) > 1 else None


def is_none(text: str) -> bool:
    """ "N/A", "-", "TBC", "None" and an empty cell all mean: nothing here."""
    return " ".join(text.lower().split()).rstrip(". ") in NONE_WORDS


def target_notice(target: TargetDate | None, where: str) -> list[Notice]:
    """A target written as 'TBC' has no date: the import says so."""
    if target is not None and target.unknown:
        return [Notice(where, f"target '{target.text}' gives no date yet")]
    return []


@dataclass
class PriorityBook:
    """The plan's listed priorities, and what actions name that the plan did not list.

    ``unlisted`` says what to do with a priority an action names but the plan's list
    lacks: add it to the plan's priorities with a warning, or refuse the plan.
    """

    source: str
    listed: tuple[PriorityRecord, ...]
    unlisted: Unlisted = "add"
    added: list[PriorityRecord] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.known = {priority_key(p.label): p for p in self.listed}

    def match(self, named: Named) -> Named:
        """The priority an action names, checked against the list (variants agree)."""
        text = PRIORITY_PREFIX.sub("", named.text).strip().rstrip(".;:")
        key = priority_key(text)
        if not key:
            raise PlanDocumentError(self.source, named.line, f"'{named.text}' names no priority")
        found = Named(text, named.line, named.where)
        if key in self.known:
            return found
        if self.unlisted == "refuse":
            listed = "; ".join(p.label for p in self.listed) or "none"
            raise PlanDocumentError(
                self.source,
                named.line,
                f"'{text}' is not one of the plan's strategic priorities ({listed})",
                where=named.where or None,
            )
        record = PriorityRecord(label=text, line=named.line)
        self.known[key] = record
        self.added.append(record)
        self.notices.append(
            Notice(
                named.at,
                f"priority '{text}' is not in the plan's list of strategic priorities; "
                "added (use --unlisted-priorities refuse to stop instead)",
            )
        )
        return found

    @property
    def priorities(self) -> tuple[PriorityRecord, ...]:
        return (*self.listed, *self.added)
