"""Parameter values by name: an IRI, a label or a code, resolved to the one thing meant.

Analysts know "Staffordshire Police" or "ASB", not IRIs.  An IRI-typed parameter with a
``class`` accepts any name of a thing of that class: its labels (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``), its ``skos:notation``, an abbreviation its label
spells out in brackets ("Anti-Social Behaviour (ASB)") and the last segment of its IRI
("staffordshire-police") or its key (a plan's "cannock-chase-csp/2024-25"), compared without regard to case or spacing.  A name that fits
several things, or none, is refused with the closest candidates (rapidfuzz), so the form
can offer them.  The same resolver serves the web form, the JSON/CSV twins and
``cspkg query -p``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from ..catalog import Parameter
from ..errors import ParameterError
from ..namespaces import PREFIXES

ABSOLUTE = re.compile(r"(?:https?|urn|ftp|mailto|file|tag):\S*\Z", re.IGNORECASE)
"""Values that are IRIs whatever else they might match: used as given."""
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9&]{1,9})\)")
_KEY = re.compile(r"/id/[^/]+/(.+?)/?\Z")
"""An IRI's key: its path after ``/id/{kind}/`` (``cannock-chase-csp/2024-25``)."""
CANDIDATES_SHOWN = 5
PLAN = Parameter("plan", "iri", "Delivery plan", rdf_class=PREFIXES["cspkg"] + "DeliveryPlan")
"""A delivery plan by name, wherever one is asked for (pages, twins, CLI, imports)."""
QUARTER = Parameter(
    "period",
    "iri",
    "Quarter (2024-Q3 or Q3 2024/25)",
    rdf_class=PREFIXES["cspkg"] + "ReportingPeriod",
)
"""A reporting quarter by name: its notation (``2024-Q3``) or label (``Q3 2024/25``)."""
SCORE_CUTOFF = 55


@dataclass(frozen=True)
class Choice:
    """One thing a parameter may name: its IRI, display label and every other name."""

    iri: str
    label: str
    names: tuple[str, ...] = ()

    @cached_property
    def other_names(self) -> tuple[str, ...]:
        """Every name but the label, as written, with the abbreviations labels spell out:
        what the chooser matches typing against besides the label."""
        found: list[str] = []
        for name in (*self.names, *_ABBREVIATION.findall(" ".join((self.label, *self.names)))):
            if normalise(name) != normalise(self.label) and name not in found:
                found.append(name)
        return tuple(found)

    @cached_property
    def known_names(self) -> frozenset[str]:
        """Every name, normalised, including the IRI's last segment and abbreviations."""
        found = {normalise(self.label), normalise(self.iri.rstrip("/").rsplit("/", 1)[-1])}
        key = _KEY.search(self.iri)
        if key is not None:  # a plan's "cannock-chase-csp/2024-25", as in its page's URL
            found.add(normalise(key.group(1)))
        for name in (self.label, *self.names):
            found.add(normalise(name))
            found.update(normalise(short) for short in _ABBREVIATION.findall(name))
        found.discard("")
        return frozenset(found)


def normalise(text: str) -> str:
    """Case-folded, spaces collapsed, ``_``, ``-`` and ``/`` read as spaces (so
    ``2024-25`` is ``2024/25``, and a plan's key ``cannock-chase-csp/2024-25`` its words)."""
    text = text.replace("_", " ").replace("-", " ").replace("/", " ")
    return " ".join(text.casefold().split())


def resolve(parameter: Parameter, raw: str, choices: Sequence[Choice]) -> str:
    """The IRI ``raw`` names among ``choices``; ``ParameterError`` with candidates if it
    names several things or none (and is not itself an absolute IRI)."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if ABSOLUTE.match(text) or (not choices and ":" in text):
        return text
    key = normalise(text)
    matches = {choice.iri: choice for choice in choices if key in choice.known_names}
    if len(matches) == 1:
        return next(iter(matches))
    what = words_for(parameter)
    if matches:
        labels = sorted(_display(c, choices) for c in matches.values())
        raise ParameterError(
            parameter.name,
            f"one {what}: '{raw}' fits {len(matches)} of them",
            raw,
            tuple(labels[:CANDIDATES_SHOWN]),
        )
    if ":" in text and " " not in text:
        return text  # a well-formed IRI of a thing not (yet) listed: it matches nothing
    raise ParameterError(
        parameter.name,
        f"the name or code of {article(what)}",
        raw,
        tuple(close(raw, choices)),
    )


def close(raw: str, choices: Sequence[Choice], limit: int = CANDIDATES_SHOWN) -> list[str]:
    """The labels of the things whose names are most like ``raw``, best first."""
    scores: dict[str, float] = {}
    for choice in choices:
        for name in (choice.label, *choice.names):
            score = fuzz.WRatio(normalise(raw), normalise(name))
            if score >= SCORE_CUTOFF and score > scores.get(choice.iri, -1):
                scores[choice.iri] = score
    ranked = sorted(scores, key=lambda iri: -scores[iri])[:limit]
    by_iri = {choice.iri: choice for choice in choices}
    return [_display(by_iri[iri], choices) for iri in ranked]


def _display(choice: Choice, choices: Sequence[Choice]) -> str:
    """The label, with the IRI's last segment when another thing has the same label."""
    same = sum(1 for other in choices if other.label == choice.label)
    return choice.label if same < 2 else f"{choice.label} ({choice.iri.rsplit('/', 1)[-1]})"


def words_for(parameter: Parameter) -> str:
    """What kind of thing a parameter names, in words ("agency", "CSP priority")."""
    words = parameter.label.split(" (")[0] or "thing"
    proper = words[1:2].isupper() or any(w[:1].isupper() for w in words.split()[1:])
    return words if proper else words[:1].lower() + words[1:]


def article(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words


def group_choices(rows: Iterable[tuple[str, str, str | None]]) -> list[Choice]:
    """``(iri, label, other name)`` rows (one per name) into one ``Choice`` per thing."""
    labels: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for iri, label, name in rows:
        labels.setdefault(iri, label)
        if name and name not in names.setdefault(iri, []):
            names[iri].append(name)
    found = [Choice(iri, labels[iri], tuple(names.get(iri, ()))) for iri in labels]
    return sorted(found, key=lambda c: (c.label.casefold(), c.iri))


def resolve_among(
    parameter: Parameter, text: str, things: Sequence[tuple[str, str, Sequence[str]]]
) -> str | None:
    """The one name rule over things read from files rather than a store: ``(iri, label,
    other names)`` each; the IRI ``text`` names among them, or ``None``."""
    choices = group_choices((iri, label, name) for iri, label, names in things for name in names)
    try:
        found = resolve(parameter, text.strip(), choices)
    except ParameterError:
        return None
    return found if found in {c.iri for c in choices} else None
