"""The history store: durable writes, migrations, and clear errors."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from coach.engine.day.messages import LevelChoice, OpenSession
from coach.engine.followup import FollowUpAnswer, FollowUpDue, SignSource, Symptoms
from coach.engine.ids import new_id
from coach.engine.records import Kept, PainAnswer, SessionStatus
from coach.engine.safety import FollowedUp, SafetyFacts, open_sign
from coach.engine.scaling import Decision, Rule
from coach.engine.screening import Outcome
from coach.engine.timeline import Dose
from coach.store.database import HistoryStore, StoreError
from coach.store.migrations import SCHEMA_VERSION

from .stored import a_set, decisions_of, opening, sets_of, store_session


def open_session(store: HistoryStore) -> tuple[OpenSession, int]:
    session = opening(levels={"holds": 1}, baseline_pain=1)
    return session, store_session(store, session)


def test_creates_a_private_database_with_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history.sqlite3"
    store = HistoryStore(path)
    open_session(store)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_set_is_committed_when_its_write_returns(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    session, _ = open_session(store)
    store_session(store, session, [a_set(pain=3)])
    # A separate connection (another process, after a crash) sees it at once.
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("SELECT pain, completed FROM sets").fetchall() == [(3, 1)]


def decision(hold: float) -> Decision:
    return Decision(
        "holds",
        "bird-dog",
        "Bird dog",
        1,
        Dose(2, 8, 3),
        Dose(2, hold, 3),
        Rule.PROGRESS,
        "Pain peaked at 2/10.",
        {"peak": 2, "ratings": [1, 2]},
    )


def test_round_trip_of_sessions_sets_decisions_and_moves(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    opened, session = open_session(store)
    store_session(store, opened, [a_set(1, 2)])
    store_session(
        store,
        opened,
        [a_set(2, None)],
        SessionStatus.COMPLETED,
        decisions=(decision(9),),
        level_move=LevelChoice("holds", 1, 2, accepted=True),
    )
    (record,) = store.recent_sessions()
    assert (record.status, record.sets_done, record.peak_pain, record.baseline_pain) == (
        "completed",
        2,
        2,
        1,
    )
    rows = sets_of(store, session)
    assert [r["pain"] for r in rows] == [2, None]
    assert rows[0]["planned_hold"] == 8 and rows[0]["planned_holds"] == 3
    (stored,) = decisions_of(store, session)
    assert (stored["rule"], stored["level"], stored["reason"]) == (
        "progress",
        1,
        "Pain peaked at 2/10.",
    )
    assert json.loads(stored["inputs_json"]) == {"peak": 2, "ratings": [1, 2]}
    assert json.loads(stored["after_json"]) == {"hold": 9, "holds": 3, "sets": 2}
    (facts,) = store.program_history("holds")
    assert (facts.uid, facts.baseline, facts.level) == (opened.uid, 1, 1)
    assert [(s.set_number, s.pain, s.completed) for s in facts.sets] == [
        (1, 2, True),
        (2, None, True),
    ]
    assert store.program_history("mobility") == []
    (move,) = store.level_moves("holds")
    # Named by its session's uid, never its row.
    assert (move.after_session, move.from_level, move.to_level, move.accepted) == (
        facts.uid,
        1,
        2,
        True,
    )


def test_screenings_are_stored_with_dates(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.last_screening() is None
    store.record_screening({"saddle_numbness": False, "weight_loss": True}, Outcome.REVIEW)
    last = store.last_screening()
    assert last is not None
    assert last.outcome == "review" and last.taken_at.startswith("20")
    assert last.local_date == datetime.fromisoformat(last.taken_at).astimezone().date()


def test_migrates_a_version_1_database_after_a_backup(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "history-v1.sqlite3"
    path = tmp_path / "history.sqlite3"
    shutil.copy(fixture, path)
    store = HistoryStore(path)
    history = store.program_history("holds")
    assert [len(s.sets) for s in history] == [2, 2]
    assert [s.baseline for s in history] == [1, 2]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT rule, inputs_json FROM dose_changes").fetchall() == [
            (None, "{}"),
            (None, "{}"),
        ]
    (backup,) = tmp_path.glob("history.v1.*.backup.sqlite3")
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert fixture.read_bytes() == fixture.read_bytes()  # the committed fixture is untouched


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_older_schema_migrates_with_its_rows_and_a_backup(
    tmp_path: Path, version: int
) -> None:
    from coach.store.migrations import MIGRATIONS
    from coach.store.migrations import statements as _statements

    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as db:
        for script in MIGRATIONS[:version]:
            for statement in _statements(script):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute(
            "INSERT INTO sessions (started_at, source_id, title, source_path, planned_seconds)"
            " VALUES ('2026-01-02T07:00:00.000+00:00', 'r', 'R', 'r.yaml', 60)"
        )
    store = HistoryStore(path)
    assert [r.title for r in store.recent_sessions()] == ["R"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        indexes = {row[1] for row in db.execute("PRAGMA index_list(dose_changes)")}
        assert "dose_changes_by_session" in indexes
    assert len(list(tmp_path.glob(f"history.v{version}.*.backup.sqlite3"))) == 1


def test_corrupt_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="damaged or not a coach database"):
        HistoryStore(path).program_history("holds")
    assert path.read_bytes() == garbage


def test_locked_database_waits_briefly_then_says_so(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path, busy_timeout=0.2)
    session, _ = open_session(store)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        written = store.write_session(session, [a_set(1)])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # Refused in words, and kept in the journal meanwhile.
    assert written.kept is Kept.JOURNAL
    assert written.problem is not None and "in use by another program" in written.problem
    # And it works again once the other one lets go: the journal's set goes in too.
    session_id = store_session(store, session, [a_set(2)])
    assert [row["set_number"] for row in sets_of(store, session_id)] == [1, 2]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer coach"):
        HistoryStore(path).program_history("holds")


def test_unwritable_location(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with pytest.raises(StoreError, match=r"/file is a file, not a folder$"):
        HistoryStore(blocked / "sub" / "history.sqlite3").recent_sessions()


def unnamed(path: Path) -> None:
    """The sessions as a history from before sessions had a uid holds them."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE sessions SET uid = NULL")


def test_a_level_move_follows_its_session_by_name_before_and_after_it_is_named(
    tmp_path: Path,
) -> None:
    """A session stored before sessions had a uid is read under the name it gets when it
    is named (coach merge, coach export): its level move, named by that session, stays
    with it either way, and no row id is the handle."""
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    opened, _ = open_session(store)
    choice = LevelChoice("holds", 1, 2, accepted=True)
    store_session(store, opened, [a_set(1, 2)], SessionStatus.COMPLETED, level_move=choice)
    unnamed(path)
    (before,) = store.program_history("holds")
    (move,) = store.level_moves("holds")
    assert isinstance(move.after_session, str) and move.after_session == before.uid != ""
    assert before.uid != opened.uid  # the name it will be given, not the one it lost
    store.name_facts()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT uid FROM sessions").fetchall() == [(before.uid,)]
    (after,) = store.program_history("holds")
    assert after.uid == before.uid and store.level_moves("holds") == [move]


def test_a_warning_sign_is_named_by_its_session_and_its_follow_up_finds_the_row(
    tmp_path: Path,
) -> None:
    """The sign a history reports names its session by uid (the name it will get, for
    a session stored before sessions had one); a follow-up given through another store
    (a new coach, which never read the sign) still lands on that session's row, and
    clears it."""
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    first, _ = open_session(store)
    store_session(store, first, [a_set(1, 1)], SessionStatus.COMPLETED)
    opened, session = open_session(store)
    sign_set = a_set(1, 3, answer=PainAnswer(3, numbness=True))
    store_session(store, opened, [sign_set], SessionStatus.RED_FLAG)
    unnamed(path)
    (sign,) = store.safety_facts().signs
    (facts,) = [f for f in store.program_history("holds") if f.day and f.sets[0].pain == 3]
    assert sign.source is SignSource.SESSION and sign.sign_uid == facts.uid != ""
    answer = FollowUpAnswer(Symptoms.GONE, clinician_seen=True)
    HistoryStore(path).record_follow_up(sign, answer, cleared=True, local_date=date(2026, 12, 7))
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT session_id, cleared FROM follow_ups").fetchall() == [(session, 1)]
    assert open_sign(store.safety_facts()) is None


def test_a_follow_up_covers_the_signs_of_sessions_started_before_its_own() -> None:
    """By the facts' uids, time-ordered: a sign of a session started no later than the
    one a follow-up cleared is covered; a later one is not."""
    day = date(2026, 12, 7)
    earlier, cleared, later = new_id(1_000), new_id(2_000), new_id(3_000)
    done = FollowedUp(session_uid=cleared)
    for uid, covered in ((earlier, True), (cleared, True), (later, False)):
        facts = SafetyFacts(signs=(FollowUpDue(uid, day, ()),), followed_up=done)
        assert (open_sign(facts) is None) is covered


def test_an_interrupted_session_is_named_as_its_facts_are(tmp_path: Path) -> None:
    """The day flow finds an interrupted session among the history's facts by name, not
    by row: a session stored before sessions had a uid goes by the name it will get."""
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    opened, _ = open_session(store)
    store_session(store, opened, [a_set(1, 2)])  # still running
    unnamed(path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE sessions SET owner = ?", ("lease:" + "0" * 32,))  # its coach ended
    (interrupted,) = store.interrupted_sessions()
    (facts,) = store.program_history("holds")
    assert interrupted.uid == facts.uid != ""
