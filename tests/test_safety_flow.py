"""Red flags through the day flow: a warning sign is stored before its advice shows, the
next start follows it up before anything else, an urgent answer holds for the rest of
the day, and a rating can be corrected (in the player and after the summary) with the
history and the decisions following the correction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.engine.followup import FollowUpAnswer, Symptoms
from coach.engine.records import PainAnswer, SessionStatus
from coach.engine.screening import QUESTIONS
from coach.store.database import HistoryStore
from coach.store.export import decision_export, export_rows, session_rows

from .day_helpers import TODAY, Shell, begin_session, none_apply, rate_every_set
from .sessions import write_program
from .stored import row_of_session, sets_of, store_session


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_program(tmp_path)


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    yield HistoryStore.in_memory()


def follow_ups(store: HistoryStore) -> list[dict[str, Any]]:
    return [d for d in decision_export(store) if d["kind"] == "follow-up"]


def a_warning_sign(source: Path, store: HistoryStore) -> Shell:
    """A session ended by numbness after its first set, left on the advice."""
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(3, numbness=True)))
    return shell


# -- a warning sign during a session -------------------------------------------------------


def test_a_warning_sign_is_stored_before_its_advice_shows(
    source: Path, store: HistoryStore
) -> None:
    shell = a_warning_sign(source, store)
    assert shell.last(day.ShowAdvice).kind is day.AdviceKind.RED_FLAG
    # Nothing answered yet (coach could be closed right now): already a red flag.
    (session,) = session_rows(store)
    assert (session["status"], session["stop_reason"]) == ("red_flag", "red-flag answer")
    shell.answer(day.AdviceAnswer(go_on=False))
    assert shell.last(day.ShowSummary).summary.status is SessionStatus.RED_FLAG
    assert not any(isinstance(o, day.AskLevel) for o in shell.seen)


def next_start(source: Path, store: HistoryStore, days: int = 1) -> Shell:
    shell = Shell(source, store, today=TODAY + timedelta(days=days))
    shell.answer(day.StartSession())
    return shell


def test_the_next_start_asks_about_it_before_anything_else(
    source: Path, store: HistoryStore
) -> None:
    a_warning_sign(source, store)  # closed on the advice, never answered
    shell = next_start(source, store)
    ask = shell.seen[-1]
    assert isinstance(ask, day.AskFollowUp)
    assert ask.question == "On Monday 30 November you reported numbness or tingling."
    assert not any(isinstance(o, day.AskBaseline | day.AskScreening) for o in shell.seen)


@pytest.mark.parametrize(
    ("symptoms", "seen", "asked", "cleared"),
    [
        (Symptoms.GONE, True, None, True),
        (Symptoms.GONE, False, None, True),
        (Symptoms.BETTER, True, "My clinician said I can exercise", True),
        (Symptoms.SAME, True, "My clinician said I can exercise", False),
        (Symptoms.BETTER, False, "", False),
        (Symptoms.SAME, False, "", False),
    ],
)
def test_what_the_follow_up_answers_allow(
    source: Path,
    store: HistoryStore,
    symptoms: Symptoms,
    seen: bool,
    asked: str | None,
    cleared: bool,
) -> None:
    a_warning_sign(source, store)
    shell = next_start(source, store)
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(symptoms, seen)))
    if asked is not None:
        advice = shell.last(day.ShowAdvice)
        assert advice.kind is day.AdviceKind.FOLLOW_UP
        assert advice.go_on == (asked or None)
        # Going on is the person's call on their clinician's word; the default is not.
        shell.answer(day.AdviceAnswer(go_on=cleared))
    if cleared:
        # The checklist again, though it was answered yesterday.
        assert isinstance(shell.seen[-1], day.AskScreening)
    else:
        assert shell.flow.stage is day.Stage.HOME
        assert shell.flow.session is None
    (row,) = follow_ups(store)
    (first,) = store.recent_sessions(50)[-1:]  # the session of the warning sign
    assert (row["session_id"], row["accepted"], row["inputs"]) == (
        first.uid,
        cleared,
        {"symptoms": symptoms.value, "clinician_seen": seen},
    )
    again = next_start(source, store, days=2)
    assert isinstance(again.seen[-1], day.AskFollowUp) is not cleared


def test_not_now_on_the_follow_up_stores_nothing_and_asks_again(
    source: Path, store: HistoryStore
) -> None:
    a_warning_sign(source, store)
    shell = next_start(source, store)
    shell.answer(day.FollowUpAnswered(None))
    assert shell.flow.stage is day.Stage.HOME and follow_ups(store) == []
    assert isinstance(next_start(source, store).seen[-1], day.AskFollowUp)


def test_a_killed_session_with_a_warning_sign_is_followed_up(source: Path) -> None:
    """Killed after the sign was stored but before the session was closed."""
    store = HistoryStore.in_memory("killed")
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    session, opening = shell.flow.session, shell.flow.opening
    assert session is not None and opening is not None
    record = session.record_for(PainAnswer(2, leg_weakness=True))
    store_session(store, opening, [record])  # the set is stored; the process dies here
    later = Shell(source, HistoryStore.in_memory("killed"), today=TODAY + timedelta(days=1))
    ask = later.last(day.AskResume)
    assert not ask.can_resume and "nerve-symptom" in ask.body
    later.answer(day.ResumeAnswer(None))  # later: still running
    later.answer(day.StartSession())
    assert later.last(day.AskFollowUp).question.endswith("you reported weakness in a leg.")


# -- an urgent answer --------------------------------------------------------------------


def urgent(shell: Shell) -> None:
    shell.answer(day.ScreeningAnswer({q.key: q.key == "gait" for q in QUESTIONS}))


def test_an_urgent_answer_holds_for_the_rest_of_the_day(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    urgent(shell)
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.URGENT and advice.go_on is None
    assert "emergency" in advice.body and "tomorrow" in advice.body
    shell.answer(day.AdviceAnswer(go_on=True))
    for start in (shell, Shell(source, store)):  # this coach, or a new one today
        start.answer(day.StartSession())
        blocked = start.last(day.ShowAdvice)
        assert blocked.kind is day.AdviceKind.URGENT and "Earlier today" in blocked.body
        start.answer(day.AdviceAnswer(go_on=True))
        assert start.flow.session is None
    # A rehearsal cannot get round it either.
    rehearsal = Shell(source, store, speed=10)
    rehearsal.answer(day.StartSession())
    assert rehearsal.last(day.ShowAdvice).kind is day.AdviceKind.URGENT
    # The next day: the checklist again.
    tomorrow = next_start(source, store)
    assert isinstance(tomorrow.seen[-1], day.AskScreening)


def test_a_second_start_cannot_slip_past_the_checklist(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.StartSession())  # Enter twice on home
    assert sum(isinstance(o, day.AskScreening) for o in shell.seen) == 1
    shell.answer(day.ScreeningAnswer(None))  # not now
    assert shell.flow.stage is day.Stage.HOME
    assert store.last_screening() is None


# -- correcting a rating -------------------------------------------------------------------


def test_a_rating_corrected_in_the_player_replaces_the_first(
    source: Path, store: HistoryStore
) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    shell.answer(day.CorrectAsked())
    ask = shell.last(day.AskCorrection)
    assert ask.answer == PainAnswer(2) and "set 1 of 2" in ask.title
    session = shell.flow.session
    assert session is not None
    paused = session.runner.state
    shell.answer(day.CorrectionAnswer(PainAnswer(7)))
    # 7 is above the zone and the side plank is still being played: it ends here.
    assert any("ends here for today" in n for n in shell.notices())
    assert paused.name == "PAUSED" and session.runner.state.name == "RUNNING"
    shell.play_until_asked()
    assert shell.last(day.AskRating).title.startswith("Cat-camel")
    shell.answer(day.RatingAnswer(PainAnswer(1)))
    shell.play_until_asked()
    stored = [(r["exercise"], r["pain"]) for r in export_rows(store)]
    assert stored == [("side-plank", 7), ("cat-camel", 1)]
    (first, *_) = [d for d in decision_export(store) if d["kind"] == "dose"]
    assert first["rule"] == "step back" and "7/10" in first["reason"]


def test_a_correction_can_report_a_warning_sign(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(2, pain_below_knee=True)))
    assert shell.last(day.ShowAdvice).kind is day.AdviceKind.RED_FLAG
    (session,) = session_rows(store)
    assert session["status"] == "red_flag"


def test_keeping_a_rating_changes_nothing(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.answer(day.CorrectAsked())
    assert shell.notices()[-1] == "No set has been rated yet in this session."
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(None))
    session = shell.flow.session
    assert session is not None and session.runner.state.name == "RUNNING"
    rate_every_set(shell, [1, 0])
    assert [r["pain"] for r in export_rows(store)] == [2, 1, 0]


def test_a_rating_corrected_after_the_summary_changes_next_time(
    source: Path, store: HistoryStore
) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    rate_every_set(shell, [0, 0, 0])
    assert shell.last(day.ShowSummary).summary.after.decisions[1].rule.value == "progress"
    shell.answer(day.CorrectAsked())
    assert "Cat-camel, set 1 of 1" in shell.last(day.AskCorrection).title
    shell.answer(day.CorrectionAnswer(PainAnswer(6)))
    summary = shell.last(day.ShowSummary).summary
    assert summary.results[1].ratings == (6,)
    after = [(d["exercise"], d["rule"]) for d in decision_export(store) if d["moment"] == "after"]
    # Pain 6 at the easiest dose: no step up for the cat-camel (it was one before).
    assert after == [("side-plank", "progress"), ("cat-camel", "at bottom")]
    tomorrow = Shell(source, store, today=TODAY + timedelta(days=1))
    assert tomorrow.last(day.ShowHome).view.rows[1].dose == "1 set of 2 reps"


def test_a_warning_sign_ticked_by_mistake_can_be_taken_back(
    source: Path, store: HistoryStore
) -> None:
    shell = a_warning_sign(source, store)
    shell.answer(day.AdviceAnswer(go_on=False))
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(3)))
    assert shell.last(day.ShowAdvice).kind is day.AdviceKind.WITHDRAW  # asked first
    shell.answer(day.AdviceAnswer(go_on=True))
    (session,) = session_rows(store)
    assert (session["status"], session["stop_reason"]) == ("stopped", "warning sign corrected")
    assert [r["numbness"] for r in export_rows(store)] == [False]
    # Nothing left to follow up: the next start goes to the baseline.
    later = next_start(source, store)
    assert isinstance(later.seen[-1], day.AskBaseline)
    assert none_apply  # the checklist is not due again within its weeks


# -- the checklist's below-the-knee line blocks as the same sign after a set does ----------


def test_the_checklists_below_the_knee_line_holds_sessions_until_seen(
    source: Path, store: HistoryStore
) -> None:
    """The sign after a set (pain below the knee) holds sessions until it has gone or a
    clinician has seen it; the checklist's stronger form (with numbness or weakness) no
    longer offers 'exercise gently anyway', and is asked again at every start."""
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({q.key: q.key == "below_knee" for q in QUESTIONS}))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.REVIEW
    assert advice.go_on is not None and "clinician has seen" in advice.go_on
    shell.answer(day.AdviceAnswer(go_on=False))
    assert shell.flow.session is None
    tomorrow = next_start(source, store)
    assert isinstance(tomorrow.seen[-1], day.AskScreening)


def test_the_kidney_line_asks_for_a_doctor_today(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({q.key: q.key == "kidney" for q in QUESTIONS}))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.SAME_DAY and "today" in advice.body


# -- a rehearsal never plays past a safety step ------------------------------------------


def test_a_rehearsal_shows_a_waiting_warning_sign_and_stops(
    source: Path, store: HistoryStore
) -> None:
    a_warning_sign(source, store)
    rehearsal = Shell(source, store, today=TODAY + timedelta(days=1), speed=10)
    rehearsal.answer(day.StartSession())
    advice = rehearsal.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.FOLLOW_UP and advice.go_on is None
    assert "numbness or tingling" in advice.body
    rehearsal.answer(day.AdviceAnswer(go_on=True))
    assert rehearsal.flow.session is None
    assert not any(isinstance(o, day.AskBaseline) for o in rehearsal.seen)


@pytest.mark.parametrize("speed", [0.99, 1.0001, 1.5])
def test_a_speed_close_to_real_time_is_no_rehearsal(source: Path, speed: float) -> None:
    with pytest.raises(ValueError, match="too close to real time"):
        Shell(source, HistoryStore.in_memory(), speed=speed)


def test_coach_run_left_at_a_safety_step_says_why(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store, skip_home=True)
    shell.answer(day.ScreeningAnswer(None))
    leave = shell.last(day.Leave)
    assert leave.why.startswith("Nothing played")


def first_answers(store: HistoryStore) -> list[Any]:
    uids = {r["session_id"] for r in export_rows(store)}
    rows = sorted(row_of_session(store, uid) for uid in uids)
    return [row["first_answer"] for i in rows for row in sets_of(store, i)]


def test_withdrawing_a_warning_sign_asks_and_keeps_the_first_answer(
    source: Path, store: HistoryStore
) -> None:
    """R then U on the summary took a sign back at once, and the stored sign was
    overwritten (only corrected_at remained)."""
    shell = a_warning_sign(source, store)
    shell.answer(day.AdviceAnswer(go_on=False))  # on to the summary
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(3)))
    ask = shell.last(day.ShowAdvice)
    assert ask.kind is day.AdviceKind.WITHDRAW and "numbness or tingling" in ask.body
    shell.answer(day.AdviceAnswer(go_on=False))  # Enter: keep it
    (session,) = session_rows(store)
    assert session["status"] == "red_flag"
    assert [r["numbness"] for r in export_rows(store)] == [True]
    assert shell.flow.stage is day.Stage.SUMMARY
    # Asked again, and withdrawn: the correction stands beside the first answer.
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(3)))
    shell.answer(day.AdviceAnswer(go_on=True))
    assert [r["numbness"] for r in export_rows(store)] == [False]
    (first,) = first_answers(store)
    assert json.loads(first) == {
        "pain": 3,
        "numbness": 1,
        "leg_weakness": 0,
        "pain_below_knee": 0,
    }


def test_the_follow_ups_word_is_said_inside_the_checklist_not_over_it(
    source: Path, store: HistoryStore
) -> None:
    """A 12-second notice covered the checklist right after a follow-up, repeating
    advice just shown."""
    a_warning_sign(source, store)
    shell = next_start(source, store)
    shell.answer(day.FollowUpAnswered(FollowUpAnswer(Symptoms.GONE, clinician_seen=False)))
    ask = shell.seen[-1]
    assert isinstance(ask, day.AskScreening)
    assert "mention it to your doctor" in ask.note
    assert not any("mention it" in text for text in shell.notices())
