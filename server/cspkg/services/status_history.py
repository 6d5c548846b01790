"""An action's status history, for its page: the canned query ``status-history``.

Every update reported for the action, superseded ones included (marked, with what
replaced them), so a reader sees both a first report and its correction.
"""

from __future__ import annotations

from dataclasses import dataclass

from .canned_queries import CannedQueries
from .delivery_model import Status


@dataclass(frozen=True)
class HistoryEntry:
    """One update of an action, as its page lists it."""

    update: str
    period: str
    """The quarter's name (``Q3 2024/25 (October to December 2024)``)."""
    revision: int
    status: Status
    percent: int | None
    commentary: str | None
    reported_by: str | None
    reported_on: str | None
    current: bool
    superseded_by: str | None
    """What the update that replaced it is called (``2024-Q3 update 2``)."""


def status_history(queries: CannedQueries, action: str) -> list[HistoryEntry]:
    """The action's updates in time order, from the canned query ``status-history``."""
    records = queries.run("status-history", [("action", action)]).table.records()
    return [
        HistoryEntry(
            update=r["update"] or "",
            period=r["periodLabel"] or r["period"] or "",
            revision=int(r["revision"] or 1),
            status=Status(
                r["status"] or "",
                r["statusLabel"] or "",
                (r["status"] or "").rsplit("/", 1)[-1],
                (r["rag"] or "").rsplit("/", 1)[-1] or None,
            ),
            percent=int(r["percentComplete"]) if r["percentComplete"] else None,
            commentary=r["commentary"],
            reported_by=r["reportedBy"],
            reported_on=r["reportedOn"],
            current=r["current"] == "true",
            superseded_by=r["supersededByLabel"],
        )
        for r in records
    ]
