"""One truth: a session has one identity wherever it is kept (issue 22).

A session the history database refused lives in the journal until the next start; it
must replay in the order it was played, say the same in its summary as the same session
stored in the database, and every fact about it (a correction, a note, a level answer)
must be kept durably wherever the session itself is.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.engine import day
from coach.engine.records import Kept, PainAnswer
from coach.engine.safety import safety_due
from coach.store.database import HistoryStore

from .day_helpers import TODAY, Shell, begin_session, none_apply, rate_every_set
from .faults import locked
from .sessions import write_program

HISTORY = "history.sqlite3"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


def store_at(folder: Path) -> HistoryStore:
    return HistoryStore(folder / HISTORY, busy_timeout=0.05)


def play_day(
    source: Path, folder: Path, on: date, pains: list[int], *, hold: bool = False
) -> Shell:
    """A whole session on ``on``: from home to the summary (the history held by another
    program throughout when ``hold``)."""
    store = store_at(folder)
    store.recent_sessions()  # the history exists before the lock
    with locked(folder / HISTORY) if hold else contextlib.nullcontext():
        shell = Shell(source, store, today=on)
        begin_session(shell, baseline=1)
        rate_every_set(shell, pains)
        if hold:
            assert shell.flow.kept is Kept.JOURNAL
    return shell


def reasons(shell: Shell) -> list[str]:
    summary = shell.last(day.ShowSummary).summary
    return [d.reason for d in summary.after.decisions]


PAINS = [4, 4, 4]
"""Every set of the small program at 4/10: above safe, within acceptable."""


def test_a_journaled_session_replays_after_the_stored_ones(source: Path, tmp_path: Path) -> None:
    """Case 1: the session kept in the journal is not 'the first session of the day
    before every stored one', nor 'days after the last one'."""
    folder = tmp_path / "data"
    play_day(source, folder, TODAY, [1, 1, 1])
    held = play_day(source, folder, TODAY + timedelta(days=1), PAINS, hold=True)
    plain_folder = tmp_path / "plain"
    play_day(source, plain_folder, TODAY, [1, 1, 1])
    plain = play_day(source, plain_folder, TODAY + timedelta(days=1), PAINS)
    for text in reasons(held):
        assert "not the first session today" not in text
        assert "days since the last session" not in text
    # The same session says the same, kept in the journal or in the database.
    assert reasons(held) == reasons(plain)
    assert held.last(day.ShowSummary).summary.after.decisions == (
        plain.last(day.ShowSummary).summary.after.decisions
    )


def test_a_worse_second_session_the_same_day_stores_and_keeps_what_it_played(
    source: Path, tmp_path: Path
) -> None:
    """Case 2: played one step lower than the morning (a worse start), the session's
    decisions start from that lower dose, and so does tomorrow's plan."""
    folder = tmp_path / "data"
    play_day(source, folder, TODAY, [1, 1, 1])  # hold 10s -> 11s from tomorrow
    play_day(source, folder, TODAY + timedelta(days=1), [1, 1, 1])  # 11s played
    store = store_at(folder)
    second = Shell(source, store, today=TODAY + timedelta(days=1))
    begin_session(second, baseline=5)  # much worse than this morning's 1/10
    played = second.flow.session.plan.exercises[0].dose  # type: ignore[union-attr]
    assert played.hold == 10  # one step below the 11s played this morning
    rate_every_set(second, [3, 3, 3])  # acceptable: the dose holds
    decision = next(
        d
        for d in second.last(day.ShowSummary).summary.after.decisions
        if d.exercise_id == "side-plank"
    )
    assert decision.before.hold == 10 and decision.after.hold == 10
    tomorrow = Shell(source, store_at(folder), today=TODAY + timedelta(days=2))
    assert tomorrow.flow.planned is not None
    assert tomorrow.flow.planned.plan.exercises[0].dose.hold == 10


def journal_lines(folder: Path) -> list[dict[str, object]]:
    """The lines of the one session journal (the checklist has a file of its own)."""
    files = [
        [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted((folder / "journal").glob("*.jsonl"))
    ]
    sessions = [lines for lines in files if any(e["type"] == "session" for e in lines)]
    assert len(sessions) == 1, files
    return sessions[0]


def stored(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        return db.execute(sql).fetchall()


def test_a_correction_on_the_summary_of_a_journaled_session_is_kept(
    source: Path, tmp_path: Path
) -> None:
    """Case 5: 'Corrected' on the summary of a session kept in the journal is true; a
    warning sign added this way is stored as one and its advice shows."""
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        rate_every_set(shell, [1, 1, 2])
        assert shell.flow.kept is Kept.JOURNAL
        shell.answer(day.CorrectAsked())
        shell.answer(day.CorrectionAnswer(PainAnswer(2, numbness=True)))
        assert any(n.startswith("Corrected") for n in shell.notices())
        advice = shell.last(day.ShowAdvice)
        assert advice.kind is day.AdviceKind.RED_FLAG
        # In the journal before the screen said so: the set's new rating and the
        # session's new outcome.
        lines = journal_lines(folder)
        sets = [e["row"] for e in lines if e["type"] == "set"]
        assert sets[-1]["numbness"] == 1 and sets[-1]["pain"] == 2  # type: ignore[index]
        assert [e["status"] for e in lines if e["type"] == "revise"] == ["red_flag"]
    # The next start imports it: the history says what the screen said.
    Shell(source, store_at(folder), today=TODAY + timedelta(days=1))
    assert stored(folder, "SELECT status FROM sessions") == [("red_flag",)]
    assert stored(folder, "SELECT pain, numbness FROM sets ORDER BY id") == [
        (1, 0),
        (1, 0),
        (2, 1),
    ]
    assert not list((folder / "journal").glob("*.jsonl"))
    # And a warning sign in the history is followed up at the next start.
    due = safety_due(store_at(folder).safety_facts(), TODAY + timedelta(days=1))
    assert due.follow_up is not None


def test_a_correction_during_play_while_the_set_waits_is_journaled_at_once(
    source: Path, tmp_path: Path
) -> None:
    """Case 5: a correction during play while the set waits in the journal is written
    there before 'Corrected' shows (a SIGTERM then keeps the new rating)."""
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(5)))
        assert shell.flow.kept is Kept.JOURNAL
        shell.answer(day.CorrectAsked())
        shell.answer(day.CorrectionAnswer(PainAnswer(2)))
        assert any(n.startswith("Corrected") for n in shell.notices())
        sets = [e["row"] for e in journal_lines(folder) if e["type"] == "set"]
        assert sets[-1]["pain"] == 2  # type: ignore[index]
    # Killed here: the next start imports the corrected rating, not the first one.
    Shell(source, store_at(folder), today=TODAY + timedelta(days=1))
    assert stored(folder, "SELECT pain FROM sets") == [(2,)]


def test_a_note_on_a_journaled_session_is_kept(source: Path, tmp_path: Path) -> None:
    """A note on a session kept in the journal goes with it into the history."""
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        rate_every_set(shell, [1, 1, 1])
        before = len(shell.notices())
        shell.answer(day.SummaryDone("slept badly"))
        # Home again: nothing said of the note (it is kept), nor a failure to save.
        assert not any("Your note" in n or "Could not" in n for n in shell.notices()[before:])
        assert [e["text"] for e in journal_lines(folder) if e["type"] == "note"] == ["slept badly"]
    Shell(source, store_at(folder), today=TODAY + timedelta(days=1))
    assert stored(folder, "SELECT note, status FROM sessions") == [("slept badly", "completed")]


def test_a_fact_written_once_the_history_is_free_brings_the_journal_with_it(
    source: Path, tmp_path: Path
) -> None:
    """A note written after the lock is gone goes in with every set and the end still
    waiting in the journal, never alone (the journal is removed only then)."""
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        begin_session(shell, baseline=1)
        rate_every_set(shell, [1, 2, 1])
    shell.answer(day.SummaryDone("new mat"))
    assert stored(folder, "SELECT note, status FROM sessions") == [("new mat", "completed")]
    assert stored(folder, "SELECT pain FROM sets ORDER BY id") == [(1,), (2,), (1,)]
    assert not list((folder / "journal").glob("*.jsonl"))


def test_a_session_kept_in_the_journal_says_and_exports_what_a_stored_one_does(
    source: Path, tmp_path: Path, cli: object
) -> None:
    """The same three days played with the history locked throughout (every write to the
    journal) and free: the same summaries and reasons, and after the next start's
    import, the same export (row ids and wall-clock instants aside)."""
    runs: dict[str, list[object]] = {}
    for name, hold in (("locked", True), ("free", False)):
        folder = tmp_path / name
        summaries = []
        for offset, pains in enumerate(([1, 1, 1], [3, 2, 4], [1, 0, 1])):
            shell = play_day(source, folder, TODAY + timedelta(days=offset), pains, hold=hold)
            summary = shell.last(day.ShowSummary).summary
            summaries.append((summary, [n.text for n in summary_lines(shell)]))
        Shell(source, store_at(folder), today=TODAY + timedelta(days=3))  # imports
        result = cli("export", "--format", "json", "--data-dir", folder)  # type: ignore[operator]
        document = json.loads(result.out)
        drop = {"session_id", "session_uid", "session_started_at", "rated_at"}
        columns = document["columns"]
        rows = [
            {c: v for c, v in zip(columns, row, strict=True) if c not in drop}
            if isinstance(row, list)
            else {c: v for c, v in row.items() if c not in drop}
            for row in document["sets"]
        ]
        runs[name] = [summaries, rows]
    assert runs["locked"][1] == runs["free"][1]
    assert len(runs["free"][1]) == 9  # type: ignore[arg-type]
    assert runs["locked"][0] == runs["free"][0]


def summary_lines(shell: Shell) -> list[day.Notice]:
    """What the flow told the person after the session (where it is kept aside)."""
    return [
        o
        for o in shell.seen
        if isinstance(o, day.Notice) and "journal" not in o.text and "history" not in o.text
    ]


# -- merging two histories -----------------------------------------------------------------


def home_of(source: Path, folder: Path, on: date) -> object:
    return Shell(source, store_at(folder), today=on).last(day.ShowHome).view


def exported(cli: object, folder: Path) -> list[dict[str, object]]:
    result = cli("export", "--format", "json", "--data-dir", folder)  # type: ignore[operator]
    document = json.loads(result.out)
    columns = document["columns"]
    drop = {"session_id"}
    rows = [
        {c: v for c, v in zip(columns, row, strict=True) if c not in drop}
        if isinstance(row, list)
        else {c: v for c, v in row.items() if c not in drop}
        for row in document["sets"]
    ]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def test_merging_two_histories_is_idempotent_and_order_free(
    source: Path, tmp_path: Path, cli: object
) -> None:
    """A laptop and a desktop each played some days: merged either way round, the two
    histories hold the same sets and give the same plan; merging again adds nothing."""
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    play_day(source, laptop, TODAY, [1, 1, 1])
    play_day(source, desktop, TODAY + timedelta(days=1), [1, 2, 1])
    play_day(source, laptop, TODAY + timedelta(days=2), [3, 3, 2])
    with locked(desktop / HISTORY):  # one waits in the desktop's journal
        play_day(source, desktop, TODAY + timedelta(days=3), [1, 0, 1])
    assert list((desktop / "journal").glob("*.jsonl"))
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(laptop, a)
    shutil.copytree(desktop, b)
    first_merge = cli("merge", desktop, "--data-dir", a)  # type: ignore[operator]
    assert first_merge.code == 0, first_merge.err
    assert "Added 2 sessions with 6 rated sets" in first_merge.out
    # The added sessions' decisions were worked out here, not copied.
    assert "worked out again" in first_merge.out
    undecided = (
        "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM dose_changes d"
        " WHERE d.session_id = s.id AND d.moment = 'after')"
    )
    assert stored(a, undecided) == [(0,)]
    assert cli("merge", laptop, "--data-dir", b).code == 0  # type: ignore[operator]
    again = cli("merge", desktop, "--data-dir", a)  # type: ignore[operator]
    assert again.code == 0 and "Nothing to add" in again.out
    after = TODAY + timedelta(days=4)
    assert exported(cli, a) == exported(cli, b)
    assert len(exported(cli, a)) == 12
    assert home_of(source, a, after) == home_of(source, b, after)
    # The plan is the one of the four days played in one history.
    together = tmp_path / "together"
    for offset, pains in enumerate(([1, 1, 1], [1, 2, 1], [3, 3, 2], [1, 0, 1])):
        play_day(source, together, TODAY + timedelta(days=offset), pains)
    assert home_of(source, a, after) == home_of(source, together, after)


def test_a_merge_of_nothing_or_of_itself_says_so(tmp_path: Path, cli: object) -> None:
    folder = tmp_path / "data"
    store_at(folder).recent_sessions()
    missing = cli("merge", tmp_path / "nowhere", "--data-dir", folder)  # type: ignore[operator]
    assert missing.code == 1 and "does not exist" in missing.err
    assert "Traceback" not in missing.err
    itself = cli("merge", folder, "--data-dir", folder)  # type: ignore[operator]
    assert itself.code == 1 and "this history itself" in itself.err


def test_a_checklist_answered_while_the_history_is_held_is_kept_and_counts(
    source: Path, tmp_path: Path
) -> None:
    """A checklist is a fact like a rating: answered while another program holds the
    history, it goes to the journal (no 'Could not save'), counts at once (not asked
    again at the next start) and is imported once the history is free."""
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    with locked(folder / HISTORY):
        shell = Shell(source, store)
        shell.answer(day.StartSession())
        assert isinstance(shell.seen[-1], day.AskScreening)
        shell.answer(none_apply())
        assert not any("Could not save" in n for n in shell.notices())
        assert isinstance(shell.seen[-1], day.AskBaseline)
        shell.answer(day.BaselineAnswer(None))  # not now
        again = Shell(source, store_at(folder))  # a start while it is still held
        again.answer(day.StartSession())
        assert isinstance(again.seen[-1], day.AskBaseline)  # answered: not asked again
    Shell(source, store_at(folder))  # the history is free: imported
    assert stored(folder, "SELECT outcome, uid IS NOT NULL FROM screenings") == [("clear", 1)]
    assert not list((folder / "journal").glob("*.jsonl"))
