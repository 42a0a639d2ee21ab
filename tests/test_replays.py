"""Saved replays: planning from a checkpoint gives exactly the plan of a full replay, and
anything that could make a checkpoint wrong makes it unused."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.config.locations import default_routine
from coach.engine.planning import Planned, plan_from, plan_today, programs_of
from coach.format.loader import LoadedFile, RoutineFile, load_session_file
from coach.store.database import HistoryStore
from coach.store.replays import KEEP_RECENT

END = date(2026, 6, 30)


@pytest.fixture(scope="module")
def routine() -> RoutineFile:
    loaded = load_session_file(default_routine())
    assert isinstance(loaded, RoutineFile)
    return loaded


@pytest.fixture
def store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_history: Callable[..., object]
) -> Iterator[HistoryStore]:
    monkeypatch.setenv("TZ", "UTC")
    path = tmp_path / "data" / "history.sqlite3"
    path.parent.mkdir()
    demo_history(path, days=200, seed=7, end=END)  # played once, copied for each test
    yield HistoryStore(path)


def full_plan(store: HistoryStore, loaded: LoadedFile, today: date) -> Planned:
    programs = programs_of(loaded)
    histories = {p.id: store.program_history(p.id) for p, _ in programs}
    moves = {p.id: store.level_moves(p.id) for p, _ in programs}
    return plan_today(loaded, histories, moves, today=today)


def saved_plan(store: HistoryStore, loaded: LoadedFile, today: date) -> Planned:
    pasts = {p.id: store.program_past(p, start) for p, start in programs_of(loaded)}
    return plan_from(loaded, pasts, today=today)


def assert_same(a: Planned, b: Planned) -> None:
    assert a.plan == b.plan
    assert a.programs == b.programs


def test_a_checkpoint_plans_exactly_like_a_full_replay(
    store: HistoryStore, routine: RoutineFile
) -> None:
    for today in (END, END + timedelta(days=1), END + timedelta(days=9)):
        first = saved_plan(store, routine, today)  # builds the checkpoints
        again = saved_plan(store, routine, today)  # uses them
        assert_same(first, full_plan(store, routine, today))
        assert_same(again, first)
    cache = store.path.parent / "cache" / "replay.json"
    assert cache.stat().st_mode & 0o777 == 0o600
    for program, start in programs_of(routine):
        past = store.program_past(program, start)
        assert past.start is not None and len(past.sessions) <= KEEP_RECENT
        assert past.count == len(store.program_history(program.id))


def test_the_next_morning_check_and_a_new_session_still_apply(
    store: HistoryStore, routine: RoutineFile
) -> None:
    saved_plan(store, routine, END)
    pasts = {p.id: store.program_past(p, s) for p, s in programs_of(routine)}
    worse = plan_from(routine, pasts, today=END + timedelta(days=1), baseline_today=10)
    programs = programs_of(routine)
    histories = {p.id: store.program_history(p.id) for p, _ in programs}
    moves = {p.id: store.level_moves(p.id) for p, _ in programs}
    expected = plan_today(
        routine, histories, moves, today=END + timedelta(days=1), baseline_today=10
    )
    assert_same(worse, expected)


def _db(store: HistoryStore) -> sqlite3.Connection:
    return sqlite3.connect(store.path)


def test_a_set_added_to_an_old_session_voids_the_checkpoint(
    store: HistoryStore, routine: RoutineFile
) -> None:
    saved_plan(store, routine, END)
    with _db(store) as db:
        old = db.execute("SELECT session_id, program_id, exercise_id FROM sets LIMIT 1").fetchone()
        db.execute(
            "INSERT INTO sets (session_id, exercise_index, program_id, level, exercise_id,"
            " exercise_name, kind, set_number, sets_planned, planned_work_seconds,"
            " done_work_seconds, completed, pain, rated_at)"
            " VALUES (?, 0, ?, 1, ?, 'x', 'hold', 9, 9, 1, 1, 1, 10, '2026-01-01T00:00:00+00:00')",
            old,
        )
    assert_same(saved_plan(store, routine, END), full_plan(store, routine, END))


def test_a_level_move_answered_later_voids_the_checkpoint(
    store: HistoryStore, routine: RoutineFile
) -> None:
    saved_plan(store, routine, END)
    with _db(store) as db:
        (first,) = db.execute("SELECT MIN(id) FROM sessions").fetchone()
        program = routine.programs[0].program.id
        db.execute(
            "INSERT INTO level_moves (session_id, program_id, from_level, to_level, accepted,"
            " decided_at) VALUES (?, ?, 1, 2, 1, '2026-01-01T00:00:00+00:00')",
            (first, program),
        )
    assert_same(saved_plan(store, routine, END), full_plan(store, routine, END))


def test_a_session_dated_before_the_checkpoint_is_replayed_in_its_place(
    store: HistoryStore, routine: RoutineFile
) -> None:
    """A clock set back: the newest row belongs among the older sessions."""
    saved_plan(store, routine, END)
    with _db(store) as db:
        levels = db.execute("SELECT levels_json FROM sessions LIMIT 1").fetchone()[0]
        db.execute(
            "INSERT INTO sessions (started_at, status, source_id, title, source_path,"
            " planned_seconds, baseline_pain, levels_json)"
            " VALUES ('2026-02-02T07:00:00.000+00:00', 'completed', 'morning', 'Morning',"
            " 'x.yaml', 60, 9, ?)",
            (levels,),
        )
    assert_same(saved_plan(store, routine, END), full_plan(store, routine, END))


def test_a_changed_program_or_a_damaged_cache_is_never_used(
    store: HistoryStore, routine: RoutineFile, tmp_path: Path
) -> None:
    saved_plan(store, routine, END)
    # The same programs with other doses: the checkpoints no longer match.
    copy = tmp_path / "routine"
    copy.mkdir()
    for path in default_routine().parent.rglob("*.yaml"):
        target = copy / path.relative_to(default_routine().parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            path.read_text(encoding="utf-8").replace("sets: 2", "sets: 3"), encoding="utf-8"
        )
    changed = load_session_file(copy / default_routine().name)
    assert_same(saved_plan(store, changed, END), full_plan(store, changed, END))
    cache = store.path.parent / "cache" / "replay.json"
    for damage in ("{", json.dumps({"format": 1, "programs": {"holds": {"key": 1}}}), ""):
        cache.write_text(damage, encoding="utf-8")
        assert_same(saved_plan(store, routine, END), full_plan(store, routine, END))


def test_another_time_zone_counts_days_afresh(
    store: HistoryStore, routine: RoutineFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved_plan(store, routine, END)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    import time

    time.tzset()
    try:
        assert_same(saved_plan(store, routine, END), full_plan(store, routine, END))
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
