"""Pilot tests: the screens driven by keys, with a fake clock and a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Label

from coach.engine import day
from coach.engine.records import Kept, SessionStatus
from coach.engine.runner import CueDue, RunState
from coach.engine.timeline import StepKind
from coach.store.database import HistoryStore
from coach.tui.bignumber import BigNumber

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import write_program
from .tui_helpers import (
    answer,
    home_ready,
    make_app,
    on_day,
    plan_of,
    rows,
    run_until_prompt,
    screen_drawn,
    screen_is,
    start_session,
    wait_for,
)


async def test_a_whole_session_is_stored_set_by_set(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app, baseline="1")
        assert rows(tmp_path, "SELECT status, baseline_pain FROM sessions") == [("running", 1)]
        for number, pain in enumerate(["2", "1", "0"], start=1):
            await run_until_prompt(pilot, app, clock)
            assert type(app.screen).__name__ == "PainPrompt"
            await answer(pilot, app, pain, "enter")
            # Committed before the next step started: the row is there already.
            assert rows(tmp_path, "SELECT COUNT(*) FROM sets") == [(number,)]
        await run_until_prompt(pilot, app, clock)
        await wait_for(pilot, screen_drawn(app, "SummaryScreen"), "summary")
        text = "\n".join(str(w.render()) for w in app.screen.query(Label))
        assert "Session complete" in text
    assert rows(tmp_path, "SELECT status FROM sessions") == [("completed",)]
    sets = rows(
        tmp_path,
        "SELECT exercise_id, set_number, pain, completed, planned_hold, done_work_seconds"
        " FROM sets ORDER BY id",
    )
    assert sets == [
        ("side-plank", 1, 2, 1, 10.0, 20.0),
        ("side-plank", 2, 1, 1, 10.0, 20.0),
        ("cat-camel", 1, 0, 1, None, 10.0),
    ]
    changes = rows(tmp_path, "SELECT exercise_id, after_json, reason FROM dose_changes")
    assert [(c[0], json.loads(c[1])) for c in changes] == [
        ("side-plank", {"sets": 2, "hold": 11.0, "holds": 2}),
        ("cat-camel", {"sets": 1, "reps": 3}),
    ]
    assert changes[0][2] == "Pain peaked at 2/10 and all sets were done: hold 10s -> 11s."
    assert rows(tmp_path, "SELECT DISTINCT sides FROM sets") == [("both",)]


async def test_pause_resume_skip_and_back_keys(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        runner = app.session.runner
        assert runner.step is not None and runner.step.kind is StepKind.GET_READY
        clock.advance(1)
        await pilot.press("space")
        assert runner.state is RunState.PAUSED
        assert "PAUSED" in str(app.screen.query_one("#state", Label).render())
        clock.advance(500)
        app.player.wake()
        assert runner.remaining() == 2
        await pilot.press("space")
        assert runner.state is RunState.RUNNING
        await pilot.press("n")  # skip the countdown
        assert runner.step is not None and runner.step.kind is StepKind.HOLD
        clock.advance(4)
        await pilot.press("b")  # redo the set from its first hold
        assert runner.step.kind is StepKind.HOLD and runner.step.hold == 1
        assert runner.remaining() == 10


async def test_the_player_shows_yaml_text_literally(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        clock.advance(3 + 3.4)  # into the first hold
        app.player.wake()
        await pilot.pause()
        screen = app.screen
        assert str(screen.query_one("#exercise-name", Label).render()) == "Side plank [left]"
        assert "Keep [bold]this[/bold] literal." in str(screen.query_one("#instructions").render())
        assert screen.query_one("#clock", BigNumber).value == "7"
        assert str(screen.query_one("#phase", Label).render()) == "HOLD"


async def test_quit_asks_and_keeps_rated_sets(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "3", "enter")
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmStop"), "quit question")
        await pilot.press("n")  # changed their mind
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player again")
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmStop"), "quit question")
        await pilot.press("i")  # no time
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
    assert rows(tmp_path, "SELECT status, stop_reason FROM sessions") == [
        ("stopped", "stopped: time")
    ]
    assert rows(tmp_path, "SELECT pain FROM sets") == [(3,)]


async def test_red_flag_answer_stops_the_session(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await pilot.press("u", "4", "enter")  # numbness or tingling
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        assert app.session.runner.state is RunState.ABORTED
        # Stored as a red flag before the advice shows: closing coach now loses nothing.
        assert rows(tmp_path, "SELECT status FROM sessions") == [("red_flag",)]
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
    assert rows(tmp_path, "SELECT status, stop_reason FROM sessions") == [
        ("red_flag", "red-flag answer")
    ]
    assert rows(tmp_path, "SELECT pain, numbness, leg_weakness FROM sets") == [(4, 1, 0)]


async def test_ten_and_a_skipped_rating(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "escape")  # no rating
        await run_until_prompt(pilot, app, clock)
        await pilot.press("t", "enter")  # T is 10: at 8 or more, stop for today?
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "the high-pain advice")
        assert "Pain 10/10" in "\n".join(str(w.render()) for w in app.screen.query(Label))
        await pilot.press("enter")  # stopping is the default
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        headline = str(app.screen.query_one("#summary-title", Label).render())
        assert "too high" in headline and "Well done" not in headline
    assert rows(tmp_path, "SELECT pain FROM sets ORDER BY id") == [(None,), (10,)]
    assert rows(tmp_path, "SELECT status, stop_reason FROM sessions") == [("stopped", "high pain")]


async def test_enter_without_a_rating_asks_for_one(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "PainPrompt"
        await pilot.press("right", "right", "enter")  # arrows pick too: 0, then 1
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
    assert rows(tmp_path, "SELECT pain FROM sets") == [(1,)]


async def test_cues_reach_the_sink_unless_muted(tmp_path: Path) -> None:
    heard: list[CueDue] = []
    app, clock = make_app(write_program(tmp_path), tmp_path, cue_sink=heard.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        for _ in range(3):
            clock.advance(1)
            app.player.wake()
        await pilot.pause()  # the player reports what happened with a message
        assert [c.cue.kind.value for c in heard] == ["tick", "tick", "tick", "start"]
        await pilot.press("m")
        await pilot.pause()
        assert app.sound.muted
        clock.advance(10)
        app.player.wake()
        await pilot.pause()
        assert len(heard) == 4


async def test_help_screen(tmp_path: Path) -> None:
    import copy

    from coach.tui.prompts import HelpScreen

    from .sessions import SMALL_PROGRAM

    document = copy.deepcopy(SMALL_PROGRAM)
    document["program"]["scaling"] = {"safe_max": 3, "acceptable_max": 6, "stop_session_at": 9}
    app, _ = make_app(write_program(tmp_path, document), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, screen_is(app, "HelpScreen"), "help")
        # The zones are this program's own, not the usual 0-2 and 5.
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert "0-3 is the safe zone; up to 6 is acceptable" in screen.text
        assert "above 6 ends that exercise for today, and 9 or more" in screen.text
        await pilot.press("escape")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")


async def test_an_invalid_file_shows_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    app, _ = make_app(bad, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, screen_is(app, "ErrorScreen"), "error screen")
        await pilot.press("q")
    assert app.return_code == 1


async def test_a_damaged_database_loses_nothing(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"garbage" * 200)
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "2", "enter")
        # Not in the history, but safe on the disk: in the journal beside it.
        assert len(app.unsaved) == 1 and app.flow is not None
        assert app.flow.kept is Kept.JOURNAL
        assert app.session.runner.state is RunState.RUNNING  # the session goes on
    rescued = app.rescue_unsaved()
    assert rescued is not None and rescued.kept is Kept.JOURNAL
    # The session's journal (the checklist answered first has a file of its own).
    journals = [
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in (tmp_path / "journal").glob("*.jsonl")
    ]
    [lines] = [found for found in journals if any(e["type"] == "session" for e in found)]
    facts = [e["table"] for found in journals for e in found if e["type"] == "fact"]
    assert facts in ([], ["screenings"])  # the checklist, when one was asked
    assert [line["row"]["pain"] for line in lines if line["type"] == "set"] == [2]
    assert (tmp_path / "history.sqlite3").read_bytes() == b"garbage" * 200


async def test_home_lists_the_plan_and_tiny_terminals_do_not_crash(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await start_session(pilot, app)
        clock.advance(4)
        app.player.wake()
        await pilot.pause()
        assert app.screen.has_class("-tiny")
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "1", "enter")


async def test_choose_another_session_and_open_history(tmp_path: Path) -> None:
    from coach.config.locations import default_routine
    from coach.tui.home import Choice

    choices = [Choice(default_routine(), "bundled")]
    app, _ = make_app(write_program(tmp_path), tmp_path, choices=choices)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        assert plan_of(app).title == "Small program"
        await pilot.press("h")
        await wait_for(pilot, screen_is(app, "HistoryScreen"), "history")
        await pilot.press("escape")
        await wait_for(pilot, home_ready(app), "home again")
        await pilot.press("o")
        await wait_for(pilot, screen_is(app, "ChooseSession"), "chooser")
        await pilot.press("down", "enter")
        await wait_for(
            pilot,
            lambda: (
                app.flow is not None
                and app.flow.planned is not None
                and plan_of(app).title == "Morning routine"
            ),
            "routine",
        )
        await wait_for(pilot, home_ready(app), "home with the routine")
        assert len(app.screen_stack) == 2  # replaced, not stacked


def test_no_color_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app, _ = make_app(write_program(tmp_path), tmp_path)
    assert app.no_color


async def test_the_clock_stops_while_asking_to_quit_or_showing_help(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        runner = app.session.runner
        clock.advance(1)
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmStop"), "quit question")
        clock.advance(600)
        app.player.wake()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmStop"  # no pain prompt popped up
        await pilot.press("n")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        assert runner.state is RunState.RUNNING and runner.remaining() == 2
        await pilot.press("question_mark")
        await wait_for(pilot, screen_is(app, "HelpScreen"), "help")
        clock.advance(600)
        assert runner.remaining() == 2
        await pilot.press("escape")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        assert runner.state is RunState.RUNNING


async def test_names_that_look_like_markup_never_crash(tmp_path: Path) -> None:
    import copy

    from .sessions import SMALL_PROGRAM

    document = copy.deepcopy(SMALL_PROGRAM)
    document["program"]["levels"][0]["exercises"][0]["name"] = "Side plank [/left]"
    app, clock = make_app(write_program(tmp_path, document), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "7", "enter")  # the 'ends for today' notice names it
        await pilot.pause()
        assert app.session.runner.step is not None
        assert app.session.runner.step.exercise_index == 1


async def complete_session(pilot, app, clock, pains: list[str], baseline: str = "1") -> None:  # type: ignore[no-untyped-def]
    await start_session(pilot, app, baseline=baseline)
    for pain in pains:
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, pain, "enter")
    await run_until_prompt(pilot, app, clock)
    await wait_for(
        pilot, lambda: type(app.screen).__name__ in ("SummaryScreen", "LevelOffer"), "summary"
    )


async def test_the_summary_gives_a_reason_for_every_dose(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await complete_session(pilot, app, clock, ["2", "6", "1"])
        text = "\n".join(str(w.render()) for w in app.screen.query(".change"))
    assert "Side plank [left]: Pain reached 6/10, above 5: one step back, hold 10s -> 9s." in text
    assert "Cat-camel: Pain peaked at 1/10 and all sets were done: reps 2 -> 3." in text


async def test_a_mastered_level_is_offered_and_the_answer_kept(tmp_path: Path) -> None:
    import copy

    from .sessions import SMALL_PROGRAM

    document = copy.deepcopy(SMALL_PROGRAM)
    level_one = document["program"]["levels"][0]
    level_one["unlock"] = {"sessions_at_max": 1}
    for exercise in level_one["exercises"]:
        exercise.pop("progression")  # a fixed dose is always at its top
    document["program"]["levels"].append(
        {
            "name": "Level 2",
            "exercises": [{"id": "plank", "name": "Plank", "kind": "hold", "hold": 10}],
        }
    )
    session = write_program(tmp_path, document)
    # The first day, without a screen (tests/test_day.py checks it offers nothing yet and
    # that the answer moves the next day's plan): the offer comes after the second.
    first = Shell(session, HistoryStore(tmp_path / "history.sqlite3"))
    begin_session(first)
    rate_every_set(first, [0, 1, 0])
    assert first.last(day.ShowSummary).summary.status is SessionStatus.COMPLETED
    app, clock = make_app(session, tmp_path, today=on_day(1))
    async with app.run_test(size=(80, 24)) as pilot:
        await complete_session(pilot, app, clock, ["0", "1", "0"])
        await wait_for(pilot, screen_is(app, "LevelOffer"), "the offer")
        await pilot.press("enter")  # Enter, which closes the summary, does not answer it
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "LevelOffer"
        await pilot.press("y")
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        await wait_for(pilot, lambda: bool(rows(tmp_path, "SELECT * FROM level_moves")), "move")
    assert rows(tmp_path, "SELECT from_level, to_level, accepted FROM level_moves") == [(1, 2, 1)]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0"), (0.2, "1"), (9.0, "9"), (59.5, "1:00"), (90, "1:30"), (600, "10:00")],
)
def test_the_countdown_shows_whole_seconds_rounded_up(seconds: float, shown: str) -> None:
    from coach.tui.player import remaining_text

    assert remaining_text(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "under a minute left"),
        (59, "under a minute left"),
        (61, "2 min left"),
        (772, "13 min left"),
    ],
)
def test_minutes_left(seconds: float, shown: str) -> None:
    from coach.tui.player import minutes_left

    assert minutes_left(seconds) == shown
