"""Function checks and PSFS ratings out of coach: `coach export --what checks|psfs`, with
the columns docs/export.md documents, and the synthetic history's checks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from coach.engine.checks import EndedBy, HoldResult, HoldTest, Variant
from coach.engine.checks.messages import PsfsEntry
from coach.engine.ids import new_id
from coach.engine.records import PainAnswer, SessionStatus
from coach.store.checks import CHECK_COLUMNS, PSFS_COLUMNS, CheckStore
from coach.store.database import HistoryStore
from coach.store.export import read_csv

from .conftest import CliResult

Cli = Callable[..., CliResult]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "export.md"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    checks = CheckStore(HistoryStore(tmp_path / "history.sqlite3"))
    named: str | None = None  # the activity named at the first check, rated again after
    for day, seconds in ((date(2026, 9, 1), 60.0), (date(2026, 10, 1), 118.5)):
        check = new_id()
        checks.open_check(uid=check, local_date=day, utc_offset=60, pain_before=2)
        activities, _ = checks.record_psfs(check, [PsfsEntry(named, "=1+1 <b>", 4)])
        named = activities[0].id
        for test in HoldTest:
            checks.record_hold(check, HoldResult(test, Variant.STANDARD, seconds, EndedBy.STOPPED))
        checks.close_check(check, SessionStatus.COMPLETED, PainAnswer(3, numbness=day.month == 10))
    return tmp_path


def test_checks_export_one_row_per_hold(cli: Cli, data: Path) -> None:
    result = cli("export", "--what", "checks", "--data-dir", data)
    assert result.code == 0, result.err
    rows = read_csv(result.out)
    assert len(rows) == 8
    assert list(rows[0]) == list(CHECK_COLUMNS)
    last = rows[-1]
    assert last["test"] == "side_right" and last["seconds"] == 118.5
    assert last["pain_before"] == 2 and last["pain_after"] == 3 and last["numbness"] is True
    since = cli("export", "--what", "checks", "--since", "2026-09-15", "--data-dir", data)
    assert len(read_csv(since.out)) == 4


def test_psfs_export_keeps_the_words_as_typed(cli: Cli, data: Path) -> None:
    out = data / "psfs.json"
    result = cli("export", "--what", "psfs", "--format", "json", "-o", out, "--data-dir", data)
    assert result.code == 0, result.err
    assert "2 ratings written" in result.err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "coach-psfs" and document["columns"] == list(PSFS_COLUMNS)
    assert [r["activity"] for r in document["ratings"]] == ["=1+1 <b>", "=1+1 <b>"]
    # One activity rated twice, named by its uid (as are the checks): no row id shows.
    assert len({r["activity_id"] for r in document["ratings"]}) == 1
    assert len({r["check_id"] for r in document["ratings"]}) == 2


def test_program_filters_do_not_apply_to_checks(cli: Cli, data: Path) -> None:
    result = cli("export", "--what", "checks", "--program", "holds", "--data-dir", data)
    assert result.code == 2 and "do not apply" in result.err


@pytest.mark.parametrize("columns", [CHECK_COLUMNS, PSFS_COLUMNS], ids=["checks", "psfs"])
def test_every_column_is_documented(columns: tuple[str, ...]) -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    assert set(columns) <= documented
