"""``make fuzz``: random and mutated session files through validate, preview and the
timeline, for a fixed time budget.

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
documents built from scratch. A worker process runs them (so a hang can be killed);
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
    from coach.engine.timeline import build_timeline, plan_session
    from coach.format.diagnostics import SessionFileError
    from coach.format.loader import load_session_file

    report = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    # Everything imported before the clock starts: the first case is timed like the rest.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for command in ("validate", "preview"):
            main([command, str(ROOT / "sessions" / "morning.yaml")])
    report.write("ready\n")
    for line in sys.stdin:
        path = Path(line.rstrip("\n"))
        problems: list[str] = []
        for command in ("validate", "preview"):
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    main([command, str(path)])
            except BaseException:
                problems.append(f"{command} raised:\n{traceback.format_exc()}")
            for stream, text in (("stdout", out.getvalue()), ("stderr", err.getvalue())):
                found = TERMINAL_CONTROL.search(text)
                if found:
                    problems.append(f"{command} wrote {found.group()!r} to {stream}")
        try:
            timeline = build_timeline(plan_session(load_session_file(path)))
            sum(step.duration for step in timeline.steps)
            list(timeline.blocks())
        except SessionFileError:
            pass
        except BaseException:
            problems.append(f"the timeline raised:\n{traceback.format_exc()}")
        report.write(json.dumps(problems) + "\n")
    return 0


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

    def run(self, path: Path) -> list[str] | None:
        """The problems of one case, or None when it took longer than a second."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        try:
            answer = self.lines.get(timeout=CASE_SECONDS)
        except queue.Empty:
            return None
        problems: list[str] = json.loads(answer)
        return problems

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def keep(case: bytes, problems: list[str], number: int) -> Path:
    FAILURES.mkdir(exist_ok=True)
    path = FAILURES / f"case-{number}.yaml"
    path.write_bytes(case)
    path.with_suffix(".txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    return path


def drive(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    seeds = corpus()
    deadline = time.monotonic() + seconds
    failures = cases = 0
    current = Worker()
    with tempfile.TemporaryDirectory(prefix="coach-fuzz-") as folder:
        case_path = Path(folder) / "case.yaml"
        try:
            while time.monotonic() < deadline:
                case = generated(rng) if rng.random() < 0.2 else mutate(rng.choice(seeds), rng)
                case_path.write_bytes(case)
                cases += 1
                problems = current.run(case_path)
                if problems is None:
                    problems = [f"hung: no answer within {CASE_SECONDS:g} s"]
                    current.kill()
                    current = Worker()
                if problems:
                    failures += 1
                    kept = keep(case, problems, cases)
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
