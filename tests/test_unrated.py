"""``rate: false``: a warm-up walk plays without a pain prompt, stores nothing, and its
dose never changes; the summary says it was played, not rated."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable

from coach.cli.preview import render_preview
from coach.engine import day
from coach.engine.planning import Planned
from coach.engine.records import SessionStatus
from coach.engine.session import ExerciseResult, SessionSummary
from coach.engine.timeline import SessionPlan, StepKind, build_timeline, plan_session
from coach.format.loader import load_session_file
from coach.store.database import HistoryStore

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import SMALL_PROGRAM, write_program
from .test_loader import program
from .test_summary_identity import Host

Write = Callable[..., Path]


def with_walk(*, progression: bool = False) -> dict[str, object]:
    document = copy.deepcopy(SMALL_PROGRAM)
    walk: dict[str, object] = {
        "id": "walk",
        "name": "Warm-up walk",
        "kind": "timed",
        "duration": 60,
        "sets": 2,
        "rest": 10,
        "rate": False,
    }
    if progression:
        walk["progression"] = {"duration": {"min": 30, "max": 120, "step": 10}}
    document["program"]["levels"][0]["exercises"].insert(0, walk)
    return document


def test_an_unrated_exercise_has_no_rating_step(tmp_path: Path) -> None:
    timeline = build_timeline(plan_session(load_session_file(write_program(tmp_path, with_walk()))))
    walk = [(s.kind, s.duration) for s in timeline.steps if s.exercise_index == 0]
    assert walk == [
        (StepKind.GET_READY, 3.0),
        (StepKind.TIMED, 60.0),
        (StepKind.REST, 10.0),
        (StepKind.TIMED, 60.0),
        (StepKind.REST_AFTER, 30.0),
    ]
    assert "4 pain ratings" not in str(render_preview(timeline))


def test_the_walk_plays_through_stores_nothing_and_shows_as_played(tmp_path: Path) -> None:
    store = HistoryStore.in_memory()
    shell = Shell(write_program(tmp_path, with_walk()), store)
    begin_session(shell)
    # The first thing asked is the side plank's rating: the walk asked nothing.
    rate_every_set(shell, [0, 0, 0])
    summary = shell.last(day.ShowSummary).summary
    walk = summary.results[0]
    assert (walk.name, walk.sets_rated, walk.sets_planned, walk.ratings, walk.rated) == (
        "Warm-up walk",
        2,
        2,
        (),
        False,
    )
    (history,) = [store.program_history("small")]
    assert {s.exercise_id for s in history[0].sets} == {"side-plank", "cat-camel"}
    (walked,) = [d for d in summary.after.decisions if d.exercise_id == "walk"]
    assert (walked.after, walked.reason) == (
        walked.before,
        "Played without a pain rating: 2 sets of 1m.",
    )


def test_a_progression_on_an_unrated_exercise_warns(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Walk\n"
            "          kind: timed\n"
            "          duration: 1m\n"
            "          rate: false\n"
            "          progression:\n"
            "            duration: {min: 30s, max: 2m, step: 5s}\n"
        ),
    )
    assert [
        f"{w.mark.line}:{w.mark.column}: {w.message}" for w in load_session_file(path).warnings
    ] == [
        "12:11: an exercise with 'rate: false' is never rated, so its dose never changes; "
        "remove its 'progression', or rate it"
    ]


async def test_the_summary_says_the_walk_was_not_rated() -> None:
    after = Planned(SessionPlan("Morning", "morning", (), {}), {})
    summary = SessionSummary(
        SessionStatus.COMPLETED,
        1,
        (
            ExerciseResult("Warm-up walk", 2, 2, (), "p", "walk", rated=False),
            ExerciseResult("Bird dog", 1, 2, (1,), "p", "bird-dog"),
        ),
        after,
        60.0,
    )
    app = Host(summary)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#done", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)[:3]] for i in range(table.row_count)]
    assert rows == [["Warm-up walk", "2/2", "not rated"], ["Bird dog", "1/2", "1"]]
