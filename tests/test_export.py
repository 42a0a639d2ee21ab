"""coach history and coach export: filters, stable columns, and a CSV that reads back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.engine.day.messages import LevelChoice
from coach.engine.records import PainAnswer, SessionStatus, SetRecord, SkipReason
from coach.engine.scaling import Advice, Decision, Rule
from coach.engine.screening import Outcome
from coach.engine.timeline import Dose
from coach.format.text import printable
from coach.store.database import HistoryStore
from coach.store.export import (
    COLUMNS,
    DECISION_COLUMNS,
    decision_export,
    export_rows,
    read_csv,
    session_rows,
    write_csv,
    write_json,
)

from .conftest import CliResult
from .stored import opening, store_session

Cli = Callable[..., CliResult]


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    store = HistoryStore(tmp_path / "history.sqlite3")
    for day, program, exercise, pains in (
        ("2026-10-01T07:00:00+00:00", "holds", "bird-dog", [1, 2]),
        ("2026-10-20T07:00:00+00:00", "holds", "bird-dog", [3, None]),
        ("2026-10-20T07:00:00+00:00", "mobility", "cat-camel", [0]),
    ):
        session = opening(
            source_id="morning",
            title="Morning, [test]",
            source_path="/x.yaml",
            planned_seconds=600,
            levels={program: 1},
            baseline_pain=1,
            started_at=day,
        )
        for number, pain in enumerate(pains, start=1):
            store_session(
                store,
                session,
                [
                    SetRecord(
                        session_uid="",
                        exercise_index=0,
                        program_id=program,
                        level=1,
                        exercise_id=exercise,
                        exercise_name=exercise.title(),
                        kind="hold",
                        set_number=number,
                        sets_planned=len(pains),
                        planned=Dose(len(pains), 8.5, 3),
                        planned_work_seconds=25.5,
                        done_work_seconds=25.5,
                        completed=pain != 3,
                        answer=PainAnswer(pain, numbness=pain == 3),
                        rated_at=day,
                        sides={"holds": "each", "mobility": "both"}[program]
                        if number == 1
                        else None,
                    )
                ],
            )
        store_session(store, session, (), SessionStatus.COMPLETED)
    return store


def test_csv_reads_back_as_the_same_sets(store: HistoryStore) -> None:
    rows = export_rows(store)
    out = io.StringIO()
    write_csv(rows, out)
    header = out.getvalue().splitlines()[0]
    assert header == ",".join(COLUMNS)
    assert read_csv(out.getvalue()) == rows
    assert len(rows) == 5
    first = rows[0]
    assert (first["program"], first["exercise"], first["planned_hold_seconds"]) == (
        "holds",
        "bird-dog",
        8.5,
    )
    assert rows[3]["pain"] is None and rows[2]["numbness"] is True
    # Each side in turn, both together, or not recorded (older sets): empty in the CSV.
    assert [r["side"] for r in rows] == ["left+right", None, "left+right", None, "both"]
    # No note (empty), then 'saved', the last column.
    assert out.getvalue().splitlines()[2].endswith(",,true")


def test_json_carries_the_columns_and_the_sets(store: HistoryStore) -> None:
    out = io.StringIO()
    write_json(export_rows(store), out)
    data = json.loads(out.getvalue())
    assert data["columns"] == list(COLUMNS)
    assert len(data["sets"]) == 5


def test_filters(store: HistoryStore) -> None:
    assert len(export_rows(store, program="mobility")) == 1
    assert len(export_rows(store, exercise="bird-dog")) == 4
    assert len(export_rows(store, since=date(2026, 10, 10))) == 3
    sessions = session_rows(store)
    assert [(s["sets"], s["peak_pain"]) for s in sessions] == [(2, 2), (2, 3), (1, 0)]
    assert len(session_rows(store, program="holds")) == 2


def test_cli_history_and_export(cli: Cli, store: HistoryStore, tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    result = cli("history", "--json", *data)
    assert result.code == 0
    assert [s["routine"] for s in json.loads(result.out)] == ["Morning, [test]"] * 3
    table = cli("history", *data)
    assert "[test]" in table.out  # YAML-born text shows literally (maybe folded)
    target = tmp_path / "sets.csv"
    result = cli("export", "--format", "csv", "--output", str(target), "--program", "holds", *data)
    assert result.code == 0 and "4 sets written" in result.err
    assert len(read_csv(target.read_text(encoding="utf-8"))) == 4
    assert cli("export", "--format", "json", *data).out.startswith("{")


def test_cli_errors(cli: Cli, tmp_path: Path) -> None:
    # No history yet is not an error (see tests/test_durability.py); a bad date is.
    assert cli("history", "--data-dir", str(tmp_path)).code == 0
    assert cli("export", "--since", "yesterday", "--data-dir", str(tmp_path)).code == 2


@pytest.fixture
def decided(tmp_path: Path) -> HistoryStore:
    """A history with a decision of every kind: a check before a session, changes after
    it, advice, a level offer and a warning-sign checklist."""
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.record_screening({"fever": False}, Outcome.CLEAR)
    before = Decision(
        program_id="holds",
        exercise_id="bird-dog",
        exercise_name="Bird dog",
        level=1,
        before=Dose(2, 10, 3),
        after=Dose(2, 9, 3),
        rule=Rule.MORNING_CHECK,
        reason="Your back started at 4/10, 3 above your usual 1.",
        inputs={"baseline": 4, "usual": 1.0},
    )
    session = opening(
        source_id="holds",
        title="Holds",
        source_path="/holds.yaml",
        planned_seconds=600,
        levels={"holds": 1},
        baseline_pain=4,
        started_at="2025-11-30T23:30:00+00:00",
        local_date=date(2025, 12, 1),  # played in Tokyo: the next morning there
        utc_offset=540,
        checks=[before],
    )
    after = replace(
        before,
        before=Dose(2, 9, 3),
        rule=Rule.REPEAT,
        reason="Pain peaked at 4/10: the same dose again.",
        inputs={"peak": 4},
    )
    advice = Advice("holds", Rule.ESCALATION, "See a clinician.", {"sessions": 2})
    store_session(
        store,
        session,
        (),
        SessionStatus.COMPLETED,
        decisions=[after],
        advice=[advice],
        level_move=LevelChoice("holds", 1, 2, accepted=False),
    )
    return store


def test_every_decision_is_exported_with_its_reason(decided: HistoryStore) -> None:
    rows = decision_export(decided)
    # The session's decisions together, then this year's checklist.
    assert [(r["kind"], r["moment"], r["rule"]) for r in rows] == [
        ("dose", "before", "morning check"),
        ("advice", None, "escalation"),
        ("dose", "after", "repeat"),
        ("level", None, "level up"),
        ("screening", None, "clear"),
    ]
    check = rows[0]
    assert check["date"] == "2025-12-01"  # the day where it was played, not in UTC
    assert (check["before"], check["after"]) == (
        {"hold": 10.0, "holds": 3, "sets": 2},
        {"hold": 9.0, "holds": 3, "sets": 2},
    )
    assert check["inputs"] == {"baseline": 4, "usual": 1.0}
    assert rows[3]["accepted"] is False and rows[3]["reason"] == (
        "Level 2 offered; staying at level 1 for now."
    )
    out = io.StringIO()
    write_csv(rows, out, DECISION_COLUMNS)
    assert out.getvalue().splitlines()[0] == ",".join(DECISION_COLUMNS)
    assert read_csv(out.getvalue()) == rows
    assert len(decision_export(decided, program="holds")) == 4  # no checklist
    assert [r["kind"] for r in decision_export(decided, exercise="bird-dog")] == ["dose"] * 2
    assert [r["kind"] for r in decision_export(decided, since=date(2025, 12, 2))] == ["screening"]


def test_cli_exports_decisions_and_history_carries_them(
    cli: Cli, decided: HistoryStore, tmp_path: Path
) -> None:
    data = ["--data-dir", str(tmp_path)]
    exported = json.loads(cli("export", "--what", "decisions", "--format", "json", *data).out)
    assert exported["format"] == "coach-decisions" and len(exported["decisions"]) == 5
    (session,) = json.loads(cli("history", "--json", *data).out)
    assert session["date"] == "2025-12-01"
    assert [d["rule"] for d in session["decisions"]] == [
        "morning check",
        "escalation",
        "repeat",
        "level up",
    ]
    assert "date" not in session["decisions"][0]
    target = tmp_path / "decisions.csv"
    result = cli("export", "--what", "decisions", "--output", str(target), *data)
    assert result.code == 0 and "5 decisions written" in result.err


def test_a_skipped_set_says_why(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    session = opening(
        source_id="x", title="X", source_path="/x.yaml", planned_seconds=60, levels={"p": 1}
    )
    record = SetRecord(
        session_uid="",
        exercise_index=0,
        program_id="p",
        level=1,
        exercise_id="e",
        exercise_name="E",
        kind="hold",
        set_number=1,
        sets_planned=1,
        planned=Dose(1, 10, 1),
        planned_work_seconds=10,
        done_work_seconds=4,
        completed=False,
        answer=PainAnswer(6),
        skipped=SkipReason.PAIN,
    )
    store_session(store, session, [record])
    (row,) = export_rows(store)
    assert (row["completed"], row["skip_reason"]) == (False, "pain")
    # New columns go at the end.
    assert COLUMNS[-3:] == ("skip_reason", "session_note", "saved")


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://x.invalid","click")',
        "@SUM(1+1)",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "\tTab start",
        "\rReturn start",
        "'quoted already",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(name: str) -> None:
    row = dict.fromkeys(COLUMNS, 1) | {"exercise_name": name, "routine": name}
    out = io.StringIO()
    write_csv([row], out)
    written = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert written["exercise_name"].startswith("'")
    assert written["exercise_name"][1:] == printable(name)
    if name.isprintable():
        assert read_csv(out.getvalue())[0]["exercise_name"] == name  # and read back as it was


@given(st.text(max_size=20))
def test_csv_text_cells_never_start_a_formula_and_read_back(name: str) -> None:
    row = dict.fromkeys(COLUMNS, 1) | {"exercise_name": name}
    out = io.StringIO()
    write_csv([row], out)
    cell = next(csv.DictReader(io.StringIO(out.getvalue())))["exercise_name"]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    if printable(name) == name and name:
        assert read_csv(out.getvalue())[0]["exercise_name"] == name


def test_json_export_escapes_what_a_terminal_would_act_on() -> None:
    row = dict.fromkeys(COLUMNS, 1) | {"exercise_name": "a\x1b]52;c;eA==\x07\u202eb"}
    out = io.StringIO()
    write_json([row], out)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert json.loads(text)["sets"][0]["exercise_name"] == row["exercise_name"]
