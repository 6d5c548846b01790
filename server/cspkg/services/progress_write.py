"""A new progress update written through the service: what the writer may say, and what
the service says for it.

An agency token may send exactly one thing: a new ``cspkg:ProgressUpdate`` in a closed
shape (``CLIENT_SAYS``: the action, the quarter, the status, and optionally a percentage
and commentary).  Any other type or predicate, a second subject or a blank node is
refused (403) before anything is looked up.  Everything else about the update is the
service's to say (``SERVICE_SAYS``): its address (``progress.update_iri``, whatever the
client named it), its revision and the update it replaces, the date (the clock),
``prov:wasAttributedTo`` and ``cspkg:reportedBy`` (the token's agency) and the request it
came from.  Because the service names updates, no client can take the address another
action's next report needs; because it names the update being replaced, an agency can
replace only its own agency's current update (the admin may replace any).

The Graph Store (``GraphStore.post``) and the progress form (``progress_entry``) both come
here, under the service's write lock; SPARQL Update is admin-only.  The shapes back the
closed shape for every writer (``shapes/progress.ttl``: ``sh:closed``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from ..config import Settings
from ..errors import ProtocolError, QueryRefused
from ..namespaces import CSPKG, PREFIXES, bind_prefixes
from ..rdf.periods import PeriodError, Quarter, parse_period
from ..store.base import GraphResult, SelectResult, Store
from .access import Writer, actions_in_scope, agencies_in_scope
from .progress import Entry, PlanProgress, current_update, plan_progress, updates_graph

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

CLIENT_SAYS: dict[str, tuple[int, int]] = {
    str(CSPKG.aboutAction): (1, 1),
    str(CSPKG.reportingPeriod): (1, 1),
    str(CSPKG.progressStatus): (1, 1),
    str(CSPKG.percentComplete): (0, 1),
    str(CSPKG.commentary): (0, 1),
}
"""What an agency's update may say, with how many times (fewest, most)."""

TYPES = {str(CSPKG.ProgressUpdate), str(PROV.Entity)}
"""The types an agency's update may have (``cspkg:ProgressUpdate`` is required)."""

SERVICE_SAYS: dict[str, str] = {
    str(DCTERMS.date): "the day it is received",
    str(PROV.wasAttributedTo): "the token's agency",
    str(CSPKG.reportedBy): "the token's agency",
    str(PROV.wasDerivedFrom): "the request",
    str(PROV.wasRevisionOf): "the current update it replaces",
    str(DCTERMS.replaces): "the current update it replaces",
    str(CSPKG.revision): "the updates already reported",
}
"""Update properties only the service sets, and from what; a client sending one is told."""


@dataclass(frozen=True)
class Proposal:
    """What a writer says about a new update: the rest is the service's to add."""

    action: str
    quarter: Quarter
    status: str
    percent: int | None = None
    commentary: str | None = None


def short(iri: str) -> str:
    """``cspkg:ordinal`` for messages: the prefixed name where a prefix is known."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def proposal_of(triples: Sequence[Triple]) -> Proposal:
    """The one update an agency's request body describes; 403 for anything outside the
    closed shape, 400 for a value of the wrong kind."""
    if any(isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) for t in triples):
        raise QueryRefused(
            "an agency's request may not hold a blank node: send one progress update, "
            "named by any IRI (the service gives it its address)"
        )
    subjects = {t.subject for t in triples}
    if not subjects:
        raise QueryRefused("the request carries no progress update")
    if len(subjects) > 1:
        raise QueryRefused(
            f"an agency sends one progress update per request; this one describes "
            f"{len(subjects)} subjects"
        )
    said: dict[str, list[object]] = {}
    for triple in triples:
        said.setdefault(triple.predicate.value, []).append(triple.object)
    types = {o.value for o in said.pop(str(RDF.type), []) if isinstance(o, NamedNode)}
    refused = sorted(f"a {short(t)}" for t in types - TYPES)
    refused += sorted(short(p) for p in said if p not in CLIENT_SAYS)
    if refused:
        from_service = sorted(short(p) for p in said if p in SERVICE_SAYS)
        note = (
            f" ({', '.join(from_service)}: the service sets these from the token and the clock)"
            if from_service
            else ""
        )
        raise QueryRefused(
            f"an agency's progress update may not say {', '.join(refused)}{note}; it may "
            f"give only {', '.join(short(p) for p in CLIENT_SAYS)}"
        )
    if str(CSPKG.ProgressUpdate) not in types:
        raise QueryRefused("an agency may send only a cspkg:ProgressUpdate")
    for predicate, (fewest, most) in CLIENT_SAYS.items():
        count = len(said.get(predicate, []))
        if not fewest <= count <= most:
            wanted = "exactly one" if fewest == most else "at most one"
            raise ProtocolError(f"a progress update gives {wanted} {short(predicate)}")
    return Proposal(
        _iri(said, CSPKG.aboutAction),
        _quarter(_iri(said, CSPKG.reportingPeriod)),
        _iri(said, CSPKG.progressStatus),
        _percent(said.get(str(CSPKG.percentComplete), [])),
        _string(said.get(str(CSPKG.commentary), [])),
    )


def _iri(said: dict[str, list[object]], predicate: URIRef) -> str:
    (value,) = said[str(predicate)]
    if not isinstance(value, NamedNode):
        raise ProtocolError(f"{short(str(predicate))} takes an IRI")
    return value.value


def _quarter(iri: str) -> Quarter:
    try:
        return parse_period(iri)
    except PeriodError:
        raise ProtocolError(f"<{iri[:120]}> is not a reporting period of this service") from None


def _percent(values: list[object]) -> int | None:
    if not values:
        return None
    (value,) = values
    if not isinstance(value, Literal) or value.datatype.value != XSD_INTEGER:
        raise ProtocolError("cspkg:percentComplete takes a whole number (xsd:integer)")
    return int(value.value)


def _string(values: list[object]) -> str | None:
    if not values:
        return None
    (value,) = values
    if not isinstance(value, Literal):
        raise ProtocolError("cspkg:commentary takes text")
    return value.value


# --- the plan as the store has it -------------------------------------------------------


def plan_from_store(store: Store, settings: Settings, plan: str) -> PlanProgress:
    """The plan's actions and every update reported so far, in whichever graph."""
    node = NamedNode(plan)
    graph = constructed(
        store,
        settings,
        "PREFIX cspkg: <https://cspkg.example.org/def/cspkg#> "
        "PREFIX p-plan: <http://purl.org/net/p-plan#> "
        "CONSTRUCT { ?s ?p ?o } WHERE { "
        f"{{ BIND ({node} AS ?s) ?s ?p ?o }} UNION "
        f"{{ ?s p-plan:isStepOfPlan {node} ; ?p ?o }} UNION "
        f"{{ ?a p-plan:isStepOfPlan {node} . ?s cspkg:aboutAction ?a ; ?p ?o }} }}",
    )
    return plan_progress(graph, URIRef(plan))


def constructed(store: Store, settings: Settings, sparql: str) -> Graph:
    """A CONSTRUCT's answer as an rdflib graph (what the progress service reads)."""
    result = store.query(sparql, timeout=settings.query_timeout, max_rows=None)
    assert isinstance(result, GraphResult)
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(data=serialize(result.triples, format=RdfFormat.N_TRIPLES) or b"", format="nt")
    return graph


def plan_of_graph(settings: Settings, graph: str) -> str:
    """``…/graph/progress/{key}`` -> ``…/id/delivery-plan/{key}`` (``access.progress_graph``)."""
    key = graph.split("/graph/progress/", 1)[-1]
    return f"{settings.base}id/delivery-plan/{key}"


def name_of(store: Store, settings: Settings, iri: str) -> str:
    """An agency's name for ``cspkg:reportedBy`` and messages (its IRI if it has none)."""
    result = store.query(
        f"SELECT ?l WHERE {{ {NamedNode(iri)} <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
        " ORDER BY ?l LIMIT 1",
        timeout=settings.query_timeout,
    )
    assert isinstance(result, SelectResult)
    return result.rows[0][0].value if result.rows and result.rows[0][0] is not None else iri


# --- minting ----------------------------------------------------------------------------


def mint(
    store: Store,
    settings: Settings,
    writer: Writer,
    proposal: Proposal,
    graph: str,
    today: date,
) -> tuple[str | None, bytes]:
    """The new update's address and statements (N-Triples), or ``None`` and nothing when
    it repeats the current update.  Call under the write lock: the address and the
    update it replaces are read from the store as it is.

    ``QueryRefused`` (403) when the action is not the plan's, not the agency's, or its
    current update for the quarter belongs to another agency."""
    progress = plan_from_store(store, settings, plan_of_graph(settings, graph))
    action = progress.action_by_iri(proposal.action)
    if action is None:
        raise QueryRefused(
            f"the action <{proposal.action}> is not a step of the plan whose progress graph "
            f"<{graph}> is: send its updates to its own plan's progress graph"
        )
    attributed = writer.agency or (str(action.leads[0]) if action.leads else None)
    reporter = None
    if writer.agency is not None:
        if not actions_in_scope(store, writer.agency, [proposal.action], settings):
            raise QueryRefused(
                f"the token's agency neither leads nor supports the action <{proposal.action}>"
            )
        _check_replaceable(store, settings, writer.agency, progress, action.iri, proposal)
        reporter = name_of(store, settings, writer.agency)
    entry = Entry(
        1,
        action,
        proposal.quarter,
        URIRef(proposal.status),
        proposal.percent,
        proposal.commentary,
        reporter,
        today,
    )
    source = URIRef(f"{settings.base}id/document/progress/request/{uuid.uuid4().hex}")
    new, rows, _ = updates_graph(
        [entry], progress, settings.base, source, URIRef(attributed) if attributed else None
    )
    if not rows:
        return None, b""
    return str(next(iter(rows))), new.serialize(format="nt").encode("utf-8")


def _check_replaceable(
    store: Store,
    settings: Settings,
    agency: str,
    progress: PlanProgress,
    action: URIRef,
    proposal: Proposal,
) -> None:
    """An agency replaces only its own agency's (or its units') current update."""
    current = current_update(progress.history, action, proposal.quarter.iri(settings.base))
    if current is None:
        return
    owners = {str(o) for o in progress.history.objects(current, PROV.wasAttributedTo)}
    if owners and owners <= agencies_in_scope(store, agency, settings):
        return
    who = ", ".join(sorted(name_of(store, settings, o) for o in owners)) or "no agency"
    raise QueryRefused(
        f"the current update for this action in {proposal.quarter.notation} was reported "
        f"for {who}: only that agency, or the partnership's administrator, may replace it"
    )
