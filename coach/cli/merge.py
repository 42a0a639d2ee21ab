"""``coach merge``: another history's facts added to this one (see coach.store.merge)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeVar

from coach.config.locations import database_path
from coach.format.text import printable

__all__ = ["add_merge", "merge"]

EXIT_OK = 0
EXIT_FAILED = 1


_P = TypeVar("_P", bound=argparse.ArgumentParser)


def add_merge(commands: argparse._SubParsersAction[_P]) -> None:
    parser = commands.add_parser(
        "merge",
        help="add another history's sessions, checks and checklists to this one",
        description=(
            "Add to this history every fact another one has and this one lacks: its "
            "sessions and rated sets, level answers, checklists, follow-ups and function "
            "checks, each found by its own identity, so merging twice adds nothing the "
            "second time and the order of two merges does not matter. OTHER is the other "
            "coach's data folder (or its history.sqlite3); it is only read. Decisions "
            "after the added sessions are worked out again from the whole history."
        ),
    )
    parser.add_argument("other", type=Path, metavar="OTHER", help="the other data folder")


def merge(other: Path, data_dir: Path | None) -> int:
    """Run ``coach merge OTHER``: print what was added; exit 1 with one sentence when
    nothing could be merged."""
    # Here, not at the top: the rules and the loader (pydantic, YAML) are not needed to
    # parse arguments, and 'coach --version' must stay light.
    from coach.store.database import HistoryStore, StoreError
    from coach.store.merge import MergeError, merge_history

    store = HistoryStore(database_path(data_dir))
    try:
        report = merge_history(store, other)
    except (MergeError, StoreError) as exc:
        print(printable(f"coach: cannot merge {other}: {exc}."), file=sys.stderr)
        return EXIT_FAILED
    print(printable(report.text()))
    return EXIT_OK
