"""The curated register: spellings resolve to one agency, mistakes in it stop the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import ORG

from cspkg.config import Settings
from cspkg.errors import RegisterError
from cspkg.rdf.agency_register import load_register, normalise_name


def test_one_agency_written_two_ways(settings: Settings) -> None:
    register = load_register(settings.data_dir / "agency-register.toml")
    a = register.resolve("Community Safety Team, Cannock Chase Council.")
    b = register.resolve("Cannock Chase District Council – Community Safety Team.")
    assert a is not None and a is b
    assert a.parent == "cannock-chase-district-council"


def test_grouped_agency_has_members(settings: Settings) -> None:
    register = load_register(settings.data_dir / "agency-register.toml")
    group = register.resolve(
        "Crime Support Agencies - Inc. (ASB Harmony, Staffordshire Victim Gateway and "
        "Uniting Staffordshire Against Hate."
    )
    assert group is not None and group.kind == "group"
    assert set(group.members) == {
        "asb-harmony",
        "staffordshire-victim-gateway",
        "uniting-staffordshire-against-hate",
    }
    graph = register.to_graph(settings.base)
    node = URIRef(settings.base + "id/organisation/crime-support-agencies")
    assert len(list(graph.objects(node, ORG.hasMember))) == 3


def test_unknown_name_is_not_guessed(settings: Settings) -> None:
    register = load_register(settings.data_dir / "agency-register.toml")
    assert register.resolve("Cannock Chase Community Safety") is None
    assert register.resolve("Staffordshire Police Force") is None


def test_normalise_name_folds_typography_only() -> None:
    assert normalise_name("Children’s Services – A & B.") == normalise_name(
        "children's services - a and b"
    )
    assert normalise_name("Probation") != normalise_name("Probation Service")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[agency]]\nslug="a"\nname="A"\nkind="council"\n[[agency]]\nslug="b"\nname="a."\nkind="council"\n',
            "listed for both",
        ),
        ('[[agency]]\nslug="a/b"\nname="B"\nkind="council"\nparent="a"\n', "unknown 'a'"),
        ('[[agency]]\nslug="Bad Slug"\nname="B"\nkind="council"\n', "lower-case"),
        (
            '[[agency]]\nslug="a"\nname="A"\nkind="council"\ncolour="red"\n',
            "missing or unknown field",
        ),
        ("[[agency]\n", "agency-register.toml"),
    ],
)
def test_register_mistakes_are_reported(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "agency-register.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RegisterError, match=message):
        load_register(path)
