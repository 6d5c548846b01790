"""Board reports in the load run (``run_load.py --reports N``): clients that ask for them,
making each once before the run, and the report file's own section for these runs."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import requests

REPORT_PAGE = "/delivery/cannock-chase-csp/2024-25/board-report"
REPORT_SECTION = "## Board reports under load"
"""The heading of the ``--reports`` run's section of the report file (kept by other runs)."""
NOTES_SECTION = "## Notes (written by hand)"
"""The heading of the notes on the main run, kept when that run writes its part again."""


def reporter(
    url: str,
    session: requests.Session,
    stop: float,
    seed: int,
    pause: float,
    record: Callable[[str, int, float, str], None],
) -> None:
    """Board reports back to back from one address: any quarter and format, half of them
    with ``Cache-Control: no-cache`` (which must not make the server render again)."""
    rng = random.Random(1000 + seed)
    while time.monotonic() < stop:
        form = rng.choice(["pdf", "pdf", "docx", "html"])
        params = {"period": f"2024-Q{rng.randint(1, 4)}"}
        headers = {"Cache-Control": "no-cache"} if rng.random() < 0.5 else {}
        started = time.perf_counter()
        try:
            response = session.get(
                f"{url}{REPORT_PAGE}.{form}", params=params, headers=headers, timeout=120
            )
            detail = response.text[:120] if response.status_code != 200 else ""
            record("report", response.status_code, time.perf_counter() - started, detail)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")) / 5)
            time.sleep(pause)
        except requests.RequestException as exc:
            record("report", 0, time.perf_counter() - started, type(exc).__name__)


def warm_reports(url: str, session: requests.Session) -> float:
    """Ask for every report the report clients will (each quarter, each format) once, so
    the run measures reports already made; returns the seconds it took."""
    begun = time.monotonic()
    for quarter in range(1, 5):
        for form in ("pdf", "docx", "html"):
            while True:
                response = session.get(
                    f"{url}{REPORT_PAGE}.{form}", params={"period": f"2024-Q{quarter}"}, timeout=300
                )
                if response.status_code != 429:
                    break
                time.sleep(1)
            if response.status_code != 200:
                raise RuntimeError(f"warming a report: {response.status_code} {response.text[:80]}")
    return time.monotonic() - begun


def merged(path: Path, text: str, reports: bool) -> str:
    """The report file with this run's part replaced: the ``--reports`` section, or
    everything before it but the hand-written notes (``NOTES_SECTION`` on), which stay
    for the reader to bring up to date."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    head, sep, section = old.partition(REPORT_SECTION)
    kept_section = sep + section
    if reports:
        return (head.rstrip() + "\n\n" if head.strip() else "") + text + _after(section)
    _, notes_sep, notes = head.partition(NOTES_SECTION)
    kept_notes = notes_sep + notes.rstrip() + "\n" if notes_sep else ""
    return text + "".join("\n" + part for part in (kept_notes, kept_section) if part)


def _after(section: str) -> str:
    """What follows the reports section: the next level-2 heading on."""
    _, sep, rest = section.partition("\n## ")
    return "\n## " + rest if sep else ""
