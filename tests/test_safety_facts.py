"""What safety asks for is read from the history, not remembered by one run: a warning
sign after a function check is followed up at the next start like one during a session
(and blocks another check until then), the checklist after a follow-up and after a
session stopped for very high pain comes back however often coach is left and started
again, and a checklist answer asking for a review stays on home until a later one clears
it. Each 'restart' is a new day flow on the same history file."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.engine import day
from coach.engine.checks import messages as m
from coach.engine.checks.carry import carry_out as carry_check
from coach.engine.checks.flow import CheckFlow
from coach.engine.clock import FakeClock, stamp
from coach.engine.followup import FollowUpAnswer, SignSource, Symptoms
from coach.engine.ids import new_id
from coach.engine.records import Kept, PainAnswer, SessionStatus
from coach.engine.screening import QUESTIONS
from coach.report import build_report
from coach.store.checks import CheckStore
from coach.store.database import HistoryStore
from coach.store.facts import CHECK_NAME_COLUMNS, check_name
from coach.store.migrations import MIGRATIONS, SCHEMA_VERSION, statements

from .conftest import CliResult
from .day_helpers import TODAY, Shell, begin_session, none_apply
from .faults import locked
from .sessions import write_program


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_program(tmp_path)


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The history file; the store's clock moves a second at each write, so 'after' is
    never a tie within a fast test."""
    moments = itertools.count()

    def ticking() -> str:
        return stamp(datetime(2026, 11, 30, 8, tzinfo=UTC) + timedelta(seconds=next(moments)))

    for module in ("rows", "sessions", "safety", "checks"):  # each store part that stamps
        monkeypatch.setattr(f"coach.store.{module}.utc_now", ticking)
    yield tmp_path / "history.sqlite3"  # where `coach --data-dir tmp_path` looks


def restart(source: Path, path: Path, days: int = 0) -> Shell:
    """Leave and start coach again: a new flow, a new store on the same file."""
    return Shell(source, HistoryStore(path), today=TODAY + timedelta(days=days))


def play_check(store: HistoryStore, after: PainAnswer, on: date = TODAY) -> m.CheckOver:
    """A function check the person stops before its first hold, then answers the pain
    after with ``after``: its own flow, carried out against the same history."""
    flow = CheckFlow(
        lambda: on, clock=FakeClock(), wall=lambda: datetime(2026, 11, 30, 8, tzinfo=UTC)
    )
    port = CheckStore(store)
    seen: list[m.CheckOutput] = []

    def follow(outputs: list[m.CheckOutput] | list[m.LoadChecks]) -> None:
        for output in outputs:
            if isinstance(output, m.CheckEffect):
                follow(flow.handle(carry_check(output, port)))
            else:
                seen.append(output)

    follow([flow.begin()])
    for event in (
        m.CheckPainAnswer(PainAnswer(2)),
        m.PsfsAnswer(None),
        m.CheckQuitAsked(),
        m.CheckQuitAnswer(stop=True),
        m.CheckPainAnswer(after),
    ):
        follow(flow.handle(event))
    if after.red_flag:
        assert isinstance(seen[-1], m.ShowCheckAdvice)
        assert seen[-1].title == "Please stop and see a clinician"
        follow(flow.handle(m.CheckAdviceAnswer(go_on=False)))
    follow(flow.handle(m.SummarySeen()))
    over = seen[-1]
    assert isinstance(over, m.CheckOver)
    return over


def a_check_with_a_warning_sign(source: Path, path: Path) -> Shell:
    """From home's check key, through the first checklist, a check ending with weakness
    in a leg reported, and back to home."""
    shell = restart(source, path)
    shell.answer(day.StartCheck())
    shell.answer(none_apply())
    assert isinstance(shell.seen[-1], day.PlayCheck)
    assert isinstance(shell.history, HistoryStore)
    over = play_check(shell.history, PainAnswer(3, leg_weakness=True))
    assert over == m.CheckOver(red_flag=True, stored=True)
    shell.answer(day.CheckFinished(over.red_flag, over.stored))
    return shell


QUESTION = "On Monday 30 November, after the function check, you reported weakness in a leg."


def test_a_sign_after_a_check_is_followed_up_after_a_restart(source: Path, path: Path) -> None:
    a_check_with_a_warning_sign(source, path)
    shell = restart(source, path, days=1)
    home = shell.last(day.ShowHome)
    assert home.view.notes[0].startswith(QUESTION)
    assert not home.check_due  # no maximal holds offered until it is followed up
    shell.answer(day.StartSession())
    assert shell.seen[-1] == day.AskFollowUp(QUESTION)
    # The check key cannot get round it either.
    again = restart(source, path, days=1)
    again.answer(day.StartCheck())
    assert again.seen[-1] == day.AskFollowUp(QUESTION)
    assert not any(isinstance(o, day.PlayCheck) for o in again.seen)


def test_the_same_run_follows_the_sign_up_before_anything_else(source: Path, path: Path) -> None:
    shell = a_check_with_a_warning_sign(source, path)
    assert shell.flow.stage is day.Stage.HOME
    assert shell.last(day.ShowHome).view.notes[0].startswith(QUESTION)
    shell.answer(day.StartCheck())
    assert shell.seen[-1] == day.AskFollowUp(QUESTION)


def test_the_follow_up_of_a_check_is_stored_against_the_check(source: Path, path: Path) -> None:
    a_check_with_a_warning_sign(source, path)
    shell = restart(source, path, days=1)
    shell.answer(day.StartSession())
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.GONE, clinician_seen=True)))
    stored = [e for e in shell.carried if isinstance(e, day.StoreFollowUp)]
    with sqlite3.connect(path) as db:
        (check,) = db.execute(f"SELECT {CHECK_NAME_COLUMNS} FROM checks").fetchall()
    # Named by the check's uid (the name it has, or will get), not its row.
    assert [(e.sign.source, e.sign.sign_uid) for e in stored] == [
        (SignSource.CHECK, check_name(*check))
    ]
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT session_id, check_id, cleared FROM follow_ups").fetchall()
    assert rows == [(None, 1, 1)]
    # Cleared: the checklist again, then (clear) the check is the person's to start.
    assert isinstance(shell.seen[-1], day.AskScreening)
    later = restart(source, path, days=1)
    assert not any("you reported" in note for note in later.last(day.ShowHome).view.notes)


def test_a_sign_not_cleared_is_asked_again_and_still_blocks_the_check(
    source: Path, path: Path
) -> None:
    a_check_with_a_warning_sign(source, path)
    shell = restart(source, path, days=1)
    shell.answer(day.StartCheck())
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.SAME, clinician_seen=False)))
    assert shell.last(day.ShowAdvice).title == "Please see a clinician first"
    shell.answer(day.AdviceAnswer(go_on=False))
    assert shell.flow.stage is day.Stage.HOME
    later = restart(source, path, days=2)
    later.answer(day.StartCheck())
    assert later.seen[-1] == day.AskFollowUp(QUESTION)


def test_a_sign_after_a_check_changes_what_home_is_cached_from(path: Path) -> None:
    """The next start's first frame is home kept from before: a check's sign must make
    it stale, or home would show nothing of it until the day loads."""
    store = HistoryStore(path)
    checks = CheckStore(store)
    check = new_id()
    checks.open_check(uid=check, local_date=TODAY, utc_offset=0, pain_before=2)
    before = store.version()
    assert before is not None
    checks.close_check(check, SessionStatus.RED_FLAG, PainAnswer(3, leg_weakness=True))
    assert store.version() not in (before, None)


# -- the checklist after a follow-up ---------------------------------------------------------


def a_session_with_a_warning_sign(source: Path, path: Path) -> None:
    shell = restart(source, path)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(3, numbness=True)))


def test_the_checklist_after_a_follow_up_survives_leaving(source: Path, path: Path) -> None:
    a_session_with_a_warning_sign(source, path)  # the checklist was answered today
    shell = restart(source, path, days=1)
    shell.answer(day.StartSession())
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.GONE, clinician_seen=True)))
    assert isinstance(shell.seen[-1], day.AskScreening)
    # Left on the checklist: the next start asks it, however often coach is restarted.
    for _ in range(2):
        again = restart(source, path, days=1)
        again.answer(day.StartSession())
        assert isinstance(again.seen[-1], day.AskScreening), again.seen[-1]
    again.answer(none_apply())
    assert isinstance(again.seen[-1], day.AskBaseline)
    # Answered after the follow-up: not due again.
    after = restart(source, path, days=1)
    after.answer(day.StartSession())
    assert isinstance(after.seen[-1], day.AskBaseline)


# -- the checklist after very high pain ------------------------------------------------------


def test_a_stop_at_very_high_pain_brings_the_checklist_back(source: Path, path: Path) -> None:
    shell = restart(source, path)
    begin_session(shell)  # the checklist, answered clear
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(8)))
    assert shell.last(day.ShowAdvice).kind is day.AdviceKind.HIGH_PAIN
    shell.answer(day.AdviceAnswer(go_on=False))  # stop for today
    shell.answer(day.SummaryDone())
    for days in (0, 1):
        again = restart(source, path, days=days)
        again.answer(day.StartSession())
        assert isinstance(again.seen[-1], day.AskScreening), again.seen[-1]
    again.answer(none_apply())
    assert isinstance(again.seen[-1], day.AskBaseline)
    after = restart(source, path, days=1)
    after.answer(day.StartSession())
    assert isinstance(after.seen[-1], day.AskBaseline)


def test_carrying_on_after_very_high_pain_is_not_a_stop(source: Path, path: Path) -> None:
    shell = restart(source, path)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(8)))
    shell.answer(day.AdviceAnswer(go_on=True))
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    shell.play_until_asked()
    shell.answer(day.SummaryDone())
    again = restart(source, path, days=1)
    again.answer(day.StartSession())
    assert isinstance(again.seen[-1], day.AskBaseline)


# -- a review asked for stays on home --------------------------------------------------------


def test_a_review_answer_stays_on_home_until_a_later_checklist_clears_it(
    source: Path, path: Path
) -> None:
    shell = restart(source, path)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({q.key: q.key == "thoracic" for q in QUESTIONS}))
    assert shell.last(day.ShowAdvice).kind is day.AdviceKind.REVIEW
    shell.answer(day.AdviceAnswer(go_on=False))  # not today
    note = shell.last(day.ShowHome).view.notes[0]
    assert "upper back" in note and "see a clinician soon" in note
    later = restart(source, path)
    notes = later.last(day.ShowHome).view.notes
    assert "upper back" in notes[0] and "see a clinician soon" in notes[0]
    # Four weeks on, the checklist again, clear: the reminder goes.
    month = restart(source, path, days=28)
    month.answer(day.StartSession())
    month.answer(none_apply())
    cleared = restart(source, path, days=28)
    assert not any("clinician soon" in n for n in cleared.last(day.ShowHome).view.notes)


# -- the migration ---------------------------------------------------------------------------


def test_follow_ups_stored_before_keep_their_session(tmp_path: Path) -> None:
    ours = next(i for i, script in enumerate(MIGRATIONS) if "follow_ups_v11" in script)
    db = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    for script in MIGRATIONS[:ours]:
        for statement in statements(script):
            db.execute(statement)
    db.execute(
        "INSERT INTO sessions (id, started_at, source_id, title, source_path, planned_seconds,"
        " status) VALUES (1, '2026-11-29T08:00:00.000+00:00', 's', 'S', 's.yaml', 60, 'red_flag')"
    )
    db.execute(
        "INSERT INTO follow_ups (session_id, asked_at, local_date, symptoms, clinician_seen,"
        " cleared) VALUES (1, '2026-11-30T08:00:00.000+00:00', '2026-11-30', 'gone', 1, 1)"
    )
    for script in MIGRATIONS[ours:SCHEMA_VERSION]:
        for statement in statements(script):
            db.execute(statement)
    assert db.execute("SELECT session_id, check_id FROM follow_ups").fetchall() == [(1, None)]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO follow_ups (session_id, check_id, asked_at, local_date, symptoms,"
            " clinician_seen, cleared) VALUES (NULL, NULL, 'x', '2026-11-30', 'gone', 1, 1)"
        )


# -- facts still waiting in the journal -------------------------------------------------------


def test_a_sign_waiting_in_the_journal_is_followed_up(source: Path, path: Path) -> None:
    first = restart(source, path)
    first.answer(day.StartSession())
    first.answer(none_apply())  # the history exists, and the checklist is answered
    with locked(path):
        shell = Shell(source, HistoryStore(path, busy_timeout=0.05))
        shell.answer(day.StartSession())
        shell.answer(day.BaselineAnswer(PainAnswer(1)))
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(3, numbness=True)))
        assert shell.last(day.ShowAdvice).kind is day.AdviceKind.RED_FLAG
        assert shell.flow.kept is Kept.JOURNAL  # not in the history: in the journal
        again = Shell(source, HistoryStore(path, busy_timeout=0.05), today=TODAY)
        assert (
            again.last(day.ShowHome)
            .view.notes[0]
            .startswith("On Monday 30 November you reported numbness or tingling.")
        )
        again.answer(day.StartSession())
        assert again.seen[-1] == day.AskFollowUp(
            "On Monday 30 November you reported numbness or tingling."
        )


# -- the follow-ups in the history and the report --------------------------------------------


def two_follow_ups(source: Path, path: Path) -> None:
    """A sign in a session (followed up the next day: gone, seen, went on), then a sign
    after a check that day (followed up the day after: the same, nobody has seen it)."""
    a_session_with_a_warning_sign(source, path)
    shell = restart(source, path, days=1)
    shell.answer(day.StartSession())
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.GONE, clinician_seen=True)))
    shell.answer(none_apply())
    assert isinstance(shell.seen[-1], day.AskBaseline)
    check = restart(source, path, days=1)
    check.answer(day.StartCheck())
    assert isinstance(check.seen[-1], day.PlayCheck)
    assert isinstance(check.history, HistoryStore)
    over = play_check(check.history, PainAnswer(3, leg_weakness=True), TODAY + timedelta(days=1))
    check.answer(day.CheckFinished(over.red_flag, over.stored))
    later = restart(source, path, days=2)
    later.answer(day.StartSession())
    later.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.SAME, clinician_seen=False)))


FIRST = (
    "2026-12-01  numbness or tingling after the session of 2026-11-30: gone; a clinician "
    "has seen it; went on."
)
SECOND = (
    "2026-12-02  weakness in a leg after the function check of 2026-12-01: the same or "
    "worse; no clinician has seen it; no exercise until seen."
)


def test_coach_history_lists_each_follow_up(
    source: Path, path: Path, cli: Callable[..., CliResult]
) -> None:
    two_follow_ups(source, path)
    shown = cli("history", "--data-dir", path.parent)
    assert shown.code == 0, shown.err
    assert f"Follow-ups of warning signs:\n{FIRST}\n{SECOND}\n" in shown.out
    since = cli("history", "--since", "2026-12-02", "--data-dir", path.parent)
    assert SECOND in since.out and FIRST not in since.out
    # They belong to no program: a program's history leaves them out.
    program = cli("history", "--program", "small", "--data-dir", path.parent)
    assert program.code == 0 and "Follow-ups" not in program.out


def test_the_report_shows_each_follow_up(source: Path, path: Path) -> None:
    two_follow_ups(source, path)
    text, _, _ = build_report(HistoryStore(path), TODAY, TODAY + timedelta(days=2))
    assert "<h3>Follow-ups of warning signs (2)</h3>" in text
    assert (
        '<tr><td class="day">2026-12-01</td><td>numbness or tingling after the session of '
        "2026-11-30</td><td>gone; a clinician has seen it</td><td>went on</td></tr>"
    ) in text
    assert (
        '<tr><td class="day">2026-12-02</td><td>weakness in a leg after the function check of '
        "2026-12-01</td><td>the same or worse; no clinician has seen it</td>"
        '<td><span class="warn">no exercise until seen</span></td></tr>'
    ) in text
