"""Resuming or closing a session a killed coach left unfinished: core and Pilot tests."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Button, Static

from coach.engine.clock import FakeClock, local_today
from coach.engine.planning import plan_today
from coach.engine.records import InterruptedSession, SetFacts
from coach.engine.resume import consider, resume_point
from coach.engine.runner import RunState
from coach.engine.session import scaling_of
from coach.engine.timeline import StepKind, build_timeline
from coach.format.loader import load_session_file
from coach.store.database import HistoryStore

from .sessions import write_program
from .stored import opening, store_session
from .tui_helpers import (
    answer,
    home_ready,
    make_app,
    rows,
    run_until_prompt,
    screen_is,
    start_session,
    wait_for,
)


def orphan_sessions(data: Path) -> None:
    """Make the running sessions look like another, dead, coach's (the test process is
    alive, so its own sessions would rightly not count as interrupted)."""
    with sqlite3.connect(data / "history.sqlite3") as db:
        db.execute("UPDATE sessions SET owner = 'elsewhere:1' WHERE status = 'running'")


async def interrupt_after_one_set(tmp_path: Path) -> Path:
    """Start a session, rate its first set with 2, then leave without finishing it."""
    source = write_program(tmp_path)
    app, clock = make_app(source, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app, baseline="1")
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, "2", "enter")
    assert rows(tmp_path, "SELECT status FROM sessions") == [("running",)]
    orphan_sessions(tmp_path)
    return source


async def wait_for_offer(pilot: Any, app: Any) -> None:
    # The screen is current a moment before its widgets are mounted.
    await wait_for(
        pilot,
        lambda: (
            screen_is(app, "ResumeScreen")()
            and bool(dialog_text(app))
            and bool(app.screen.query("Button#close"))
        ),
        "the resume offer",
    )


def dialog_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return "\n".join(str(w.render()) for w in screen.query(Static))


# -- the core ---------------------------------------------------------------------------


def stored(
    index: int, exercise: str, number: int, pain: int | None, sets: int = 2, red: bool = False
) -> SetFacts:
    return SetFacts(index, "small", exercise, number, sets, pain, True, red)


def interrupted(*sets: SetFacts, day: date | None = None) -> InterruptedSession:
    started = f"{(day or local_today()).isoformat()}T12:00:00.000+00:00"
    return InterruptedSession(
        "s" * 32, started, "small.yaml", "small", "Small program", 1.0, 1, {"small": 1}, tuple(sets)
    )


def small_plan(tmp_path: Path) -> tuple[object, object]:
    loaded = load_session_file(write_program(tmp_path))
    planned = plan_today(loaded, {}, {}, today=local_today())
    return loaded, build_timeline(planned.plan)


def test_resume_goes_on_at_the_first_unrated_set_with_a_lead_in(tmp_path: Path) -> None:
    loaded, timeline = small_plan(tmp_path)
    point = resume_point(interrupted(stored(0, "side-plank", 1, 2)), timeline, scaling_of(loaded))  # type: ignore[arg-type]
    assert point is not None
    assert (point.exercise_index, point.set_number) == (0, 2)
    step = timeline.steps[point.step_index]  # type: ignore[attr-defined]
    # The rest before set 2 comes first: time to get back on the mat.
    assert (step.kind, step.exercise_index, step.set_number) == (StepKind.REST, 0, 1)


def test_an_exercise_ended_by_pain_is_not_resumed(tmp_path: Path) -> None:
    loaded, timeline = small_plan(tmp_path)
    session = interrupted(stored(0, "side-plank", 1, 7))
    point = resume_point(session, timeline, scaling_of(loaded))  # type: ignore[arg-type]
    assert point is not None
    assert (point.exercise_index, point.set_number) == (1, 1)
    assert point.ended_exercises == {0}
    step = timeline.steps[point.step_index]  # type: ignore[attr-defined]
    assert (step.kind, step.exercise_index) == (StepKind.GET_READY, 1)


def test_every_set_rated_means_nothing_to_resume(tmp_path: Path) -> None:
    loaded, _ = small_plan(tmp_path)
    session = interrupted(
        stored(0, "side-plank", 1, 1),
        stored(0, "side-plank", 2, 1),
        stored(1, "cat-camel", 1, 0, sets=1),
    )
    option = consider(session, loaded, {}, {}, local_today())  # type: ignore[arg-type]
    assert not option.can_resume
    assert option.problem == "every set had already been rated"
    assert option.close_status == "completed"


def test_red_flags_old_sessions_and_changed_files_cannot_be_resumed(tmp_path: Path) -> None:
    loaded, _ = small_plan(tmp_path)
    today = local_today()
    red = consider(interrupted(stored(0, "side-plank", 1, 2, red=True)), loaded, {}, {}, today)  # type: ignore[arg-type]
    assert not red.can_resume and red.close_status == "red_flag"
    assert "clinician" in (red.problem or "")
    old = consider(interrupted(day=today - timedelta(days=1)), loaded, {}, {}, today)  # type: ignore[arg-type]
    assert not old.can_resume and "only be resumed on the day it began" in (old.problem or "")
    changed = consider(interrupted(stored(0, "renamed", 1, 2)), loaded, {}, {}, today)  # type: ignore[arg-type]
    assert not changed.can_resume and "changed" in (changed.problem or "")
    gone = consider(interrupted(), None, {}, {}, today)
    assert not gone.can_resume and "can no longer be read" in (gone.problem or "")


def test_a_runner_started_part_way_runs_only_what_is_left(tmp_path: Path) -> None:
    from coach.engine.runner import CueDue, SessionRunner, StepStarted

    from .runner_helpers import run_to_end

    _, timeline = small_plan(tmp_path)
    steps = timeline.steps  # type: ignore[attr-defined]
    middle = next(s.index for s in steps if s.kind is StepKind.REST)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)  # type: ignore[arg-type]
    runner.start_at(middle, ended_exercises=frozenset())
    events = run_to_end(runner, clock)
    started = [e.step.index for e in events if isinstance(e, StepStarted)]
    assert started == list(range(middle, len(steps)))
    # No cue of the part already done sounds, and the wall time is exactly what is left.
    assert all(e.cue.at >= steps[middle].start for e in events if isinstance(e, CueDue))
    assert clock.now - 1000.0 == timeline.total - steps[middle].start  # type: ignore[attr-defined]
    assert runner.state is RunState.FINISHED


def test_a_live_coach_session_is_not_offered(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    mine, gone = (
        store_session(store, opening(source_id="a", title="A", levels={"a": 1})) for _ in range(2)
    )
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        # A process id that cannot exist on Linux (above pid_max).
        db.execute("UPDATE sessions SET owner = owner || '0000000' WHERE id = ?", (gone,))
        names = dict(db.execute("SELECT id, uid FROM sessions").fetchall())
    found = [s.uid for s in store.interrupted_sessions()]
    assert found == [names[gone]] and names[mine] not in found


# -- the app ----------------------------------------------------------------------------


async def test_an_interrupted_session_resumes_where_it_stopped(tmp_path: Path) -> None:
    source = await interrupt_after_one_set(tmp_path)
    app, clock = make_app(source, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_offer(pilot, app)
        text = dialog_text(app)
        assert "1 of 3 sets rated" in text
        assert "Side plank [left], set 2 of 2" in text
        await pilot.press("r")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        await wait_for(
            pilot, lambda: app.session.runner.state is not RunState.NOT_STARTED, "the start"
        )
        step = app.session.runner.step
        assert step is not None and (step.kind, step.set_number) == (StepKind.REST, 1)
        for pain in ("3", "0"):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, pain, "enter")
        await run_until_prompt(pilot, app, clock)
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
    # One session, not two; every set in it, in order; resumed once and completed.
    assert rows(tmp_path, "SELECT id, status, resumes, baseline_pain FROM sessions") == [
        (1, "completed", 1, 1)
    ]
    assert rows(tmp_path, "SELECT session_id, exercise_id, set_number, pain FROM sets") == [
        (1, "side-plank", 1, 2),
        (1, "side-plank", 2, 3),
        (1, "cat-camel", 1, 0),
    ]
    # The decisions after it see all three sets: peak 3 holds the side plank.
    reasons = rows(tmp_path, "SELECT exercise_id, reason FROM dose_changes ORDER BY id")
    assert reasons[0][0] == "side-plank" and "3/10" in str(reasons[0][1])


async def test_an_interrupted_session_can_be_closed_as_partial(tmp_path: Path) -> None:
    source = await interrupt_after_one_set(tmp_path)
    app, _ = make_app(source, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_offer(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, home_ready(app), "home")
        # Asked once per interrupted session: home stays up after the reload.
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "HomeScreen"
    ((status, reason, ended, started),) = rows(
        tmp_path, "SELECT status, stop_reason, ended_at, started_at FROM sessions"
    )
    last_rated = rows(tmp_path, "SELECT MAX(rated_at) FROM sets")[0][0]
    assert (status, reason) == ("stopped", "interrupted")
    assert ended == last_rated and ended != started
    assert rows(tmp_path, "SELECT COUNT(*) FROM sets") == [(1,)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM dose_changes") != [(0,)]


async def test_later_leaves_it_for_next_time(tmp_path: Path) -> None:
    source = await interrupt_after_one_set(tmp_path)
    for _ in range(2):
        app, _ = make_app(source, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for_offer(pilot, app)
            await pilot.press("escape")
            await wait_for(pilot, home_ready(app), "home")
    assert rows(tmp_path, "SELECT status FROM sessions") == [("running",)]


async def test_yesterdays_session_can_only_be_closed(tmp_path: Path) -> None:
    source = await interrupt_after_one_set(tmp_path)
    tomorrow = local_today() + timedelta(days=1)
    app, _ = make_app(source, tmp_path, skip_home=True, today=lambda: tomorrow)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_offer(pilot, app)
        assert "It cannot be resumed" in dialog_text(app)
        assert not app.screen.query("Button#resume")
        assert app.screen.query_one("#close", Button)
        await pilot.press("r")  # not offered: nothing happens
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "ResumeScreen"
        await pilot.press("c")
        # 'coach run FILE' goes on with today's session after closing the old one.
        await wait_for(
            pilot,
            lambda: type(app.screen).__name__ in ("ChecklistScreen", "BaselinePrompt"),
            "today's session",
        )
    assert rows(tmp_path, "SELECT status, stop_reason FROM sessions") == [
        ("stopped", "interrupted")
    ]


def test_a_lease_is_alive_exactly_while_its_process_lives(tmp_path: Path) -> None:
    """Liveness is an OS lock held by the owner: a killed owner (even a zombie its
    parent has not reaped), a reused process id or a name with "coach" in it cannot
    fool it."""
    import signal
    import subprocess
    import sys

    from coach.store.liveness import hold_lease, owner_alive

    locks = tmp_path / "coach" / "locks"
    mine = hold_lease(locks)
    assert mine is not None and owner_alive(locks, mine)
    assert hold_lease(locks) == mine  # one lease per process and folder
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from coach.store.liveness import hold_lease\n"
            "print(hold_lease(Path(sys.argv[1])), flush=True)\n"
            "time.sleep(60)\n",
            str(locks),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        theirs = holder.stdout.readline().strip()
        assert theirs.startswith("lease:") and theirs != mine
        assert owner_alive(locks, theirs)
    finally:
        holder.send_signal(signal.SIGKILL)
    # Killed and not yet reaped by its parent: a zombie holds no lock.
    deadline = time.monotonic() + 5
    while owner_alive(locks, theirs) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not owner_alive(locks, theirs)
    holder.wait()
    assert not owner_alive(locks, theirs)
    # The stale lease file was cleared by whoever found it free.
    assert sorted(p.name for p in locks.iterdir()) == [mine.removeprefix("lease:") + ".lock"]
    # Old rows ('host:pid'), nothing, garbage and paths never count as alive.
    for owner in (None, "", "garbage", f"host:{os.getpid()}", "lease:../../etc/passwd"):
        assert not owner_alive(locks, owner)
