"""Synthetic history: deterministic, refused on a real history, and shaped like the app's."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.config.locations import default_routine
from coach.demo.history import HistoryNotEmptyError, Summary, generate
from coach.engine.clock import local_day
from coach.engine.records import LevelMove
from coach.engine.scaling import Rule, plan_program
from coach.engine.screening import Outcome
from coach.engine.timeline import Dose, build_timeline, plan_session
from coach.format.loader import RoutineFile, exercise_key, load_session_file
from coach.format.v1 import Program
from coach.store.database import HistoryStore
from coach.store.export import export_rows, session_rows

from .conftest import CliResult, reading
from .stored import sets_of

Cli = Callable[..., CliResult]

END = date(2026, 3, 1)
TABLES = ("sessions", "sets", "dose_changes", "level_moves", "screenings")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


@pytest.fixture(scope="module")
def year(
    tmp_path_factory: pytest.TempPathFactory, demo_history: Callable[..., Summary]
) -> tuple[HistoryStore, Summary]:
    """A year of history (seed 1 has a break, a red flag, stopped sessions, level moves)."""
    path = tmp_path_factory.mktemp("year") / "history.sqlite3"
    summary = demo_history(path, days=365, seed=1, end=END)
    return HistoryStore(path), summary


@pytest.fixture(scope="module")
def routine() -> RoutineFile:
    loaded = load_session_file(default_routine())
    assert isinstance(loaded, RoutineFile)
    return loaded


@pytest.fixture
def db(year: tuple[HistoryStore, Summary]) -> Iterator[sqlite3.Connection]:
    with reading(year[0].path) as connection:
        connection.row_factory = sqlite3.Row
        yield connection


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        connection.close()


def test_same_seed_same_rows(tmp_path: Path) -> None:
    first = generate(
        tmp_path / "a" / "history.sqlite3",
        source=default_routine(),
        days=60,
        seed=5,
        end=END,
        tz=UTC,
    )
    second = generate(
        tmp_path / "b" / "history.sqlite3",
        source=default_routine(),
        days=60,
        seed=5,
        end=END,
        tz=UTC,
    )
    other = generate(
        tmp_path / "c" / "history.sqlite3",
        source=default_routine(),
        days=60,
        seed=6,
        end=END,
        tz=UTC,
    )
    assert first.sessions > 40 and first.sets > 600
    assert _dump(first.path) == _dump(second.path)
    assert _dump(first.path)["sets"] != _dump(other.path)["sets"]


def test_refuses_a_database_that_holds_anything(
    tmp_path: Path, year: tuple[HistoryStore, Summary]
) -> None:
    store = year[0]
    before = _dump(store.path)
    with pytest.raises(HistoryNotEmptyError, match="already holds history"):
        generate(store.path, source=default_routine(), days=10, end=END)
    assert _dump(store.path) == before
    # Even a single screening is someone's real data.
    fresh = HistoryStore(tmp_path / "history.sqlite3")
    fresh.record_screening({"fever": False}, Outcome.CLEAR)
    with pytest.raises(HistoryNotEmptyError, match="'screenings'"):
        generate(fresh.path, source=default_routine(), days=10, end=END)


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="days"):
        generate(tmp_path / "history.sqlite3", source=default_routine(), days=0)


def test_summary_matches_the_tables(year: tuple[HistoryStore, Summary]) -> None:
    store, summary = year
    counts = {t: len(rows) for t, rows in _dump(store.path).items()}
    assert counts == {
        "sessions": summary.sessions,
        "sets": summary.sets,
        "dose_changes": summary.dose_changes,
        "level_moves": summary.level_moves,
        "screenings": summary.screenings,
    }
    assert (summary.first_day, summary.last_day, summary.days) == (
        END - timedelta(days=364),
        END,
        365,
    )


def test_database_is_sound(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    orphans = db.execute(
        "SELECT COUNT(*) FROM sets WHERE session_id NOT IN (SELECT id FROM sessions)"
    ).fetchone()[0]
    assert orphans == 0


def test_sessions_most_days_with_gaps_and_mornings(
    db: sqlite3.Connection, year: tuple[HistoryStore, Summary]
) -> None:
    rows = db.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    days = [local_day(r["started_at"]) for r in rows]
    assert days == sorted(set(days))  # one session a day at most, in order
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert 0.6 < len(rows) / year[1].days < 0.95
    assert max(gaps) >= 7  # a break of a week or more
    assert sum(1 for g in gaps if g == 1) > len(gaps) / 2  # and mostly streaks
    for row in rows:
        started = datetime.fromisoformat(row["started_at"])
        assert STAMP.match(row["started_at"]) and STAMP.match(row["ended_at"])
        assert 6 <= started.hour <= 11  # a morning (tz=UTC here)
        # A rest day taken at the morning check ends as it starts; the rest take time.
        assert row["ended_at"] > row["started_at"] or row["stop_reason"] == "rest day"
        assert row["baseline_pain"] is None or 0 <= row["baseline_pain"] <= 10
        assert row["source_id"] == "morning" and row["title"] == "Morning routine"
        assert json.loads(row["levels_json"]).keys() == {"mobility", "holds", "extensions"}
    statuses = {r["status"] for r in rows}
    assert statuses == {"completed", "stopped", "red_flag"}
    reasons = {r["stop_reason"] for r in rows if r["status"] == "red_flag"}
    assert reasons == {"red-flag answer"}


def test_pain_eases_over_the_months(db: sqlite3.Connection) -> None:
    def average(first: str, last: str) -> float:
        return float(
            db.execute(
                "SELECT AVG(baseline_pain) FROM sessions WHERE started_at BETWEEN ? AND ?",
                (first, last),
            ).fetchone()[0]
        )

    assert average("2025-03", "2025-06") > average("2025-12", "2026-03") + 1


def test_sets_are_real_exercises_at_doses_within_their_ranges(
    db: sqlite3.Connection, routine: RoutineFile
) -> None:
    exercises = {
        (pf.program.id, number, exercise_key(e)): e
        for pf in routine.programs
        for number, level in enumerate(pf.program.levels, start=1)
        for e in level.exercises
    }
    rows = db.execute("SELECT * FROM sets").fetchall()
    for row in rows:
        exercise = exercises[(row["program_id"], row["level"], row["exercise_id"])]
        assert (row["exercise_name"], row["kind"]) == (exercise.name, exercise.kind)
        assert row["sets_planned"] == exercise.sets and 1 <= row["set_number"] <= exercise.sets
        assert row["pain"] is None or 0 <= row["pain"] <= 10
        assert 0 < row["done_work_seconds"] <= row["planned_work_seconds"]
        assert row["completed"] == (row["done_work_seconds"] == row["planned_work_seconds"])
        assert STAMP.match(row["started_at"]) and row["rated_at"] > row["started_at"]
        progression = exercise.progression
        assert progression is not None
        planned = {
            "hold": row["planned_hold"],
            "holds": row["planned_holds"],
            "reps": row["planned_reps"],
            "duration": row["planned_duration"],
        }
        for name in progression.order:
            bounds = getattr(progression, name)
            assert bounds.min <= planned[name] <= bounds.max, (row["exercise_id"], name)
    assert {r["kind"] for r in rows} == {"hold", "reps", "timed"}
    assert any(r["attempt"] == 2 for r in rows)
    assert any(not r["completed"] for r in rows)
    assert any(r["pain"] is None for r in rows)
    assert any(r["numbness"] or r["leg_weakness"] or r["pain_below_knee"] for r in rows)


def test_decisions_and_level_moves_are_the_engines(db: sqlite3.Connection) -> None:
    changes = db.execute("SELECT * FROM dose_changes").fetchall()
    rules = {r["rule"] for r in changes}
    assert rules <= {rule.value for rule in Rule}
    assert {"progress", "repeat", "step back"} <= rules
    for row in changes:
        assert set(json.loads(row["before_json"])) <= {"sets", "hold", "holds", "reps", "duration"}
        assert row["reason"].endswith(".") and json.loads(row["inputs_json"])
    moves = db.execute("SELECT * FROM level_moves").fetchall()
    assert moves and all(abs(m["to_level"] - m["from_level"]) == 1 for m in moves)
    assert {m["accepted"] for m in moves} == {0, 1}
    outcomes = {r[0] for r in db.execute("SELECT outcome FROM screenings")}
    assert outcomes <= {"clear", "review"}


def test_stored_doses_are_what_the_app_would_have_planned(
    year: tuple[HistoryStore, Summary], routine: RoutineFile
) -> None:
    """Replaying the stored history through ``plan_program`` gives every session's doses,
    levels and planned length: the generator stepped the same engine."""
    store, _ = year
    with reading(store.path) as db:
        sessions = db.execute(
            "SELECT id, started_at, baseline_pain, levels_json, planned_seconds FROM sessions"
        ).fetchall()
    programs: list[Program] = [pf.program for pf in routine.programs]
    histories = {p.id: store.program_history(p.id) for p in programs}
    moves = {p.id: store.level_moves(p.id) for p in programs}
    checked = 0
    for session_id, started_at, baseline, levels_json, planned_seconds in [
        *sessions[::30],
        sessions[-1],
    ]:
        sets = sets_of(store, session_id)
        levels, doses = {}, {}
        for program in programs:
            history = [s for s in histories[program.id] if s.started_at < started_at]
            before = {s.uid for s in history}
            answered: list[LevelMove] = [m for m in moves[program.id] if m.after_session in before]
            plan = plan_program(
                program,
                history,
                answered,
                today=local_day(started_at),
                baseline_today=baseline,
            )
            levels[program.id] = plan.level
            doses.update({(program.id, k): d for k, d in plan.doses.items()})
        assert json.loads(levels_json) == levels
        for row in sets:
            stored = Dose(
                row["sets_planned"],
                row["planned_hold"],
                row["planned_holds"],
                row["planned_reps"],
                row["planned_duration"],
            )
            assert stored == doses[(row["program_id"], row["exercise_id"])]
        timeline = build_timeline(plan_session(routine, levels=levels, doses=doses))
        # A rest day taken at the morning check plans nothing (and plays no set).
        assert planned_seconds == timeline.total or (planned_seconds == 0 and not sets)
        for row in sets:
            work = sum(
                s.duration
                for s in timeline.steps
                if s.exercise_index == row["exercise_index"]
                and s.set_number == row["set_number"]
                and s.kind.is_work
            )
            assert row["planned_work_seconds"] == work
        checked += 1
    assert checked >= 10


def test_stored_decisions_are_the_rules_replayed_over_the_stored_ratings(
    year: tuple[HistoryStore, Summary], routine: RoutineFile
) -> None:
    """The decisions stored with each session (its closing: the plan for the next day,
    this session's ratings replayed) are what the scaling rules give when the stored
    history is replayed session by session from its stored ratings and level answers:
    the demo history was played through the rules, so it cannot drift from them."""
    from coach.engine.planning import programs_of
    from coach.engine.scaling import Replay

    store, _ = year
    with reading(store.path) as db:
        # Keyed by the session's uid: the row ids stay in the store.
        stored: dict[tuple[str, str], list[tuple[object, ...]]] = {}
        for row in db.execute(
            "SELECT s.uid, d.program_id, d.exercise_id, d.level, d.before_json, d.after_json,"
            " d.rule, d.reason FROM dose_changes d JOIN sessions s ON s.id = d.session_id"
            " WHERE d.moment = 'after' ORDER BY d.id"
        ):
            stored.setdefault((row[0], row[1]), []).append(
                (row[2], row[3], json.loads(row[4]), json.loads(row[5]), row[6], row[7])
            )
    compared = decided = 0
    for program, start in programs_of(routine):
        replay = Replay(program, start)
        moves = {m.after_session: m for m in store.level_moves(program.id)}
        for session in sorted(store.program_history(program.id), key=lambda s: s.order):
            replay.add(session)
            after = replay.plan(session.day + timedelta(days=1))
            decisions = [
                (d.exercise_id, d.level, d.before.to_json(), d.after.to_json(), d.rule.value,
                 d.reason)
                for d in after.decisions
            ]  # fmt: skip
            assert decisions == stored.get((session.uid, program.id), []), (
                program.id,
                session.uid,
            )
            compared += 1
            decided += len(decisions)
            move = moves.get(session.uid)  # answered after the session closed
            if move is not None:
                replay.answer(move)
    assert compared > 600 and decided > 3000


def test_the_person_gets_stronger_over_the_months(db: sqlite3.Connection) -> None:
    """The person's script drives progress through the rules: every program is at a
    higher level in the last months than in the first, and the doses went up there."""
    rows = db.execute("SELECT local_date, levels_json FROM sessions ORDER BY id").fetchall()
    first = [json.loads(r["levels_json"]) for r in rows if r["local_date"] < "2025-05"]
    last = [json.loads(r["levels_json"]) for r in rows if r["local_date"] >= "2026-01"]
    assert first and last
    for program in ("mobility", "holds", "extensions"):
        assert max(levels[program] for levels in first) == 1
        assert min(levels[program] for levels in last) >= 2, program
    raised = db.execute("SELECT COUNT(*) FROM dose_changes WHERE rule = 'progress'").fetchone()
    assert raised[0] > 100


def test_export_and_session_views_read_it(year: tuple[HistoryStore, Summary]) -> None:
    store, summary = year
    assert len(export_rows(store)) == summary.sets
    rows = session_rows(store)
    assert len(rows) == summary.sessions
    assert sum(r["dose_changes"] for r in rows) > 0
    assert len(export_rows(store, program="holds", since=END - timedelta(days=30))) > 0


def test_no_session_in_the_future_when_the_end_is_today(tmp_path: Path) -> None:
    summary = generate(tmp_path / "history.sqlite3", source=default_routine(), days=3, seed=2)
    now = datetime.now(UTC).isoformat()
    with reading(HistoryStore(summary.path).path) as db:
        latest = db.execute("SELECT MAX(rated_at) FROM sets").fetchone()[0]
    assert latest is None or latest <= now


# -- the command -----------------------------------------------------------------------


def test_cli_writes_a_demo_history_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)
    data = ["--data-dir", str(tmp_path)]
    result = cli("demo-history", "--days", "20", "--seed", "3", *data)
    assert result.code == 0, result.err
    assert re.search(
        r"^\d+ fake sessions, [\d,]+ sets and \d+ function checks over 20 days .* in \d+\.\d s$",
        result.out,
    )
    assert str(tmp_path / "history.sqlite3") in result.out
    again = cli("demo-history", "--days", "20", *data)
    assert again.code == 1
    assert "already holds history" in again.err and "Traceback" not in again.err
    assert cli("history", *data).code == 0


@pytest.mark.parametrize(
    "args", [["--days", "0"], ["--days", "ten"], ["--days", "99999999"], ["--seed", "x"]]
)
def test_cli_usage_errors(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    result = cli("demo-history", *args, "--data-dir", str(tmp_path))
    assert result.code == 2 and "Traceback" not in result.err
    assert not (tmp_path / "history.sqlite3").exists()


def test_cli_needs_an_explicit_place(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)
    result = cli("demo-history", "--days", "5")
    assert result.code == 2 and "--data-dir" in result.err
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    assert cli("demo-history", "--days", "5").code == 0
    assert (tmp_path / "history.sqlite3").exists()


def test_core_module_without_textual() -> None:
    code = (
        "import sys, coach.demo.history\nprint(any(m.startswith('textual') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_every_session_follows_the_in_session_rules(
    year: tuple[HistoryStore, Summary], routine: RoutineFile
) -> None:
    """What each rated set asked for (engine.session.after_rating, the app's rules) is
    what the made-up person's session then did: a warning sign is the session's last set
    and its status, and a set that ended its exercise is that exercise's last. (The year
    of seed 1: pain above the zone before an exercise's last set, very high pain and a
    warning sign all happen in it.)"""
    from coach.engine.planning import programs_of
    from coach.engine.records import PainAnswer, SetRecord
    from coach.engine.session import AfterRating, after_rating
    from coach.engine.timeline import Dose

    db = sqlite3.connect(year[0].path)
    db.row_factory = sqlite3.Row
    limits = {program.id: program.scaling for program, _ in programs_of(routine)}
    statuses = dict(db.execute("SELECT id, status FROM sessions").fetchall())
    sets = db.execute("SELECT * FROM sets ORDER BY session_id, id").fetchall()
    by_session: dict[int, list[sqlite3.Row]] = {}
    for row in sets:
        by_session.setdefault(row["session_id"], []).append(row)
    asked = dict.fromkeys(AfterRating, 0)
    for session_id, rows in by_session.items():
        for place, row in enumerate(rows):
            record = SetRecord(
                session_uid=str(session_id), exercise_index=row["exercise_index"],
                program_id=row["program_id"], level=row["level"],
                exercise_id=row["exercise_id"], exercise_name=row["exercise_name"],
                kind=row["kind"], set_number=row["set_number"],
                sets_planned=row["sets_planned"], planned=Dose(row["sets_planned"]),
                planned_work_seconds=row["planned_work_seconds"],
                done_work_seconds=row["done_work_seconds"], completed=bool(row["completed"]),
                answer=PainAnswer(
                    row["pain"], bool(row["numbness"]), bool(row["leg_weakness"]),
                    bool(row["pain_below_knee"]),
                ),
            )  # fmt: skip
            outcome = after_rating(record, limits[row["program_id"]])
            asked[outcome] += 1
            later = rows[place + 1 :]
            if outcome is AfterRating.RED_FLAG:
                assert not later and statuses[session_id] == "red_flag"
            elif outcome in (AfterRating.END_EXERCISE, AfterRating.HIGH_PAIN):
                same = (row["exercise_index"], row["program_id"])
                assert all((r["exercise_index"], r["program_id"]) != same for r in later), (
                    session_id,
                    row["exercise_id"],
                )
    # The year has sets that ended their exercise and a warning sign: the rules were
    # exercised, not only carried on through.
    db.close()
    assert asked[AfterRating.END_EXERCISE] and asked[AfterRating.RED_FLAG], asked
