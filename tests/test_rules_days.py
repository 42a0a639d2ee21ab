"""The rules of docs/authoring.md section 6 played day by day through the real day flow
(issue 23, cases 15-19): what the person is asked and told, what is played the next
day, and the sentence stored with every change, read back as `coach export` does."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.engine.records import PainAnswer, SkipReason
from coach.engine.scaling import Rule
from coach.engine.timeline import StepKind
from coach.store.database import HistoryStore
from coach.store.export import decision_export, session_rows

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import SMALL_PROGRAM, write_program

MONDAY = date(2026, 11, 30)
"""A Monday: the week of the rising starting pain."""


@pytest.fixture
def store() -> HistoryStore:
    return HistoryStore.in_memory()


def program(tmp_path: Path, **scaling: Any) -> Path:
    """The small program (a side plank of 2 sets of 2 x 10s, then one set of cat-camel),
    with these scaling thresholds."""
    document = copy.deepcopy(SMALL_PROGRAM)
    document["program"]["scaling"].update(scaling)
    return write_program(tmp_path, document)


def play(source: Path, store: HistoryStore, on: date, baseline: int, pains: list[int]) -> Shell:
    """One whole session on ``on``, from home to the summary."""
    shell = Shell(source, store, today=on)
    begin_session(shell, baseline=baseline)
    rate_every_set(shell, pains)
    assert isinstance(shell.seen[-1], (day.ShowSummary, day.AskLevel)), shell.seen[-1]
    return shell


def played_hold(shell: Shell) -> float | None:
    """The side plank's hold in the session being played."""
    return shell.last(day.Play).session.plan.exercises[0].dose.hold


def exported(store: HistoryStore, **match: Any) -> list[dict[str, Any]]:
    """The decisions as `coach export --what decisions` writes them."""
    return [d for d in decision_export(store) if all(d[k] == v for k, v in match.items())]


def home(source: Path, store: HistoryStore, on: date) -> Any:
    return Shell(source, store, today=on).last(day.ShowHome).view


# -- case 15: a rising week undoes every step up of the week --------------------------------


def calm_week_before(source: Path, store: HistoryStore) -> None:
    """The week before: three mornings at 1/10, every set at 3/10 (the dose stays)."""
    for offset in (7, 6, 5):
        play(source, store, MONDAY - timedelta(days=offset), 1, [3, 3, 3])


def test_a_rising_week_goes_back_to_the_dose_the_week_started_at(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 15: a step up on Monday and another on Tuesday, then a rising Wednesday:
    the week's start dose again (10 s), not Monday's (11 s)."""
    # A worse morning would step back too: a wider margin keeps this to the week's rule.
    source = program(tmp_path, morning_worse_by=3)
    calm_week_before(source, store)
    play(source, store, MONDAY, 1, [0, 0, 0])  # 10 s played: 11 s from Tuesday
    tuesday = play(source, store, MONDAY + timedelta(days=1), 2, [0, 0, 0])
    assert played_hold(tuesday) == 11  # 12 s from Wednesday
    wednesday = Shell(source, store, today=MONDAY + timedelta(days=2))
    assert wednesday.last(day.ShowHome).view.rows[0].dose == "2 sets of 2 x 12s"
    begin_session(wednesday, baseline=3)  # this week 1, 2, 3 against 1, 1, 1: a rise of 1
    assert played_hold(wednesday) == 10
    (week,) = exported(store, moment="before", exercise="side-plank")
    assert week["rule"] == "weekly step back"
    assert (week["before"]["hold"], week["after"]["hold"]) == (12, 10)
    assert "Monday's and Tuesday's step ups are undone" in week["reason"]
    assert "hold 12s -> 10s" in week["reason"]
    # Nothing goes up while it rises: Wednesday's good session keeps 10 s.
    rate_every_set(wednesday, [0, 0, 0])
    assert home(source, store, MONDAY + timedelta(days=3)).rows[0].dose == "2 sets of 2 x 10s"


# -- case 16: a rising week in which nothing went up -----------------------------------------


def test_a_rising_week_in_which_nothing_went_up_steps_back_once(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 16: pain 3 in every set (nothing goes up), starting pain rising week on week:
    one step back, said in a sentence that is true; not again the next day while the
    same rise lasts."""
    source = program(tmp_path, morning_worse_by=3)
    calm_week_before(source, store)
    play(source, store, MONDAY, 1, [3, 3, 3])
    play(source, store, MONDAY + timedelta(days=1), 2, [3, 3, 3])
    wednesday = Shell(source, store, today=MONDAY + timedelta(days=2))
    begin_session(wednesday, baseline=3)
    assert played_hold(wednesday) == 9  # one step back from 10 s
    notice = next(n for n in wednesday.notices() if "above the week before" in n)
    assert "what went up this week" not in notice
    assert "steps back" in notice
    (week,) = exported(store, moment="before", exercise="side-plank")
    assert week["rule"] == "weekly step back"
    assert week["reason"] == (
        "Starting pain this week is 1 point above the week before and nothing went up "
        "this week: one step back, hold 10s -> 9s."
    )
    rate_every_set(wednesday, [3, 3, 3])
    # Thursday, the same rise: no second step back for it, and nothing goes up.
    thursday = play(source, store, MONDAY + timedelta(days=3), 3, [0, 0, 0])
    assert played_hold(thursday) == 9
    assert not exported(store, moment="before", session_id=thursday.flow.session.uid)  # type: ignore[union-attr]
    assert home(source, store, MONDAY + timedelta(days=4)).rows[0].dose == "2 sets of 2 x 9s"


# -- case 17: seeing a clinician after pain at the easiest dose -----------------------------


TWO_LEVELS: dict[str, Any] = {
    "version": 1,
    "program": {
        "id": "two",
        "name": "Two levels",
        "get_ready": 3,
        "scaling": {"safe_max": 2, "acceptable_max": 5},
        "levels": [
            {
                "name": "Level 1",
                "exercises": [
                    {"id": "tilt", "name": "Pelvic tilt", "kind": "reps", "reps": 5},
                ],
            },
            {
                "name": "Level 2",
                "exercises": [
                    {
                        "id": "bridge",
                        "name": "Bridge",
                        "kind": "hold",
                        "hold": 10,
                        "sets": 2,
                        "rest": 5,
                        "progression": {"hold": {"min": 10, "max": 20, "step": 1}},
                    },
                ],
            },
        ],
    },
}
"""A program whose level 2 starts at its easiest dose."""


def at_level_two(tmp_path: Path) -> Path:
    """A routine playing the two-level program from level 2."""
    folder = tmp_path / "programs"
    folder.mkdir()
    write_program(folder, TWO_LEVELS)
    routine = tmp_path / "daily.yaml"
    routine.write_text(
        "version: 1\nroutine:\n  id: daily\n  name: Daily\n  programs:\n"
        "    - file: programs/small.yaml\n      level: 2\n",
        encoding="utf-8",
    )
    return routine


ESCALATION = "pain went above 5/10 at the easiest dose"


def painful(source: Path, store: HistoryStore, on: date) -> Shell:
    """A session at level 2's easiest dose with pain 6 in its first set."""
    shell = Shell(source, store, today=on)
    begin_session(shell, baseline=2)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(6)))  # above 5: the exercise ends
    shell.play_until_asked()
    return shell


@pytest.mark.parametrize("accepted", [False, True])
def test_answering_the_level_offer_keeps_the_advice_to_see_a_clinician(
    tmp_path: Path, store: HistoryStore, accepted: bool
) -> None:
    """Case 17: the level-down offer answered either way, the advice to see a clinician
    stays the next morning, and the count goes on."""
    source = at_level_two(tmp_path)
    painful(source, store, MONDAY)
    second = painful(source, store, MONDAY + timedelta(days=1))
    offer = second.last(day.AskLevel)
    assert (offer.from_level, offer.to_level, offer.up) == (2, 1, False)
    second.answer(day.LevelAnswer(accepted))
    view = home(source, store, MONDAY + timedelta(days=2))
    (note,) = [n for n in view.notes if ESCALATION in n]
    assert "in 2 sessions in a row" in note and "doctor or physiotherapist" in note
    if accepted:
        assert view.rows[0].exercise == "Pelvic tilt"
        assert "level 1" not in note  # the move is made: not offered again
        return
    # Not now: a third painful session counts on (3 in a row), the advice is still there,
    # and the offer is not asked again at once.
    third = painful(source, store, MONDAY + timedelta(days=2))
    assert not [o for o in third.seen if isinstance(o, day.AskLevel)]
    view = home(source, store, MONDAY + timedelta(days=3))
    (note,) = [n for n in view.notes if ESCALATION in n]
    assert "in 3 sessions in a row" in note


def test_a_rest_day_between_two_painful_sessions_does_not_cancel_the_advice(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 17: painful at the easiest dose, a rest day (a very painful morning), painful
    again: two painful sessions in a row, the advice and the offer."""
    source = at_level_two(tmp_path)
    painful(source, store, MONDAY)
    rest = Shell(source, store, today=MONDAY + timedelta(days=1))
    rest.answer(day.StartSession())
    rest.answer(day.BaselineAnswer(PainAnswer(8)))
    assert rest.last(day.ShowAdvice).kind is day.AdviceKind.REST_DAY
    rest.answer(day.AdviceAnswer(go_on=False))
    third = painful(source, store, MONDAY + timedelta(days=2))
    assert third.last(day.AskLevel).to_level == 1
    (advice,) = exported(store, kind="advice", rule="escalation")
    assert advice["session_id"] == third.flow.session.uid  # type: ignore[union-attr]
    assert "in 2 sessions in a row" in advice["reason"]


def with_a_second_program(tmp_path: Path) -> Path:
    """The two-level program from level 2, then the small program: a session goes on
    after the bridge ends, so it can be stopped."""
    folder = tmp_path / "programs"
    folder.mkdir()
    write_program(folder, TWO_LEVELS).rename(folder / "two.yaml")
    write_program(folder)
    routine = tmp_path / "daily.yaml"
    routine.write_text(
        "version: 1\nroutine:\n  id: daily\n  name: Daily\n  programs:\n"
        "    - file: programs/two.yaml\n      level: 2\n    - file: programs/small.yaml\n",
        encoding="utf-8",
    )
    return routine


@pytest.mark.parametrize("reason", [SkipReason.TIME, SkipReason.PAIN])
def test_a_session_stopped_for_a_reason_still_asks_the_level_offer(
    tmp_path: Path, store: HistoryStore, reason: SkipReason
) -> None:
    """Case 17 with case 18: painful at the easiest dose twice, each session stopped
    after it (saying why); a stop with a reason is an ordinary end, so the level-down
    offer is asked on the summary."""
    source = with_a_second_program(tmp_path)
    for offset in (0, 1):
        shell = Shell(source, store, today=MONDAY + timedelta(days=offset))
        begin_session(shell, baseline=2)
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(6)))  # above 5: the bridge ends
        shell.answer(day.QuitAsked())
        shell.answer(day.QuitAnswer(True, reason))
    assert shell.flow.session.stop_reason == f"stopped: {reason}"  # type: ignore[union-attr]
    assert isinstance(shell.seen[-2], day.ShowSummary)
    offer = shell.last(day.AskLevel)
    assert (offer.from_level, offer.to_level, offer.up) == (2, 1, False)


# -- case 18: stopping, and a corrected rating that ended an exercise ----------------------


def into_rest_after_first_set(shell: Shell, pain: int) -> None:
    """Rate the side plank's first set ``pain`` and stop in the rest before its second."""
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(pain)))
    step = shell.flow.session.runner.step  # type: ignore[union-attr]
    assert step is not None and step.kind is StepKind.REST


@pytest.mark.parametrize(
    ("reason", "hold", "rule"),
    [
        (SkipReason.TIME, 10, "not finished"),
        (SkipReason.OTHER, 10, "not finished"),
        (SkipReason.PAIN, 9, "step back"),
    ],
)
def test_stopping_between_sets_asks_why_and_only_pain_costs_a_step(
    tmp_path: Path, store: HistoryStore, reason: SkipReason, hold: int, rule: str
) -> None:
    """Case 18: Q between sets asks why, as N does: no time or another reason keeps the
    dose, it hurts steps back."""
    source = program(tmp_path)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    into_rest_after_first_set(shell, 1)
    shell.answer(day.QuitAsked())
    asked = shell.last(day.AskQuit)
    assert asked.reasons  # the question offers the reasons
    shell.answer(day.QuitAnswer(True, reason))
    summary = shell.last(day.ShowSummary).summary
    side_plank = next(d for d in summary.after.decisions if d.exercise_id == "side-plank")
    assert side_plank.rule.value == rule
    (row,) = exported(store, moment="after", exercise="side-plank")
    assert row["rule"] == rule and row["reason"] == side_plank.reason
    if reason is not SkipReason.PAIN:
        words = ": no time" if reason is SkipReason.TIME else " for another reason"
        assert row["reason"] == (
            f"1 of 2 sets was finished (the session was stopped{words}), so the dose "
            "stays at 2 sets of 2 x 10s."
        )
    (session,) = session_rows(store)
    assert session["status"] == "stopped" and session["stop_reason"] == f"stopped: {reason}"
    assert home(source, store, MONDAY + timedelta(days=1)).rows[0].dose == (
        f"2 sets of 2 x {hold}s"
    )


def test_changing_ones_mind_when_asked_why_goes_on(tmp_path: Path, store: HistoryStore) -> None:
    source = program(tmp_path)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    into_rest_after_first_set(shell, 1)
    shell.answer(day.QuitAsked())
    shell.answer(day.QuitAnswer(False))
    rate_every_set(shell, [1, 1])
    assert shell.last(day.ShowSummary).summary.status.value == "completed"


def test_a_corrected_rating_gives_back_the_sets_it_ended(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 18: 6/10 ended the side plank after its first set; corrected to 2 before the
    next exercise begins, its second set is played after all, and the decision is the
    one the corrected ratings call for."""
    source = program(tmp_path)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(6)))
    assert any("ends here for today" in n for n in shell.notices())
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(2)))
    assert any("set 2 of 2 is played after all" in n for n in shell.notices())
    shell.play_until_asked()
    assert shell.last(day.AskRating).title.startswith("Side plank [left], set 2 of 2")
    rate_every_set(shell, [1, 1])
    (row,) = exported(store, moment="after", exercise="side-plank")
    assert row["rule"] == "progress"
    assert home(source, store, MONDAY + timedelta(days=1)).rows[0].dose == "2 sets of 2 x 11s"


LAST_HAS_TWO_SETS: dict[str, Any] = copy.deepcopy(SMALL_PROGRAM)
LAST_HAS_TWO_SETS["program"]["levels"][0]["exercises"][1].update(sets=2, reps=3)


def test_a_rating_corrected_on_the_summary_rederives_the_decision(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 18: the last exercise ended by coach at 6/10 after its first set; corrected to
    2 on the summary (nothing left to play): the set was not the person's to finish, so
    not 'not finished: one step back', but the dose stays, in a true sentence."""
    source = write_program(tmp_path, LAST_HAS_TWO_SETS)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    rate_every_set(shell, [1, 1])
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(6)))  # the cat-camel's first set: it ends there
    shell.play_until_asked()
    summary = shell.last(day.ShowSummary).summary
    first = next(d for d in summary.after.decisions if d.exercise_id == "cat-camel")
    assert first.rule is Rule.STEP_BACK
    shell.answer(day.CorrectAsked())
    shell.answer(day.CorrectionAnswer(PainAnswer(2)))
    summary = shell.last(day.ShowSummary).summary
    after = next(d for d in summary.after.decisions if d.exercise_id == "cat-camel")
    assert after.rule is Rule.NOT_FINISHED
    assert after.reason == (
        "1 of 2 sets was finished (coach ended it for a rating since corrected), so the "
        "dose stays at 2 sets of 3 reps."
    )
    (row,) = exported(store, moment="after", exercise="cat-camel")
    assert row["reason"] == after.reason
    assert home(source, store, MONDAY + timedelta(days=1)).rows[1].dose == "2 sets of 3 reps"


# -- case 19: the first week, ceilings, a usual 7/10, the words -------------------------------


def test_the_first_week_counts_mornings_and_says_what_it_compares(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 19: three sessions on the first day are one morning (no rise can be told from
    it); three mornings rising are compared with the first ones, never 'the week
    before' when there is none."""
    source = program(tmp_path, morning_worse_by=5)
    for baseline in (1, 3, 4):  # three sessions on the very first day
        shell = play(source, store, MONDAY, baseline, [3, 3, 3])
        assert not [n for n in shell.last(day.ShowSummary).summary.after.notes if "rising" in n]
    assert not exported(store, kind="advice", rule="rising week")
    play(source, store, MONDAY + timedelta(days=1), 2, [3, 3, 3])
    third = Shell(source, store, today=MONDAY + timedelta(days=2))
    begin_session(third, baseline=3)  # mornings 1, 2, 3: the latest above the first
    notice = next(n for n in third.notices() if "rising" in n or "above" in n)
    assert "week before" not in notice
    (week,) = exported(store, moment="before", exercise="side-plank")
    assert "week before" not in week["reason"]
    assert week["reason"].startswith("Starting pain on your latest mornings is 2 points above")


def test_a_ceiling_below_a_ranges_minimum_is_refused(tmp_path: Path, store: HistoryStore) -> None:
    """Case 19: such a file is refused with one clear sentence (home does not open)."""
    source = program(tmp_path, ceilings={"hold": 4})
    shell = Shell(source, store, today=MONDAY)
    error = shell.last(day.ShowError)
    text = " ".join(error.lines)
    assert "ceiling" in text and "below" in text and "min" in text, text


def test_a_usual_seven_is_not_a_rest_day_every_day(tmp_path: Path, store: HistoryStore) -> None:
    """Case 19: 7/10 on the first morning is a rest day; when 7/10 is the person's usual
    (the program has no easy-day option), the next mornings play the session."""
    source = program(tmp_path)
    first = Shell(source, store, today=MONDAY)
    first.answer(day.StartSession())
    first.answer(day.ScreeningAnswer({}))
    first.answer(day.BaselineAnswer(PainAnswer(7)))
    assert first.last(day.ShowAdvice).kind is day.AdviceKind.REST_DAY
    first.answer(day.AdviceAnswer(go_on=False))
    for offset in (1, 2):
        shell = Shell(source, store, today=MONDAY + timedelta(days=offset))
        shell.answer(day.StartSession())
        shell.answer(day.BaselineAnswer(PainAnswer(7)))
        assert isinstance(shell.seen[-1], day.Play), shell.seen[-1]
        assert any("your usual" in n for n in shell.notices())
        rate_every_set(shell, [5, 5, 5])
    # Clearly worse than that usual: a rest day again.
    worse = Shell(source, store, today=MONDAY + timedelta(days=3))
    worse.answer(day.StartSession())
    worse.answer(day.BaselineAnswer(PainAnswer(9)))
    assert worse.last(day.ShowAdvice).kind is day.AdviceKind.REST_DAY


def test_no_well_done_after_pain_above_the_zone(tmp_path: Path, store: HistoryStore) -> None:
    """Case 19: 7/10 ends the side plank; the session goes on to its end, and the
    summary does not say 'Well done'."""
    source = program(tmp_path)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(7)))
    rate_every_set(shell, [1])
    summary = shell.last(day.ShowSummary).summary
    assert "Well done" not in summary.headline
    assert "7/10" in summary.headline


def test_no_next_exercise_is_offered_after_the_last_one(
    tmp_path: Path, store: HistoryStore
) -> None:
    """Case 19: very high pain in the last set of the last exercise: no 'Carry on with
    the next exercise' (there is none); stopping is the one way on."""
    source = program(tmp_path)
    shell = Shell(source, store, today=MONDAY)
    begin_session(shell, baseline=1)
    rate_every_set(shell, [1, 1])
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(8)))
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.HIGH_PAIN
    assert advice.go_on is None
    # Mid-session the same pain still offers the next exercise.
    other = Shell(source, HistoryStore.in_memory(), today=MONDAY)
    begin_session(other, baseline=1)
    other.play_until_asked()
    other.answer(day.RatingAnswer(PainAnswer(8)))
    assert other.last(day.ShowAdvice).go_on == "Carry on with the next exercise"
