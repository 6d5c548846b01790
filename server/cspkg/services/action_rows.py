"""What an analyst reads about each action in a list: who leads and supports it, its
target, the CSP priorities it meets and the Commissioner priorities those serve.

One query for all the actions of an answer (a ``VALUES`` list), so a list of actions
shows one row per action however many priorities each meets.  The Commissioner
priorities come through the project's alignment (``skos:relatedMatch``, either way)
and only from the scheme of the Police and Crime Plan the action's plan operates under
(so police.uk categories aligned to the same CSP priority are not mixed in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ..config import Settings
from ..store.base import Store
from .canned_queries import select

KINDS = ("lead", "supporter", "csp", "commissioner", "target")
MAX_ACTIONS = 500


@dataclass
class ActionFacts:
    """``(iri, label)`` pairs per kind, in label order; ``target`` is the plan's words."""

    lead: list[tuple[str, str]] = field(default_factory=list)
    supporter: list[tuple[str, str]] = field(default_factory=list)
    csp: list[tuple[str, str]] = field(default_factory=list)
    commissioner: list[tuple[str, str]] = field(default_factory=list)
    target: list[tuple[str, str]] = field(default_factory=list)


_QUERY = """
PREFIX cspkg: <https://cspkg.example.org/def/cspkg#>
PREFIX p-plan: <http://purl.org/net/p-plan#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?action ?kind ?thing ?label WHERE {
  VALUES ?action { ACTIONS }
  {
    ?action cspkg:responsibleAgency ?thing . BIND ("lead" AS ?kind)
    OPTIONAL { ?thing rdfs:label ?label }
  } UNION {
    ?action cspkg:supportingAgency ?thing . BIND ("supporter" AS ?kind)
    OPTIONAL { ?thing rdfs:label ?label }
  } UNION {
    ?action cspkg:meetsPriority ?thing . BIND ("csp" AS ?kind)
    OPTIONAL { ?thing skos:prefLabel ?label }
  } UNION {
    ?action p-plan:isStepOfPlan ?plan ;
            cspkg:meetsPriority ?via .
    ?plan cspkg:operatesUnder/cspkg:priorityScheme ?scheme .
    ?via skos:relatedMatch|^skos:relatedMatch ?thing .
    ?thing skos:inScheme ?scheme .
    BIND ("commissioner" AS ?kind)
    OPTIONAL { ?thing skos:prefLabel ?label }
  } UNION {
    ?action cspkg:targetText ?label . BIND ("target" AS ?kind) BIND ("" AS ?thing)
  }
}"""


def action_facts(
    store: Store, settings: Settings, actions: Iterable[str]
) -> dict[str, ActionFacts]:
    """Facts for each of ``actions`` (IRIs; at most ``MAX_ACTIONS`` are looked up)."""
    wanted = list(dict.fromkeys(actions))[:MAX_ACTIONS]
    if not wanted:
        return {}
    values = " ".join(str(NamedNode(iri)) for iri in wanted)
    result = select(store, _QUERY.replace("ACTIONS", values), settings)
    facts = {iri: ActionFacts() for iri in wanted}
    for action, kind, thing, label in result.rows:
        if action is None or kind is None or action.value not in facts:
            continue
        iri = thing.value if thing is not None else ""
        text = label.value if label is not None else iri.rsplit("/", 1)[-1]
        found: list[tuple[str, str]] = getattr(facts[action.value], kind.value)
        if (iri, text) not in found:
            found.append((iri, text))
    for item in facts.values():
        for kind in KINDS:
            getattr(item, kind).sort(key=lambda pair: pair[1].casefold())
    return facts
