"""A rated set survives ``kill -9`` at any instant.

The real program, ``coach run tests/fixtures/kill-session.yaml --data-dir DIR --audio
none``, played 200 times faster than real time by libfaketime (a real session, stored as
one: ``--speed`` would be a rehearsal), runs in a private tmux server while a driver
polls the screen and answers every prompt as soon as it is up: the red-flag checklist
(nothing applies), the baseline, then each of the eight sets, with pains drawn in
advance for that run (0-5, so no exercise ends early; each set's value is known, so its
row can be recognised). At its planned instant the driver sends SIGKILL to the coach
process itself, never to tmux: the pane runs ``sh -c 'echo $$ > pid; exec coach ...'``,
so the pid in the file is coach's. Every run has a fresh data folder, so each starts
from nothing, and the first second (imports, creating and migrating the database, the
checklist, the session row) is as much a target as the sets; recovery is exercised by
opening each killed database with the real program afterwards.

Kill instants. Two control runs first play the whole session unharmed, to the summary,
and are killed there; they measure its life L and the time S to the first set's prompt.
Every kill run then gets a plan from its own ``random.Random``, seeded from
``COACH_KILL_SEED`` (a fresh seed unless set; it is printed and named in every failure,
so a failure can be replayed) and the run's number, of four kinds in turn:

* "life": at a uniform instant in [0, 1.25 L] after the process starts;
* "startup": at a uniform instant in [0, S];
* "save": within 30 ms after the Enter that rates a set chosen at random, while the app
  takes the key, closes the prompt and saves the set in its worker thread;
* "answer": within 250 ms after any answer (checklist, baseline or a set), reaching into
  what follows it.

The witness: which sets must have survived. The app closes a pain prompt at once, but
the runner hears that the set is rated only when the worker that commits its row has
returned; only then can the next set run, and its prompt appear. So, in session order:

    if the screen showed the prompt of set k before the kill, sets 1 .. k-1 were committed;
    if it showed the summary, every set and the end of the session were committed.

Screen text only ever lags the program, so this holds for any capture before the kill;
the last one is taken right before the signal. A prompt's title names its exercise and
set on one line ("Dead bug, set 1 of 2: how much does your back hurt?"), so the witness
is a single line; the exercise names differ in length, so a half-redrawn screen cannot
splice two titles into a third. The set just rated, whose next prompt was not yet seen,
may or may not be stored: both are correct. The rule would not hold if the app moved on
after a failed save, which it announces with "Could not save"; that, or a traceback,
on screen fails the run.

After each kill (the process is dead: status 137), the database's files are copied aside
and checked there with an ordinary connection (which recovers the WAL as coach would):

* ``PRAGMA integrity_check`` is ok and ``PRAGMA foreign_key_check`` finds nothing; the
  file is private (mode 600);
* at most one session, and only if the baseline was given, with that baseline and the
  speed 1; either still 'running' with no end and no decisions, or 'completed' with its end
  time, its decisions and all eight sets (ending a session is one transaction);
* the stored sets are exactly sets 1 .. n of the session, in order, each once, with n
  at least what the witness proves and at most the number of sets rated; each row has
  the pain typed for that set and every column as planned (dose, work, flags, attempt,
  parseable timestamps).

Then the real program opens the original, killed database: ``coach history --json``
exits 0 and lists the session with its status and number of sets; afterwards the file
still passes the integrity check and holds the same rows. Across the runs, enough kills
must land during startup, after a set was acknowledged, and between a rating and the next
prompt, so that the test cannot pass vacuously; a summary line reports what was checked.
"""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from coach.engine.screening import QUESTIONS

from .tmux_driver import TmuxDriver, accelerated, tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

COACH = Path(sys.executable).parent / "coach"
SESSION_FILE = Path(__file__).parent / "fixtures" / "kill-session.yaml"
SPEED = 200
CONTROL_RUNS = 2
KILL_RUNS = 52
WORKERS = 2
"""Two runs at a time, each in its own tmux server (the controls too, so that their
timings match the kill runs')."""
RUN_TIMEOUT = 30.0
POLL_SECONDS = 0.01
SAVE_WINDOW = 0.03
"""A "save" kill lands this long at most after the Enter that rates a set."""
ANSWER_WINDOW = 0.25

SCREENING = "A quick safety check"
CLEAR_CHECKLIST = ["n"] * len(QUESTIONS) + ["Enter"]
"""Every line of the checklist answered 'no', then Enter."""
BASELINE = "Before we start: how does your back feel right now?"
PROMPT_HINT = "Keys 0-9, T for 10."
COMPLETE = "Session complete. Well done."
TROUBLE = ("Traceback", "Could not save")
"""Never on screen in these runs: a crash, or a set the app could not store (it would
then move on without a committed row, and the witness rule would not hold)."""


@dataclass(frozen=True)
class PlannedSet:
    """One set of the fixture, in session order, with the columns its row must have."""

    exercise_index: int
    exercise_id: str
    name: str
    kind: str
    set_number: int
    sets: int
    hold: float | None = None
    holds: int | None = None
    reps: int | None = None
    duration: float | None = None
    work: float = 0.0

    @property
    def title(self) -> str:
        return f"{self.name}, set {self.set_number} of {self.sets}: how much does your back hurt?"


def _sets(
    index: int, exercise_id: str, name: str, kind: str, sets: int, **dose: Any
) -> list[PlannedSet]:
    return [PlannedSet(index, exercise_id, name, kind, n, sets, **dose) for n in range(1, sets + 1)]


# Must match tests/fixtures/kill-session.yaml.
PLANNED: list[PlannedSet] = [
    *_sets(0, "bridge", "Bridge hold", "hold", 2, hold=2.0, holds=1, work=4.0),  # each side
    *_sets(1, "tilts", "Pelvic tilts", "reps", 2, reps=2, work=4.0),
    *_sets(2, "march", "Marching on the spot", "timed", 2, duration=2.0, work=2.0),
    *_sets(3, "dead-bug", "Dead bug", "hold", 2, hold=2.0, holds=2, work=4.0),
]
TITLE = re.compile(
    "("
    + "|".join(re.escape(name) for name in dict.fromkeys(s.name for s in PLANNED))
    + r"), set (\d+) of (\d+): how much does your back hurt\?"
)
SET_BY_TITLE = {(s.name, s.set_number, s.sets): i for i, s in enumerate(PLANNED)}

# Anchors a kill can be timed from: the process start, then each answer the driver gives.
ANCHORS = ["start", "screening", "baseline", *(f"set {i + 1}" for i in range(len(PLANNED)))]


@dataclass(frozen=True)
class KillPlan:
    """When to kill: ``value`` after an anchor (``ANCHORS``), or, for the kinds "life" and
    "startup", at ``value`` times the controls' life or time to the first set's prompt."""

    kind: str
    anchor: int
    value: float

    def describe(self) -> str:
        if self.kind in ("life", "startup"):
            return f"{self.kind}: {self.value:.3f} x the controls' {self.kind} after start"
        return f"{self.kind}: {1000 * self.value:.1f} ms after answering {ANCHORS[self.anchor]}"


def make_plan(seed: int, run: int) -> tuple[KillPlan, int, list[int]]:
    """The kill plan, baseline and per-set pains of one run, from the seed alone.

    Four kinds in turn: anywhere in the life of the process, up to a bit past the
    summary; during startup, up to the first set's prompt; right after a set is rated,
    while it is being saved; and a little after any answer, into what follows it."""
    rng = random.Random(f"{seed}/{run}")
    baseline = rng.randrange(6)
    pains = [rng.randrange(6) for _ in PLANNED]
    kind = ("life", "startup", "save", "answer")[run % 4]
    if kind == "life":
        plan = KillPlan(kind, 0, rng.uniform(0.0, 1.25))
    elif kind == "startup":
        plan = KillPlan(kind, 0, rng.uniform(0.0, 1.0))
    elif kind == "save":
        plan = KillPlan(kind, rng.randrange(3, len(ANCHORS)), rng.uniform(0.0, SAVE_WINDOW))
    else:
        plan = KillPlan(kind, rng.randrange(1, len(ANCHORS)), rng.uniform(0.0, ANSWER_WINDOW))
    return plan, baseline, pains


@dataclass
class RunResult:
    run: int
    plan: KillPlan | None
    baseline: int
    pains: list[int]
    answered: list[str] = field(default_factory=list)
    """Anchor names the driver answered, in order (screening, baseline, set 1...)."""
    witness: int = -1
    """Index of the latest set whose prompt was on screen before the kill (-1: none)."""
    summary_seen: bool = False
    life: float = 0.0
    first_screen: float | None = None
    """Seconds from the process start to the checklist on screen."""
    first_prompt: float | None = None
    """Seconds from the process start to the first set's prompt on screen."""
    in_save_window: bool = False
    """Killed after rating a set, before the next prompt (or the summary) was seen."""
    stored: int = 0
    screens: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        """How many sets (from the first) the witness proves were committed."""
        return len(PLANNED) if self.summary_seen else max(0, self.witness)

    @property
    def sets_answered(self) -> int:
        return sum(a.startswith("set ") for a in self.answered)


class KillError(AssertionError):
    pass


def _fail(result: RunResult, seed: int, message: str) -> KillError:
    last = result.screens[-1] if result.screens else "(no screen captured)"
    return KillError(
        f"run {result.run} (COACH_KILL_SEED={seed}, plan: "
        f"{result.plan.describe() if result.plan else 'control, kill after the summary'}, "
        f"answered: {', '.join(result.answered) or 'nothing'}): {message}\n"
        f"last screen before the kill:\n{last.rstrip()}"
    )


# -- one run -----------------------------------------------------------------------------


def drive_and_kill(
    workdir: Path,
    seed: int,
    run: int,
    plan: KillPlan | None,
    baseline: int,
    pains: list[int],
    spans: tuple[float, float] = (0.0, 0.0),
) -> RunResult:
    """Start coach, answer prompts until the plan's instant, SIGKILL it, check the data.

    ``plan`` None is a control: play to the summary, then kill. ``spans`` are the
    controls' (life, time to the first set's prompt)."""
    result = RunResult(run, plan, baseline, pains)
    workdir.mkdir(parents=True)
    data_dir = workdir / "data"
    pid_file = workdir / "pid"
    exit_file = workdir / "exit-status"
    coach = shlex.join(
        [
            *accelerated(SPEED),
            str(COACH),
            "run",
            str(SESSION_FILE),
            "--data-dir",
            str(data_dir),
            "--audio",
            "none",
        ]
    )
    pid_tmp = shlex.quote(f"{pid_file}.partial")
    inner = f"echo $$ > {pid_tmp} && mv {pid_tmp} {shlex.quote(str(pid_file))} && exec {coach}"
    tmux = TmuxDriver(width=100, height=30, overall_timeout=RUN_TIMEOUT, prefix="coach-kill")
    try:
        tmux.start(["env", f"COACH_CONFIG_DIR={workdir}", "sh", "-c", inner], exit_file=exit_file)
        # A tight loop of its own (the driver polls the screen only every 0.1 s): the
        # kill instants count from here, and the first second matters.
        give_up = time.monotonic() + RUN_TIMEOUT
        while not pid_file.exists():
            if time.monotonic() > give_up:
                raise _fail(result, seed, f"no pid file after {RUN_TIMEOUT:.0f}s")
            time.sleep(0.001)
        started = time.monotonic()
        pid = int(pid_file.read_text(encoding="utf-8"))
        deadline = started + RUN_TIMEOUT

        kill_at: float | None = None
        if plan is not None and plan.kind in ("life", "startup"):
            kill_at = started + plan.value * spans[0 if plan.kind == "life" else 1]
        answered_at: dict[str, float] = {"start": started}

        def observe(screen: str) -> None:
            result.screens = [*result.screens[-1:], screen]
            for word in TROUBLE:
                if word in screen:
                    raise _fail(result, seed, f"{word!r} on screen")
            if result.first_screen is None and SCREENING in screen:
                result.first_screen = time.monotonic() - started
            for match in TITLE.finditer(screen):
                name, number, sets = match.group(1), int(match.group(2)), int(match.group(3))
                index = SET_BY_TITLE.get((name, number, sets))
                if index is None:
                    raise _fail(result, seed, f"unknown prompt {match.group(0)!r}")
                if index > result.sets_answered:
                    raise _fail(result, seed, f"prompt of set {index + 1} before set {index}")
                result.witness = max(result.witness, index)
                if result.first_prompt is None:
                    result.first_prompt = time.monotonic() - started
            if COMPLETE in screen:
                if result.sets_answered < len(PLANNED):
                    raise _fail(result, seed, "summary before every set was rated")
                result.summary_seen = True

        def answer(screen: str) -> str | None:
            """Answer the prompt on screen, once each; return the anchor it completes."""
            if "screening" not in result.answered:
                if SCREENING in screen:
                    tmux.send(*CLEAR_CHECKLIST)
                    return "screening"
                return None
            if "baseline" not in result.answered:
                if BASELINE in screen and PROMPT_HINT in screen:
                    tmux.send(str(baseline), "Enter")
                    return "baseline"
                return None
            index = result.sets_answered
            if (
                index < len(PLANNED)
                and result.witness == index
                and PLANNED[index].title in screen
                and PROMPT_HINT in screen
            ):
                tmux.send(str(pains[index]), "Enter")
                return f"set {index + 1}"
            return None

        while True:
            screen = tmux.screen()
            now = time.monotonic()
            observe(screen)
            if exit_file.exists():
                raise _fail(result, seed, "coach exited by itself")
            if kill_at is not None and now >= kill_at:
                break
            if plan is None and result.summary_seen:
                break
            if now > deadline:
                raise _fail(result, seed, f"no kill after {RUN_TIMEOUT:.0f}s")
            anchor = answer(screen)
            if anchor is not None:
                answered_at[anchor] = time.monotonic()
                result.answered.append(anchor)
                if plan is not None and plan.anchor > 0 and anchor == ANCHORS[plan.anchor]:
                    kill_at = answered_at[anchor] + plan.value
            pause = POLL_SECONDS if kill_at is None else min(POLL_SECONDS, kill_at - now)
            if pause > 0:
                time.sleep(pause)

        # The witness's last look, then the signal: nothing the screen shows can be ahead
        # of the process at the instant it dies.
        last = tmux.screen()
        observe(last)
        if exit_file.exists():
            raise _fail(result, seed, "coach exited by itself")
        result.life = time.monotonic() - started
        result.in_save_window = (
            bool(result.answered)
            and result.answered[-1].startswith("set ")
            and result.witness < result.sets_answered
            and not result.summary_seen
        )
        os.kill(pid, signal.SIGKILL)
        status = tmux.wait_for_file(exit_file, timeout=10.0).strip()
        if status != str(128 + signal.SIGKILL):
            raise _fail(result, seed, f"exit status {status}, expected 137 (SIGKILL)")
    finally:
        tmux.close()
    check_database(workdir, result, seed)
    return result


# -- the checks after a kill ---------------------------------------------------------------


def _rows(connection: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    connection.row_factory = sqlite3.Row
    return [dict(row) for row in connection.execute(sql).fetchall()]


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _snapshot(connection: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    tables = _tables(connection)
    return {
        t: _rows(connection, f"SELECT * FROM {t} ORDER BY id") if t in tables else []
        for t in ("sessions", "sets", "dose_changes", "screenings")
    }


def _timestamp(value: Any) -> bool:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def check_database(workdir: Path, result: RunResult, seed: int) -> None:
    database = workdir / "data" / "history.sqlite3"

    def fail(message: str) -> KillError:
        return _fail(result, seed, message)

    if not database.exists():
        if result.acknowledged or result.witness >= 0:
            raise fail("no database, though a set's prompt was on screen")
        result.stored = 0
        return
    mode = stat.S_IMODE(database.stat().st_mode)
    if mode != 0o600:
        raise fail(f"history database mode is {mode:o}, expected 600")

    # Check a copy, so that the real program is the one that recovers the original.
    copy_dir = workdir / "copy"
    copy_dir.mkdir()
    for path in database.parent.glob("history.sqlite3*"):
        shutil.copy2(path, copy_dir / path.name)
    connection = sqlite3.connect(copy_dir / database.name)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            raise fail(f"PRAGMA integrity_check: {integrity}")
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            raise fail(f"PRAGMA foreign_key_check: {foreign}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        before = _snapshot(connection)
    finally:
        connection.close()

    sessions, sets = before["sessions"], before["sets"]
    if result.witness >= 0 and (version == 0 or not sessions):
        raise fail(
            f"a set's prompt was on screen but the database has schema {version} "
            f"and {len(sessions)} sessions"
        )
    if len(sessions) > 1:
        raise fail(f"{len(sessions)} sessions, expected at most 1")
    if len(before["screenings"]) > 1 or any(s["outcome"] != "clear" for s in before["screenings"]):
        raise fail(f"unexpected screenings: {before['screenings']}")
    if sessions:
        session = sessions[0]
        if "baseline" not in result.answered:
            raise fail("a session row, though the baseline was never given")
        if session["baseline_pain"] != result.baseline or session["speed"] != 1:
            raise fail(f"session row {session} (baseline typed: {result.baseline})")
        if not _timestamp(session["started_at"]):
            raise fail(f"session started_at {session['started_at']!r}")
        decisions = before["dose_changes"]
        if session["status"] == "running":
            if session["ended_at"] is not None or decisions:
                raise fail(f"running session with an end or decisions: {session}, {decisions}")
            if result.summary_seen:
                raise fail("the summary was on screen but the session is still 'running'")
        elif session["status"] == "completed":
            if not _timestamp(session["ended_at"]) or not decisions or len(sets) != len(PLANNED):
                raise fail(
                    f"completed session, but {session}, {len(decisions)} decisions, "
                    f"{len(sets)} sets"
                )
        else:
            raise fail(f"session status {session['status']!r}")
    elif sets:
        raise fail(f"{len(sets)} sets without a session")

    # Exactly sets 1 .. n, in order, each once, each as typed and as planned.
    if len(sets) < result.acknowledged:
        raise fail(
            f"LOST SETS: the screen proved {result.acknowledged} sets saved, "
            f"the database holds {len(sets)}: {[(s['exercise_id'], s['set_number']) for s in sets]}"
        )
    if len(sets) > result.sets_answered:
        raise fail(f"{len(sets)} sets stored, but only {result.sets_answered} were rated")
    for index, row in enumerate(sets):
        planned = PLANNED[index]
        expected = {
            "session_id": sessions[0]["id"],
            "exercise_index": planned.exercise_index,
            "program_id": "kill",
            "level": 1,
            "exercise_id": planned.exercise_id,
            "exercise_name": planned.name,
            "kind": planned.kind,
            "set_number": planned.set_number,
            "sets_planned": planned.sets,
            "attempt": 1,
            "planned_hold": planned.hold,
            "planned_holds": planned.holds,
            "planned_reps": planned.reps,
            "planned_duration": planned.duration,
            "planned_work_seconds": planned.work,
            "completed": 1,
            "pain": result.pains[index],
            "numbness": 0,
            "leg_weakness": 0,
            "pain_below_knee": 0,
        }
        wrong = {k: (row[k], v) for k, v in expected.items() if row[k] != v}
        if wrong:
            raise fail(f"set row {index + 1} differs (stored, expected): {wrong}; row {row}")
        if row["done_work_seconds"] != pytest.approx(planned.work):
            raise fail(f"set row {index + 1}: done_work_seconds {row['done_work_seconds']}")
        if not (_timestamp(row["rated_at"]) and _timestamp(row["started_at"])):
            raise fail(
                f"set row {index + 1}: timestamps {row['started_at']!r}, {row['rated_at']!r}"
            )
    result.stored = len(sets)

    # The real program opens the killed database (WAL recovery, migrations if cut short).
    env = {k: v for k, v in os.environ.items() if k not in ("COACH_DATA_DIR",)}
    env["COACH_CONFIG_DIR"] = str(workdir)
    shown = subprocess.run(
        [str(COACH), "history", "--json", "--data-dir", str(database.parent)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    if shown.returncode != 0:
        raise fail(f"coach history exited {shown.returncode}: {shown.stderr}")
    listed = json.loads(shown.stdout)
    # `coach history` names each session by its uid (no row id leaves the store).
    expected_list = [(s["uid"], s["status"], len(sets), s["baseline_pain"]) for s in sessions]
    got = [(r["session_id"], r["status"], r["sets"], r["baseline_pain"]) for r in listed]
    if got != expected_list:
        raise fail(f"coach history lists {got}, expected {expected_list}")
    connection = sqlite3.connect(database)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        after = _snapshot(connection)
    finally:
        connection.close()
    if integrity != [("ok",)]:
        raise fail(f"after coach history: PRAGMA integrity_check: {integrity}")
    if after != before:
        raise fail("coach history changed the stored rows")


# -- the test ----------------------------------------------------------------------------


# A group of its own, not the other tmux tests' one (tests/tiers.py): the longest test of
# the suite, it would add its minute to that group's, which every run waits for. It
# times its kills against its own controls, played in the same conditions, so it need
# not wait its turn.
@pytest.mark.xdist_group("kill")
def test_rated_sets_survive_kill_9_at_any_instant(tmp_path: Path) -> None:
    if tmux_binary() is None:
        pytest.skip("tmux is not installed (the end-to-end tests drive coach in tmux)")
    assert COACH.is_file(), f"the coach executable is missing: {COACH}"
    seed_text = os.environ.get("COACH_KILL_SEED")
    seed = int(seed_text) if seed_text else random.SystemRandom().randrange(2**32)
    print(f"COACH_KILL_SEED={seed}")
    begun = time.monotonic()

    # The controls: the whole session, unharmed, to its summary, then killed there (which
    # must lose nothing at all). Their timings scale the "life" and "startup" kills.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        controls = list(
            pool.map(
                lambda run: drive_and_kill(
                    tmp_path / f"control-{run}",
                    seed,
                    -1 - run,
                    None,
                    2,
                    [i % 6 for i in range(len(PLANNED))],
                ),
                range(CONTROL_RUNS),
            )
        )
    for control in controls:
        assert control.summary_seen and control.stored == len(PLANNED), control
    life = sum(c.life for c in controls) / len(controls)
    startup = sum(c.first_prompt or 0.0 for c in controls) / len(controls)

    def one(run: int) -> RunResult:
        plan, baseline, pains = make_plan(seed, run)
        workdir = tmp_path / f"run-{run:02d}"
        return drive_and_kill(workdir, seed, run, plan, baseline, pains, (life, startup))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(one, run) for run in range(KILL_RUNS)]
        outcomes = [f.exception() or f.result() for f in futures]
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    if failures:
        raise AssertionError(
            f"{len(failures)} of {KILL_RUNS} kill runs failed (COACH_KILL_SEED={seed}):\n"
            + "".join(f"- {str(f).splitlines()[0][:300]}\n" for f in failures)
            + f"the first in full:\n{failures[0]}"
        ) from failures[0]
    results = [o for o in outcomes if isinstance(o, RunResult)]

    elapsed = time.monotonic() - begun
    phases = Counter(
        "summary" if r.summary_seen else "sets" if r.witness >= 0 else "startup" for r in results
    )
    saving = [r for r in results if r.in_save_window]
    # Of the kills between a rating and the next prompt: did the row make it or not?
    committed = sum(r.stored == r.sets_answered for r in saving)
    after_a_set = sum(r.acknowledged > 0 for r in results)
    startups = sorted(r.first_screen for r in [*controls, *results] if r.first_screen is not None)
    print(
        f"kill -9: {len(controls) + len(results)} kills in {elapsed:.1f}s, {len(controls)} of"
        f" them controls (life {life:.2f}s, first set's prompt at {startup:.2f}s); on screen"
        f" at the kill: {dict(phases)}; {after_a_set} kills after a set was acknowledged,"
        f" {sum(r.acknowledged for r in results)} acknowledged sets checked,"
        f" {sum(r.stored for r in results)} stored; {len(saving)} kills between"
        f" a rating and the next prompt ({committed} after its row was committed,"
        f" {len(saving) - committed} before); checklist on screen"
        f" {startups[0]:.2f}-{startups[-1]:.2f}s after start"
    )
    # Not vacuous: the kills really spread over startup, the sets and the saves.
    assert after_a_set >= KILL_RUNS // 3, f"only {after_a_set} kills after a set was saved"
    assert phases["startup"] >= 5, f"only {phases['startup']} kills before the first set's prompt"
    assert len(saving) >= 5, f"only {len(saving)} kills between a rating and the next prompt"
