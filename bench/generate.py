"""Synthetic data in the real plan's shape, streamed to files, seeded and reproducible.

Layout of a generated dataset directory (what ``cspkg serve`` reads with
``CSPKG_ONTOLOGY_DIR=DIR/ontology CSPKG_DATA_DIR=DIR/data``)::

    ontology/*.ttl                      copied from the project
    data/reference/*.ttl                crime categories, copied from the project
    data/agencies.nt                    shared agencies + each partnership's council units
    data/commissioner/{force}-police-and-crime-plan-2021-24.nt
    data/priorities/{csp}.nt            one CSP priority scheme per partnership
    data/alignment/{csp}-to-{force}.nt  CSP -> Commissioner priorities (skos:relatedMatch)
    data/plans/{csp}-{year}.nt          one delivery plan per partnership and year
    data/crime/{csp}-{year}-street.nt   police.uk-style observations (RDF Data Cube)
    all.nq                              every graph above, as N-Quads (for the reference)
    params.json                         canned-query parameter values that hit this data
    manifest.json                       seed, target, triples, files

Each file is one named graph, named as ``cspkg.store.sources`` names it, so the
service and the reference server hold the same quads.  Nothing is built in memory:
triples are formatted as N-Triples lines and written as they are made.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from pyoxigraph import BlankNode, RdfFormat, parse

from cspkg.config import PROJECT_ROOT
from cspkg.namespaces import DEFAULT_BASE
from cspkg.store.sources import find_sources, graph_iri

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
YEARS = ("2022-23", "2023-24", "2024-25")
FORMAT = 3
"""Bumped when the data or params.json change: ``ensure`` regenerates older datasets."""
TRIPLES_PER_PARTNERSHIP = 9_400
"""Measured average (3 plans, 3 crime files, priorities, alignment): sizes scale on it."""

B = DEFAULT_BASE
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
NS = {
    "cspkg": "https://cspkg.example.org/def/cspkg#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "pplan": "http://purl.org/net/p-plan#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "http://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
CSP_PRIORITIES = (
    "Anti-Social Behaviour",
    "Domestic Abuse",
    "Drugs and County Lines",
    "Fraud",
    "Safeguarding Vulnerable Persons",
    "Serious Violence",
    "Violence Against Women and Girls",
    "Community Cohesion and Tackling Extremism",
    "Road Safety",
    "Hate Crime",
    "Acquisitive Crime",
    "Youth Offending",
    "Modern Slavery",
    "Rural Crime",
)
PCC_PRIORITIES = (
    "A Local and Responsive Service",
    "Prevent Harm and Protect People",
    "Support Victims and Witnesses",
    "Reduce Offending and Re-offending",
    "A More Effective Criminal Justice System",
    "Safer Roads",
)
NATIONAL_AGENCIES = (
    "Probation Service",
    "Department for Work and Pensions",
    "Mental Health Services",
    "Drug and Alcohol Support Agencies",
    "Domestic Abuse Support Agencies",
    "Crime Support Agencies",
    "Registered Social Landlords",
    "Youth Justice Board",
    "Trading Standards",
    "British Transport Police",
    "Environment Agency",
    "Highways Agency",
)
COUNCIL_UNITS = (
    "Community Safety Team",
    "CCTV",
    "Housing Options",
    "Licensing",
    "Environmental Health",
)
CRIME_CATEGORIES = (
    "anti-social-behaviour",
    "bicycle-theft",
    "burglary",
    "criminal-damage-arson",
    "drugs",
    "other-theft",
    "possession-of-weapons",
    "public-order",
    "robbery",
    "shoplifting",
    "theft-from-the-person",
    "vehicle-crime",
    "violent-crime",
    "other-crime",
)
OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Offender fined",
    "Action to be taken by another organisation",
)
WORDS = (
    "deliver joint patrols in hotspot areas with partners and review outcomes quarterly "
    "fund diversionary activities for young people at risk of exploitation provide "
    "training to frontline staff on recognising signs of abuse commission support for "
    "victims install additional CCTV and bleed kits run awareness campaigns with schools"
).split()


def iri(path: str) -> str:
    return f"<{B}{path}>"


def term(prefix: str, local: str) -> str:
    return f"<{NS[prefix]}{local}>"


def lit(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"' if datatype is None else f'"{escaped}"^^{term("xsd", datatype)}'


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


class GraphWriter:
    """Writes one graph's triples to its own .nt file and, as quads, to the shared .nq."""

    def __init__(self, root: Path, name: str, nquads: TextIO) -> None:
        self.path = root / name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("w", encoding="utf-8")
        self._graph = f"<{graph_iri(B, name)}>"
        self._nq = nquads
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        self._file.write(f"{s} {p} {o} .\n")
        self._nq.write(f"{s} {p} {o} {self._graph} .\n")
        self.count += 1

    def close(self) -> None:
        self._file.close()


@dataclass
class Partnership:
    index: int
    slug: str
    label: str
    force: int
    priorities: list[str]
    agencies: list[str]


class Generator:
    """Emits a dataset of about ``target`` triples from ``seed``."""

    def __init__(self, out: Path, target: int, seed: int = 42) -> None:
        self.out, self.target, self.seed = out, target, seed
        self.rng = random.Random(seed)
        self.partnerships = max(1, round(target / TRIPLES_PER_PARTNERSHIP))
        self.forces = max(1, min(43, self.partnerships // 3 or 1))
        self.triples = 0
        self.files = 0

    def _open(self, name: str) -> GraphWriter:
        self.files += 1
        return GraphWriter(self.out, name, self._nq)

    def _close(self, writer: GraphWriter) -> None:
        writer.close()
        self.triples += writer.count

    def run(self) -> dict[str, object]:
        if self.out.exists():
            shutil.rmtree(self.out)
        (self.out / "data").mkdir(parents=True)
        with (self.out / "all.nq").open("w", encoding="utf-8") as self._nq:
            self._copy_project_files()
            national = self._agencies_and_forces()
            params: dict[str, dict[str, str]] = {}
            for index in range(self.partnerships):
                partnership = self._partnership(index, national)
                self._priorities(partnership)
                self._alignment(partnership)
                for year in YEARS:
                    first_action = self._plan(partnership, year)
                    self._crime(partnership, year)
                    if index == 0 and year == YEARS[-1]:
                        plan = f"{B}id/delivery-plan/{partnership.slug}"
                        other = f"{B}id/delivery-plan/synth-{min(1, self.partnerships - 1):04d}-csp"
                        params = {
                            "compare-priorities": {
                                "planA": f"{plan}/{YEARS[-2]}",
                                "planB": f"{plan}/{year}",
                            },
                            "plan-changes": {
                                "earlier": f"{plan}/{YEARS[-2]}",
                                "later": f"{plan}/{year}",
                            },
                            "shared-agencies": {
                                "planA": f"{plan}/{year}",
                                "planB": f"{other}/{year}",
                            },
                            "crime-by-priority": {"plan": f"{plan}/{year}"},
                            "coverage-matrix": {"plan": f"{plan}/{year}"},
                            "actions-per-commissioner-priority": {"plan": f"{plan}/{year}"},
                            "actions-per-csp-priority": {"plan": f"{plan}/{year}"},
                            "agency-workload": {"plan": f"{plan}/{year}"},
                            "crime-hotspots": {"priority": partnership.priorities[0][1:-1]},
                            "action": {"action": first_action},
                            "agency-actions": {"agency": partnership.agencies[0][1:-1]},
                            "agency-partners": {"agency": partnership.agencies[0][1:-1]},
                            "priority-actions": {"priority": partnership.priorities[0][1:-1]},
                            "plan-summary": {
                                "plan": f"{B}id/delivery-plan/{partnership.slug}/{year}"
                            },
                            "overdue-actions": {"date": "2024-10-01", "plan": f"{plan}/{year}"},
                            "ongoing-actions": {"plan": f"{plan}/{year}"},
                            "priority-gaps": {"min": "3", "plan": f"{plan}/{year}"},
                        }
        manifest = {
            "format": FORMAT,
            "seed": self.seed,
            "target": self.target,
            "triples": self.triples,
            "files": self.files,
            "partnerships": self.partnerships,
        }
        (self.out / "params.json").write_text(json.dumps(params, indent=2) + "\n")
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        return manifest

    def _copy_project_files(self) -> None:
        """The ontology and the crime categories, as the project has them."""
        copies = [(PROJECT_ROOT / "ontology", self.out / "ontology")]
        copies.append(
            (PROJECT_ROOT / "data" / "reference" / "police-uk-crime-categories.ttl", None)
        )
        shutil.copytree(copies[0][0], copies[0][1])
        reference = self.out / "data" / "reference"
        reference.mkdir(parents=True)
        shutil.copy(copies[1][0], reference)
        for source in find_sources(B, [self.out / "ontology", self.out / "data"]):
            graph = f"<{source.graph_iri}>"
            labels: dict[str, str] = {}  # the parser's blank node ids are random: renumber

            def stable(node: object, labels: dict[str, str] = labels, n: int = self.files) -> str:
                if isinstance(node, BlankNode):
                    return labels.setdefault(node.value, f"_:f{n}b{len(labels)}")
                return str(node)

            for quad in parse(path=source.path, format=RdfFormat.TURTLE):
                s, o = stable(quad.subject), stable(quad.object)
                self._nq.write(f"{s} {quad.predicate} {o} {graph} .\n")
                self.triples += 1
            self.files += 1

    def _agencies_and_forces(self) -> list[str]:
        out = self._open("data/agencies.nt")
        national = []
        for name in NATIONAL_AGENCIES:
            node = iri(f"id/organisation/{slug(name)}")
            national.append(node)
            self._agency(out, node, name)
        for force in range(self.forces):
            name = f"Synthshire {force:02d}"
            for kind in ("Police", "Fire and Rescue Service", "Commissioner's Office"):
                self._agency(
                    out,
                    iri(f"id/organisation/synthshire-{force:02d}-{slug(kind)}"),
                    f"{name} {kind}",
                )
        for index in range(self.partnerships):
            council = f"synth-{index:04d}-district-council"
            self._agency(
                out, iri(f"id/organisation/{council}"), f"Synth {index:04d} District Council"
            )
            for unit in COUNCIL_UNITS:
                node = iri(f"id/organisation/{council}/{slug(unit)}")
                self._agency(out, node, unit)
                out.add(node, term("org", "unitOf"), iri(f"id/organisation/{council}"))
        self._close(out)
        for force in range(self.forces):
            self._commissioner(force)
        return national

    @staticmethod
    def _agency(out: GraphWriter, node: str, name: str) -> None:
        out.add(node, RDF_TYPE, term("org", "Organization"))
        out.add(node, term("rdfs", "label"), lit(name))
        out.add(node, term("skos", "prefLabel"), lit(name))

    def _commissioner(self, force: int) -> None:
        key = f"synthshire-{force:02d}-police-and-crime-plan-2021-24"
        out = self._open(f"data/commissioner/{key}.nt")
        plan = iri(f"id/police-and-crime-plan/synthshire-{force:02d}/2021-24")
        scheme = iri(f"def/{key}/priorities")
        out.add(plan, RDF_TYPE, term("cspkg", "PoliceAndCrimePlan"))
        out.add(
            plan,
            term("rdfs", "label"),
            lit(f"Synthshire {force:02d} Police and Crime Plan 2021-24"),
        )
        out.add(plan, term("cspkg", "priorityScheme"), scheme)
        out.add(scheme, RDF_TYPE, term("skos", "ConceptScheme"))
        out.add(scheme, term("skos", "prefLabel"), lit(f"Synthshire {force:02d} PCP priorities"))
        for label in PCC_PRIORITIES:
            self._concept(
                out,
                iri(f"def/{key}/priorities/{slug(label)}"),
                label,
                scheme,
                "CommissionerPriority",
            )
        self._close(out)

    @staticmethod
    def _concept(out: GraphWriter, node: str, label: str, scheme: str, kind: str) -> None:
        out.add(node, RDF_TYPE, term("skos", "Concept"))
        out.add(node, RDF_TYPE, term("cspkg", kind))
        out.add(node, term("rdfs", "label"), lit(label))
        out.add(node, term("skos", "prefLabel"), lit(label))
        out.add(node, term("skos", "inScheme"), scheme)
        out.add(node, term("skos", "topConceptOf"), scheme)

    def _partnership(self, index: int, national: list[str]) -> Partnership:
        rng = self.rng
        chosen = rng.sample(CSP_PRIORITIES, rng.randint(6, 9))
        key = f"synth-{index:04d}-csp"
        council = f"id/organisation/synth-{index:04d}-district-council"
        force = index % self.forces
        local = [iri(f"{council}/{slug(u)}") for u in COUNCIL_UNITS] + [iri(council)]
        force_agencies = [
            iri(f"id/organisation/synthshire-{force:02d}-{slug(k)}")
            for k in ("Police", "Fire and Rescue Service")
        ]
        return Partnership(
            index,
            key,
            f"Synth {index:04d} Community Safety Partnership",
            force,
            [iri(f"def/{key}/priorities/{slug(p)}") for p in chosen],
            local + force_agencies + national,
        )

    def _priorities(self, p: Partnership) -> None:
        out = self._open(f"data/priorities/{p.slug}.nt")
        scheme = iri(f"def/{p.slug}/priorities")
        out.add(scheme, RDF_TYPE, term("skos", "ConceptScheme"))
        out.add(scheme, term("skos", "prefLabel"), lit(f"{p.label} strategic priorities"))
        for node in p.priorities:
            label = node.rsplit("/", 1)[1][:-1].replace("-", " ").title()
            self._concept(out, node, label, scheme, "StrategicPriority")
        self._close(out)

    def _alignment(self, p: Partnership) -> None:
        key = f"synthshire-{p.force:02d}-police-and-crime-plan-2021-24"
        out = self._open(f"data/alignment/{p.slug}-to-{key}.nt")
        targets = [iri(f"def/{key}/priorities/{slug(label)}") for label in PCC_PRIORITIES[:5]]
        project = iri("id/organisation/cspkg-project")
        activity = iri(f"id/activity/alignment/{p.slug}")
        out.add(activity, RDF_TYPE, term("prov", "Activity"))
        out.add(activity, term("rdfs", "label"), lit(f"Aligning {p.slug} priorities (synthetic)"))
        out.add(activity, term("prov", "wasAssociatedWith"), project)
        for source in p.priorities:
            for category in self.rng.sample(CRIME_CATEGORIES, self.rng.randint(1, 2)):
                out.add(
                    source,
                    term("skos", "relatedMatch"),
                    iri(f"def/police-uk/crime-categories/{category}"),
                )
            for target in self.rng.sample(targets, self.rng.randint(1, 3)):
                out.add(source, term("skos", "relatedMatch"), target)
                link = iri(
                    f"id/alignment/{p.slug}/{source.rsplit('/', 1)[1][:-1]}/{target.rsplit('/', 1)[1][:-1]}"
                )
                out.add(link, RDF_TYPE, term("cspkg", "PriorityAlignment"))
                out.add(link, term("cspkg", "fromPriority"), source)
                out.add(link, term("cspkg", "toPriority"), target)
                out.add(link, term("rdfs", "comment"), lit("Synthetic alignment for benchmarking."))
                out.add(link, term("prov", "wasAttributedTo"), project)
                out.add(link, term("prov", "wasGeneratedBy"), activity)
        self._close(out)

    def _plan(self, p: Partnership, year: str) -> str:
        rng = self.rng
        out = self._open(f"data/plans/{p.slug}-{year}.nt")
        plan = iri(f"id/delivery-plan/{p.slug}/{year}")
        document = iri(f"id/document/{p.slug}-delivery-plan-{year}")
        start = date(int(year[:4]), 4, 1)
        end = date(int(year[:4]) + 1, 3, 31)
        partnership = iri(f"id/partnership/{p.slug}")
        out.add(partnership, RDF_TYPE, term("cspkg", "CommunitySafetyPartnership"))
        out.add(partnership, term("rdfs", "label"), lit(p.label))
        out.add(partnership, term("dcterms", "spatial"), iri(f"id/area/{p.slug}-district"))
        out.add(document, RDF_TYPE, term("foaf", "Document"))
        label = f"{p.label} Delivery Plan {year}"
        for prop, value in (
            (RDF_TYPE, term("cspkg", "DeliveryPlan")),
            (term("rdfs", "label"), lit(label)),
            (term("dcterms", "title"), lit(label)),
            (term("cspkg", "partnership"), partnership),
            (
                term("cspkg", "operatesUnder"),
                iri(f"id/police-and-crime-plan/synthshire-{p.force:02d}/2021-24"),
            ),
            (term("cspkg", "priorityScheme"), iri(f"def/{p.slug}/priorities")),
            (term("cspkg", "periodStart"), lit(start.isoformat(), "date")),
            (term("cspkg", "periodEnd"), lit(end.isoformat(), "date")),
            (term("prov", "wasDerivedFrom"), document),
        ):
            out.add(plan, prop, value)
        for priority in p.priorities:
            out.add(plan, term("cspkg", "strategicPriority"), priority)
        first = ""
        line = 30
        for ordinal in range(1, rng.randint(28, 42) + 1):
            words = " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))
            action = iri(
                f"id/action/{p.slug}/{year}/{ordinal:02d}-{slug(' '.join(words.split()[:4]))}"
            )
            first = first or action[1:-1]
            out.add(action, RDF_TYPE, term("cspkg", "Action"))
            out.add(action, term("rdfs", "label"), lit(words.capitalize()))
            out.add(
                action, term("dcterms", "description"), lit(words.capitalize() + ". " + words + ".")
            )
            out.add(action, term("pplan", "isStepOfPlan"), plan)
            out.add(action, term("prov", "wasDerivedFrom"), document)
            out.add(action, term("cspkg", "ordinal"), lit(str(ordinal), "integer"))
            for priority in rng.sample(p.priorities, rng.randint(1, 4)):
                out.add(action, term("cspkg", "meetsPriority"), priority)
            agencies = rng.sample(p.agencies, rng.randint(1, 7))
            out.add(action, term("cspkg", "responsibleAgency"), agencies[0])
            for agency in agencies[1:]:
                out.add(action, term("cspkg", "supportingAgency"), agency)
            if rng.random() < 0.3:
                out.add(action, term("cspkg", "targetText"), lit("Ongoing"))
                out.add(action, term("cspkg", "ongoing"), lit("true", "boolean"))
            else:
                due = start + timedelta(days=rng.randint(30, 365))
                out.add(action, term("cspkg", "targetText"), lit(due.strftime("%B %Y")))
                out.add(
                    action, term("cspkg", "targetDate"), lit(due.strftime("%Y-%m"), "gYearMonth")
                )
                out.add(action, term("cspkg", "targetDue"), lit(due.isoformat(), "date"))
                if rng.random() < 0.2:
                    out.add(
                        action,
                        term("schema", "actionStatus"),
                        term("schema", "CompletedActionStatus"),
                    )
            out.add(action, term("cspkg", "sourceFirstLine"), lit(str(line), "integer"))
            line += rng.randint(5, 40)
            out.add(action, term("cspkg", "sourceLastLine"), lit(str(line), "integer"))
        self._close(out)
        return first

    def _areas(self, p: Partnership) -> list[str]:
        """The partnership's LSOAs, each within its district (written once)."""
        areas = [
            f"<http://statistics.data.gov.uk/id/statistical-geography/E0{p.index:04d}{a:03d}>"
            for a in range(40)
        ]
        name = f"data/reference/areas-{p.slug}.nt"
        if not (self.out / name).exists():
            out = self._open(name)
            district = iri(f"id/area/{p.slug}-district")
            out.add(district, term("rdfs", "label"), lit(f"{p.label} district"))
            for area in areas:
                out.add(area, term("schema", "containedInPlace"), district)
            self._close(out)
        return areas

    def _crime(self, p: Partnership, year: str) -> None:
        rng = self.rng
        name = f"{p.slug}-{year}-street"
        out = self._open(f"data/crime/{name}.nt")
        dataset = iri(f"id/dataset/police-uk-street-crime/{name}")
        out.add(dataset, RDF_TYPE, term("qb", "DataSet"))
        out.add(dataset, term("rdfs", "label"), lit(f"police.uk street-level crime: {name}.csv"))
        out.add(dataset, term("qb", "structure"), term("cspkg", "street-crime-structure"))
        areas = self._areas(p)
        for number in range(1, 272):
            obs = iri(f"id/crime-record/{name}/{number:06d}")
            month = f"{int(year[:4]) + (number % 12 < 3)}-{(number % 12 + 3) % 12 + 1:02d}"
            category = rng.choice(CRIME_CATEGORIES)
            out.add(obs, RDF_TYPE, term("qb", "Observation"))
            out.add(obs, term("qb", "dataSet"), dataset)
            out.add(obs, term("sdmx", "refArea"), rng.choice(areas))
            out.add(obs, term("sdmx", "refPeriod"), lit(month, "gYearMonth"))
            out.add(
                obs,
                term("cspkg", "crimeCategory"),
                iri(f"def/police-uk/crime-categories/{category}"),
            )
            out.add(obs, term("cspkg", "crimeCount"), lit("1", "integer"))
            out.add(
                obs,
                term("cspkg", "locationDescription"),
                lit(f"On or near {rng.choice(WORDS).title()} Road"),
            )
            if category != "anti-social-behaviour":
                out.add(obs, term("dcterms", "identifier"), lit(f"{rng.getrandbits(128):032x}"))
                out.add(obs, term("cspkg", "lastOutcome"), lit(rng.choice(OUTCOMES)))
        self._close(out)


def generate(out: Path, target: int, seed: int = 42) -> dict[str, object]:
    """Generate a dataset of about ``target`` triples into ``out`` (replaced)."""
    return Generator(out, target, seed).run()


def ensure(cache: Path, size: str, seed: int = 42) -> Path:
    """The dataset for ``size`` under ``cache``, generated unless already there."""
    out = cache / f"{size}-seed{seed}"
    manifest = out / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text()).get("format") == FORMAT:
        return out
    generate(out, SIZES[size] if size in SIZES else int(size), seed)
    return out


def files(out: Path) -> Iterator[Path]:
    yield from sorted(out.rglob("*.nt"))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m, 10m or a number")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, SIZES.get(args.size) or int(args.size), args.seed)))
