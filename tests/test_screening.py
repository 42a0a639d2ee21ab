"""Red-flag screening: what answers mean, when to ask, and how the app acts on them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.config.settings import Settings, load_settings
from coach.engine.screening import QUESTIONS, Outcome, assess, is_due

from .sessions import write_program
from .tui_helpers import home_ready, make_app, screen_is, wait_for


def test_every_question_has_a_single_meaning() -> None:
    keys = [q.key for q in QUESTIONS]
    assert len(keys) == len(set(keys))
    urgent = {q.key for q in QUESTIONS if q.urgent}
    assert urgent == {"bladder_bowel", "saddle_numbness", "leg_weakness_worsening"}


@pytest.mark.parametrize(
    ("ticked", "outcome"),
    [
        (set(), Outcome.CLEAR),
        ({"weight_loss"}, Outcome.REVIEW),
        ({"fever", "cancer"}, Outcome.REVIEW),
        ({"saddle_numbness"}, Outcome.URGENT),
        ({"weight_loss", "bladder_bowel"}, Outcome.URGENT),
    ],
)
def test_the_most_serious_answer_decides(ticked: set[str], outcome: Outcome) -> None:
    answers = {q.key: q.key in ticked for q in QUESTIONS}
    assert assess(answers) is outcome


def stamp(day: date) -> str:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()


@pytest.mark.parametrize(
    ("last", "days_later", "due"),
    [
        (None, 0, True),
        ("clear", 27, False),
        ("clear", 28, True),
        ("review", 3, False),
        ("urgent", 1, True),
    ],
)
def test_when_it_is_due(last: str | None, days_later: int, due: bool) -> None:
    taken = date(2026, 11, 1)
    record = (stamp(taken), last) if last else None
    assert is_due(record, taken + timedelta(days=days_later), 4) is due


def test_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert load_settings(path) == (Settings(), None)
    path.write_text("screening_weeks = 2\nvolume = 50\n", encoding="utf-8")
    settings, problem = load_settings(path)
    assert (settings.screening_weeks, settings.volume, problem) == (2, 50, None)
    path.write_text("screening_weeks = 0\n", encoding="utf-8")
    settings, problem = load_settings(path)
    assert settings == Settings()
    assert problem is not None and "screening_weeks" in problem
    path.write_text("not toml [", encoding="utf-8")
    assert load_settings(path)[1] is not None


def screenings(data: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / "history.sqlite3") as db:
        return db.execute("SELECT outcome, answers_json FROM screenings").fetchall()


async def test_an_urgent_answer_blocks_the_session(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ScreeningScreen"), "checklist")
        await pilot.press("down", "space", "enter")  # the second question: saddle numbness
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        # Stored before the advice shows, so a crash now does not lose the answers.
        assert [row[0] for row in screenings(tmp_path)] == ["urgent"]
        assert "emergency" in str(app.screen.query_one("Static").render())
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home again")
        assert app.session is None  # no session was started
    ((outcome, answers),) = screenings(tmp_path)
    assert outcome == "urgent" and '"saddle_numbness": true' in str(answers)


async def test_a_review_answer_asks_before_going_on(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ScreeningScreen"), "checklist")
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("space", "enter")  # weight loss
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        await pilot.press("y")
        await wait_for(pilot, screen_is(app, "PainPrompt"), "baseline")
    assert screenings(tmp_path)[0][0] == "review"


async def test_not_asked_again_within_the_interval(tmp_path: Path) -> None:
    session = write_program(tmp_path)
    first, _ = make_app(session, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(first), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(first, "ScreeningScreen"), "checklist")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(first, "PainPrompt"), "baseline")
        assert [row[0] for row in screenings(tmp_path)] == ["clear"]
    second, _ = make_app(session, tmp_path)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(second), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(second, "PainPrompt"), "baseline straight away")
