"""The scaling engine, rule by rule, at the boundaries, and as properties."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine.records import LevelMove, SessionFacts, SetFacts
from coach.engine.scaling import (
    Rule,
    at_max,
    at_min,
    plan_program,
)
from coach.engine.timeline import Dose
from coach.format.loader import ProgramFile, load_session_file
from coach.format.v1 import Program

from .profiles import examples
from .strategies import dump

DAY0 = date(2026, 11, 2)

PROGRAM: dict[str, Any] = {
    "version": 1,
    "program": {
        "id": "holds",
        "name": "Holds",
        "levels": [
            {
                "name": "Level 1",
                "exercises": [
                    {
                        "id": "bridge",
                        "name": "Bridge",
                        "kind": "hold",
                        "hold": 10,
                        "holds": 3,
                        "sets": 2,
                        "progression": {
                            "hold": {"min": 8, "max": 12, "step": 1},
                            "holds": {"min": 2, "max": 4},
                        },
                    }
                ],
            },
            {
                "name": "Level 2",
                "exercises": [
                    {
                        "id": "plank",
                        "name": "Plank",
                        "kind": "hold",
                        "hold": 10,
                        "progression": {"hold": {"min": 10, "max": 12, "step": 1}},
                    },
                ],
            },
        ],
    },
}


def load_program(tmp_path: Path, document: dict[str, Any] = PROGRAM) -> Program:
    path = tmp_path / "holds.yaml"
    path.write_text(dump(document), encoding="utf-8")
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    return loaded.program


@pytest.fixture
def program(tmp_path: Path) -> Program:
    return load_program(tmp_path)


def session(
    number: int,
    pains: list[int | None],
    *,
    day: date | None = None,
    baseline: int | None = 1,
    completed: bool = True,
    red_flag: bool = False,
    exercise: str = "bridge",
    level: int = 1,
) -> SessionFacts:
    sets = tuple(
        SetFacts(0, "holds", exercise, n, len(pains), p, completed, red_flag)
        for n, p in enumerate(pains, start=1)
    )
    day = day or DAY0 + timedelta(days=number)
    return SessionFacts(day, baseline, level, sets, uid=f"session-{number:06d}")


def plan(program: Program, history: list[SessionFacts], **kwargs: Any):  # type: ignore[no-untyped-def]
    last_day = max((s.day for s in history), default=DAY0)
    kwargs.setdefault("today", last_day + timedelta(days=1))
    return plan_program(program, history, **kwargs)


# -- per exercise, from the peak pain --------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "rule", "hold", "holds", "reason"),
    [
        ([0, 2], Rule.PROGRESS, 11, 3, "Pain peaked at 2/10 and all sets were done: hold 10s"),
        ([2, 3], Rule.REPEAT, 10, 3, "Pain peaked at 3/10, in the acceptable zone: the same dose"),
        ([5, 1], Rule.REPEAT, 10, 3, "Pain peaked at 5/10, in the acceptable zone"),
        ([1, 6], Rule.STEP_BACK, 10, 2, "Pain reached 6/10, above 5: one step back, holds 3 -> 2."),
        ([1, None], Rule.MISSING_RATING, 10, 3, "A set was not rated, so the dose stays"),
        ([None, None], Rule.MISSING_RATING, 10, 3, "A set was not rated"),
        ([1], Rule.STEP_BACK, 10, 2, "1 of 2 sets was finished: one step back, holds 3 -> 2."),
        ([], Rule.NOT_DONE, 10, 3, "Not done this time"),
    ],
)
def test_peak_pain_rules(
    program: Program, pains: list[int | None], rule: Rule, hold: float, holds: int, reason: str
) -> None:
    result = plan(program, [session(1, pains)])
    (decision,) = result.decisions
    assert decision.rule is rule
    assert (result.doses["bridge"].hold, result.doses["bridge"].holds) == (hold, holds)
    assert decision.reason.startswith(reason)
    assert decision.inputs["ratings"] == pains


def test_an_abandoned_set_steps_back(program: Program) -> None:
    (decision,) = plan(program, [session(1, [0, 0], completed=False)]).decisions
    assert decision.rule is Rule.STEP_BACK


def test_a_red_flag_steps_back_whatever_the_pain(program: Program) -> None:
    (decision,) = plan(program, [session(1, [0, 0], red_flag=True)]).decisions
    assert decision.rule is Rule.STEP_BACK
    assert decision.reason.startswith("A warning sign was reported")


def test_program_thresholds_override_the_defaults(tmp_path: Path) -> None:
    document = copy.deepcopy(PROGRAM)
    document["program"]["scaling"] = {"safe_max": 3, "acceptable_max": 7}
    program = load_program(tmp_path, document)
    assert plan(program, [session(1, [3, 3])]).decisions[0].rule is Rule.PROGRESS
    assert plan(program, [session(1, [7, 1])]).decisions[0].rule is Rule.REPEAT
    assert plan(program, [session(1, [8, 1])]).decisions[0].rule is Rule.STEP_BACK


def test_doses_stay_within_their_range(program: Program) -> None:
    history = [session(n, [0, 0]) for n in range(1, 12)]
    result = plan(program, history)
    assert result.doses["bridge"] == Dose(sets=2, hold=12, holds=4)
    assert result.decisions[0].rule is Rule.AT_TOP
    history = [session(n, [9, 9]) for n in range(1, 12)]
    assert plan(program, history).doses["bridge"] == Dose(sets=2, hold=8, holds=2)


# -- next-morning check ---------------------------------------------------------------


@pytest.mark.parametrize(("today", "worse"), [(0, False), (2, False), (3, True), (8, True)])
def test_next_morning_check_steps_back_what_was_loaded(
    program: Program, today: int, worse: bool
) -> None:
    history = [session(1, [0, 1], baseline=1)]  # played 10 s x 3, then 11 s from the next day
    result = plan(program, history, baseline_today=today)
    dose = result.doses["bridge"]
    # Worse by morning_worse_by (2) or more than the usual 1: one step back from what was
    # played (10 s x 3 -> x 2), not merely the step up cancelled.
    assert (dose.hold, dose.holds) == ((10, 2) if worse else (11, 3))
    rule = result.decisions[0].rule
    assert rule is (Rule.MORNING_CHECK if worse else Rule.PROGRESS)


def test_next_morning_check_is_replayed_for_past_sessions(program: Program) -> None:
    history = [session(1, [0, 0], baseline=1), session(2, [0, 0], baseline=4)]
    # Session 2 started 3 above the usual: it played 10 s x 2, then stepped up to 11 s.
    dose = plan(program, history).doses["bridge"]
    assert (dose.hold, dose.holds) == (11, 2)


# -- week to week ---------------------------------------------------------------------


def test_a_rising_week_stops_progression(program: Program) -> None:
    week_before = [session(n, [3, 3], day=DAY0 + timedelta(days=n), baseline=1) for n in (1, 2)]
    this_week = [session(3, [0, 0], day=DAY0 + timedelta(days=9), baseline=2)]
    result = plan(program, week_before + this_week)
    decision = result.decisions[0]
    assert decision.rule is Rule.WEEKLY_RISE
    assert decision.inputs["weekly_rise"] == 1.0
    assert "nothing goes up until it settles" in decision.reason
    assert result.doses["bridge"].hold == 10
    assert result.notes and "this week" in result.notes[0]


def test_a_rise_below_the_threshold_does_not(program: Program) -> None:
    history = [
        session(0, [0, 0], day=DAY0, baseline=1),
        session(1, [0, 0], day=DAY0 + timedelta(days=7), baseline=1),
        session(2, [0, 0], day=DAY0 + timedelta(days=8), baseline=2),
    ]
    # This week averages 1.5 against 1.0 the week before: a rise of 0.5.
    assert plan(program, history).decisions[0].rule is Rule.PROGRESS


# -- gaps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "holds", "rule"), [(6, 3, Rule.PROGRESS), (7, 2, Rule.GAP), (30, 2, Rule.GAP)]
)
def test_a_week_without_sessions_steps_back_once(
    program: Program, days: int, holds: int, rule: Rule
) -> None:
    history = [session(1, [0, 0])]  # hold went 10 -> 11 s
    result = plan(program, history, today=history[0].day + timedelta(days=days))
    # Stepping back lowers the last dose in the author's order that is above its min.
    assert (result.doses["bridge"].hold, result.doses["bridge"].holds) == (11, holds)
    assert result.decisions[0].rule is rule
    if rule is Rule.GAP:
        assert result.decisions[0].reason.startswith(f"{days} days since the last session")


def test_custom_gap_days(tmp_path: Path) -> None:
    document = copy.deepcopy(PROGRAM)
    document["program"]["scaling"] = {"gap_days": 3}
    program = load_program(tmp_path, document)
    history = [session(1, [0, 0])]
    result = plan(program, history, today=history[0].day + timedelta(days=3))
    assert result.decisions[0].rule is Rule.GAP
    assert result.doses["bridge"].holds == 2


# -- levels ---------------------------------------------------------------------------


def mastered(program: Program, sessions: int) -> list[SessionFacts]:
    """Enough clean sessions to reach the top, then ``sessions`` more at the top."""
    climb = [session(n, [0, 0]) for n in range(1, 4)]  # 10->12 s, then 3->4 holds
    return climb + [session(4 + n, [1, 2]) for n in range(sessions)]


def test_unlock_after_exactly_two_sessions_at_max(program: Program) -> None:
    assert plan(program, mastered(program, 1)).offer_up is None
    result = plan(program, mastered(program, 2))
    assert result.offer_up == 2 and result.level == 1  # offered, not moved


def test_unlock_needs_low_pain(program: Program) -> None:
    history = [*mastered(program, 1), session(7, [3, 0])]
    assert plan(program, history).offer_up is None


def test_accepting_the_move_changes_level(program: Program) -> None:
    history = mastered(program, 2)
    last = history[-1].uid
    result = plan(program, history, moves=[LevelMove(last, 1, 2, True)])
    assert (result.level, set(result.doses)) == (2, {"plank"})
    declined = plan(program, history, moves=[LevelMove(last, 1, 2, False)])
    assert (declined.level, declined.offer_up) == (1, None)


def test_moving_down_is_offered_after_two_sessions_stuck_at_the_minimum(program: Program) -> None:
    stuck = [session(n, [8], level=2, exercise="plank") for n in (1, 2)]
    assert plan(program, stuck[:1], start_level=2).offer_down is None
    result = plan(program, stuck, start_level=2)
    assert (result.level, result.offer_down) == (2, 1)
    assert result.decisions[0].rule is Rule.AT_BOTTOM


# -- determinism and safety, over random histories ------------------------------------

pains = st.one_of(st.none(), st.integers(min_value=0, max_value=10))
sessions_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10),  # days after the previous session
        st.one_of(st.none(), st.integers(min_value=0, max_value=10)),  # baseline
        st.lists(pains, min_size=0, max_size=3),
        st.booleans(),  # completed
        st.booleans(),  # red flag
    ),
    max_size=25,
)


def build(raw: list[tuple[int, int | None, list[int | None], bool, bool]]) -> list[SessionFacts]:
    day = DAY0
    history = []
    for number, (gap, baseline, ratings, completed, red_flag) in enumerate(raw, start=1):
        day += timedelta(days=gap)
        history.append(
            session(
                number, ratings, day=day, baseline=baseline, completed=completed, red_flag=red_flag
            )
        )
    return history


PROPERTY = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(sessions_strategy)
def test_plans_are_deterministic_and_within_bounds(program: Program, raw: Any) -> None:
    history = build(raw)
    first = plan(program, history)
    assert plan(program, list(reversed(history))) == first  # order of input does not matter
    exercise = program.levels[0].exercises[0]
    dose = first.doses["bridge"]
    assert 8 <= (dose.hold or 0) <= 12 and 2 <= (dose.holds or 0) <= 4
    assert not (at_max(exercise, dose) and at_min(exercise, dose))


@PROPERTY
@given(sessions_strategy, st.lists(pains, min_size=1, max_size=3), st.booleans())
def test_never_progresses_after_high_pain_or_a_red_flag(
    program: Program, raw: Any, last: list[int | None], red_flag: bool
) -> None:
    history = build(raw)
    known = [p for p in last if p is not None]
    if not red_flag and not (known and max(known) > 5):
        last = [*last, 6]
    bad = session(
        len(history) + 1, last, day=(history[-1].day if history else DAY0), red_flag=red_flag
    )
    before = plan(program, history, today=bad.day).doses["bridge"]
    after = plan(program, [*history, bad], today=bad.day)
    assert after.decisions[0].rule in (Rule.STEP_BACK, Rule.AT_BOTTOM)
    dose = after.doses["bridge"]
    assert (dose.hold or 0) * (dose.holds or 0) <= (before.hold or 0) * (before.holds or 0)
