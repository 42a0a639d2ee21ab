"""End to end: the real ``coach run`` in a real terminal (tmux), then its database.

Each test starts ``coach run FILE --data-dir DIR`` in a private tmux server, played ten
times faster by libfaketime (``--speed`` would be a rehearsal, which stores nothing),
answers the prompts with ``tmux send-keys`` once they are on screen, reads the screen
with ``tmux capture-pane`` and, after the program has exited, checks what it wrote to
``DIR/history.sqlite3``. Nothing waits a fixed time: every step polls the screen.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from coach.cli import EXIT_SAFETY
from coach.engine.screening import QUESTIONS

from .coach_runs import (
    BASELINE,
    CLEAR_CHECKLIST,
    COACH,
    MARCH,
    PLANK,
    PROMPT_HINT,
    SCREENING,
    STEP_TIMEOUT,
    TILTS,
    StartCoach,
    answer_baseline,
    pain_title,
    query,
    rate_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

QUIT_QUESTION = "Stop this session? The sets you rated are saved."
COMPLETE = "Session complete. Well done."
STOPPED = "Session stopped early."
ADVICE = "Please stop and see a clinician"
STOPPED_FOR_SAFETY = "Session stopped for your safety. Please see a clinician."


# -- reading the database ----------------------------------------------------------------


def check_database_file(database: Path) -> None:
    assert database.is_file(), f"coach did not write {database}"
    assert query(database, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    mode = stat.S_IMODE(database.stat().st_mode)
    assert mode == 0o600, f"history database mode is {mode:o}, expected 600"


def only_session(database: Path) -> dict[str, Any]:
    sessions = query(database, "SELECT * FROM sessions")
    assert len(sessions) == 1, sessions
    return sessions[0]


def sets_of(database: Path) -> list[dict[str, Any]]:
    return query(database, "SELECT * FROM sets ORDER BY id")


# -- the scenarios -----------------------------------------------------------------------


def test_happy_path_completes_and_stores_every_set(start_coach: StartCoach) -> None:
    run = start_coach()
    tmux = run.tmux
    answer_baseline(tmux, 1)

    ratings = [(PLANK, 1, 2, 2), (PLANK, 2, 2, 1), (TILTS, 1, 1, 3), (MARCH, 1, 1, 4)]
    for name, set_number, planned, pain in ratings:
        screen = rate_set(tmux, name, set_number, planned, str(pain), "Enter")
        if name == PLANK:
            # Square brackets are plain text, not markup: shown exactly as written.
            assert f"{PLANK}, set {set_number} of {planned}" in screen

    # The headline can be drawn a frame before the table under it: wait for both.
    summary = tmux.wait_until(
        lambda screen: (
            COMPLETE in screen
            and any(PLANK in line and "2/2" in line for line in screen.splitlines())
        ),
        "the summary with its table",
        timeout=STEP_TIMEOUT,
    )
    assert "back pain at the start: 1/10" in summary, summary
    plank_row = next((line for line in summary.splitlines() if PLANK in line), None)
    assert plank_row is not None, summary
    assert "2/2" in plank_row and "2, 1" in plank_row, summary
    assert "Session stopped" not in summary

    tmux.send("Enter")
    assert run.exit_code() == 0
    tmux.wait_for("EXIT:0", timeout=STEP_TIMEOUT)

    database = run.database
    check_database_file(database)
    session = only_session(database)
    assert session["status"] == "completed"
    assert session["baseline_pain"] == 1
    assert session["ended_at"] is not None
    assert session["stop_reason"] is None
    assert session["speed"] == 1  # a real session, played faster (not a rehearsal)

    sets = sets_of(database)
    stored = [(s["exercise_name"], s["set_number"], s["sets_planned"], s["pain"]) for s in sets]
    assert stored == ratings
    assert all(s["session_id"] == session["id"] for s in sets)
    assert all(s["completed"] == 1 for s in sets), sets
    # Work per set: two 3 s holds (one a side), two 3 s reps, one 5 s block; all done.
    assert [s["planned_work_seconds"] for s in sets] == [6, 6, 6, 5]
    assert all(s["done_work_seconds"] == pytest.approx(s["planned_work_seconds"]) for s in sets)
    assert not any(s["numbness"] or s["leg_weakness"] or s["pain_below_knee"] for s in sets)

    changes = query(database, "SELECT * FROM dose_changes ORDER BY id")
    assert [(c["session_id"], c["program_id"], c["exercise_id"]) for c in changes] == [
        (session["id"], "e2e", "side-plank"),
        (session["id"], "e2e", "tilts"),
        (session["id"], "e2e", "march"),
    ]
    # Peak pain 2 (the safe zone) with every set done: the plank hold steps up by 1 s.
    plank = changes[0]
    assert json.loads(plank["before_json"])["hold"] == 3
    assert json.loads(plank["after_json"])["hold"] == 4

    # COACH_EVENT_LOG: the timing log is written at exit, one JSON object a line.
    events = [json.loads(line) for line in run.event_log.read_text(encoding="utf-8").splitlines()]
    assert events[0]["event"] == "session" and events[0]["speed"] == 1
    assert sum(e.get("event") == "rating" for e in events) == len(ratings)
    runner_events = [e for e in events if e.get("event") != "handed"]  # audio log follows
    assert runner_events[-1]["event"] == "finished"


def test_quit_mid_session_keeps_the_rated_set(start_coach: StartCoach) -> None:
    # A long rest between the plank sets: the keys below land during it, however slow
    # the machine, instead of racing the second set's prompt.
    run = start_coach(rest="5m")
    tmux = run.tmux
    answer_baseline(tmux, 2)
    rate_set(tmux, PLANK, 1, 2, "3", "Enter")

    tmux.wait_for("REST", "Next: hold", timeout=STEP_TIMEOUT)
    tmux.send("Space")
    paused = tmux.wait_for("PAUSED", timeout=STEP_TIMEOUT)
    assert PLANK in paused, paused
    # Escape says no: a lone Escape on a real terminal is only told from the start of an
    # escape sequence by the pause after it, which the input thread must wake up for.
    tmux.send("q")
    tmux.wait_for(QUIT_QUESTION, timeout=STEP_TIMEOUT)
    tmux.send("Escape")
    tmux.wait_gone(QUIT_QUESTION, timeout=STEP_TIMEOUT)
    tmux.wait_for("PAUSED", timeout=STEP_TIMEOUT)
    tmux.send("q")
    tmux.wait_for(QUIT_QUESTION, timeout=STEP_TIMEOUT)
    tmux.send("i")  # why: no time

    summary = tmux.wait_for(STOPPED, "Saved in", timeout=STEP_TIMEOUT)
    assert "back pain at the start: 2/10" in summary, summary
    tmux.send("Enter")
    assert run.exit_code() == 0

    database = run.database
    check_database_file(database)
    session = only_session(database)
    assert session["status"] == "stopped" and session["stop_reason"] == "stopped: time"
    assert session["baseline_pain"] == 2
    assert session["ended_at"] is not None
    sets = sets_of(database)
    assert [(s["exercise_id"], s["set_number"], s["pain"], s["completed"]) for s in sets] == [
        ("side-plank", 1, 3, 1)
    ]


def test_red_flag_answer_stops_the_session(start_coach: StartCoach) -> None:
    run = start_coach()
    tmux = run.tmux
    answer_baseline(tmux, 0)
    # u ticks "Numbness or tingling", then a rating, then Enter saves.
    rate_set(tmux, PLANK, 1, 2, "u", "3", "Enter")

    advice = tmux.wait_for(ADVICE, timeout=STEP_TIMEOUT)
    assert "Stop here for today." in advice, advice
    tmux.send("Enter")
    summary = tmux.wait_for(STOPPED_FOR_SAFETY, timeout=STEP_TIMEOUT)
    assert COMPLETE not in summary
    tmux.send("Enter")
    assert run.exit_code() == 0

    database = run.database
    check_database_file(database)
    session = only_session(database)
    assert session["status"] == "red_flag"
    assert session["stop_reason"] == "red-flag answer"
    assert session["baseline_pain"] == 0
    sets = sets_of(database)
    assert len(sets) == 1, sets
    flagged = sets[0]
    assert (flagged["exercise_id"], flagged["set_number"], flagged["pain"]) == ("side-plank", 1, 3)
    assert flagged["numbness"] == 1
    assert flagged["leg_weakness"] == 0
    assert flagged["pain_below_knee"] == 0


def exported(data_dir: Path, what: str = "sets") -> list[dict[str, Any]]:
    """``coach export`` as a person would run it, read back with its types."""
    import subprocess

    from coach.store.export import read_csv

    result = subprocess.run(
        [COACH, "export", "--what", what, "--data-dir", data_dir],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return read_csv(result.stdout)


def play_day(start_coach: StartCoach, at: str, baseline: int, *, first: bool = False) -> None:
    """One whole session at ``at`` (faked), every set rated 1."""
    run = start_coach(at=f"@{at}")
    tmux = run.tmux
    answer_baseline(tmux, baseline, screening=first)
    for name, set_number, planned in [(PLANK, 1, 2), (PLANK, 2, 2), (TILTS, 1, 1), (MARCH, 1, 1)]:
        rate_set(tmux, name, set_number, planned, "1", "Enter")
    tmux.wait_for("Session complete", timeout=STEP_TIMEOUT)
    tmux.send("Enter")
    assert run.exit_code() == 0
    run.tmux.close()


@pytest.mark.slow
def test_days_of_sessions_read_back_from_the_export(
    start_coach: StartCoach, tmp_path: Path
) -> None:
    """Three sessions on faked days: a step up waits for the night, a worse morning steps
    back what was done last time; the doses are read back from ``coach export``."""
    play_day(start_coach, "2026-12-01 07:00:00", baseline=1, first=True)
    play_day(start_coach, "2026-12-01 19:00:00", baseline=1)  # the same day: no step up
    play_day(start_coach, "2026-12-02 07:00:00", baseline=1)
    play_day(start_coach, "2026-12-03 07:00:00", baseline=4)  # 3 above the usual 1
    data = tmp_path / "data"
    planks = [r for r in exported(data) if r["exercise"] == "side-plank" and r["set_number"] == 1]
    assert [(r["date"], r["planned_hold_seconds"]) for r in planks] == [
        ("2026-12-01", 3.0),
        ("2026-12-01", 3.0),  # the step up after the morning waits for the next day
        ("2026-12-02", 4.0),
        ("2026-12-03", 3.0),  # back to where the week began, one step below yesterday's 4 s
    ]
    decisions = [r for r in exported(data, "decisions") if r["exercise"] == "side-plank"]
    # Named by their sessions' uids (the export shows no row id), in the order played.
    with contextlib.closing(sqlite3.connect(data / "history.sqlite3")) as db:
        uids = [None, *(u for (u,) in db.execute("SELECT uid FROM sessions ORDER BY id"))]
    assert [(r["session_id"], r["moment"], r["rule"], r["after"]["hold"]) for r in decisions] == [
        (uids[1], "after", "progress", 4.0),
        (uids[2], "before", "same day", 3.0),
        (uids[2], "after", "one step a day", 3.0),
        (uids[3], "after", "progress", 5.0),
        # Mornings at 1, 1 then 4 (the evening session is not another morning): the latest
        # are above the first, so both step ups of the week go, back to 3 s. The morning is
        # worse than usual too, and asks for one step below yesterday's 4 s: no less.
        (uids[4], "before", "weekly step back", 3.0),
        (uids[4], "after", "weekly rise", 3.0),
    ]
    assert decisions[4]["reason"] == (
        "Starting pain on your latest mornings is 3 points above your first ones, so "
        "Tuesday's and Wednesday's step ups are undone: hold 5s -> 3s."
    )


# -- red flags ---------------------------------------------------------------------------

URGENT_TITLE = "Please get emergency care now"


def test_keys_meant_for_the_player_never_tick_a_warning_sign(start_coach: StartCoach) -> None:
    run = start_coach()
    tmux = run.tmux
    answer_baseline(tmux, 1)
    title = pain_title(PLANK, 1, 2)
    tmux.wait_for(title, PROMPT_HINT, timeout=STEP_TIMEOUT)
    # Skip, pause, back, in either case, as a hand used to the player would press them.
    tmux.send("n", "Space", "b", "N", "B", "m", "q")
    screen = tmux.wait_for(title, "[ ] Numbness or tingling (U)", timeout=STEP_TIMEOUT)
    assert "[x]" not in screen, screen
    tmux.send("2", "Enter")
    tmux.wait_gone(title, timeout=STEP_TIMEOUT)
    for name, set_number, planned in [(PLANK, 2, 2), (TILTS, 1, 1), (MARCH, 1, 1)]:
        rate_set(tmux, name, set_number, planned, "1", "Enter")
    tmux.wait_for(COMPLETE, timeout=STEP_TIMEOUT)
    tmux.send("Enter")
    assert run.exit_code() == 0
    sets = sets_of(run.database)
    assert [s["pain"] for s in sets] == [2, 1, 1, 1]
    assert not any(s["numbness"] or s["leg_weakness"] or s["pain_below_knee"] for s in sets)
    assert only_session(run.database)["status"] == "completed"


def test_enter_never_passes_the_checklist(start_coach: StartCoach) -> None:
    run = start_coach()
    tmux = run.tmux
    tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)
    tmux.send("Enter", "Enter", "Enter")
    screen = tmux.wait_for(SCREENING, "Please answer every line", timeout=STEP_TIMEOUT)
    assert BASELINE not in screen
    tmux.send("Escape")  # not now: 'coach run' ends, nothing stored, and says so
    assert run.exit_code() == EXIT_SAFETY
    assert query(run.database, "SELECT * FROM screenings") == []
    assert query(run.database, "SELECT * FROM sessions") == []


def test_an_urgent_answer_blocks_sessions_until_the_next_day(start_coach: StartCoach) -> None:
    first = start_coach(at="@2026-12-01 08:00:00")
    tmux = first.tmux
    tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)
    answers = ["y" if q.key == "bladder_bowel" else "n" for q in QUESTIONS]
    tmux.send(*answers, "Enter")
    screen = tmux.wait_for(URGENT_TITLE, timeout=STEP_TIMEOUT)
    assert "emergency department" in screen
    tmux.send("y")  # there is no going on
    tmux.send("Enter")
    # Nothing played, at a safety step: 'coach run' says why and exits non-zero.
    assert first.exit_code() == EXIT_SAFETY
    tmux.close()
    evening = start_coach(at="@2026-12-01 20:00:00")
    screen = evening.tmux.wait_for(URGENT_TITLE, "Earlier today", timeout=STEP_TIMEOUT)
    assert SCREENING not in screen  # nothing to untick
    evening.tmux.send("Enter")
    assert evening.exit_code() == EXIT_SAFETY
    evening.tmux.close()
    assert query(first.database, "SELECT * FROM sessions") == []
    tomorrow = start_coach(at="@2026-12-02 08:00:00")
    tomorrow.tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)  # asked again
    tomorrow.tmux.send("Escape")
    assert tomorrow.exit_code() == EXIT_SAFETY
    assert [r["outcome"] for r in query(first.database, "SELECT * FROM screenings")] == ["urgent"]


def test_the_follow_up_comes_first_after_a_warning_sign(start_coach: StartCoach) -> None:
    first = start_coach(at="@2026-12-01 08:00:00")
    tmux = first.tmux
    answer_baseline(tmux, 1)
    rate_set(tmux, PLANK, 1, 2, "u", "3", "Enter")  # numbness or tingling
    tmux.wait_for(ADVICE, timeout=STEP_TIMEOUT)
    # Stored as a red flag before anything is answered: closing now loses nothing.
    assert only_session(first.database)["status"] == "red_flag"
    tmux.close()  # the terminal goes, on the advice
    second = start_coach(at="@2026-12-02 08:00:00")
    tmux = second.tmux
    screen = tmux.wait_for("last time's warning sign", timeout=STEP_TIMEOUT)
    assert "On Tuesday 1 December you reported numbness or tingling." in screen
    assert SCREENING not in screen and BASELINE not in screen
    tmux.send("g", "y", "Enter")  # it has gone, and a clinician has seen it
    tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)  # the checklist again
    tmux.send(*CLEAR_CHECKLIST)
    tmux.wait_for(BASELINE, PROMPT_HINT, timeout=STEP_TIMEOUT)
    tmux.send("Escape")
    assert second.exit_code() == 0
    (row,) = query(first.database, "SELECT symptoms, clinician_seen, cleared FROM follow_ups")
    assert row == {"symptoms": "gone", "clinician_seen": 1, "cleared": 1}
