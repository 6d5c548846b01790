"""Splitting a cell of several names: only into names the register knows."""

from __future__ import annotations

import pytest

from cspkg.rdf.plan_record import split_names
from tests.rdf.test_plan_tables import KNOWS


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Staffordshire Police, Probation Service and Vysions Youth Service",
         ["Staffordshire Police", "Probation Service", "Vysions Youth Service"]),
        ("Staffordshire Police & Probation Service", ["Staffordshire Police", "Probation Service"]),
        ("Staffordshire Police and Staffordshire Fire and Rescue Service",
         ["Staffordshire Police", "Staffordshire Fire and Rescue Service"]),
        ("Staffordshire Fire and Rescue Service", None),  # one name: 'and' inside it
        ("Smith, Jones and Partners", None),  # not every piece registered: kept whole
        ("Staffordshire Police, Exampleton Bowls Club", None),
    ],
)  # fmt: skip
def test_names_split_only_into_registered_names(text: str, names: list[str] | None) -> None:
    assert split_names(text, KNOWS) == names
