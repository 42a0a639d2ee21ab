"""Red-flag screening: what answers mean, when to ask, and how the app acts on them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Label, Static

from coach.config.settings import Settings, load_settings
from coach.engine.screening import (
    QUESTIONS,
    LastScreening,
    Outcome,
    assess,
    blocked_today,
    is_due,
)
from coach.tui.app import CoachApp

from .sessions import write_program
from .tui_helpers import home_ready, make_app, on_day, screen_is, type_keys, wait_for


def test_every_sign_of_the_domain_brief_is_asked_in_its_tier() -> None:
    keys = [q.key for q in QUESTIONS]
    assert len(keys) == len(set(keys))
    tiers = {tier: {q.key for q in QUESTIONS if q.tier is tier} for tier in Outcome}
    # Suspected cauda equina or cord compression: emergency care the same day.
    assert tiers[Outcome.URGENT] == {
        "bladder_bowel",
        "saddle_numbness",
        "sexual",
        "leg_weakness_worsening",
        "both_legs",
        "gait",
    }
    # The kidney line comes with a fever or feeling unwell: a doctor the same day.
    assert tiers[Outcome.SAME_DAY] == {"cancer", "fever", "immunosuppressed", "iv_drugs", "kidney"}
    assert tiers[Outcome.REVIEW] == {
        "steroids",
        "night_pain",
        "weight_loss",
        "trauma",
        "new_pain_age",
        "thoracic",
        "below_knee",
    }
    assert tiers[Outcome.CLEAR] == set()
    text = " ".join(q.text for q in QUESTIONS)
    for words in ("back passage", "walk", "both legs", "inject", "steroid", "upper back"):
        assert words in text


@pytest.mark.parametrize(
    ("ticked", "outcome"),
    [
        (set(), Outcome.CLEAR),
        ({"weight_loss"}, Outcome.REVIEW),
        ({"fever", "weight_loss"}, Outcome.SAME_DAY),
        ({"iv_drugs"}, Outcome.SAME_DAY),
        ({"saddle_numbness"}, Outcome.URGENT),
        ({"weight_loss", "cancer", "bladder_bowel"}, Outcome.URGENT),
    ],
)
def test_the_most_serious_answer_decides(ticked: set[str], outcome: Outcome) -> None:
    answers = {q.key: q.key in ticked for q in QUESTIONS}
    assert assess(answers) is outcome


def stamp(day: date) -> str:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()


@pytest.mark.parametrize(
    ("last", "days_later", "due", "blocked"),
    [
        (None, 0, True, False),
        ("clear", 27, False, False),
        ("clear", 28, True, False),
        ("review", 3, False, False),
        ("same_day", 1, True, False),
        ("urgent", 0, True, True),  # the rest of that day: no session
        ("urgent", 1, True, False),  # the next day: asked again
    ],
)
def test_when_it_is_due(last: str | None, days_later: int, due: bool, blocked: bool) -> None:
    taken = date(2026, 11, 1)
    record = LastScreening(stamp(taken), taken, Outcome(last)) if last else None
    today = taken + timedelta(days=days_later)
    assert is_due(record, today, 4) is due
    assert blocked_today(record, today) is blocked


def test_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert load_settings(path) == (Settings(), ())
    path.write_text("screening_weeks = 2\nvolume = 50\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert (settings.screening_weeks, settings.volume, problems) == (2, 50, ())
    path.write_text("screening_weeks = 0\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert len(problems) == 1 and "screening_weeks" in problems[0]
    path.write_text("not toml [", encoding="utf-8")
    assert len(load_settings(path)[1]) == 1


def screenings(data: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / "history.sqlite3") as db:
        return db.execute("SELECT outcome, answers_json FROM screenings").fetchall()


def keys_for(*applies: str) -> list[str]:
    """The checklist answered line by line: y for the signs in ``applies``, n for the
    rest."""
    return ["y" if q.key in applies else "n" for q in QUESTIONS]


async def open_checklist(pilot: Pilot[Any], app: CoachApp) -> None:
    await wait_for(pilot, home_ready(app), "home")
    await pilot.press("enter")
    await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")


async def test_an_urgent_answer_blocks_sessions_until_tomorrow(tmp_path: Path) -> None:
    source = write_program(tmp_path)
    app, _ = make_app(source, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, app)
        await type_keys(pilot, *keys_for("saddle_numbness"), "enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        # Stored before the advice shows, so a crash now does not lose the answers.
        assert [row[0] for row in screenings(tmp_path)] == ["urgent"]
        assert "emergency" in str(app.screen.query_one("#advice-body", Static).render())
        await pilot.press("y")  # there is no going on from this
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "AdviceScreen"
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home again")
        # Start again at once: the advice again, not the checklist to untick.
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "the advice again")
        assert "Earlier today" in str(app.screen.query_one("#advice-body", Static).render())
        await pilot.press("escape")
        await wait_for(pilot, home_ready(app), "home")
        assert app.session is None  # no session was started
    later, _ = make_app(source, tmp_path)  # coach restarted the same day
    async with later.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(later), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(later, "AdviceScreen"), "still blocked today")
    tomorrow, _ = make_app(source, tmp_path, today=on_day(1))
    async with tomorrow.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, tomorrow)  # asked again the next day
    ((outcome, answers),) = screenings(tmp_path)
    assert outcome == "urgent" and '"saddle_numbness": true' in str(answers)


async def test_enter_never_passes_the_checklist(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, app)
        await pilot.press("enter", "enter", "space", "enter")
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "ChecklistScreen"
        await type_keys(pilot, *keys_for()[:-1], "enter")  # all but the last line
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "ChecklistScreen"
        await pilot.press("escape")  # not now: nothing stored, no session
        await wait_for(pilot, home_ready(app), "home")
    assert screenings(tmp_path) == []


async def test_none_of_these_is_a_choice_of_its_own(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, app)
        none = app.screen.query_one("#none", Button)
        assert not none.has_focus
        await pilot.click("#none")  # before every line was on screen: read them first
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "ChecklistScreen"
        await pilot.press(*["down"] * len(QUESTIONS))  # to the last line
        await pilot.pause(0.05)
        await pilot.click("#none")
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")
    ((outcome, answers),) = screenings(tmp_path)
    assert outcome == "clear" and "true" not in str(answers)


@pytest.mark.parametrize(
    ("sign", "kind", "title"),
    [("weight_loss", "review", "soon"), ("fever", "same_day", "today")],
)
async def test_a_sign_to_see_a_clinician_about_asks_before_going_on(
    tmp_path: Path, sign: str, kind: str, title: str
) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, app)
        await type_keys(pilot, *keys_for(sign), "enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        assert title in str(app.screen.query_one(".dialog-title", Label).render())
        await pilot.press("y")
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")
    assert screenings(tmp_path)[0][0] == kind


async def test_not_asked_again_within_the_interval(tmp_path: Path) -> None:
    session = write_program(tmp_path)
    first, _ = make_app(session, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_checklist(pilot, first)
        await type_keys(pilot, *keys_for(), "enter")
        await wait_for(pilot, screen_is(first, "BaselinePrompt"), "baseline")
        assert [row[0] for row in screenings(tmp_path)] == ["clear"]
    second, _ = make_app(session, tmp_path)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(second), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(second, "BaselinePrompt"), "baseline straight away")
