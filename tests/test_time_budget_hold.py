"""A routine's ``max_minutes`` at play time: each program has its part of the minutes,
and a step up that would take it past that part waits, saying so in one sentence."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.engine.planning import plan_today
from coach.engine.records import SessionFacts, SessionStatus, SetFacts
from coach.engine.scaling import Rule, plan_program
from coach.engine.timeline import build_timeline, program_seconds
from coach.format.durations import format_duration
from coach.format.loader import ProgramFile, RoutineFile, load_session_file
from coach.store.replays import checkpoint_key

from .strategies import dump

DAY0 = date(2026, 11, 2)


def squats(sets: int = 3, max_sets: int = 5) -> dict[str, Any]:
    """A program of one exercise: 8 reps of 4 s, 60 s rests; progression: sets first (the
    order written)."""
    return {
        "version": 1,
        "program": {
            "id": "squats",
            "name": "Squats",
            "get_ready": 5,
            "levels": [
                {
                    "name": "Level 1",
                    "exercises": [
                        {
                            "id": "squat",
                            "name": "Squat",
                            "kind": "reps",
                            "reps": 8,
                            "tempo": {"up": 2, "pause": 0, "down": 2},
                            "sets": sets,
                            "rest": 60,
                            "rest_after": 30,
                            "progression": {
                                "sets": {"min": 1, "max": max_sets},
                                "reps": {"min": 6, "max": 12, "step": 2},
                            },
                        }
                    ],
                }
            ],
        },
    }


WALK = {
    "version": 1,
    "program": {
        "id": "walk",
        "name": "Walk",
        "levels": [
            {
                "name": "Level 1",
                "exercises": [
                    {"id": "walk", "name": "Walk", "kind": "timed", "duration": 120, "rate": False}
                ],
            }
        ],
    },
}


def routine(tmp_path: Path, minutes: int | None, *, walk: bool = False) -> RoutineFile:
    (tmp_path / "squats.yaml").write_text(dump(squats()), encoding="utf-8")
    (tmp_path / "walk.yaml").write_text(dump(WALK), encoding="utf-8")
    body: dict[str, Any] = {
        "id": "morning",
        "name": "Morning",
        "programs": [{"file": "walk.yaml"}] * walk + [{"file": "squats.yaml"}],
    }
    if minutes is not None:
        body["max_minutes"] = minutes
    path = tmp_path / "morning.yaml"
    path.write_text(dump({"version": 1, "routine": body}), encoding="utf-8")
    loaded = load_session_file(path)
    assert isinstance(loaded, RoutineFile)
    return loaded


def good(number: int, sets: int) -> SessionFacts:
    """A session of the squats on day ``number``: every set done at pain 1."""
    facts = tuple(SetFacts(0, "squats", "squat", n, sets, 1, True) for n in range(1, sets + 1))
    return SessionFacts(DAY0 + timedelta(days=number), 1, 1, facts, uid=f"session-{number:06d}")


def played(loaded: RoutineFile, days: int) -> list[SessionFacts]:
    """``days`` good sessions, each at the dose the plan gave that day."""
    program = loaded.programs[-1].program
    history: list[SessionFacts] = []
    for number in range(days):
        today = DAY0 + timedelta(days=number)
        dose = plan_program(program, history, today=today).doses["squat"]
        history.append(good(number, dose.sets))
    return history


# Squat at 3 sets: 5 s ready, 3 x 32 s of reps, 2 x 60 s rests, 30 s after: 251 s; a
# fourth set adds 32 s and a rest of 60 s: 343 s.


def test_the_seconds_are_the_sessions_own(tmp_path: Path) -> None:
    loaded = routine(tmp_path, None)
    program = loaded.programs[0].program
    plan = plan_today(loaded, {}, {}, today=DAY0)
    # The routine's one program is its whole session, without the rest after its last.
    assert program_seconds(program, 1, {}) == 251
    assert build_timeline(plan.plan).total == 251 - 30


def test_a_routine_of_one_program_gives_it_all_its_minutes(tmp_path: Path) -> None:
    budget = routine(tmp_path, 5).programs[0].program.budget
    assert budget is not None
    assert (budget.seconds, budget.routine, budget.minutes, budget.whole) == (
        300,
        "Morning",
        5,
        True,
    )
    assert routine(tmp_path, None).programs[0].program.budget is None


def test_each_program_has_its_part_in_proportion(tmp_path: Path) -> None:
    (tmp_path / "more.yaml").write_text(
        dump({**squats(), "program": {**squats()["program"], "id": "more", "name": "More"}}),
        encoding="utf-8",
    )
    (tmp_path / "walk.yaml").write_text(dump(WALK), encoding="utf-8")
    body = {
        "id": "m",
        "name": "Morning",
        "max_minutes": 12,
        "programs": [{"file": "walk.yaml"}, {"file": "squats.yaml"}, {"file": "more.yaml"}],
    }
    (tmp_path / "squats.yaml").write_text(dump(squats(sets=2)), encoding="utf-8")
    (tmp_path / "m.yaml").write_text(dump({"version": 1, "routine": body}), encoding="utf-8")
    loaded = load_session_file(tmp_path / "m.yaml")
    assert isinstance(loaded, RoutineFile)
    walk, two, three = (pf.program.budget for pf in loaded.programs)
    assert walk is not None and two is not None and three is not None
    walk_s, two_s, three_s = (program_seconds(pf.program, 1, {}) for pf in loaded.programs)
    # The walk (5 s ready, 120 s, 30 s after) is never rated: it keeps its own time; the
    # two that can grow share the rest, in proportion to their starting times.
    assert (walk_s, two_s, three_s) == (155, 159, 251)
    assert walk.seconds == 155
    assert two.seconds == pytest.approx((720 - 155) * 159 / (159 + 251))
    assert three.seconds == pytest.approx((720 - 155) * 251 / (159 + 251))
    assert walk.seconds + two.seconds + three.seconds == pytest.approx(720)
    assert not three.whole
    # The file's own program (loaded alone) has no part of anything.
    alone = load_session_file(tmp_path / "squats.yaml")
    assert isinstance(alone, ProgramFile) and alone.program.budget is None


def test_a_step_that_does_not_fit_waits_and_says_why(tmp_path: Path) -> None:
    program = routine(tmp_path, 5).programs[0].program  # 300 s: 3 sets fit, 4 do not
    result = plan_program(program, [good(0, 3)], today=DAY0 + timedelta(days=1))
    (decision,) = result.decisions
    assert decision.rule is Rule.TIME_BUDGET
    assert result.doses["squat"].sets == 3
    assert decision.after == decision.before
    assert decision.reason == (
        "Held at 3 sets of 8 reps: sets 3 -> 4 would take Morning past its 5 minutes."
    )
    assert decision.inputs["program_seconds"] == 343
    assert decision.inputs["budget_seconds"] == 300
    assert decision.inputs["max_minutes"] == 5


def test_the_same_step_without_a_budget_goes_up(tmp_path: Path) -> None:
    program = routine(tmp_path, None).programs[0].program
    result = plan_program(program, [good(0, 3)], today=DAY0 + timedelta(days=1))
    assert result.decisions[0].rule is Rule.PROGRESS
    assert result.doses["squat"].sets == 4


def test_a_part_of_a_routine_is_named_with_its_share(tmp_path: Path) -> None:
    loaded = routine(tmp_path, 8, walk=True)
    program = loaded.programs[1].program
    budget = program.budget
    assert budget is not None and 251 < budget.seconds < 343
    result = plan_program(program, [good(0, 3)], today=DAY0 + timedelta(days=1))
    (decision,) = result.decisions
    assert decision.rule is Rule.TIME_BUDGET
    share = format_duration(round(budget.seconds))
    assert decision.reason == (
        f"Held at 3 sets of 8 reps: sets 3 -> 4 would take Squats past its {share} of "
        "Morning's 8 minutes."
    )


@pytest.mark.parametrize("minutes", [7, 8, 9, 12, 15])
def test_good_sessions_never_take_the_routine_past_its_minutes(
    tmp_path: Path, minutes: int
) -> None:
    loaded = routine(tmp_path, minutes, walk=True)
    history = played(loaded, 30)
    pasts = {"squats": history}
    plan = plan_today(loaded, pasts, {}, today=DAY0 + timedelta(days=30))
    total = build_timeline(plan.plan).total
    assert total <= minutes * 60
    assert plan.over_budget == ""
    # And it went as far as the minutes allow: one step more would not fit (or it is
    # at the top of its range).
    squat = plan.programs["squats"].doses["squat"]
    assert (squat.sets, squat.reps) == (5, 12) or plan.programs["squats"].decisions[
        0
    ].rule is Rule.TIME_BUDGET


def test_a_routine_that_starts_over_its_minutes_grows_no_more_and_says_so(
    tmp_path: Path,
) -> None:
    loaded = routine(tmp_path, 6, walk=True)  # 376 s at the start
    plan = plan_today(loaded, {"squats": played(loaded, 10)}, {}, today=DAY0 + timedelta(days=10))
    assert plan.programs["squats"].doses["squat"].sets == 3
    assert plan.programs["squats"].decisions[0].rule is Rule.TIME_BUDGET
    assert plan.over_budget.startswith("This routine is meant to take at most 6 minutes")


def test_a_dose_held_by_the_budget_counts_as_the_top_for_the_level_offer(
    tmp_path: Path,
) -> None:
    document = squats()
    document["program"]["levels"].append(
        {
            "name": "Level 2",
            "exercises": [{"id": "deep", "name": "Deep squat", "kind": "reps", "reps": 6}],
        }
    )
    (tmp_path / "squats.yaml").write_text(dump(document), encoding="utf-8")
    body = {"id": "m", "name": "Morning", "max_minutes": 5, "programs": [{"file": "squats.yaml"}]}
    (tmp_path / "m.yaml").write_text(dump({"version": 1, "routine": body}), encoding="utf-8")
    loaded = load_session_file(tmp_path / "m.yaml")
    assert isinstance(loaded, RoutineFile)
    program = loaded.programs[0].program
    result = plan_program(program, [good(0, 3), good(1, 3)], today=DAY0 + timedelta(days=2))
    assert result.decisions[0].rule is Rule.TIME_BUDGET
    assert result.offer_up == 2


def test_a_budget_has_its_own_checkpoints(tmp_path: Path) -> None:
    held = routine(tmp_path, 5).programs[0].program
    free = routine(tmp_path, None).programs[0].program
    alone = load_session_file(tmp_path / "squats.yaml")
    assert isinstance(alone, ProgramFile)
    assert checkpoint_key(held, 1) != checkpoint_key(free, 1)
    # Without a budget, the key is the one it always was.
    assert checkpoint_key(free, 1) == checkpoint_key(alone.program, 1)


def test_coach_plan_says_why_the_step_waits(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.config.locations import database_path
    from coach.engine.records import PainAnswer
    from coach.engine.timeline import Dose
    from coach.store.database import HistoryStore

    from .stored import a_set, opening, store_session

    monkeypatch.setenv("COLUMNS", "200")
    routine(tmp_path, 5)
    data = tmp_path / "data"
    yesterday = date.today() - timedelta(days=1)
    dose = Dose(sets=3, reps=8)
    sets = [
        a_set(
            n,
            1,
            program_id="squats",
            exercise_id="squat",
            exercise_name="Squat",
            kind="reps",
            sets_planned=3,
            planned=dose,
            planned_work_seconds=32,
            done_work_seconds=32,
            answer=PainAnswer(1),
        )
        for n in (1, 2, 3)
    ]
    store = HistoryStore(database_path(data))
    store_session(
        store,
        opening(
            source_id="morning",
            levels={"squats": 1},
            started_at=f"{yesterday.isoformat()}T08:00:00+00:00",
            local_date=yesterday,
        ),
        sets,
        SessionStatus.COMPLETED,
    )
    result = cli("plan", tmp_path / "morning.yaml", "--data-dir", data)
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "3 sets of 8 reps" in text
    assert "Held at 3 sets of 8 reps: sets 3 -> 4 would take Morning past its 5 minutes." in text
