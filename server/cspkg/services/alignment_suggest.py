"""The alignment suggester: which Commissioner priorities a plan's priorities and actions
seem to serve, each with a score and the evidence that matched.

A plan imported by a new partnership has no alignment, so every Commissioner-priority
view is empty for it until someone writes one.  The suggester drafts it from curated
evidence (``data/evidence/*.toml``: per Commissioner priority a reading of its title,
key phrases, police.uk categories and agency kinds) and plain word matching: no model,
nothing downloaded, every score explained by the words, categories and agency kinds
that matched.  A suggestion is only a suggestion: it is stored with its own status and
counted as alignment only once a person confirms it (``alignment_review.py``).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDFS, SKOS

from ..errors import CspkgError
from ..namespaces import AGENCY_KIND, CSPKG, PPLAN

EVIDENCE_DIR = "evidence"
CATEGORY_SCHEME = "def/police-uk/crime-categories/"
LABEL_WEIGHT = 3.0
"""A phrase in the priority's own name counts as much as three actions all saying it."""
CATEGORY_WEIGHT = 0.5
KIND_WEIGHT = 0.5
SCALE = 2.0
"""score = raw / (raw + SCALE): raw evidence of 2 scores 0.5."""
MIN_SCORE = 0.45
RELATIVE = 0.6
"""A second or third suggestion for a priority needs this share of the best one's evidence."""
MAX_PER_PRIORITY = 3
ACTION_MIN_PHRASES = 3
"""An action is suggested a direct link only on its own strong evidence."""
MAX_TEXT = 20_000
"""Characters of an action's text read (bounded work on any plan)."""


@dataclass(frozen=True)
class Evidence:
    """What counts as evidence for one Commissioner priority."""

    priority: URIRef
    description: str
    phrases: tuple[str, ...]
    categories: tuple[str, ...]
    agency_kinds: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceSet:
    commissioner_plan: URIRef
    source: str
    priorities: tuple[Evidence, ...]


@dataclass(frozen=True)
class Suggestion:
    """A proposed link from a CSP priority or an action to a Commissioner priority."""

    source: URIRef
    """The CSP priority or the action."""
    kind: str
    """``priority`` or ``action``."""
    target: URIRef
    score: float
    matched: tuple[str, ...]
    """Checkable evidence: ``phrase "victim" (in 3 of 5 actions)``, ``category ...``."""


@dataclass
class _Tally:
    raw: float = 0.0
    matched: list[str] = field(default_factory=list)
    phrases: int = 0


def evidence_path(data_dir: Path, commissioner_plan: URIRef) -> Path:
    """``data/evidence/{area}-pcp-{years}.toml`` for a Commissioner plan's IRI."""
    return data_dir / EVIDENCE_DIR / f"{plan_key(commissioner_plan)}.toml"


def plan_key(commissioner_plan: URIRef) -> str:
    """``staffordshire-pcp-2024-28`` for ``.../police-and-crime-plan/staffordshire/2024-28``."""
    area, years = str(commissioner_plan).rstrip("/").split("/")[-2:]
    return f"{area}-pcp-{years}"


def load_evidence(
    data_dir: Path, commissioner_plan: URIRef, base: str, graph: Graph
) -> EvidenceSet:
    """The curated evidence for a Commissioner plan; each key must be one of its priorities."""
    path = evidence_path(data_dir, commissioner_plan)
    name = f"data/{EVIDENCE_DIR}/{path.name}"
    if not path.exists():
        raise CspkgError(
            f"no evidence for {graph.value(commissioner_plan, RDFS.label) or commissioner_plan}: "
            f"the suggester needs {name}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CspkgError(f"{name}: {exc}") from None
    scheme = graph.value(commissioner_plan, CSPKG.priorityScheme)
    known = {str(p).rsplit("/", 1)[-1]: URIRef(p) for p in graph.subjects(SKOS.inScheme, scheme)}
    found = []
    for number, entry in enumerate(data.get("priority", []), start=1):
        key = str(entry.get("key", ""))
        if key not in known:
            raise CspkgError(
                f"{name}: priority {number}: '{key}' is not a priority of the plan "
                f"(its priorities: {', '.join(sorted(known))})"
            )
        found.append(
            Evidence(
                known[key],
                str(entry.get("description", "")),
                tuple(str(p) for p in entry.get("phrases", [])),
                tuple(str(c) for c in entry.get("categories", [])),
                tuple(str(k) for k in entry.get("agency_kinds", [])),
            )
        )
    return EvidenceSet(commissioner_plan, name, tuple(found))


# --- words ---------------------------------------------------------------------------


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> str:
    """Text as a space-padded run of word stems, for phrase lookup by ``in``."""
    tokens = re.findall(r"[a-z0-9]+", text[:MAX_TEXT].lower().replace("&", " and "))
    return " " + " ".join(_stem(t) for t in tokens) + " "


def has_phrase(text_words: str, phrase: str) -> bool:
    return words(phrase) in text_words if phrase.strip() else False


# --- what the plan says ----------------------------------------------------------------


@dataclass(frozen=True)
class _Thing:
    iri: URIRef
    label: str
    name_words: str
    action_words: tuple[str, ...]
    categories: frozenset[str]
    kinds: tuple[frozenset[str], ...]


def _action_text(graph: Graph, action: URIRef) -> str:
    return str(graph.value(action, DCTERMS.description) or graph.value(action, RDFS.label) or "")


def _kinds(graph: Graph, action: URIRef) -> frozenset[str]:
    kinds = set()
    for predicate in (CSPKG.responsibleAgency, CSPKG.supportingAgency):
        for agency in graph.objects(action, predicate):
            for kind in graph.objects(agency, ORG.classification):
                if str(kind).startswith(str(AGENCY_KIND)):
                    kinds.add(str(kind)[len(str(AGENCY_KIND)) :])
    return frozenset(kinds)


def _categories(graph: Graph, priority: URIRef, name: str, base: str) -> frozenset[str]:
    """The police.uk categories a priority is linked to, or whose name its name contains."""
    prefix = base + CATEGORY_SCHEME
    linked = {str(o)[len(prefix) :] for o in graph.objects(priority, SKOS.relatedMatch)}
    linked = {c for c in linked if c and "/" not in c and not c.startswith("http")}
    named = words(name)
    for category in graph.subjects(SKOS.inScheme, URIRef(prefix.rstrip("/"))):
        label = str(graph.value(category, SKOS.prefLabel) or "")
        key = str(category)[len(prefix) :]
        if key != "all-crime" and label and has_phrase(named, label):
            linked.add(key)
    return frozenset(linked)


def plan_actions(graph: Graph, plan: URIRef) -> list[URIRef]:
    actions = [URIRef(a) for a in graph.subjects(PPLAN.isStepOfPlan, plan)]
    return sorted(actions, key=lambda a: (int(graph.value(a, CSPKG.ordinal) or 0), str(a)))


def _priorities(graph: Graph, plan: URIRef, base: str) -> list[_Thing]:
    actions = plan_actions(graph, plan)
    found = []
    for priority in sorted(URIRef(p) for p in graph.objects(plan, CSPKG.strategicPriority)):
        label = str(
            graph.value(priority, SKOS.prefLabel) or graph.value(priority, RDFS.label) or ""
        )
        name = " ".join(
            [label, *(str(a) for a in graph.objects(priority, SKOS.altLabel))]
            + [str(n) for n in graph.objects(priority, SKOS.scopeNote)]
        )
        serving = [a for a in actions if (a, CSPKG.meetsPriority, priority) in graph]
        found.append(
            _Thing(
                priority,
                label,
                words(name),
                tuple(words(_action_text(graph, a)) for a in serving),
                _categories(graph, priority, name, base),
                tuple(_kinds(graph, a) for a in serving),
            )
        )
    return found


# --- scoring ---------------------------------------------------------------------------


def _tally(thing: _Thing, evidence: Evidence, name_weight: float) -> _Tally:
    tally = _Tally()
    count = len(thing.action_words)
    for phrase in evidence.phrases:
        if name_weight and has_phrase(thing.name_words, phrase):
            tally.raw += name_weight
            tally.phrases += 1
            tally.matched.append(f'phrase "{phrase}" (in the name)')
            continue
        hits = sum(has_phrase(text, phrase) for text in thing.action_words)
        if hits:
            tally.raw += hits / count if name_weight else 1.0
            tally.phrases += 1
            where = f"in {hits} of {count} actions" if name_weight else "in the action"
            tally.matched.append(f'phrase "{phrase}" ({where})')
    for category in sorted(thing.categories & set(evidence.categories)):
        tally.raw += CATEGORY_WEIGHT
        tally.matched.append(f"police.uk category {category}")
    for kind in evidence.agency_kinds:
        hits = sum(kind in kinds for kinds in thing.kinds)
        if hits:
            share = hits / len(thing.kinds)
            tally.raw += KIND_WEIGHT * share
            where = f"in {hits} of {len(thing.kinds)} actions" if name_weight else "in the action"
            tally.matched.append(f"agency kind {kind} ({where})")
    return tally


def score(raw: float) -> float:
    return round(raw / (raw + SCALE), 3) if raw > 0 else 0.0


def suggest(
    graph: Graph,
    plan: URIRef,
    evidence: EvidenceSet,
    base: str,
    skip: set[tuple[URIRef, URIRef]] | None = None,
    covered: set[tuple[URIRef, URIRef]] | None = None,
) -> list[Suggestion]:
    """Suggestions for every CSP priority of ``plan`` and for actions with strong evidence.

    ``skip``: (source, target) pairs never to suggest (confirmed or already decided);
    ``covered``: (CSP priority, Commissioner priority) pairs already confirmed, which an
    action inherits, so no direct link is suggested for them.
    """
    skip = skip or set()
    covered = set(covered or set())
    out: list[Suggestion] = []
    for thing in _priorities(graph, plan, base):
        tallies = [(e, _tally(thing, e, LABEL_WEIGHT)) for e in evidence.priorities]
        ranked = sorted(tallies, key=lambda pair: (-pair[1].raw, str(pair[0].priority)))
        best = ranked[0][1].raw if ranked else 0.0
        for position, (item, tally) in enumerate(ranked[:MAX_PER_PRIORITY]):
            if tally.raw <= 0:
                break
            if position and (score(tally.raw) < MIN_SCORE or tally.raw < RELATIVE * best):
                break
            covered.add((thing.iri, item.priority))
            if (thing.iri, item.priority) not in skip:
                out.append(
                    Suggestion(
                        thing.iri, "priority", item.priority, score(tally.raw), tuple(tally.matched)
                    )
                )
    out += _action_suggestions(graph, plan, evidence, skip, covered)
    return out


def _action_suggestions(
    graph: Graph,
    plan: URIRef,
    evidence: EvidenceSet,
    skip: set[tuple[URIRef, URIRef]],
    covered: set[tuple[URIRef, URIRef]],
) -> list[Suggestion]:
    """A direct link for an action whose own text points to a priority none of its CSP
    priorities reaches (confirmed or suggested): the refinement the inheritance misses."""
    out = []
    for action in plan_actions(graph, plan):
        inherited = {
            target
            for priority in graph.objects(action, CSPKG.meetsPriority)
            for source, target in covered
            if source == priority
        }
        inherited |= set(graph.objects(action, CSPKG.servesCommissionerPriority))
        thing = _Thing(
            action,
            "",
            "",
            (words(_action_text(graph, action)),),
            frozenset(),
            (_kinds(graph, action),),
        )
        tallies = [(e, _tally(thing, e, 0.0)) for e in evidence.priorities]
        item, tally = max(tallies, key=lambda pair: (pair[1].raw, str(pair[0].priority)))
        if (
            tally.phrases >= ACTION_MIN_PHRASES
            and item.priority not in inherited
            and (action, item.priority) not in skip
        ):
            out.append(
                Suggestion(action, "action", item.priority, score(tally.raw), tuple(tally.matched))
            )
    return out


def precision_recall(
    suggested: set[tuple[URIRef, URIRef]], truth: set[tuple[URIRef, URIRef]]
) -> tuple[float, float]:
    """Share of suggestions in ``truth``, and share of ``truth`` suggested."""
    hits = len(suggested & truth)
    precision = hits / len(suggested) if suggested else 0.0
    recall = hits / len(truth) if truth else 0.0
    return (math.floor(precision * 1000) / 1000, math.floor(recall * 1000) / 1000)


__all__ = [
    "Evidence",
    "EvidenceSet",
    "Suggestion",
    "evidence_path",
    "load_evidence",
    "plan_key",
    "precision_recall",
    "suggest",
    "words",
]
