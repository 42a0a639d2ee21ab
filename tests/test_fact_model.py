"""The fact model under random interleavings (issue 22): a Hypothesis state machine
plays mornings through the real day flow and a real history folder while the history
is locked and freed, the disk fills up and is freed, ratings are corrected, notes
written, the coach killed and started again, and days pass; in the e2e tier, a second
coach (a real process) starts on the same folder while this one does. Whatever
happened, after recovery:

- every rating the screen acknowledged is in the history exactly once, with the value
  last acknowledged for it, and no set is there that was never acknowledged (a rating
  said 'NOT saved' is acknowledged once a later write carries it);
- the plan worked out from the database and the journal before the import equals the
  plan from the database alone after it;
- merging the history with another gives the same plans either way round, and merging
  it again adds nothing.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from coach.engine import day
from coach.engine.planning import programs_of
from coach.engine.records import Kept, PainAnswer, SkipReason
from coach.engine.scaling import plan_program
from coach.format.loader import load_session_file
from coach.store import journal as journal_module
from coach.store import liveness
from coach.store.connection import Database
from coach.store.database import HistoryStore
from coach.store.merge import merge_history

from .day_helpers import TODAY, Shell, begin_session, none_apply, rate_every_set
from .profiles import examples
from .sessions import write_program

HISTORY = "history.sqlite3"

Key = tuple[str, int, int, int]
"""A set's identity: its session's uid, exercise index, set number, attempt."""


def kill_coach(folder: Path) -> None:
    """What the kernel does when a coach is killed: its lease on the folder is dropped
    (the process's open files close), so its session looks interrupted to the next."""
    held = liveness._held.pop(folder / "locks", None)
    if held is not None:
        os.close(held[1])


WRITES = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE", "INSERT", "UPDATE", "DELETE", "REPLACE")


class FullDiskConnection(sqlite3.Connection):
    """A connection to a history on a full disk: reads work, and every write fails as
    SQLite fails it there (the write-ahead log cannot grow: 'database or disk is full')."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, parameters)


class FullDisk:
    """A full disk under the data folder, as a coach meets it: the database refuses every
    write as full, and a journal write stops half way with ENOSPC (the half line is on
    the disk). Nothing else of coach is touched."""

    def __init__(self) -> None:
        self.full = False
        self._open = Database._open
        self._write_all = journal_module._write_all

    def install(self) -> None:
        disk = self
        real_open, real_write = self._open, self._write_all

        def open_on_a_full_disk(store: Database, *, readonly: bool = False) -> sqlite3.Connection:
            if not disk.full or readonly:
                return real_open(store, readonly=readonly)
            return sqlite3.connect(
                store.path,
                timeout=store.busy_timeout,
                isolation_level=None,
                factory=FullDiskConnection,
            )

        def write_on_a_full_disk(descriptor: int, data: bytes) -> None:
            if not disk.full:
                real_write(descriptor, data)
                return
            real_write(descriptor, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        Database._open = open_on_a_full_disk  # type: ignore[method-assign,assignment]
        journal_module._write_all = write_on_a_full_disk

    def remove(self) -> None:
        self.full = False
        Database._open = self._open  # type: ignore[method-assign]
        journal_module._write_all = self._write_all


class Mornings(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="coach-facts-"))
        (self.root / "routine").mkdir()
        self.source = write_program(self.root / "routine")
        self.folder = self.root / "data"
        HistoryStore(self.folder / HISTORY).recent_sessions()
        self.day = 0
        self.shell: Shell | None = None
        self.blocker: sqlite3.Connection | None = None
        self.acked: dict[Key, int | None] = {}
        self.given: dict[Key, int | None] = {}
        """The ratings the running coach holds, as its screen last showed them."""
        self.journaled = False
        self.lost = False
        self.disk = FullDisk()
        self.disk.install()

    # -- the person and the machine ---------------------------------------------------

    def store(self) -> HistoryStore:
        return HistoryStore(self.folder / HISTORY, busy_timeout=0.02)

    def playing(self) -> bool:
        shell = self.shell
        return shell is not None and shell.flow.stage is day.Stage.PLAYING

    @rule(baseline=st.integers(0, 4), resume=st.sampled_from([None, *day.ResumeChoice]))
    def start(self, baseline: int, resume: day.ResumeChoice | None) -> None:
        if self.shell is not None:
            kill_coach(self.folder)  # the last coach is closed the hard way
        self.given = {}
        shell = self.shell = Shell(
            self.source, self.store(), today=TODAY + timedelta(days=self.day)
        )
        if isinstance(shell.seen[-1], day.AskResume):
            shell.answer(day.ResumeAnswer(resume))
            if shell.flow.stage is day.Stage.PLAYING:
                return  # resumed where it stopped
            self.settle()  # closed as partial
        if shell.flow.stage is not day.Stage.HOME:
            self.shell = None
            return
        shell.answer(day.StartSession())
        if isinstance(shell.seen[-1], day.AskScreening):
            shell.answer(none_apply())
        if isinstance(shell.seen[-1], day.AskBaseline):
            shell.answer(day.BaselineAnswer(PainAnswer(baseline)))
        if not self.playing():
            self.settle()
            self.shell = None  # an easy day, a rest day, nothing to play: not modelled

    # Whether a session is playing is checked inside each rule, not as a precondition:
    # with a second coach racing ours for the same session it depends on which one won,
    # and Hypothesis requires the rules it may choose to follow from its own choices
    # alone (otherwise "FlakyStrategyDefinition: inconsistent data generation").

    @initialize(baseline=st.integers(0, 4))
    def first_morning(self, baseline: int) -> None:
        self.start(baseline, None)

    @rule(pains=st.lists(st.integers(0, 7), min_size=1, max_size=3))
    def rate_some(self, pains: list[int]) -> None:
        for pain in pains:
            if self.playing():
                self.rate(pain)

    @rule(pains=st.lists(st.integers(0, 7), min_size=1, max_size=3))
    def rate_while_locked(self, pains: list[int]) -> None:
        if not self.playing():
            return
        if self.blocker is None:
            self.lock()
        self.rate_some(pains)

    @rule(pain=st.integers(0, 7))
    def rate(self, pain: int) -> None:
        if not self.playing():
            return
        shell = self.shell
        assert shell is not None
        shell.play_until_asked()
        if not isinstance(shell.seen[-1], day.AskRating):
            return
        shell.answer(day.RatingAnswer(PainAnswer(pain)))
        self.given[self.key(shell)] = pain
        self.settle()
        if isinstance(shell.seen[-1], day.ShowAdvice):
            shell.answer(day.AdviceAnswer(go_on=False))
            self.settle()

    @rule(pain=st.integers(0, 7))
    def correct(self, pain: int) -> None:
        if not self.playing():
            return
        shell = self.shell
        assert shell is not None
        before = len(shell.notices())
        shell.answer(day.CorrectAsked())
        if not isinstance(shell.seen[-1], day.AskCorrection):
            return
        key = self.key(shell)
        shell.answer(day.CorrectionAnswer(PainAnswer(pain)))
        if any(n.startswith("Corrected") for n in shell.notices()[before:]):
            self.given[key] = pain
        self.settle()
        if isinstance(shell.seen[-1], day.ShowAdvice):
            shell.answer(day.AdviceAnswer(go_on=False))
            self.settle()

    @rule(reason=st.sampled_from([None, *SkipReason]), rest=st.floats(0, 1))
    def skip(self, reason: SkipReason | None, rest: float) -> None:
        """Part way into a step, N: the rest of a set skipped (and why), or a rest."""
        if not self.playing():
            return
        shell = self.shell
        assert shell is not None and shell.flow.session is not None
        runner = shell.flow.session.runner
        shell.clock.advance(runner.remaining() * rest)
        shell.player(runner.update())
        if not self.playing():
            return
        shell.answer(day.SkipAsked())
        if isinstance(shell.seen[-1], day.AskSkipReason):
            shell.answer(day.SkipAnswer(reason))
        self.settle()

    @rule(text=st.sampled_from(["slept badly", "new mat", ""]))
    def note(self, text: str) -> None:
        shell = self.shell
        if shell is not None and shell.flow.stage is day.Stage.SUMMARY:
            shell.answer(day.SummaryDone(text))
            self.settle()

    @precondition(lambda self: self.blocker is None)
    @rule()
    def lock(self) -> None:
        self.blocker = sqlite3.connect(self.folder / HISTORY, isolation_level=None, timeout=5)
        self.blocker.execute("BEGIN EXCLUSIVE")

    @precondition(lambda self: self.blocker is not None)
    @rule()
    def unlock(self) -> None:
        self.release()

    @precondition(lambda self: not self.disk.full)
    @rule()
    def fill_disk(self) -> None:
        self.disk.full = True

    @precondition(lambda self: self.disk.full)
    @rule()
    def free_disk(self) -> None:
        self.disk.full = False

    @rule()
    def kill(self) -> None:
        self.shell = None
        kill_coach(self.folder)

    @rule()
    def next_day(self) -> None:
        self.kill()
        self.day += 1

    def key(self, shell: Shell) -> Key:
        session, opening = shell.flow.session, shell.flow.opening
        assert session is not None and opening is not None
        record = session.last_record
        assert record is not None
        return (opening.uid, record.exercise_index, record.set_number, record.attempt)

    def settle(self) -> None:
        """What the running coach's screen now says is kept is acknowledged: a write
        that reached the history or the journal carried every rating not yet in the
        history (those said 'NOT saved' before too)."""
        shell = self.shell
        if shell is None or shell.flow.opening is None:
            return
        kept = shell.flow.kept
        if kept is Kept.NOWHERE:
            self.lost = self.lost or bool(shell.flow.unsaved)
            return
        uid = shell.flow.opening.uid
        self.acked.update({k: v for k, v in self.given.items() if k[0] == uid})
        self.journaled = self.journaled or kept is Kept.JOURNAL

    def release(self) -> None:
        if self.blocker is not None:
            self.blocker.execute("ROLLBACK")
            self.blocker.close()
            self.blocker = None

    # -- after everything ---------------------------------------------------------------

    def teardown(self) -> None:
        try:
            self.release()
            self.disk.remove()
            self.kill()
            self.recover_and_check()
        finally:
            self.disk.remove()
            kill_coach(self.folder)
            shutil.rmtree(self.root, ignore_errors=True)

    def plans(self, store: HistoryStore) -> list[object]:
        loaded = load_session_file(self.source)
        today = TODAY + timedelta(days=self.day + 1)
        found = []
        for program, start in programs_of(loaded):
            past = store.program_past(program, start)
            plan = plan_program(
                program,
                past.sessions,
                past.moves,
                start_level=start,
                start=past.start,
                today=today,
            )
            found.append((plan.level, plan.doses))
        return found

    def recover_and_check(self) -> None:
        store = self.store()
        before = self.plans(store)  # the database and what waits in the journal
        result = store.import_journals()
        assert not result.problems, result.problems
        assert not list((self.folder / "journal").glob("*.jsonl"))
        assert self.plans(self.store()) == before  # the database alone, after the import
        with contextlib.closing(sqlite3.connect(self.folder / HISTORY)) as db:
            rows = db.execute(
                "SELECT s.uid, t.exercise_index, t.set_number, t.attempt, t.pain FROM sets t"
                " JOIN sessions s ON s.id = t.session_id"
            ).fetchall()
        keys = [tuple(row[:4]) for row in rows]
        assert len(keys) == len(set(keys)), "a set stored twice"
        stored = {tuple(row[:4]): row[4] for row in rows}
        assert stored == self.acked
        with contextlib.suppress(InvalidArgument):  # outside Hypothesis: no statistics
            event(f"acknowledged sets: {min(len(stored), 6)}")
            event(f"journal used: {self.journaled}")
            event(f"a rating kept nowhere for a while: {self.lost}")
        self.check_merges()

    def check_merges(self) -> None:
        """Merging this history with another one (a desktop that played a morning of
        its own) gives the same plans either way round; merging again adds nothing."""
        self.close_interrupted()  # a session still running is left out of a merge
        other = self.root / "other"
        shell = Shell(self.source, self.store_of(other), today=TODAY + timedelta(days=self.day))
        begin_session(shell, baseline=2)
        rate_every_set(shell, [2, 3, 1])
        kill_coach(other)
        one, two = self.root / "one", self.root / "two"
        shutil.copytree(self.folder, one)
        shutil.copytree(other, two)
        merge_history(self.store_of(one), other)  # the desktop into this one
        merge_history(self.store_of(two), self.folder)  # this one into the desktop
        assert self.plans(self.store_of(one)) == self.plans(self.store_of(two))
        again = merge_history(self.store_of(one), other)
        assert (again.sessions, again.sets, again.corrected) == (0, 0, 0)
        for folder in (one, two):
            kill_coach(folder)

    def close_interrupted(self) -> None:
        """Start once more and close whatever was interrupted, as partial."""
        for _ in range(20):
            shell = Shell(self.source, self.store(), today=TODAY + timedelta(days=self.day))
            kill_coach(self.folder)
            if not isinstance(shell.seen[-1], day.AskResume):
                return
            shell.answer(day.ResumeAnswer(day.ResumeChoice.CLOSE))
            kill_coach(self.folder)
        raise AssertionError("interrupted sessions keep being offered")

    @staticmethod
    def store_of(folder: Path) -> HistoryStore:
        return HistoryStore(folder / HISTORY, busy_timeout=0.02)


def _other_coach(
    source: Path,
    folder: Path,
    today: date,
    resume: day.ResumeChoice | None,
    pains: list[int],
    out: Any,
) -> None:
    """A second coach on the same data folder, in a forked child (a lock is a process's,
    so two coaches are two processes): it starts, answers an offer to resume, plays
    ``pains`` if it gets to play, and ends (its lease dropped, as when it is closed).
    It sends back what its screen acknowledged."""
    # A fresh process holds none of its parent's locks: close what the fork inherited.
    for _, descriptor in liveness._held.values():
        os.close(descriptor)
    for descriptor in liveness._claims.values():
        os.close(descriptor)
    liveness._held.clear()
    liveness._claims.clear()
    acked: dict[Key, int | None] = {}
    given: dict[Key, int | None] = {}
    shell = Shell(source, HistoryStore(folder / HISTORY, busy_timeout=0.02), today=today)

    def settle() -> None:
        opening = shell.flow.opening
        if opening is not None and shell.flow.kept is not Kept.NOWHERE:
            acked.update({k: v for k, v in given.items() if k[0] == opening.uid})

    if isinstance(shell.seen[-1], day.AskResume):
        shell.answer(day.ResumeAnswer(resume))
        settle()
    if shell.flow.stage is day.Stage.HOME:
        shell.answer(day.StartSession())
        if isinstance(shell.seen[-1], day.AskScreening):
            shell.answer(none_apply())
        if isinstance(shell.seen[-1], day.AskBaseline):
            shell.answer(day.BaselineAnswer(PainAnswer(1)))
    for pain in pains:
        if shell.flow.stage is not day.Stage.PLAYING:
            break
        shell.play_until_asked()
        if not isinstance(shell.seen[-1], day.AskRating):
            break
        shell.answer(day.RatingAnswer(PainAnswer(pain)))
        session, opening = shell.flow.session, shell.flow.opening
        assert session is not None and opening is not None and session.last_record
        record = session.last_record
        given[(opening.uid, record.exercise_index, record.set_number, record.attempt)] = pain
        settle()
        if isinstance(shell.seen[-1], day.ShowAdvice):
            shell.answer(day.AdviceAnswer(go_on=False))
    settle()
    out.put(acked)


class MorningsWithASecondCoach(Mornings):
    """The same mornings, and now and then a second coach, a real process, started on
    the same folder at the moment this one starts again: both may be offered the same
    interrupted session, and only one may act on it (the claims)."""

    @rule(
        baseline=st.integers(0, 4),
        ours=st.sampled_from([None, *day.ResumeChoice]),
        theirs=st.sampled_from([None, *day.ResumeChoice]),
        pains=st.lists(st.integers(0, 7), max_size=3),
    )
    def second_coach(
        self,
        baseline: int,
        ours: day.ResumeChoice | None,
        theirs: day.ResumeChoice | None,
        pains: list[int],
    ) -> None:
        if self.shell is not None:
            kill_coach(self.folder)  # ours ends first: its session is interrupted
            self.shell = None
        context = multiprocessing.get_context("fork")
        out = context.SimpleQueue()
        today = TODAY + timedelta(days=self.day)
        other = context.Process(
            target=_other_coach, args=(self.source, self.folder, today, theirs, pains, out)
        )
        other.start()
        try:
            self.start(baseline, ours)  # at the same time
        finally:
            other.join(60)
        assert other.exitcode == 0, "the other coach failed"
        theirs_acked: dict[Key, int | None] = out.get()
        mine = {k for k in self.acked if k[0] in {t[0] for t in theirs_acked}}
        self.acked.update(theirs_acked)
        with contextlib.suppress(InvalidArgument):
            event(f"the other coach acknowledged sets: {bool(theirs_acked)}")
            event(f"both played one session: {bool(mine)}")


Mornings.TestCase.settings = settings(
    max_examples=int(os.environ.get("COACH_FACT_EXAMPLES", examples(30))),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class TestMornings(Mornings.TestCase):  # type: ignore[name-defined,misc]
    pass


MorningsWithASecondCoach.TestCase.settings = settings(
    Mornings.TestCase.settings,
    max_examples=int(os.environ.get("COACH_FACT_EXAMPLES", examples(20))),
)


@pytest.mark.e2e  # a real second process (forked) on the same folder
class TestMorningsWithASecondCoach(MorningsWithASecondCoach.TestCase):  # type: ignore[valid-type,misc]
    pass


def test_a_checkpoint_never_hides_a_session_of_the_same_start_stored_late() -> None:
    """Found by the machine above: sessions of one day and one start (a clock that did
    not move) are ordered by their uids; a session stored after the replay checkpoint
    but ordered inside it made the plan after the import differ from the plan before
    (side plank 7 s, then 6 s). The checkpoint now compares the whole order."""
    resume, close = day.ResumeChoice.RESUME, day.ResumeChoice.CLOSE
    state = Mornings()
    state.first_morning(baseline=0)
    state.rate_some(pains=[0, 0, 0])
    state.start(baseline=0, resume=None)
    state.rate_while_locked(pains=[0, 0, 0])
    state.unlock()
    state.start(baseline=0, resume=None)
    state.rate_while_locked(pains=[0, 0, 0])
    state.start(baseline=2, resume=close)
    state.start(baseline=4, resume=None)
    state.rate_some(pains=[7, 7, 6])
    state.start(baseline=4, resume=close)
    state.start(baseline=4, resume=resume)
    state.unlock()
    state.rate_some(pains=[0, 0, 1])
    state.start(baseline=0, resume=close)
    state.start(baseline=4, resume=resume)
    state.start(baseline=2, resume=close)
    state.start(baseline=2, resume=close)
    state.rate_some(pains=[1, 3, 3])
    state.start(baseline=3, resume=None)
    state.rate_while_locked(pains=[4, 5, 2])
    state.unlock()
    state.start(baseline=3, resume=close)
    state.rate_while_locked(pains=[7, 7, 0])
    state.unlock()
    state.teardown()
