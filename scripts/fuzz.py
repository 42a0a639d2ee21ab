"""``make fuzz``: random and mutated session files through validate, preview and the
timeline, settings files through the settings reader, and stored histories with hostile
text through the commands that show them, for a fixed time budget.

Not part of ``make test`` (it is open-ended by nature): it runs for ``--seconds``
(``FUZZ_SECONDS`` in the Makefile, 60 by default) and exits 1 if any case

* raised an exception (a traceback is never how coach reports a bad file),
* took more than a second (a hang: validate, preview and the timeline of a file take
  milliseconds), or
* wrote a control character (C0 but line feed, DEL, C1) or a bidi control to stdout or
  stderr.

Cases are the bundled sessions mutated (bytes flipped, inserted and deleted; lines
dropped, doubled and swapped; values replaced by hostile ones: escape sequences, huge
numbers, long runs of spaces, deep nesting, aliases, tags, NUL, bidi overrides) and
documents built from scratch; settings files mutated the same way and given hostile
lines (deep nesting, ``~nosuchuser``, escapes, thousands of bad keys); and a small
synthetic history whose text fields (titles, notes, names, reasons, PSFS activities)
are replaced by hostile text, then shown by ``history``, ``export`` and ``plan``. A
worker process runs them (so a hang can be killed);
every failing case is kept in ``.fuzz-failures/`` with what went wrong.

    python scripts/fuzz.py [--seconds 60] [--seed N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import queue
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FAILURES = ROOT / ".fuzz-failures"
CASE_SECONDS = 1.0
TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE = [
    '"\\e[2J"',
    '"\\e]0;title\\a"',
    '"\\e]52;c;aGVsbG8=\\a"',
    '"\\x9b2J"',
    '"\\0"',
    '"a\\nb"',
    '"\\u202eevil"',
    "\u202eraw",
    "\x1b[31mraw",
    "1e308",
    "-1e308",
    "1e306",
    ".nan",
    ".inf",
    "99999999999999999999999999999999",
    "999999999999999999999999999999999",
    '"' + " " * 3200 + 'x"',
    '"1' + " " * 3000 + 'm"',
    '"٨s"',
    '"１m"',
    "1:30",
    "1m 90s",
    "0x7fffffff",
    "0o777",
    "[" * 70 + "]" * 70,
    "&a [1, 2]",
    "*a",
    "*missing",
    "!!python/object:os.system ls",
    "!custom x",
    "<<: {a: 1}",
    "~",
    "",
    "true",
    "yes",
    "[]",
    "{}",
    "- - -",
    '"' + "x" * 20001 + '"',
    "x" * 5000,
    '"../../../etc/passwd"',
    '"/dev/zero"',
    '"a\\0b.wav"',
    '"' + "d/" * 200 + 'x.wav"',
    "\t",
    '"\\t"',
    "'",
    '"',
]


def corpus() -> list[bytes]:
    files = sorted(ROOT.glob("sessions/**/*.yaml")) + sorted(ROOT.glob("bench/sessions/*.yaml"))
    return [path.read_bytes() for path in files]


def mutate(seed_file: bytes, rng: random.Random) -> bytes:
    data = bytearray(seed_file)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.35:
            # Replace a value (what follows ': ' on a line) by a hostile one.
            lines = bytes(data).split(b"\n")
            candidates = [i for i, line in enumerate(lines) if b": " in line]
            if candidates:
                index = rng.choice(candidates)
                key = lines[index].split(b": ", 1)[0]
                lines[index] = key + b": " + rng.choice(HOSTILE).encode()
                data = bytearray(b"\n".join(lines))
        elif choice < 0.55:
            lines = bytes(data).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                operation = rng.choice(("drop", "double", "swap"))
                if operation == "drop":
                    del lines[i]
                elif operation == "double":
                    lines.insert(i, lines[j])
                else:
                    lines[i], lines[j] = lines[j], lines[i]
                data = bytearray(b"\n".join(lines))
        elif choice < 0.75 and data:
            at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
        elif choice < 0.9:
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.choice(HOSTILE).encode()
        elif data:
            at = rng.randrange(len(data))
            del data[at : at + rng.randint(1, 40)]
    return bytes(data)


def generated(rng: random.Random) -> bytes:
    """A small document from scratch, with random (often wrong) values."""

    def value() -> str:
        return rng.choice([*HOSTILE, "5", "5s", "1m30s", "hold", "each", "x", "1", "0", "-3"])

    exercises = []
    for index in range(rng.randint(1, 4)):
        keys = rng.sample(
            [
                "name",
                "kind",
                "hold",
                "holds",
                "reps",
                "duration",
                "sets",
                "rest",
                "sides",
                "instructions",
                "stop_if",
                "cues",
                "progression",
                "id",
                "tempo",
                "get_ready",
            ],
            rng.randint(1, 8),
        )
        lines = [f"        - id: e{index}"] + [f"          {k}: {value()}" for k in keys]
        exercises.append("\n".join(lines))
    text = (
        "version: 1\nprogram:\n  id: fuzz\n  name: "
        + value()
        + "\n  levels:\n    - name: L\n      exercises:\n"
        + "\n".join(exercises)
        + "\n"
    )
    return text.encode("utf-8", errors="replace")


# -- the worker: runs cases in-process, reports one JSON line per case ----------------------


def worker() -> int:
    from coach.cli import main

    report = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    # Everything imported before the clock starts: the first case is timed like the rest.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for command in ("validate", "preview"):
            main([command, str(ROOT / "sessions" / "morning.yaml")])
    report.write("ready\n")
    for line in sys.stdin:
        kind, _, name = line.rstrip("\n").partition("\t")
        path = Path(name)
        case = {"session": session_case, "settings": settings_case, "history": history_case}
        problems = case[kind](path, main)
        report.write(json.dumps(problems) + "\n")
    return 0


def printed(problems: list[str], what: str, text: str) -> None:
    found = TERMINAL_CONTROL.search(text)
    if found:
        problems.append(f"{what} wrote {found.group()!r}")


def run_command(problems: list[str], main: Any, argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv)
    except SystemExit:
        pass
    except BaseException:
        problems.append(f"{argv[0]} raised:\n{traceback.format_exc()}")
    printed(problems, f"{argv[0]} (stdout)", out.getvalue())
    printed(problems, f"{argv[0]} (stderr)", err.getvalue())


def session_case(path: Path, main: Any) -> list[str]:
    from coach.engine.timeline import build_timeline, plan_session
    from coach.format.diagnostics import SessionFileError
    from coach.format.loader import load_session_file

    problems: list[str] = []
    for command in ("validate", "preview"):
        run_command(problems, main, [command, str(path)])
    try:
        timeline = build_timeline(plan_session(load_session_file(path)))
        sum(step.duration for step in timeline.steps)
        list(timeline.blocks())
    except SessionFileError:
        pass
    except BaseException:
        problems.append(f"the timeline raised:\n{traceback.format_exc()}")
    return problems


def settings_case(path: Path, main: Any) -> list[str]:
    """The settings reader and home's reading of default_routine: sentences, never a
    traceback, and nothing in them a terminal would act on."""
    from coach.config.locations import home_routine
    from coach.config.settings import MAX_PROBLEMS, load_settings

    problems: list[str] = []
    try:
        _, said = load_settings(path)
        _, why = home_routine(path)
    except BaseException:
        return [f"the settings raised:\n{traceback.format_exc()}"]
    if len(said) > MAX_PROBLEMS:
        problems.append(f"the settings said {len(said)} problems (at most {MAX_PROBLEMS})")
    for sentence in [*said, why or ""]:
        printed(problems, "the settings", sentence)
    return problems


def history_case(folder: Path, main: Any) -> list[str]:
    """A stored history with hostile text, through the commands that show it."""
    problems: list[str] = []
    data = str(folder)
    for argv in (
        ["history", "--all", "--data-dir", data],
        ["history", "--json", "--data-dir", data],
        ["export", "--format", "csv", "--data-dir", data],
        ["export", "--format", "json", "--data-dir", data],
        ["export", "--what", "decisions", "--data-dir", data],
    ):
        run_command(problems, main, argv)
    return problems


# -- the driver: makes cases, feeds the worker, times each case -----------------------------


class Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        if self.lines.get(timeout=60) != "ready":
            raise RuntimeError("the fuzz worker did not start")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def run(self, kind: str, path: Path) -> list[str] | None:
        """The problems of one case, or None when it took longer than a second."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{kind}\t{path}\n")
        self.process.stdin.flush()
        try:
            answer = self.lines.get(timeout=CASE_SECONDS)
        except queue.Empty:
            return None
        problems: list[str] = json.loads(answer)
        return problems

    def wait(self, seconds: float) -> list[str] | None:
        """The answer to the case already sent, waiting ``seconds`` more."""
        try:
            answer = self.lines.get(timeout=seconds)
        except queue.Empty:
            return None
        problems: list[str] = json.loads(answer)
        return problems

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def keep(case: bytes, problems: list[str], number: int, suffix: str = ".yaml") -> Path:
    FAILURES.mkdir(exist_ok=True)
    path = FAILURES / f"case-{number}{suffix}"
    path.write_bytes(case)
    path.with_suffix(".txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    return path


SETTINGS_LINES = [
    'default_routine = "~nosuchuser-fuzz/x.yaml"',
    'default_routine = "~"',
    'default_routine = "\\u001b]0;title\\u0007"',
    'default_routine = "\\u202eevil\\u200b"',
    'default_routine = "/dev/zero"',
    "x = " + "[" * 3000 + "]" * 3000,
    "x = " + "{a = " * 200 + "1" + "}" * 200,
    "[" * 40 + "a" + "]" * 40,
    '"\\u001b[2J" = 1',
    "volume = 1e308",
    "volume = -0",
    "speech = yes",
    "audio = " + "a" * 5000,
]


def settings_text(rng: random.Random) -> bytes:
    """A settings file: coach's own, mutated, with hostile lines and bad keys mixed in."""
    from coach.config.settings import Settings, settings_toml

    text = settings_toml(Settings()).encode("utf-8")
    if rng.random() < 0.5:
        text = mutate(text, rng)
    lines = text.split(b"\n")
    for _ in range(rng.randrange(6)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(SETTINGS_LINES).encode())
    if rng.random() < 0.1:
        lines += [f"key{i} = {i}".encode() for i in range(rng.randrange(1000, 5000))]
    if rng.random() < 0.1:
        lines += [f"not toml {i}".encode() for i in range(rng.randrange(1000, 5000))]
    return b"\n".join(lines)


HISTORY_TEXT = {
    "sessions": ("title", "note", "stop_reason"),
    "sets": ("exercise_name",),
    "dose_changes": ("reason",),
    "advice": ("reason",),
    "psfs_activities": ("text",),
}
STORED = [
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x9b31m\x85\x9d0;t\x9c",
    "\u202eevil\u202c\u2066x\u2069",
    "\u200bzero\u2060width\ufeff",
    "line\nbreak\r\n",
    "\x00nul",
    '[bold]markup[/bold] <b>html</b> & "quotes",commas',
    "x" * 5000,
    "",
]


def base_history(folder: Path) -> Path:
    """A month of synthetic sessions and a function check, made once per run."""
    from datetime import UTC, date

    from coach.config.locations import default_routine
    from coach.demo.history import generate

    path = folder / "base.sqlite3"
    generate(path, source=default_routine(), days=30, seed=1, end=date(2026, 3, 1), tz=UTC)
    return path


def history_case_folder(base: Path, folder: Path, rng: random.Random) -> bytes:
    """A copy of ``base`` in ``folder`` with hostile text in its text fields; returns
    what was put where (kept with a failing case)."""
    import shutil
    import sqlite3

    folder.mkdir(exist_ok=True)
    target = folder / "history.sqlite3"
    for stale in folder.iterdir():
        stale.unlink()
    shutil.copyfile(base, target)
    changes = []
    with contextlib.closing(sqlite3.connect(target)) as db, db:
        for table, columns in HISTORY_TEXT.items():
            for column in columns:
                if rng.random() < 0.7:
                    value = "".join(rng.choice(STORED) for _ in range(rng.randrange(1, 4)))
                    try:
                        db.execute(f"UPDATE {table} SET {column} = ?", (value,))
                    except sqlite3.IntegrityError:  # a column's own bounds (PSFS: 1-200)
                        value = value.replace("\x00", "")[:200] or "x"
                        db.execute(f"UPDATE {table} SET {column} = ?", (value,))
                    changes.append(f"{table}.{column} = {value!r}")
    return "\n".join(changes).encode("utf-8")


def drive(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    seeds = corpus()
    deadline = time.monotonic() + seconds
    failures = cases = 0
    current = Worker()
    with tempfile.TemporaryDirectory(prefix="coach-fuzz-") as folder:
        case_path = Path(folder) / "case.yaml"
        settings_path = Path(folder) / "settings.toml"
        history_folder = Path(folder) / "history"
        base = base_history(Path(folder))
        try:
            while time.monotonic() < deadline:
                draw = rng.random()
                if draw < 0.15:
                    kind, target, suffix = "settings", settings_path, ".toml"
                    case = settings_text(rng)
                    target.write_bytes(case)
                elif draw < 0.22:
                    kind, target, suffix = "history", history_folder, ".history.txt"
                    case = history_case_folder(base, history_folder, rng)
                else:
                    kind, target, suffix = "session", case_path, ".yaml"
                    case = generated(rng) if rng.random() < 0.2 else mutate(rng.choice(seeds), rng)
                    target.write_bytes(case)
                cases += 1
                problems = current.run(kind, target)
                if problems is None and kind == "history":
                    # Five commands over a month of history: given five times the time.
                    problems = current.wait(CASE_SECONDS * 4)
                if problems is None:
                    problems = [f"hung: no answer within {CASE_SECONDS:g} s"]
                    current.kill()
                    current = Worker()
                if problems:
                    failures += 1
                    kept = keep(case, problems, cases, suffix)
                    print(f"FAIL {kept}: {problems[0].splitlines()[0]}", flush=True)
        finally:
            current.kill()
    print(f"{cases} cases in {seconds:g} s (seed {seed}): {failures} failed")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    seed = args.seed if args.seed is not None else int(time.time())
    return drive(args.seconds, seed)


if __name__ == "__main__":
    sys.exit(main())
