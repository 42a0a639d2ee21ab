"""No row id identifies a fact outside the store (issue 22): the engine, the shell and
the demo name sessions, sets, checks and activities by their uids; where a session is
kept (the database or the journal) is a typed fact, never a negative id; and sessions
replay in an order that holds no row id."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import pkgutil
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import coach
from coach.engine import day
from coach.engine.followup import SignSource
from coach.engine.records import Kept, PainAnswer, SessionFacts, SessionStatus, Written
from coach.store.database import HistoryStore
from coach.store.facts import name_facts, session_name
from coach.store.migrations import MIGRATIONS, SCHEMA_VERSION, statements

from .day_helpers import TODAY, Shell, begin_session, rate_every_set
from .faults import locked
from .sessions import write_program
from .stored import a_set, opening, row_of_session, store_session

HISTORY = "history.sqlite3"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Every module outside the store (the engine's messages and records, the shell, the
# demo, the report): none may carry a row id.
OUTSIDE_THE_STORE = sorted(
    info.name
    for info in pkgutil.walk_packages(coach.__path__, "coach.")
    if not info.name.startswith("coach.store")
    and info.name not in ("coach.__main__", "coach._bundled")
)
ROW_ID = re.compile(r"^(id|\w+_id)$")


def _int_annotated(annotation: object) -> bool:
    """Whether an annotation (a string: every module has postponed annotations) says
    int: ``int``, ``int | None``, ``Mapping[int, ...]``..."""
    return re.search(r"\bint\b", str(annotation)) is not None


def test_no_public_dataclass_or_port_outside_the_store_carries_a_row_id() -> None:
    """A field or a parameter named like a row id (``id``, ``session_id``, ``check_id``,
    ``activity_id``...) outside coach.store is never an int: facts are named by their
    uids there, and a row id stays the store's handle."""
    found: list[str] = []
    for name in OUTSIDE_THE_STORE:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not inspect.isclass(value) or value.__module__ != name or attr.startswith("_"):
                continue
            if dataclasses.is_dataclass(value):
                found += [
                    f"{name}.{attr}.{f.name}: {f.type}"
                    for f in dataclasses.fields(value)
                    if ROW_ID.match(f.name) and _int_annotated(f.type)
                ]
            # The ports (protocols) and every other method: their parameters too.
            for method_name, method in vars(value).items():
                if not inspect.isfunction(method):
                    continue
                for parameter in inspect.signature(method).parameters.values():
                    if ROW_ID.match(parameter.name) and _int_annotated(parameter.annotation):
                        found.append(
                            f"{name}.{attr}.{method_name}({parameter.name}: {parameter.annotation})"
                        )
    assert found == []


def test_where_a_session_is_kept_is_a_typed_fact() -> None:
    """What a write reports is where it went, not a row: Written has no id at all."""
    assert {f.name for f in dataclasses.fields(Written)} == {"kept", "problem", "journal"}
    assert set(Kept) == {Kept.HISTORY, Kept.JOURNAL, Kept.NOWHERE}


def test_sessions_of_one_day_and_start_replay_in_the_order_of_their_uids(tmp_path: Path) -> None:
    """Two sessions of the same day and start (a clock that did not move, a merged
    history) are ordered by their uids, in Python and in SQL alike: the one written
    first but named later comes after."""
    store = HistoryStore(tmp_path / HISTORY)
    started = "2026-12-01T07:00:00.000+00:00"
    later, earlier = "0193" + "b" * 28, "0193" + "a" * 28
    for uid, pain in ((later, 5), (earlier, 1)):
        session = opening(uid=uid, started_at=started, local_date=date(2026, 12, 1))
        store_session(store, session, [a_set(1, pain)], SessionStatus.COMPLETED)
    history = sorted(store.program_history("holds"), key=lambda s: s.order)
    assert [(s.uid, s.sets[0].pain) for s in history] == [(earlier, 1), (later, 5)]
    assert [r.uid for r in store.recent_sessions()] == [later, earlier]  # newest first
    # The order is the day, the start and the uid: nothing else.
    facts = history[0]
    assert facts.order == (date(2026, 12, 1), started, earlier)
    assert not any(ROW_ID.match(f.name) for f in dataclasses.fields(SessionFacts))


def test_the_upgrade_names_every_old_row_so_the_order_is_total(tmp_path: Path) -> None:
    """Sessions from before sessions had a uid (and checks and activities from before
    they had one) are named by the upgrade, even two alike to the millisecond: every
    session then has a distinct uid on disk, and the order never needs a row id."""
    path = tmp_path / HISTORY
    db = sqlite3.connect(path, isolation_level=None)
    with contextlib.closing(db):
        for script in MIGRATIONS[:8]:
            for statement in statements(script):
                db.execute(statement)
        db.execute("PRAGMA user_version = 8")
        for _ in range(2):  # two rows alike in every named column
            db.execute(
                "INSERT INTO sessions (started_at, source_id, title, source_path,"
                " planned_seconds, levels_json, local_date) VALUES"
                " ('2025-01-01T07:00:00.000+00:00', 'holds', 'Holds', '/x', 60, '{\"holds\": 1}',"
                " '2025-01-01')"
            )
        db.execute(
            "INSERT INTO checks (started_at, local_date) VALUES ('2025-01-02T18:00:00Z',"
            " '2025-01-02')"
        )
    store = HistoryStore(path)
    history = store.program_history("holds")
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        uids = [u for (u,) in db.execute("SELECT uid FROM sessions ORDER BY id")]
        (check,) = db.execute("SELECT uid FROM checks").fetchone()
    assert all(uids) and len(set(uids)) == 2 and check
    # The first keeps the name it was read under before the upgrade.
    assert uids[0] == session_name(
        None, "2025-01-01T07:00:00.000+00:00", "holds", "Holds", '{"holds": 1}', "2025-01-01"
    )
    assert sorted(s.uid for s in history) == sorted(uids)
    assert len({s.order for s in history}) == 2  # total: no two sessions tie
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        assert name_facts(db) == 0  # nothing left unnamed


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


def test_the_follow_up_of_a_sign_in_a_journaled_session_is_found_by_its_uid(
    source: Path, tmp_path: Path
) -> None:
    """A warning sign in a session kept in the journal (the history held throughout):
    the next start asks about it by the session's uid, and the answer, once the
    history is free, lands on that session's row."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = HistoryStore(folder / HISTORY, busy_timeout=0.05)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(3, numbness=True)))
        assert shell.flow.kept is Kept.JOURNAL
        session = shell.flow.session
        assert session is not None and session.status is SessionStatus.RED_FLAG
        uid = session.uid
        # Still held: the sign waits in the journal, and is named by the session's uid.
        (sign,) = HistoryStore(folder / HISTORY, busy_timeout=0.05).safety_facts().signs
        assert (sign.source, sign.sign_uid) == (SignSource.SESSION, uid)
    later = HistoryStore(folder / HISTORY)
    assert later.import_journals().sessions == 1
    (sign,) = later.safety_facts().signs
    assert sign.sign_uid == uid
    from coach.engine.followup import FollowUpAnswer, Symptoms

    later.record_follow_up(
        sign, FollowUpAnswer(Symptoms.GONE, clinician_seen=True), cleared=True, local_date=TODAY
    )
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        assert db.execute("SELECT session_id FROM follow_ups").fetchall() == [
            (row_of_session(later, uid),)
        ]


def test_a_journal_written_before_sessions_went_by_uid_alone_still_imports(
    tmp_path: Path,
) -> None:
    """Journals written by the coach before this one (``tests/fixtures/
    journal-before-uids``, made by it): a new session's lines carry ``"id": null``, a
    resumed session's its row id under a uid its row does not have. Both import: the
    first as a new session, the second into the row it names (the same session: its
    start), never as a second copy of it."""
    folder = tmp_path / "data"
    store = HistoryStore(folder / HISTORY)
    resumed = opening(started_at="2026-11-30T07:00:00.000+00:00", local_date=date(2026, 12, 1))
    assert store_session(store, resumed, [a_set(1, 2)]) == 1  # the row the journal names
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db, db:
        # Its coach is gone (the journal's owner is gone too).
        db.execute("UPDATE sessions SET owner = ?", ("lease:" + "0" * 32,))
    (folder / "journal").mkdir(mode=0o700)
    for path in sorted((FIXTURES / "journal-before-uids").glob("*.jsonl")):
        shutil.copy(path, folder / "journal" / path.name)
    imported = HistoryStore(folder / HISTORY).import_journals()
    assert (imported.sessions, imported.sets, imported.problems) == (2, 3, ())
    assert list((folder / "journal").glob("*.jsonl")) == []
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        sessions = db.execute("SELECT id, uid, status FROM sessions ORDER BY id").fetchall()
        sets = db.execute("SELECT session_id, set_number, pain FROM sets ORDER BY id").fetchall()
    assert sessions == [
        (1, resumed.uid, "running"),  # its own name kept
        (2, "0193a1b2c3d47e5f8a9b0c1d2e3f4a5b", "completed"),
    ]
    assert sets == [(1, 1, 2), (2, 1, 2), (2, 2, 3), (1, 2, 4)]
    # Read back as facts, each session once, under its own uid.
    assert sorted(s.uid for s in HistoryStore(folder / HISTORY).program_history("holds")) == (
        sorted([resumed.uid, "0193a1b2c3d47e5f8a9b0c1d2e3f4a5b"])
    )


def test_a_check_is_named_by_the_flow_and_stored_under_that_name(tmp_path: Path) -> None:
    """The function check's flow names its check as it opens; every write names it so,
    and the history keeps that name (no -1 for 'not stored': CheckFlow.stored says)."""
    from coach.engine.checks import messages as m
    from coach.engine.checks.carry import carry_out
    from coach.engine.checks.flow import CheckFlow
    from coach.store.checks import CheckStore

    port = CheckStore(HistoryStore(tmp_path / HISTORY))
    flow = CheckFlow(today=lambda: TODAY)
    outputs = flow.handle(carry_out(flow.begin(), port))  # type: ignore[arg-type]
    assert isinstance(outputs[-1], m.AskCheckPain)
    (opening_check,) = flow.handle(m.CheckPainAnswer(PainAnswer(2)))
    assert isinstance(opening_check, m.OpenCheck) and opening_check.uid == flow.check_uid
    assert not flow.stored
    flow.handle(carry_out(opening_check, port))
    assert flow.stored
    (check,) = port.check_history().checks
    assert check.uid == flow.check_uid


def test_a_session_played_into_the_journal_is_named_the_same_once_imported(
    source: Path, tmp_path: Path
) -> None:
    """Every write of a session kept in the journal names it by its uid; after the
    import the history has it under that uid, and nothing else of it."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = HistoryStore(folder / HISTORY, busy_timeout=0.05)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        rate_every_set(shell, [1, 1, 1])
        assert shell.flow.kept is Kept.JOURNAL
        uid = shell.flow.session.uid  # type: ignore[union-attr]
    later = HistoryStore(folder / HISTORY)
    later.import_journals()
    assert [r.uid for r in later.recent_sessions()] == [uid]
