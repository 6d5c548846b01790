"""The curated agency register: one URI per agency, however a plan spells its name.

The register (``data/agency-register.toml``) is written by people.  Matching is exact
after normalising typography only (case, dashes, apostrophes, ``&``, a trailing full
stop), so two spellings are the same agency only when someone listed the alias.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from ..errors import RegisterError
from ..namespaces import AGENCY_KIND, CSPKG, bind_prefixes

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")
REGISTER_FILE = "agency-register.toml"


def normalise_name(name: str) -> str:
    """Fold the typographic differences Word and authors introduce into agency names."""
    text = name.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[–—‐]", "-", text).replace("&", " and ")
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split()).rstrip(". ").strip()


@dataclass(frozen=True)
class Agency:
    """One register entry."""

    slug: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    area: str | None = None
    members: tuple[str, ...] = ()
    identifier: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Partnership:
    """A Community Safety Partnership whose plans we import."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    area: str | None = None


class AgencyRegister:
    """Agencies and partnerships by slug, and an index of every normalised spelling."""

    def __init__(self, agencies: list[Agency], partnerships: list[Partnership]) -> None:
        self.agencies = {a.slug: a for a in agencies}
        self.partnerships = {p.slug: p for p in partnerships}
        self._names: dict[str, str] = {}
        self._partnership_names: dict[str, str] = {}
        if len(self.agencies) != len(agencies):
            raise RegisterError("the register lists an agency slug twice")
        for agency in agencies:
            if not SLUG.match(agency.slug):
                raise RegisterError(f"agency slug '{agency.slug}' is not lower-case-with-dashes")
            for ref in [agency.parent, *agency.members]:
                if ref is not None and ref not in self.agencies:
                    raise RegisterError(f"agency '{agency.slug}' refers to unknown '{ref}'")
            if agency.parent and not agency.slug.startswith(agency.parent + "/"):
                raise RegisterError(f"unit '{agency.slug}' must sit under '{agency.parent}/'")
            for spelling in (agency.name, *agency.aliases):
                self._index(self._names, spelling, agency.slug)
        for partnership in partnerships:
            for spelling in (partnership.name, *partnership.aliases):
                self._index(self._partnership_names, spelling, partnership.slug)

    @staticmethod
    def _index(index: dict[str, str], spelling: str, slug: str) -> None:
        key = normalise_name(spelling)
        if index.get(key, slug) != slug:
            raise RegisterError(f"'{spelling}' is listed for both '{index[key]}' and '{slug}'")
        index[key] = slug

    def resolve(self, name: str) -> Agency | None:
        """The registered agency a plan's spelling names, or None."""
        slug = self._names.get(normalise_name(name))
        return self.agencies[slug] if slug else None

    def suggest(self, name: str, limit: int = 3, cutoff: float = 75) -> tuple[str, ...]:
        """Registered agencies whose names a plan's unknown spelling resembles, best first.

        Fuzzy matching (rapidfuzz) only suggests: nothing is merged until a person adds the
        spelling as an alias.
        """
        from rapidfuzz import fuzz, process, utils

        if not self._names:
            return ()
        found = process.extract(
            normalise_name(name),
            list(self._names),
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            limit=limit * 4,
            score_cutoff=cutoff,
        )
        names: list[str] = []
        for _spelling, _score, index in found:
            agency = self.agencies[self._names[list(self._names)[index]]]
            if agency.name not in names:
                names.append(agency.name)
        return tuple(names[:limit])

    def resolve_partnership(self, name: str) -> Partnership | None:
        """The registered partnership a plan's spelling names, or None."""
        slug = self._partnership_names.get(normalise_name(name))
        return self.partnerships[slug] if slug else None

    def to_graph(self, base: str) -> Graph:
        """The register as RDF: ORG organisations and units, classified by kind."""
        graph = Graph()
        bind_prefixes(graph)
        for agency in self.agencies.values():
            node = agency_iri(base, agency.slug)
            kind_class = ORG.OrganizationalUnit if agency.parent else ORG.Organization
            graph.add((node, RDF.type, kind_class))
            graph.add((node, RDFS.label, Literal(agency.name)))
            graph.add((node, SKOS.prefLabel, Literal(agency.name)))
            for alias in agency.aliases:
                graph.add((node, SKOS.altLabel, Literal(alias)))
            graph.add((node, ORG.classification, AGENCY_KIND[agency.kind]))
            if agency.parent:
                parent = agency_iri(base, agency.parent)
                graph.add((node, ORG.unitOf, parent))
                graph.add((parent, ORG.hasUnit, node))
            if agency.area:
                graph.add((node, DCTERMS.spatial, area_iri(base, agency.area)))
            for member in agency.members:
                graph.add((node, ORG.hasMember, agency_iri(base, member)))
            if agency.identifier:
                graph.add((node, DCTERMS.identifier, Literal(agency.identifier)))
            if agency.note:
                graph.add((node, SKOS.editorialNote, Literal(agency.note)))
        for partnership in self.partnerships.values():
            node = partnership_iri(base, partnership.slug)
            graph.add((node, RDF.type, CSPKG.CommunitySafetyPartnership))
            graph.add((node, RDFS.label, Literal(partnership.name)))
            graph.add((node, SKOS.prefLabel, Literal(partnership.name)))
            for alias in partnership.aliases:
                graph.add((node, SKOS.altLabel, Literal(alias)))
            if partnership.area:
                graph.add((node, DCTERMS.spatial, area_iri(base, partnership.area)))
        return graph


def agency_iri(base: str, slug: str) -> URIRef:
    """``{base}id/organisation/{slug}``."""
    return URIRef(f"{base}id/organisation/{slug}")


def partnership_iri(base: str, slug: str) -> URIRef:
    """``{base}id/partnership/{slug}``."""
    return URIRef(f"{base}id/partnership/{slug}")


def area_iri(base: str, slug: str) -> URIRef:
    """``{base}id/area/{slug}``: places live in ``data/reference/areas.ttl``."""
    return URIRef(f"{base}id/area/{slug}")


def load_register(path: Path) -> AgencyRegister:
    """Read and check the register; a malformed one stops with the file and the problem."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegisterError(f"cannot read {path.name}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{path.name}: {exc}") from None
    try:
        agencies = [
            Agency(
                **{
                    **entry,
                    "aliases": tuple(entry.get("aliases", ())),
                    "members": tuple(entry.get("members", ())),
                }
            )
            for entry in document.get("agency", [])
        ]
        partnerships = [
            Partnership(**{**entry, "aliases": tuple(entry.get("aliases", ()))})
            for entry in document.get("partnership", [])
        ]
    except TypeError as exc:
        raise RegisterError(
            f"{path.name}: an entry has a missing or unknown field ({exc})"
        ) from None
    try:
        return AgencyRegister(agencies, partnerships)
    except RegisterError as exc:
        raise RegisterError(f"{path.name}: {exc}") from None
