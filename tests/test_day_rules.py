"""The pain-monitoring model through the day flow: what the person is asked and told, and
what ends up stored (rehearsals, very painful mornings, very high pain, skipped sets,
the checks before a session), read back the way a clinician would, from the export."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.engine.records import PainAnswer, SessionStatus, SetRecord, SkipReason
from coach.engine.timeline import Dose, StepKind
from coach.store.database import HistoryStore
from coach.store.export import decision_export, export_rows, session_rows

from .day_helpers import TODAY, Shell, begin_session, rate_every_set
from .sessions import SMALL_PROGRAM, write_program
from .stored import opening, store_session
from .strategies import dump


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_program(tmp_path)


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    yield HistoryStore.in_memory()


def decisions(store: HistoryStore, **match: Any) -> list[dict[str, Any]]:
    return [
        d for d in decision_export(store) if all(d[key] == value for key, value in match.items())
    ]


# -- rehearsals ------------------------------------------------------------------------


def test_a_rehearsal_stores_nothing_and_says_so(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store, speed=10)
    shell.answer(day.StartSession())
    # No checklist for a coach trying the file out; the screen says nothing is kept.
    assert isinstance(shell.seen[-1], day.AskBaseline)
    assert any("Rehearsal at 10x: nothing is stored" in n for n in shell.notices())
    shell.answer(day.BaselineAnswer(PainAnswer(1)))
    rate_every_set(shell, [0, 0, 0])
    summary = shell.last(day.ShowSummary).summary
    assert summary.headline.startswith("Rehearsal over. Nothing was stored")
    stored = (day.StoreScreening, day.OpenSession, day.SaveSets, day.CloseSession)
    assert not [e for e in shell.carried if isinstance(e, stored)]
    assert store.recent_sessions() == [] and decision_export(store) == []
    # The patient's plan is the same as before the rehearsal.
    tomorrow = Shell(source, store, today=TODAY + timedelta(days=1))
    assert tomorrow.last(day.ShowHome).view.rows[0].dose == "2 sets of 2 x 10s"


# -- the morning -------------------------------------------------------------------------


def test_a_worse_morning_steps_back_and_the_check_is_stored(
    source: Path, store: HistoryStore
) -> None:
    first = Shell(source, store)
    begin_session(first, baseline=1)
    rate_every_set(first, [3, 3, 3])  # acceptable: the same dose again
    second = Shell(source, store, today=TODAY + timedelta(days=1))
    begin_session(second, baseline=3)  # 2 above the usual 1
    assert second.notices()[0].startswith("Your back started at 3/10, 2 above your usual 1")
    assert second.last(day.Play).session.plan.exercises[0].dose.hold == 9
    (check, *_) = decisions(store, moment="before")
    assert (check["rule"], check["before"], check["after"]) == (
        "morning check",
        {"hold": 10.0, "holds": 2, "sets": 2},
        {"hold": 9.0, "holds": 2, "sets": 2},
    )
    assert check["inputs"]["baseline"] == 3 and check["inputs"]["usual"] == 1.0
    assert check["date"] == "2026-12-01"
    assert check["session_id"] == second.flow.session.uid  # type: ignore[union-attr]


@pytest.mark.parametrize(("baseline", "advised"), [(6, False), (7, True), (10, True)])
def test_a_very_painful_morning_advises_an_easy_day(
    source: Path, store: HistoryStore, baseline: int, advised: bool
) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({}))
    shell.answer(day.BaselineAnswer(PainAnswer(baseline)))
    if not advised:
        assert isinstance(shell.seen[-1], day.Play)
        return
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.REST_DAY
    assert advice.go_on is None  # one program: there is no gentler part to offer


def test_a_rest_day_is_stored_and_counts_for_the_week(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({}))
    shell.answer(day.BaselineAnswer(PainAnswer(8)))
    shell.answer(day.AdviceAnswer(go_on=False))  # rest
    (session,) = session_rows(store)
    assert (session["status"], session["stop_reason"], session["baseline_pain"]) == (
        "stopped",
        "rest day",
        8,
    )
    (advice,) = decisions(store, kind="advice")
    assert advice["rule"] == "rest day" and advice["reason"].startswith("Starting pain 8/10")
    assert export_rows(store) == []  # no sets were played
    # The next morning's usual starting pain counts this morning too.
    assert store.program_history("small")[0].baseline == 8


def routine(folder: Path) -> Path:
    """A routine of a gentle program marked for easy days and the small program."""
    gentle = copy.deepcopy(SMALL_PROGRAM)
    gentle["program"].update(id="gentle", name="Gentle mobility")
    gentle["program"]["levels"][0]["exercises"] = [
        {"id": "tilt", "name": "Pelvic tilt", "kind": "reps", "reps": 2}
    ]
    (folder / "programs").mkdir()
    (folder / "programs" / "gentle.yaml").write_text(dump(gentle), encoding="utf-8")
    write_program(folder / "programs")
    path = folder / "daily.yaml"
    document = {
        "version": 1,
        "routine": {
            "id": "daily",
            "name": "Daily",
            "programs": [
                {"file": "programs/gentle.yaml", "easy_day": True},
                {"file": "programs/small.yaml"},
            ],
        },
    }
    path.write_text(dump(document), encoding="utf-8")
    return path


def test_mobility_only_on_a_very_painful_morning(tmp_path: Path, store: HistoryStore) -> None:
    shell = Shell(routine(tmp_path), store)
    shell.answer(day.StartSession())
    shell.answer(day.ScreeningAnswer({}))
    shell.answer(day.BaselineAnswer(PainAnswer(7)))
    advice = shell.last(day.ShowAdvice)
    assert advice.go_on == "Mobility only"
    shell.answer(day.AdviceAnswer(go_on=True))
    plan = shell.last(day.Play).session.plan
    assert [e.name for e in plan.exercises] == ["Pelvic tilt"]
    rate_every_set(shell, [2])
    assert shell.last(day.ShowSummary).summary.status is SessionStatus.COMPLETED
    (advice_row,) = decisions(store, kind="advice")
    assert advice_row["rule"] == "easy day"


# -- during a session ----------------------------------------------------------------------


@pytest.mark.parametrize("pain", [8, 10])
def test_very_high_pain_offers_to_end_the_session(
    source: Path, store: HistoryStore, pain: int
) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(pain)))
    advice = shell.last(day.ShowAdvice)
    assert (
        advice.kind is day.AdviceKind.HIGH_PAIN
        and advice.title == f"Pain {pain}/10: stop for today?"
    )
    shell.answer(day.AdviceAnswer(go_on=False))
    summary = shell.last(day.ShowSummary).summary
    assert summary.status is SessionStatus.STOPPED
    assert "Well done" not in summary.headline and f"pain {pain}/10" in summary.headline
    (session,) = session_rows(store)
    assert session["stop_reason"] == "high pain"
    (advice_row,) = decisions(store, kind="advice")
    assert advice_row["rule"] == "high pain" and advice_row["inputs"] == {"peak": pain}


def test_carrying_on_after_high_pain_moves_to_the_next_exercise(
    source: Path, store: HistoryStore
) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    shell.play_until_asked()
    shell.answer(day.RatingAnswer(PainAnswer(8)))
    shell.answer(day.AdviceAnswer(go_on=True))
    shell.play_until_asked()
    assert shell.last(day.AskRating).title.startswith("Cat-camel, set 1 of 1")
    shell.answer(day.RatingAnswer(PainAnswer(2)))
    shell.play_until_asked()
    summary = shell.last(day.ShowSummary).summary
    assert summary.headline.startswith("Session over. Pain reached 8/10")


def skip_first_set(shell: Shell, reason: SkipReason | None) -> None:
    """Into the first hold of the first set, then skip it and answer why."""
    session = shell.flow.session
    assert session is not None
    runner = session.runner
    while runner.step is not None and not runner.step.kind.is_work:
        shell.clock.advance(runner.remaining())
        shell.player(runner.update())
    assert runner.step is not None and runner.step.kind is StepKind.HOLD
    shell.answer(day.SkipAsked())
    ask = shell.last(day.AskSkipReason)
    assert ask.exercise == "Side plank [left], set 1 of 2"
    shell.answer(day.SkipAnswer(reason))


@pytest.mark.parametrize(
    ("reason", "hold_tomorrow", "rule"),
    [(SkipReason.PAIN, 9, "step back"), (SkipReason.TIME, 10, "not finished")],
)
def test_a_skipped_set_asks_why_and_only_pain_costs_a_step(
    source: Path, store: HistoryStore, reason: SkipReason, hold_tomorrow: int, rule: str
) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    skip_first_set(shell, reason)
    rate_every_set(shell, [1, 1, 1])
    (first, *_) = export_rows(store)
    assert (first["completed"], first["skip_reason"]) == (False, reason.value)
    (decision, _) = decisions(store, moment="after")
    assert decision["rule"] == rule
    summary = shell.last(day.ShowSummary).summary
    # The summary shows the sentence that was stored.
    assert summary.after.decisions[0].reason == decision["reason"]
    assert summary.results[0].ratings == (1, 1)
    tomorrow = Shell(source, store, today=TODAY + timedelta(days=1))
    assert tomorrow.last(day.ShowHome).view.rows[0].dose == f"2 sets of 2 x {hold_tomorrow}s"


def test_changing_ones_mind_about_a_skip_goes_on(source: Path, store: HistoryStore) -> None:
    shell = Shell(source, store)
    begin_session(shell)
    skip_first_set(shell, None)
    session = shell.flow.session
    assert session is not None and session.runner.step is not None
    assert session.runner.step.kind is StepKind.HOLD  # still in the hold
    rate_every_set(shell, [1, 1, 1])
    assert all(row["completed"] for row in export_rows(store))


# -- local days ----------------------------------------------------------------------------


def store_played(store: HistoryStore, started_at: str, local_date: str, offset: int) -> None:
    """A session of the small program played at ``started_at`` (UTC) on ``local_date``
    where it was played, every set rated 0."""
    session = opening(
        source_id="small",
        title="Small program",
        source_path="small.yaml",
        planned_seconds=120,
        levels={"small": 1},
        baseline_pain=1,
        started_at=started_at,
        local_date=date.fromisoformat(local_date),
        utc_offset=offset,
    )
    plan = {"side-plank": Dose(2, 10, 2), "cat-camel": Dose(1, reps=2)}
    for exercise, number, sets in (("side-plank", 1, 2), ("side-plank", 2, 2), ("cat-camel", 1, 1)):
        store_session(
            store,
            session,
            [
                SetRecord(
                    session_uid="",
                    exercise_index=0 if exercise == "side-plank" else 1,
                    program_id="small",
                    level=1,
                    exercise_id=exercise,
                    exercise_name=exercise,
                    kind="hold" if exercise == "side-plank" else "reps",
                    set_number=number,
                    sets_planned=sets,
                    planned=plan[exercise],
                    planned_work_seconds=20,
                    done_work_seconds=20,
                    completed=True,
                    answer=PainAnswer(0),
                    rated_at=started_at,
                )
            ],
        )
    store_session(store, session, (), SessionStatus.COMPLETED)


# A person in New York: an evening session (already the next day in UTC), then the next
# morning's (the same day in UTC).
EVENING = ("2026-12-01T01:00:00+00:00", "2026-11-30", -300)
MORNING = ("2026-12-01T12:00:00+00:00", "2026-12-01", -300)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati"])
def test_the_same_history_gives_the_same_plan_in_any_time_zone(
    source: Path, store: HistoryStore, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_played(store, *EVENING)
    store_played(store, *MORNING)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        home = Shell(source, store, today=date(2026, 12, 2)).last(day.ShowHome).view
        # Two nights, two steps up: the evening and the morning are different days.
        assert home.rows[0].dose == "2 sets of 2 x 12s"
        assert [s["date"] for s in session_rows(store)] == ["2026-11-30", "2026-12-01"]
        assert {r["date"] for r in export_rows(store)} == {"2026-11-30", "2026-12-01"}
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_session_dated_before_the_last_takes_its_dated_place(
    source: Path, store: HistoryStore
) -> None:
    store_played(store, *EVENING)
    store_played(store, *MORNING)
    # Stored last, dated earliest (a session imported from the journal, another
    # computer's history merged in, or a clock set back): sessions replay in the order of
    # their local day and start, never of their row ids, so where or when a session was
    # stored never changes a plan (issue 22). Three days, three steps up.
    store_played(store, "2026-11-29T12:00:00+00:00", "2026-11-29", -300)
    home = Shell(source, store, today=date(2026, 12, 2)).last(day.ShowHome).view
    assert home.rows[0].dose == "2 sets of 2 x 13s"
    # The same sessions stored in their dated order give the same plan.
    other = HistoryStore.in_memory()
    store_played(other, "2026-11-29T12:00:00+00:00", "2026-11-29", -300)
    store_played(other, *EVENING)
    store_played(other, *MORNING)
    assert Shell(source, other, today=date(2026, 12, 2)).last(day.ShowHome).view == home


# -- pain at the easiest dose ---------------------------------------------------------------


def test_pain_at_the_easiest_dose_twice_advises_a_clinician_on_home(
    tmp_path: Path, store: HistoryStore
) -> None:
    document = copy.deepcopy(SMALL_PROGRAM)
    side_plank = document["program"]["levels"][0]["exercises"][0]
    side_plank["progression"]["hold"]["min"] = 10  # it starts at its minimum
    source = write_program(tmp_path, document)
    for offset in (0, 1):
        shell = Shell(source, store, today=TODAY + timedelta(days=offset))
        begin_session(shell, baseline=2)
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(6)))  # above 5: that exercise ends
        rate_every_set(shell, [1])
    home = Shell(source, store, today=TODAY + timedelta(days=2)).last(day.ShowHome).view
    (note,) = [n for n in home.notes if "doctor or physiotherapist" in n]
    assert note.startswith("Small program: pain went above 5/10 at the easiest dose in 2")
    (advice,) = decisions(store, kind="advice")
    assert (advice["rule"], advice["session_id"]) == ("escalation", shell.flow.session.uid)  # type: ignore[union-attr]
