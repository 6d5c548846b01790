"""What a thing page explains beyond its triples: an action's agencies and alignment, an
agency's work (its units' included), a priority's actions, crime and gaps, a plan's tables.

Each ``explain_*`` returns plain data (IRIs and labels, never URLs or wording); the page
templates in ``web/templates/things/`` say it in words.  ``kind_of`` picks which applies
from the thing's types.  The queries are the project's own (small, keyed by one IRI);
where a canned query already answers the question (partners, hot spots, the plan's
counts) it is run, so page and catalogue cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ..catalog import Catalog
from ..config import Settings
from ..fragments import service_query
from ..namespaces import PREFIXES
from ..store.base import Store
from .action_rows import ActionRow, Alignment, Ref, action_rows
from .canned_queries import run_canned, select
from .crime_trends import Line, crime_trend, periods_differ, plan_period

_PREFIXES = "\n".join(
    f"PREFIX {p}: <{PREFIXES[p]}>"
    for p in ("cspkg", "dcterms", "org", "p-plan", "prov", "rdf", "rdfs", "skos", "schema", "xsd")
)
_PREFIXES += "\nPREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>"

LEADS = PREFIXES["cspkg"] + "responsibleAgency"
"""The role ``agency-actions`` gives a lead (a supporter's is ``cspkg:supportingAgency``)."""

KINDS = {
    PREFIXES["cspkg"] + "Action": "action",
    PREFIXES["cspkg"] + "DeliveryPlan": "plan",
    PREFIXES["cspkg"] + "StrategicPriority": "csp-priority",
    PREFIXES["cspkg"] + "CommissionerPriority": "commissioner-priority",
    PREFIXES["org"] + "Organization": "agency",
    PREFIXES["org"] + "OrganizationalUnit": "agency",
}
"""rdf:type -> the kind of page that explains it."""


def kind_of(types: Iterable[str]) -> str | None:
    for t in types:
        if t in KINDS:
            return KINDS[t]
    return None


def _str(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def _rows(store: Store, text: str, settings: Settings) -> list[dict[str, str | None]]:
    result = select(store, _PREFIXES + "\n" + text, settings)
    return [dict(zip(result.variables, map(_str, row), strict=True)) for row in result.rows]


def _canned(
    store: Store, catalog: Catalog, name: str, values: dict[str, str], settings: Settings
) -> list[dict[str, str | None]]:
    """A canned query's rows, where a page shows what the question answers."""
    query = catalog.get(name)
    found = run_canned(
        store, query, values, timeout=settings.query_timeout, max_rows=settings.max_rows
    )
    return found.records()


def _ref(row: dict[str, str | None], key: str) -> Ref | None:
    iri = row.get(key)
    return Ref(iri, row.get(key + "Label") or iri) if iri else None


_LABEL = (
    "OPTIONAL {{ {0} skos:prefLabel {0}_p }} OPTIONAL {{ {0} rdfs:label {0}_r }} "
    "BIND(COALESCE({0}_p, {0}_r) AS {0}Label)"
)
"""The one label a page shows: the preferred label, else rdfs:label."""


def _label(var: str) -> str:
    return _LABEL.format(var)


# --- An action ------------------------------------------------------------------------

_ACTION = """SELECT ?description ?plan ?planLabel ?targetDue ?document ?documentLabel ?fileName
       ?first ?last ?reference ?measure WHERE {{
  OPTIONAL {{ {iri} dcterms:description ?description }}
  OPTIONAL {{ {iri} cspkg:actionReference ?reference }}
  OPTIONAL {{ {iri} cspkg:measureOfSuccess ?measure }}
  OPTIONAL {{ {iri} p-plan:isStepOfPlan ?plan {plan_label} }}
  OPTIONAL {{ {iri} cspkg:targetDue ?targetDue }}
  OPTIONAL {{ {iri} prov:wasDerivedFrom ?document {document_label}
             OPTIONAL {{ ?document cspkg:fileName ?fileName }} }}
  OPTIONAL {{ {iri} cspkg:sourceFirstLine ?first }}
  OPTIONAL {{ {iri} cspkg:sourceLastLine ?last }}
}} LIMIT 1"""

_ANNOTATIONS = """SELECT ?title ?value WHERE {{
  {iri} cspkg:annotation ?note . ?note cspkg:columnTitle ?title ; rdf:value ?value .
}} ORDER BY STR(?title) STR(?value)"""
"""What the plan's table says in columns mapped to no property, kept as written."""


@dataclass(frozen=True)
class ActionExplained:
    row: ActionRow
    description: str | None
    plan: Ref | None
    target_due: str | None
    document: Ref | None
    file_name: str | None
    first_line: int | None
    last_line: int | None
    commissioner: list[Alignment]
    commissioner_plans: list[Ref] = field(default_factory=list)
    """Every Police and Crime Plan in the store: the page offers the others."""
    cited: str | None = None
    """The Police and Crime Plan the action's delivery plan cites."""
    reference: str | None = None
    """The plan's own reference for the action ("1.3"), as written."""
    measure: str | None = None
    """The measure of success the plan states for it, as written."""
    annotations: list[tuple[str, str]] = field(default_factory=list)
    """(column title, cell text) for each column of the plan's table no property holds."""


_COMMISSIONER_PLANS = """SELECT ?pcp ?pcpLabel ?cited WHERE {{
  ?pcp a cspkg:PoliceAndCrimePlan . {pcp_label}
  OPTIONAL {{ {iri} p-plan:isStepOfPlan/cspkg:operatesUnder ?cited }}
}} ORDER BY STR(?pcpLabel)"""


def explain_action(
    store: Store, iri: str, settings: Settings, commissioner_plan: str | None = None
) -> ActionExplained:
    """An action, its Commissioner priorities under ``commissioner_plan`` (one of the
    store's Police and Crime Plans), else under the one its delivery plan cites."""
    node = str(NamedNode(iri))
    plans = _rows(store, _COMMISSIONER_PLANS.format(iri=node, pcp_label=_label("?pcp")), settings)
    known = [p for p in (_ref(r, "pcp") for r in plans) if p is not None]
    cited = next((r["cited"] for r in plans if r["cited"]), None)
    if commissioner_plan not in {p.iri for p in known}:
        commissioner_plan = None  # an unknown one: the cited plan, as when none is asked
    (row,) = action_rows(store, [iri], settings, commissioner_plan)
    found = _rows(
        store,
        _ACTION.format(iri=node, plan_label=_label("?plan"), document_label=_label("?document")),
        settings,
    )
    r = found[0] if found else {}
    return ActionExplained(
        row=row,
        description=r.get("description"),
        plan=_ref(r, "plan"),
        target_due=r.get("targetDue"),
        document=_ref(r, "document"),
        file_name=r.get("fileName"),
        first_line=int(r["first"]) if r.get("first") else None,
        last_line=int(r["last"]) if r.get("last") else None,
        commissioner=row.alignments,
        commissioner_plans=list(dict.fromkeys(known)),
        cited=cited,
        reference=r.get("reference"),
        measure=r.get("measure"),
        annotations=[
            (a["title"] or "", a["value"] or "")
            for a in _rows(store, _ANNOTATIONS.format(iri=node), settings)
        ],
    )


# --- An agency ------------------------------------------------------------------------

_AGENCY = """SELECT ?parent ?parentLabel ?unit ?unitLabel WHERE {{
  {{ {iri} org:unitOf ?parent {parent_label} }}
  UNION {{ {{ ?unit org:unitOf {iri} }} UNION {{ {iri} org:hasUnit ?unit }} {unit_label} }}
}} ORDER BY STR(?unitLabel)"""


@dataclass(frozen=True)
class AgencyExplained:
    parent: Ref | None
    units: list[Ref]
    actions: list[ActionRow]
    partners: list[tuple[Ref, int]]
    priorities: list[tuple[Ref, int]]
    """CSP priorities its actions meet, with how many of its actions meet each."""

    @property
    def leads(self) -> int:
        """How many of its actions it (or a unit) leads."""
        return _leads(self.actions)

    @property
    def by_plan(self) -> list[tuple[Ref | None, list[ActionRow], int]]:
        """Its actions per delivery plan, in plan order: (plan, actions, how many it leads)."""
        plans: dict[Ref | None, list[ActionRow]] = {}
        for row in self.actions:
            plans.setdefault(row.plan, []).append(row)
        return [(plan, rows, _leads(rows)) for plan, rows in plans.items()]


def _leads(rows: list[ActionRow]) -> int:
    return sum(1 for row in rows if any(role == "lead" for role, _ in row.roles))


def explain_agency(store: Store, catalog: Catalog, iri: str, settings: Settings) -> AgencyExplained:
    node = str(NamedNode(iri))
    parent: Ref | None = None
    units: list[Ref] = []
    for r in _rows(
        store,
        _AGENCY.format(iri=node, parent_label=_label("?parent"), unit_label=_label("?unit")),
        settings,
    ):
        parent = parent or _ref(r, "parent")
        unit = _ref(r, "unit")
        if unit is not None and unit not in units:
            units.append(unit)
    roles: dict[str, list[tuple[str, Ref | None]]] = {}
    # an agency's actions, its units' included: the canned query, one rule for page and question
    for r in _canned(store, catalog, "agency-actions", {"agency": iri}, settings):
        named = r["named"] or ""
        unit = Ref(named, r["namedLabel"] or named) if named and named != iri else None
        role = ("lead" if r["role"] == LEADS else "support", unit)
        roles.setdefault(r["action"] or "", [])
        if role not in roles[r["action"] or ""]:
            roles[r["action"] or ""].append(role)
    actions = action_rows(store, list(roles), settings)
    counts: dict[Ref, int] = {}
    for row in actions:
        row.roles = sorted(roles[row.action.iri], key=lambda x: (x[0], x[1] is not None))
        for priority in row.csp_priorities:
            counts[priority] = counts.get(priority, 0) + 1
    partners = [
        (
            Ref(r["partner"] or "", r["partnerLabel"] or r["partner"] or ""),
            int(r["sharedActions"] or 0),
        )
        for r in _canned(store, catalog, "agency-partners", {"agency": iri}, settings)
        if r["partner"]
    ]
    priorities = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].label.lower()))
    return AgencyExplained(parent, units, actions, partners, priorities)


# --- A CSP priority -------------------------------------------------------------------

_PRIORITY_ACTIONS = """SELECT DISTINCT ?action WHERE {{ ?action cspkg:meetsPriority {iri} }}"""

_SERVES = """SELECT ?other ?otherLabel ?rationale WHERE {{
  {iri} skos:relatedMatch ?other . ?other a cspkg:CommissionerPriority . {other_label}
  OPTIONAL {{ ?link cspkg:fromPriority {iri} ; cspkg:toPriority ?other ; rdfs:comment ?rationale }}
}} ORDER BY STR(?otherLabel)"""

_CATEGORIES = """SELECT ?category ?categoryLabel ?rationale ?crimes ?shared ?sharedLabel WHERE {{
  {iri} skos:relatedMatch ?category . ?category skos:inScheme ?scheme .
  FILTER NOT EXISTS {{ ?category a cspkg:CommissionerPriority }}
  {category_label}
  OPTIONAL {{ ?link cspkg:fromPriority {iri} ; cspkg:toCategory ?category ; rdfs:comment ?rationale }}
  OPTIONAL {{
    SELECT ?category (SUM(?count) AS ?crimes) WHERE {{
      {{ SELECT DISTINCT ?district WHERE {{
          ?plan cspkg:strategicPriority {iri} ; cspkg:partnership/dcterms:spatial ?district }} }}
      ?lsoa schema:containedInPlace ?district .
      ?observation sdmx-dimension:refArea ?lsoa ; cspkg:crimeCategory ?category ;
                   cspkg:crimeCount ?count .
    }} GROUP BY ?category
  }}
  OPTIONAL {{
    ?shared skos:relatedMatch ?category ; a cspkg:StrategicPriority .
    FILTER (?shared != {iri}) {shared_label}
  }}
}} ORDER BY STR(?categoryLabel)"""

_PLAN_OF = """SELECT ?plan WHERE {{
  ?plan cspkg:strategicPriority {iri} . OPTIONAL {{ ?plan cspkg:periodEnd ?end }}
}} ORDER BY DESC(?end) LIMIT 1"""
"""The latest plan that lists a CSP priority: its district and year frame the crime."""


@dataclass(frozen=True)
class Category:
    category: Ref
    rationale: str | None
    crimes: int | None
    also_under: list[Ref]
    """Other CSP priorities that count the same category (so totals double-count)."""


@dataclass(frozen=True)
class CspPriorityExplained:
    actions: list[ActionRow]
    serves: list[Alignment]
    categories: list[Category]
    hot_spots: list[tuple[Ref, int, str]]
    """(LSOA, crimes, categories) as the crime-hotspots canned query gives them."""
    hot_spots_limited: bool
    crime_months: tuple[str | None, str | None]
    plan_period: tuple[str | None, str | None]
    trend: Line | None = None
    """The priority's crime month by month in the plan's district (``crime-trend``)."""
    plan: str | None = None
    """The latest plan listing the priority: whose district and year frame the crime."""

    @property
    def period_differs(self) -> bool:
        return periods_differ(self.crime_months, self.plan_period)


def explain_csp_priority(
    store: Store, catalog: Catalog, iri: str, settings: Settings
) -> CspPriorityExplained:
    node = str(NamedNode(iri))
    actions = [
        r["action"] or "" for r in _rows(store, _PRIORITY_ACTIONS.format(iri=node), settings)
    ]
    serves = [
        Alignment(_ref(r, "other") or Ref("", ""), None, r["rationale"])
        for r in _rows(store, _SERVES.format(iri=node, other_label=_label("?other")), settings)
    ]
    categories: dict[str, Category] = {}
    for r in _rows(
        store,
        _CATEGORIES.format(
            iri=node, category_label=_label("?category"), shared_label=_label("?shared")
        ),
        settings,
    ):
        ref = _ref(r, "category") or Ref("", "")
        found = categories.setdefault(
            ref.iri,
            Category(ref, r["rationale"], int(float(r["crimes"])) if r["crimes"] else None, []),
        )
        shared = _ref(r, "shared")
        if shared is not None and shared not in found.also_under:
            found.also_under.append(shared)
    hot = _canned(store, catalog, "crime-hotspots", {"priority": iri}, settings)
    hot_spots = [
        (
            Ref(r["lsoa"] or "", r["lsoaLabel"] or r["lsoa"] or ""),
            int(float(r["crimes"] or 0)),
            r["categories"] or "",
        )
        for r in hot
        if r["lsoa"]
    ]
    plans = _rows(store, _PLAN_OF.format(iri=node), settings)
    plan = plans[0]["plan"] if plans else None
    title = "Recorded crime of this priority, month by month"
    trend = crime_trend(store, catalog, settings, plan, iri, title) if plan and categories else None
    return CspPriorityExplained(
        actions=action_rows(store, actions, settings),
        serves=serves,
        categories=sorted(categories.values(), key=lambda c: c.category.label.lower()),
        hot_spots=hot_spots,
        hot_spots_limited=len(hot_spots) >= 20,
        crime_months=trend.months if trend else (None, None),
        plan_period=plan_period(store, settings, plan) if plan else (None, None),
        trend=trend,
        plan=plan,
    )


# --- A Commissioner priority ----------------------------------------------------------

_THROUGH = """SELECT ?via ?viaLabel ?rationale WHERE {{
  {{ ?via skos:relatedMatch {iri} }} UNION {{ {iri} skos:relatedMatch ?via }}
  ?via a cspkg:StrategicPriority . {via_label}
  OPTIONAL {{ ?link cspkg:fromPriority ?via ; cspkg:toPriority {iri} ; rdfs:comment ?rationale }}
}} ORDER BY STR(?viaLabel)"""
"""The CSP priorities aligned to it (either direction), with the rationale."""


@dataclass(frozen=True)
class CommissionerPriorityExplained:
    served_by: list[Alignment]
    """The CSP priorities aligned to it (``other``), with the project's rationale."""
    actions: list[ActionRow]
    through: dict[str, list[Ref]]
    """Action IRI -> the CSP priorities through which it serves this priority."""


def explain_commissioner_priority(
    store: Store, iri: str, settings: Settings
) -> CommissionerPriorityExplained:
    node = str(NamedNode(iri))
    served: list[Alignment] = []
    through: dict[str, list[Ref]] = {}
    for r in _rows(store, _THROUGH.format(iri=node, via_label=_label("?via")), settings):
        via = _ref(r, "via") or Ref("", "")
        if all(a.other != via for a in served):
            served.append(Alignment(via, None, r["rationale"]))
    # its actions by the one rule (queries/fragments/commissioner-priorities.rq)
    text = service_query(settings.queries_dir, "commissioner-priority-actions", priority=iri)
    for r in _rows(store, text, settings):
        into = through.setdefault(r["action"] or "", [])
        via = _ref(r, "via")
        if via is not None and via not in into:
            into.append(via)
    return CommissionerPriorityExplained(
        served, action_rows(store, list(through), settings), through
    )


# --- A delivery plan ------------------------------------------------------------------

_PLAN = """SELECT ?action ?priority ?priorityLabel ?start ?end ?under ?underLabel ?partnership
       ?partnershipLabel WHERE {{
  OPTIONAL {{ ?action p-plan:isStepOfPlan {iri} }}
  OPTIONAL {{ {iri} cspkg:periodStart ?start }} OPTIONAL {{ {iri} cspkg:periodEnd ?end }}
  OPTIONAL {{ {iri} cspkg:operatesUnder ?under {under_label} }}
  OPTIONAL {{ {iri} cspkg:partnership ?partnership {partnership_label} }}
}}"""


@dataclass(frozen=True)
class PlanExplained:
    period: tuple[str | None, str | None]
    partnership: Ref | None
    operates_under: Ref | None
    actions: list[ActionRow]
    priorities: list[tuple[Ref, int]]
    """Its CSP priorities with how many actions meet each, most first."""


def explain_plan(store: Store, iri: str, settings: Settings) -> PlanExplained:
    node = str(NamedNode(iri))
    found = _rows(
        store,
        _PLAN.format(
            iri=node,
            under_label=_label("?under"),
            partnership_label=_label("?partnership"),
        ),
        settings,
    )
    first = found[0] if found else {}
    actions = action_rows(
        store, list(dict.fromkeys(r["action"] for r in found if r["action"])), settings
    )
    counts: dict[Ref, int] = {}
    for row in actions:
        for priority in row.csp_priorities:
            counts[priority] = counts.get(priority, 0) + 1
    return PlanExplained(
        period=(first.get("start"), first.get("end")),
        partnership=_ref(first, "partnership"),
        operates_under=_ref(first, "under"),
        actions=actions,
        priorities=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].label.lower())),
    )
