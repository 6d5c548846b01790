"""Turn a parsed plan into RDF graphs, one per thing that has its own life cycle.

A plan's actions belong to that plan; a partnership's priority scheme outlives any one
year's plan; the Commissioner's plan is shared by every partnership under it.  So an
import yields several graphs, each written to its own file (and loaded into its own named
graph): re-importing one plan never duplicates what another plan shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import CSPKG, PPLAN, bind_prefixes
from .agency_register import AgencyRegister, agency_iri, area_iri, partnership_iri
from .cut_labels import cut_short
from .dates import plan_year
from .plan_document import PlanDocument
from .plan_record import (
    ActionRecord,
    CommissionerPlanRecord,
    Named,
    Notice,
    PlanRecord,
    priority_key,
)
from .slugs import action_slug, slugify, year_slug

PROJECT_AGENT = "id/organisation/cspkg-project"


KNOWN_COMMISSIONER_PLANS = {
    ("staffordshire", "2021-24"): "from the plan",
    ("staffordshire", "2024-28"): "reference data",
}
"""Commissioner's plans the project knows by area and years.  "from the plan": the import
writes the plan's own statement of it (as the seed does); "reference data": curated data
(`data/reference/`) describes it and the import only links to its IRI."""


@dataclass(frozen=True)
class Unregistered:
    """An agency name the register does not know, where the plan uses it, and the
    registered agencies whose names it resembles."""

    name: str
    line: int
    iri: URIRef
    where: str = ""
    suggestions: tuple[str, ...] = ()


@dataclass
class PlanGraphs:
    """The graphs one import produces, keyed by their path under ``data/``."""

    graphs: dict[str, Graph] = field(default_factory=dict)
    unregistered: list[Unregistered] = field(default_factory=list)
    plan_iri: URIRef | None = None
    action_count: int = 0
    notices: list[Notice] = field(default_factory=list)
    reference_plan: URIRef | None = None
    """A Commissioner's plan linked to reference data (not written by this import)."""


def new_graph() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    return graph


class PlanGraphBuilder:
    """Builds the graphs for one parsed plan against the agency register."""

    def __init__(
        self, record: PlanRecord, document: PlanDocument, register: AgencyRegister, base: str
    ) -> None:
        self.record = record
        self.document = document
        self.register = register
        self.base = base
        self.result = PlanGraphs()
        partnership = register.resolve_partnership(record.partnership)
        self.partnership_slug = (
            partnership.slug if partnership else slugify(record.partnership) + "-csp"
        )
        self.partnership_registered = partnership is not None
        self.area = area_iri(base, partnership.area) if partnership and partnership.area else None
        self.year = year_slug(record.year)
        self.plan = URIRef(f"{base}id/delivery-plan/{self.partnership_slug}/{self.year}")
        self.scheme = URIRef(f"{base}def/{self.partnership_slug}/priorities")
        self.doc = URIRef(f"{base}id/document/{slugify(document.name.rsplit('.', 1)[0])}")
        self.priorities = {
            priority_key(p.label): URIRef(f"{self.scheme}/{slugify(p.label)}")
            for p in record.priorities
        }

    def build(self) -> PlanGraphs:
        plan_path = f"plans/{self.partnership_slug}-{self.year}.ttl"
        self.result.graphs[plan_path] = self._plan_graph()
        self.result.graphs[f"priorities/{self.partnership_slug}.ttl"] = self._scheme_graph()
        pcp = self.record.commissioner
        if pcp is not None:
            known = KNOWN_COMMISSIONER_PLANS.get((slugify(pcp.area), pcp.years))
            if known is None:
                self.result.notices.append(
                    Notice(
                        f"line {pcp.line}",
                        f"the {pcp.area} {pcp.title} {pcp.years} is not a Commissioner's plan "
                        "the project knows; imported as the plan states it",
                    )
                )
            if known == "reference data":
                self.result.reference_plan = self._pcp_iri(pcp)
            else:
                path, graph = self._commissioner_graph(pcp)
                self.result.graphs[path] = graph
        self.result.plan_iri = self.plan
        return self.result

    # -- the plan and its actions ---------------------------------------------------------

    def _plan_graph(self) -> Graph:
        g = new_graph()
        record, plan = self.record, self.plan
        partnership = partnership_iri(self.base, self.partnership_slug)
        if not self.partnership_registered:
            g.add((partnership, RDF.type, CSPKG.CommunitySafetyPartnership))
            g.add((partnership, RDFS.label, Literal(f"{record.partnership} CSP")))
        title = f"{record.partnership} CSP Delivery Plan {record.year}"
        g.add((plan, RDF.type, CSPKG.DeliveryPlan))
        g.add((plan, RDFS.label, Literal(title)))
        g.add((plan, DCTERMS.title, Literal(title)))
        g.add((plan, CSPKG.partnership, partnership))
        if self.area is not None:
            g.add((plan, DCTERMS.spatial, self.area))
        g.add((plan, CSPKG.priorityScheme, self.scheme))
        for priority in self.priorities.values():
            g.add((plan, CSPKG.strategicPriority, priority))
        if record.introduction:
            g.add((plan, DCTERMS.description, Literal(record.introduction[0])))
        period = plan_year(record.year)  # '2024/25': 1 April 2024 to 31 March 2025
        if period:
            g.add((plan, CSPKG.periodStart, Literal(period[0], datatype=XSD.date)))
            g.add((plan, CSPKG.periodEnd, Literal(period[1], datatype=XSD.date)))
        if record.commissioner:
            g.add((plan, CSPKG.operatesUnder, self._pcp_iri(record.commissioner)))
        g.add((plan, PROV.wasDerivedFrom, self.doc))
        activity = URIRef(f"{self.base}id/activity/import/{self.partnership_slug}/{self.year}")
        g.add((plan, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, RDFS.label, Literal(f"Import of {self.document.name}")))
        g.add((activity, PROV.used, self.doc))
        g.add((activity, PROV.wasAssociatedWith, URIRef(self.base + PROJECT_AGENT)))

        g.add((self.doc, RDF.type, FOAF.Document))
        g.add((self.doc, RDF.type, PROV.Entity))
        g.add((self.doc, RDFS.label, Literal(self.document.name)))
        g.add((self.doc, CSPKG.fileName, Literal(self.document.name)))
        g.add((self.doc, CSPKG.sha256, Literal(self.document.sha256)))
        g.add((self.doc, DCTERMS.format, Literal(self.document.media_type)))
        for action in record.actions:
            self._add_action(g, action)
        self.result.action_count = len(record.actions)
        return g

    def _add_action(self, g: Graph, action: ActionRecord) -> None:
        slug = action_slug(action.ordinal, action.paragraphs[0])
        node = URIRef(f"{self.base}id/action/{self.partnership_slug}/{self.year}/{slug}")
        g.add((node, RDF.type, CSPKG.Action))
        g.add((node, PPLAN.isStepOfPlan, self.plan))
        g.add((node, RDFS.label, Literal(cut_short(action.paragraphs[0]))))
        g.add((node, DCTERMS.description, Literal("\n\n".join(action.paragraphs))))
        g.add((node, CSPKG.ordinal, Literal(action.ordinal)))
        for named in action.responsible:
            g.add((node, CSPKG.responsibleAgency, self._agency(g, named)))
        for named in action.supporting:
            g.add((node, CSPKG.supportingAgency, self._agency(g, named)))
        for named in action.priorities:
            g.add((node, CSPKG.meetsPriority, self.priorities[priority_key(named.text)]))
        if action.heading is not None:
            g.add((node, CSPKG.listedUnder, self.priorities[priority_key(action.heading.text)]))
        if action.reference:
            g.add((node, CSPKG.actionReference, Literal(action.reference)))
        if action.outcome:
            g.add((node, CSPKG.measureOfSuccess, Literal(action.outcome)))
        target = action.target
        if target is not None:
            g.add((node, CSPKG.targetText, Literal(target.text)))
            if target.ongoing:
                g.add((node, CSPKG.ongoing, Literal(True)))
            if target.end is not None:
                end = target.end
                if target.precision == "month":
                    month = Literal(f"{end.year:04d}-{end.month:02d}", datatype=XSD.gYearMonth)
                    g.add((node, CSPKG.targetDate, month))
                else:
                    g.add((node, CSPKG.targetDate, Literal(end, datatype=XSD.date)))
                g.add((node, CSPKG.targetDue, Literal(end, datatype=XSD.date)))
            if target.spans and target.start is not None:
                g.add((node, CSPKG.periodStart, Literal(target.start, datatype=XSD.date)))
        for number, (title, text) in enumerate(action.annotations, start=1):
            note = URIRef(f"{node}/column/{number}-{slugify(title)[:40]}")
            g.add((node, CSPKG.annotation, note))
            g.add((note, RDF.type, CSPKG.ColumnAnnotation))
            g.add((note, CSPKG.columnTitle, Literal(title)))
            g.add((note, RDF.value, Literal(text)))
            g.add((note, PROV.wasDerivedFrom, self.doc))
        g.add((node, PROV.wasDerivedFrom, self.doc))
        g.add((node, CSPKG.sourceFirstLine, Literal(action.first_line)))
        g.add((node, CSPKG.sourceLastLine, Literal(action.last_line)))

    def _agency(self, g: Graph, named: Named) -> URIRef:
        name = named.text
        agency = self.register.resolve(name)
        if agency is not None:
            return agency_iri(self.base, agency.slug)
        node = URIRef(f"{self.base}id/organisation/unregistered/{slugify(name)}")
        if not any(u.iri == node for u in self.result.unregistered):
            self.result.unregistered.append(
                Unregistered(name, named.line, node, named.where, self.register.suggest(name))
            )
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDF.type, CSPKG.UnregisteredAgency))
        g.add((node, RDFS.label, Literal(name)))
        g.add((node, PROV.wasDerivedFrom, self.doc))
        return node

    # -- the partnership's priority scheme ------------------------------------------------

    def _scheme_graph(self) -> Graph:
        g = new_graph()
        partnership = partnership_iri(self.base, self.partnership_slug)
        label = f"{self.record.partnership} CSP strategic priorities"
        g.add((self.scheme, RDF.type, SKOS.ConceptScheme))
        g.add((self.scheme, RDFS.label, Literal(label)))
        g.add((self.scheme, SKOS.prefLabel, Literal(label)))
        g.add((self.scheme, DCTERMS.creator, partnership))
        g.add((self.scheme, PROV.wasDerivedFrom, self.doc))
        spellings: dict[URIRef, set[str]] = {}
        for action in self.record.actions:
            for named in action.priorities:
                iri = self.priorities[priority_key(named.text)]
                spellings.setdefault(iri, set()).add(named.text)
        for priority in self.record.priorities:
            node = self.priorities[priority_key(priority.label)]
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, RDF.type, CSPKG.StrategicPriority))
            g.add((node, SKOS.prefLabel, Literal(priority.label)))
            g.add((node, RDFS.label, Literal(priority.label)))
            g.add((node, SKOS.inScheme, self.scheme))
            g.add((node, SKOS.topConceptOf, self.scheme))
            g.add((self.scheme, SKOS.hasTopConcept, node))
            for spelling in sorted(spellings.get(node, set()) - {priority.label}):
                g.add((node, SKOS.altLabel, Literal(spelling)))
            for note in priority.notes:
                g.add((node, SKOS.scopeNote, Literal(note)))
        return g

    # -- the Commissioner's plan ----------------------------------------------------------

    def _pcp_iri(self, pcp: CommissionerPlanRecord) -> URIRef:
        return URIRef(f"{self.base}id/police-and-crime-plan/{slugify(pcp.area)}/{pcp.years}")

    def _commissioner_graph(self, pcp: CommissionerPlanRecord) -> tuple[str, Graph]:
        g = new_graph()
        key = f"{slugify(pcp.area)}-police-and-crime-plan-{pcp.years}"
        plan = self._pcp_iri(pcp)
        label = f"{pcp.area} {pcp.title} {pcp.years}"
        g.add((plan, RDF.type, CSPKG.PoliceAndCrimePlan))
        g.add((plan, RDFS.label, Literal(label)))
        g.add((plan, DCTERMS.title, Literal(label)))
        office = self.register.resolve(f"{pcp.area} Commissioner's Office")
        if office is not None:
            g.add((plan, DCTERMS.creator, agency_iri(self.base, office.slug)))
        parts = (
            ("priorities", "priorities", CSPKG.priorityScheme, CSPKG.CommissionerPriority,
             [(p.label, p.description) for p in pcp.priorities]),
            ("approaches", "recommended approaches", CSPKG.approachScheme,
             CSPKG.RecommendedApproach, [(a.text, "") for a in pcp.approaches]),
        )  # fmt: skip
        for part, noun, link, concept_class, entries in parts:
            scheme = URIRef(f"{self.base}def/{key}/{part}")
            g.add((plan, link, scheme))
            self._add_scheme(g, scheme, f"{label} {noun}", concept_class, entries)
        return f"commissioner/{key}.ttl", g

    def _add_scheme(
        self,
        g: Graph,
        scheme: URIRef,
        label: str,
        concept_class: URIRef,
        entries: list[tuple[str, str]],
    ) -> None:
        """A concept scheme of (name, definition) entries, all top concepts."""
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, RDFS.label, Literal(label)))
        g.add((scheme, SKOS.prefLabel, Literal(label)))
        g.add((scheme, PROV.wasDerivedFrom, self.doc))
        for name, definition in entries:
            node = URIRef(f"{scheme}/{slugify(name)}")
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, RDF.type, concept_class))
            g.add((node, SKOS.prefLabel, Literal(name)))
            g.add((node, RDFS.label, Literal(name)))
            if definition:
                g.add((node, SKOS.definition, Literal(definition)))
            g.add((node, SKOS.inScheme, scheme))
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))


def build_plan_graphs(
    record: PlanRecord, document: PlanDocument, register: AgencyRegister, base: str
) -> PlanGraphs:
    """The graphs for one plan; unknown agency names are listed in ``unregistered``."""
    return PlanGraphBuilder(record, document, register, base).build()
