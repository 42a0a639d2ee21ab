"""The report for a clinician: one self-contained HTML file for a period, written from
the history by rules (see docs/report.md).

A layer of its own between the shell and the store (pyproject's import contracts): it
reads through the store's queries (:mod:`coach.store.report`), computes its figures and
sentences, draws its charts as SVG (coach.report.charts), lays the page out with a
Jinja2 template (imported only here, and only when a report is written) and writes the
file 0600. The TUI calls :func:`write_report` from a thread
worker; ``coach report`` from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

__all__ = [
    "DEFAULT_WEEKS",
    "ReportOptions",
    "ReportWritten",
    "build_report",
    "default_name",
    "write_report",
]

DEFAULT_WEEKS = 12
"""The period of a report when none is given: the last twelve weeks."""


@dataclass(frozen=True, slots=True)
class ReportWritten:
    path: Path
    since: date
    until: date
    bytes: int
    sessions: int
    checks: int


def default_name(until: date) -> str:
    return f"coach-report-{until.isoformat()}.html"


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """Who the report is about and how it prints (the settings and `coach report`)."""

    name: str = ""
    """``report_name`` in the settings: in the header of every page."""
    birth: str = ""
    full: bool = False
    """Print the appendix (every decision and checklist) too."""
    paper: str = "a4"


def build_report(
    store: object,
    since: date,
    until: date,
    *,
    generated: datetime | None = None,
    options: ReportOptions | None = None,
) -> tuple[str, int, int]:
    """The report's HTML for ``since`` to ``until``, and the sessions and checks in it."""
    from coach import __version__
    from coach.report.page import render
    from coach.store.database import HistoryStore
    from coach.store.report import report_data

    assert isinstance(store, HistoryStore)
    data = report_data(store, since, until)
    moment = generated or datetime.now().astimezone()
    chosen = options or ReportOptions()
    text = render(
        data,
        generated=moment,
        version=__version__,
        name=chosen.name,
        birth=chosen.birth,
        full=chosen.full,
        paper=chosen.paper,
    )
    return text, len(data.sessions), len(data.period_checks.checks)


def write_report(
    store: object,
    path: Path,
    *,
    until: date,
    since: date | None = None,
    generated: datetime | None = None,
    options: ReportOptions | None = None,
) -> ReportWritten:
    """Write the report for ``since`` (default: :data:`DEFAULT_WEEKS` weeks before
    ``until``) to ``until`` at ``path``, 0600. Raises the store's StoreError when the
    history cannot be read, OSError when the file cannot be written."""
    from coach.store.private import write_private

    start = since if since is not None else until - timedelta(weeks=DEFAULT_WEEKS) + timedelta(1)
    text, sessions, checks = build_report(store, start, until, generated=generated, options=options)
    data = text.encode("utf-8")
    write_private(path, text)
    return ReportWritten(path, start, until, len(data), sessions, checks)
