"""The day flow without a terminal: a fake clock, an in-memory store, scripted answers.

A small driver plays the shell's part exactly as the TUI does: it carries out every
effect through the same ``carry_out``, starts the runner when told to play, moves the
fake clock to the end of each step, and reports ratings due and the end.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.engine.records import Kept, PainAnswer, SessionStatus, Written
from coach.engine.runner import RunState
from coach.engine.timeline import StepKind
from coach.store.database import HistoryStore
from coach.store.export import decision_export

from .day_helpers import TODAY, Shell, begin_session, none_apply, rate_every_set
from .sessions import SMALL_PROGRAM, write_program


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_program(tmp_path)


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    yield HistoryStore.in_memory()


def test_a_whole_day_in_order(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    home = shell.last(day.ShowHome).view
    assert home.title == "Small program" and home.last_session.startswith("First session")
    assert [r.dose for r in home.rows] == ["2 sets of 2 x 10s", "1 set of 2 reps"]
    assert shell.flow.stage is day.Stage.HOME
    shell.answer(day.StartSession())
    assert isinstance(shell.seen[-1], day.AskScreening)  # before the very first session
    shell.answer(none_apply())
    assert store.last_screening() is not None
    assert isinstance(shell.seen[-1], day.AskBaseline)
    shell.answer(day.BaselineAnswer(PainAnswer(1)))
    play = shell.last(day.Play)
    assert play.session.baseline == 1
    assert [r.uid for r in store.recent_sessions()] == [play.session.uid]  # stored under it
    rate_every_set(shell, [2, 1, 0])
    summary = shell.last(day.ShowSummary).summary
    assert summary.status is SessionStatus.COMPLETED
    assert [(r.name, r.sets_rated, r.ratings) for r in summary.results] == [
        ("Side plank [left]", 2, (2, 1)),
        ("Cat-camel", 1, (0,)),
    ]
    assert [type(e).__name__ for e in shell.carried] == [
        "LoadDay",
        "StoreScreening",
        "OpenSession",
        "SaveSets",
        "SaveSets",
        "SaveSets",
        "CloseSession",
    ]
    assert [s.status for s in store.recent_sessions()] == ["completed"]
    (history,) = [store.program_history("small")]
    assert [(s.exercise_id, s.pain) for s in history[0].sets] == [
        ("side-plank", 2),
        ("side-plank", 1),
        ("cat-camel", 0),
    ]
    assert shell.flow.stage is day.Stage.SUMMARY and not shell.flow.unsaved


def test_the_next_day_plans_from_the_stored_session(source: Path, store: HistoryStore) -> None:
    first = Shell(source, store)
    begin_session(first)
    rate_every_set(first, [0, 0, 0])
    second = Shell(source, store, today=TODAY + timedelta(days=1))
    home = second.last(day.ShowHome).view
    assert home.rows[0].dose == "2 sets of 2 x 11s"  # pain 0: one step up
    assert home.last_session.startswith("Last session 2026-11-30: completed, 3 sets")
    second.answer(day.StartSession())
    assert isinstance(second.seen[-1], day.AskBaseline)  # the checklist is not due again
    second.answer(day.BaselineAnswer(PainAnswer(4)))  # 3 above the usual 1
    assert any("3 above your usual 1" in n for n in second.notices())
    # What was loaded yesterday (10 s) steps back: the load goes down, not merely stays;
    # the plan home shows and the session's are the same plan.
    assert second.last(day.Play).session.plan.exercises[0].dose.hold == 9
    planned = second.flow.planned
    assert planned is not None and planned.plan.exercises[0].dose.hold == 9
    assert any("3 above your usual 1" in d.reason for d in planned.decisions)
    # The morning's decisions are stored with the session they changed, one an exercise.
    before = [d for d in decision_export(store) if d["moment"] == "before"]
    uid = second.flow.session.uid  # type: ignore[union-attr]
    assert [(d["session_id"], d["rule"]) for d in before] == [(uid, "morning check")] * 2


def test_a_day_plans_one_step_up_at_most_after_coach_run(source: Path, store: HistoryStore) -> None:
    """A session played through 'coach run' (no home) with no pain: home later the same
    day plans the doses it was played at, and the next day one step up for each."""
    first = Shell(source, store, skip_home=True)
    assert isinstance(first.seen[-1], day.AskScreening)
    first.answer(none_apply())
    first.answer(day.BaselineAnswer(PainAnswer(0)))
    rate_every_set(first, [0, 0, 0])
    assert first.last(day.ShowSummary).summary.status is SessionStatus.COMPLETED

    def doses(shell: Shell) -> tuple[float | None, int | None]:
        assert shell.flow.planned is not None
        side_plank, cat_camel = (item.dose for item in shell.flow.planned.plan.exercises)
        return side_plank.hold, cat_camel.reps

    assert doses(Shell(source, store)) == (10.0, 2)  # the same day: no second step
    assert doses(Shell(source, store, today=TODAY + timedelta(days=1))) == (11.0, 3)


def test_an_urgent_answer_means_no_session(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({"bladder_bowel": True}))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.URGENT and advice.go_on is None
    shell.answer(day.AdviceAnswer(go_on=True))  # there is nothing to go on with
    assert shell.flow.stage is day.Stage.HOME and shell.flow.session is None
    assert not any(isinstance(e, day.OpenSession) for e in shell.carried)


def test_coach_run_leaves_after_an_urgent_answer(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store, skip_home=True)
    assert isinstance(shell.seen[-1], day.AskScreening)  # no home in 'coach run'
    shell.answer(day.ScreeningAnswer({"saddle_numbness": True}))
    shell.answer(day.AdviceAnswer(go_on=False))
    assert isinstance(shell.seen[-1], day.Leave)


def test_a_review_answer_lets_the_person_choose(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({"weight_loss": True}))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.REVIEW and advice.go_on
    shell.answer(day.AdviceAnswer(go_on=True))
    assert isinstance(shell.seen[-1], day.AskBaseline)


def test_a_warning_sign_ends_the_session(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(3, numbness=True)))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.RED_FLAG
    session = shell.flow.session
    assert session is not None and session.runner.state is RunState.ABORTED
    shell.answer(day.AdviceAnswer(go_on=False))
    assert shell.last(day.ShowSummary).summary.status is SessionStatus.RED_FLAG
    assert not any(isinstance(o, day.AskLevel) for o in shell.seen)
    assert [s.status for s in store.recent_sessions()] == ["red_flag"]


def test_quitting_asks_and_carrying_on_resumes(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    session = shell.flow.session
    assert session is not None
    shell.answer(day.QuitAsked())
    assert isinstance(shell.seen[-1], day.AskQuit)
    assert session.runner.state is RunState.PAUSED  # nothing runs out while asked
    shell.answer(day.QuitAnswer(stop=False))
    assert session.runner.state is RunState.RUNNING
    shell.answer(day.QuitAsked())
    shell.answer(day.QuitAnswer(stop=True))
    assert shell.last(day.ShowSummary).summary.status is SessionStatus.STOPPED
    assert [s.status for s in store.recent_sessions()] == ["stopped"]


def test_pain_above_the_zone_ends_that_exercise(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(7)))
    assert any("ends here for today" in n for n in shell.notices())
    shell.play_until_asked()
    ask = shell.last(day.AskRating)
    assert ask.title.startswith("Cat-camel, set 1 of 1")
    rate_every_set(shell, [1])
    # The exercise that hurt is one step back next time, and that is what is stored.
    (plank,) = [d for d in decision_export(store) if d["exercise"] == "side-plank"]
    assert plank["after"]["hold"] == 9.0


class Flaky:
    """The in-memory store, whose history (and journal) refuse every write of a session
    while ``down`` is set."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.down = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def write_session(self, opening: Any, records: Any = (), end: Any = None) -> Written:
        if self.down:
            return Written(Kept.NOWHERE, "the history database is in use")
        return self.store.write_session(opening, records, end)


def test_a_refused_set_is_kept_and_retried_with_the_next(source: Path, store: HistoryStore) -> None:
    flaky = Flaky(store)
    shell = Shell(source, flaky)  # type: ignore[arg-type]
    begin_session(shell)
    flaky.down = True
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    # Never 'saved' when it is not: the notice says so, and what to do.
    assert any(n.startswith("NOT saved: the history database is in use") for n in shell.notices())
    assert [r.answer.pain for r in shell.flow.unsaved] == [2]
    assert shell.flow.kept is Kept.NOWHERE
    session = shell.flow.session
    assert session is not None and session.runner.state is RunState.RUNNING  # it goes on
    flaky.down = False
    rate_every_set(shell, [1, 0])
    assert shell.flow.unsaved == []
    assert any(n.startswith("The history can take ratings again") for n in shell.notices())
    stored = store.program_history("small")[0].sets
    assert [s.pain for s in stored] == [2, 1, 0]  # in the order they were rated


def test_a_session_whose_row_was_refused_is_created_by_the_next_write(
    source: Path, store: HistoryStore
) -> None:
    flaky = Flaky(store)
    flaky.down = True
    shell = Shell(source, flaky)  # type: ignore[arg-type]
    begin_session(shell)  # the session's row is refused
    assert store.recent_sessions() == []
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(3)))
    flaky.down = False
    rate_every_set(shell, [2, 1])
    [session] = store.recent_sessions()
    assert session.status == "completed" and session.sets_done == 3
    assert [s.pain for s in store.program_history("small")[0].sets] == [3, 2, 1]
    assert shell.last(day.ShowSummary).where.startswith("Saved in")


def test_an_interrupted_session_is_offered_and_resumed(source: Path) -> None:
    first_store = HistoryStore.in_memory("shared")
    first = Shell(source, first_store)
    begin_session(first)
    first.play_until_asked()
    first.answer(day.RatingAnswer(PainAnswer(2)))
    # That coach is gone; another opens the same history.
    second = Shell(source, HistoryStore.in_memory("shared"))
    ask = second.last(day.AskResume)
    assert ask.can_resume and "1 of 3 sets rated" in ask.body
    second.answer(day.ResumeAnswer(day.ResumeChoice.RESUME))
    assert isinstance(second.carried[-1], day.ClaimSession)
    resumed = second.last(day.Play).session
    (stored,) = first_store.recent_sessions()
    assert resumed.uid == stored.uid  # the same session, found by its uid
    step = resumed.runner.step  # the rest before set 2: time to get back on the mat
    assert step is not None and step.kind is StepKind.REST and step.set_number == 1
    second.play_until_asked()
    assert second.last(day.AskRating).title.startswith("Side plank [left], set 2 of 2")
    second.answer(day.RatingAnswer(PainAnswer(1)))
    rate_every_set(second, [0])
    assert [s.status for s in first_store.recent_sessions()] == ["completed"]


def test_an_interrupted_session_can_be_closed_as_partial(source: Path) -> None:
    first = Shell(source, HistoryStore.in_memory("partial"))
    begin_session(first)
    store = HistoryStore.in_memory("partial")
    second = Shell(source, store)
    second.answer(day.ResumeAnswer(day.ResumeChoice.CLOSE))
    assert any("Closed the interrupted Small program as partial" in n for n in second.notices())
    assert isinstance(second.seen[-1], day.ShowHome)  # planned again, then home
    assert [s.status for s in store.recent_sessions()] == ["stopped"]


def test_a_level_offer_is_asked_and_stored(tmp_path: Path, store: HistoryStore) -> None:
    document: dict[str, Any] = {
        "version": 1,
        "program": {
            **SMALL_PROGRAM["program"],
            "levels": [
                {
                    "name": "Level 1",
                    "unlock": {"sessions_at_max": 1},
                    "exercises": [{"id": "tilt", "name": "Pelvic tilt", "kind": "reps", "reps": 2}],
                },
                {
                    "name": "Level 2",
                    "exercises": [{"id": "bridge", "name": "Bridge", "kind": "reps", "reps": 2}],
                },
            ],
        },
    }
    source = write_program(tmp_path, document)
    first = Shell(source, store)
    begin_session(first)
    rate_every_set(first, [0])
    assert not any(isinstance(o, day.AskLevel) for o in first.seen)  # one day is not enough
    shell = Shell(source, store, today=TODAY + timedelta(days=1))
    begin_session(shell)
    rate_every_set(shell, [0])
    offer = shell.last(day.AskLevel)
    assert (offer.from_level, offer.to_level, offer.up) == (1, 2, True)
    shell.answer(day.LevelAnswer(accepted=True))
    assert store.level_moves("small")[0].accepted
    tomorrow = Shell(source, store, today=TODAY + timedelta(days=2))
    assert tomorrow.last(day.ShowHome).view.rows[0].exercise == "Bridge"


def test_a_file_with_errors_stops_the_day(tmp_path: Path, store: HistoryStore) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    shell = Shell(bad, store)
    error = shell.last(day.ShowError)
    assert error.lines and error.lines[0].startswith(str(bad))
    assert shell.flow.stage is day.Stage.FAILED


def test_the_day_module_imports_no_textual() -> None:
    assert "coach.engine.day" in sys.modules
    import subprocess

    code = "import sys, coach.engine.day; print(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_home_says_what_was_done_today_and_the_streak() -> None:
    from coach.engine.home import today_text
    from coach.engine.records import SessionRecord

    def on(day: str, sets: int = 5) -> SessionRecord:
        return SessionRecord(
            f"s-{day}", f"{day}T07:00:00Z", None, "completed", "r", "R", 1, sets, 2, day
        )

    today = date(2026, 11, 30)
    assert today_text([], today) == ""
    week = [on("2026-11-29"), on("2026-11-28"), on("2026-11-26")]
    assert today_text(week, today) == "Not done yet today · 2 days in a row"
    assert today_text([on("2026-11-30"), *week], today) == (
        "Done today: 1 session; another is extra · 3 days in a row"
    )
    assert today_text([on("2026-11-26")], today) == "Not done yet today · last session 4 days ago"
    full = [on("2026-11-30"), on("2026-11-29")]
    assert today_text(full, today, limit=2).endswith("2+ days in a row")
