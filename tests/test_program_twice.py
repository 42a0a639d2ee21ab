"""The same program twice in a routine (morning and midday extensions): the second use
has a 'slot', and with it its own id, history and level."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach.engine import day
from coach.engine.timeline import build_timeline, plan_session
from coach.format.loader import RoutineFile, load_session_file
from coach.store.database import HistoryStore

from .day_helpers import Shell, begin_session, rate_every_set

Write = Callable[..., Path]

PROGRAM = """\
version: 1
program:
  id: ext
  name: Extensions
  get_ready: 2s
  levels:
    - name: Level 1
      exercises:
        - id: press-up
          name: Press-up
          kind: reps
          reps: 5
          progression:
            reps: {min: 5, max: 10}
"""


def test_a_slot_gives_the_second_use_its_own_id_and_history(write: Write) -> None:
    write("programs/ext.yaml", PROGRAM)
    routine = write(
        "r.yaml",
        "version: 1\nroutine:\n  id: r\n  name: R\n  programs:\n"
        "    - file: programs/ext.yaml\n"
        "    - file: programs/ext.yaml\n      slot: midday\n",
    )
    loaded = load_session_file(routine)
    assert isinstance(loaded, RoutineFile)
    assert [(p.program.id, p.program.name) for p in loaded.programs] == [
        ("ext", "Extensions"),
        ("ext-midday", "Extensions (midday)"),
    ]
    plan = plan_session(loaded)
    assert [(e.program_id, e.key) for e in plan.exercises] == [
        ("ext", "press-up"),
        ("ext-midday", "press-up"),
    ]
    assert len(build_timeline(plan).steps) > 0

    store = HistoryStore.in_memory()
    shell = Shell(routine, store)
    begin_session(shell)
    rate_every_set(shell, [0, 6])  # easy in the morning use, too much in the midday one
    after = shell.last(day.ShowSummary).summary.after
    doses = {pid: p.doses["press-up"].reps for pid, p in after.programs.items()}
    assert doses == {"ext": 6, "ext-midday": 5}
    assert [s.sets[0].pain for s in store.program_history("ext")] == [0]
    assert [s.sets[0].pain for s in store.program_history("ext-midday")] == [6]
