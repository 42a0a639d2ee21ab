"""`make bench`, hostile files and broken machines: what each defence costs, in figures.

A report, not a test: it prints each figure next to its goal, marked OK or MISSED, and
exits 0 either way. About a minute.

1. Durations at the text limit: parse_duration on 2,000 values of 20,000 characters
   (runs of spaces before a stray letter, which took time in the cube of their length
   with the old pattern; digits; units; a mix), each timed alone with perf_counter;
   the slowest and the median. Goal: every one under 10 ms. Then a whole file with
   such a value through the loader (load_session_file), median of 5. And, when node
   is installed, every pattern of the committed JSON Schema in JavaScript's engine (as
   editors run it) on such values: the slowest (the old duration pattern took 755 ms
   on 1,600 spaces there).
2. `coach validate` on 1,000 program files of 16 KB (16 MB in all, made by this
   script in a temporary folder: the three bundled programs in turn, each with an id
   of its own and its description lengthened with plain words to make 16 KB), as a
   whole process (`python -m coach validate DIR`),
   against PyYAML's C loader alone (yaml.load with CSafeLoader) on the same files in
   this process; three rounds interleaved, in CPU seconds, medians. Goal: the ratio at
   most 2 (a machine-independent goal; the wall time is shown beside it).
3. A decompression bomb: a 300 KB file that starts like FLAC, decoded with a stand-in
   for ffmpeg that writes silence without end (as 30 minutes of FLAC silence does: a
   gigabyte). The peak of memory allocated while decoding it (tracemalloc). Goal: well
   under 50 MB (the 10 s kept are 0.84 MB).
4. A speech engine that hangs (a stand-in that sleeps a minute for every phrase):
   how long rendering a session's six phrases takes. Goal: at most 2.5 s (the budget
   is 2 s), against 15 s per phrase before.
5. A player that hangs (a stand-in that sleeps a minute): how long closing the backend
   takes with a cue playing. Goal: under 0.5 s (it was 2 s per process).
6. `coach validate` on a FIFO named .yaml: time to the refusal (it hung forever).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from coach.audio import decoding
from coach.audio.backends import PlayerBackend
from coach.audio.pcm import Pcm
from coach.audio.speech import Speech
from coach.format.durations import DurationError, parse_duration
from coach.format.loader import load_session_file

ROOT = Path(__file__).resolve().parent.parent


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def median_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- 1 ------------------------------------------------------------------------------------


def long_values(count: int) -> list[str]:
    rng = random.Random(15)
    shapes: list[Callable[[], str]] = [
        lambda: " " * 19_999 + "x",
        lambda: "1" + " " * 19_999,
        lambda: "1m" + " " * 19_998,
        lambda: "9" * 20_000,
        lambda: ("1m 30s " * 3000)[:20_000],
        lambda: "".join(rng.choice(" 0123456789.:msecondinut") for _ in range(20_000)),
    ]
    return [shapes[i % len(shapes)]() for i in range(count)]


def bench_durations(folder: Path) -> list[str]:
    values = long_values(2000)
    times = []
    for value in values:
        started = time.perf_counter()
        with contextlib.suppress(DurationError):
            parse_duration(value)
        times.append(time.perf_counter() - started)
    slowest, middle = max(times), statistics.median(times)
    path = folder / "long-duration.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            version: 1
            program:
              id: p
              name: P
              levels:
                - name: L
                  exercises:
                    - {{name: A, kind: hold, hold: "{" " * 19_999}x"}}
            """
        ),
        encoding="utf-8",
    )

    def load() -> None:
        with contextlib.suppress(Exception):
            load_session_file(path)

    whole = median_of(5, load)
    return [
        "1. Durations of 20,000 characters (2,000 values, each timed alone)",
        f"   slowest {slowest * 1e6:.1f} us, median {middle * 1e6:.1f} us   "
        f"goal < 10 ms: {verdict(slowest < 0.010)}",
        f"   a file with such a value, through the loader: {whole * 1000:.1f} ms (median of 5)",
        schema_in_javascript(),
    ]


# Every pattern of the committed schema, in the JavaScript engine editors use, on the
# inputs that made the old duration pattern backtrack (spaces between a digit and a
# stray letter), up to the 20,000-character text limit.
_NODE = """
const schema = require(process.argv[1]);
const patterns = new Set();
(function walk(x) {
  if (Array.isArray(x)) x.forEach(walk);
  else if (x && typeof x === "object") {
    if (typeof x.pattern === "string") patterns.add(x.pattern);
    Object.values(x).forEach(walk);
  }
})(schema);
let worst = 0;
for (const p of patterns) {
  const re = new RegExp(p, "u");
  for (const n of [1600, 20000]) {
    const spaces = " ".repeat(n);
    for (const v of [spaces + "1x", "1" + spaces + "x", "1m" + spaces + "1x"]) {
      const t = process.hrtime.bigint();
      re.test(v);
      worst = Math.max(worst, Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
}
console.log(patterns.size + " " + worst.toFixed(2));
"""


def schema_in_javascript() -> str:
    node = shutil.which("node")
    if node is None:
        return "   the schema's patterns in JavaScript: node is not installed, not measured"
    schema = ROOT / "sessions" / "coach-v1.schema.json"
    result = subprocess.run(
        [node, "-e", _NODE, str(schema)], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        return f"   the schema's patterns in JavaScript: node failed ({result.stderr[-200:]})"
    count, worst = result.stdout.split()
    return (
        f"   the schema's {count} patterns in node, values up to 20,000 characters: slowest "
        f"{worst} ms   goal < 10 ms: {verdict(float(worst) < 10)}"
    )


# -- 2 ------------------------------------------------------------------------------------


def program_files(count: int, size: int) -> list[str]:
    """``count`` copies of the bundled programs, in turn, each with an id of its own and
    its description lengthened (plain words) to make a file of ``size`` bytes."""
    bundled = sorted((ROOT / "sessions" / "programs").glob("*.yaml"))
    sources = [path.read_text(encoding="utf-8") for path in bundled]
    words = "Move slowly and breathe; stop if pain spreads into a leg. "
    files = []
    for number in range(count):
        text = sources[number % len(sources)]
        text = re.sub(r"(?m)^  id: (\S+)$", rf"  id: \1-{number}", text, count=1)
        # Spread over every description (the program's and each level's), each of
        # which stays well within its 4,000 characters.
        places = list(re.finditer(r"(?m)^( *)description: >-\n", text))
        share = max(0, size - len(text.encode()) - 8 * len(places)) // len(places)
        padding = (words * (share // len(words) + 1))[:share].strip()
        for place in reversed(places):
            indent = place.group(1) + "  "
            text = text[: place.end()] + f"{indent}{padding}\n" + text[place.end() :]
        files.append(text)
    return files


def bench_validate(folder: Path) -> list[str]:
    files = folder / "programs"
    files.mkdir()
    total = 0
    for number, text in enumerate(program_files(1000, 16 * 1024)):
        (files / f"p{number:04d}.yaml").write_text(text, encoding="utf-8")
        total += len(text.encode())
    paths = sorted(files.glob("*.yaml"))

    def c_loader() -> None:
        for path in paths:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)

    def validate() -> None:
        result = subprocess.run(
            [sys.executable, "-m", "coach", "validate", str(files)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-500:])

    # Measured in one run, interleaved (loader, validate, loader, validate...), so a
    # machine busy with other work slows both alike; and in CPU seconds (this process's
    # for the loader, the child's for validate), which other processes do not inflate
    # the way they inflate wall time. Goal: the ratio, which does not depend on the
    # machine; the wall time is shown beside it.
    loader_cpu, validate_cpu, validate_wall = [], [], []
    for _ in range(3):
        started = time.process_time()
        c_loader()
        loader_cpu.append(time.process_time() - started)
        before = _children_cpu()
        started = time.perf_counter()
        validate()
        validate_wall.append(time.perf_counter() - started)
        validate_cpu.append(_children_cpu() - before)
    loader_seconds = statistics.median(loader_cpu)
    validate_seconds = statistics.median(validate_cpu)
    ratio = validate_seconds / loader_seconds
    return [
        f"2. coach validate on 1,000 files, {total / 1e6:.1f} MB",
        f"   coach validate (whole process) {validate_seconds:.2f} s CPU "
        f"({statistics.median(validate_wall):.2f} s wall)",
        f"   PyYAML C loader alone {loader_seconds:.2f} s CPU   ratio {ratio:.2f}   "
        f"goal <= 2: {verdict(ratio <= 2.0)}",
    ]


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- 3 ------------------------------------------------------------------------------------


def bench_bomb(folder: Path) -> list[str]:
    endless = folder / "ffmpeg"
    endless.write_text("#!/bin/sh\nexec cat /dev/zero\n")
    endless.chmod(0o755)
    flac = folder / "silence.flac"
    flac.write_bytes(b"fLaC" + b"\x00" * 300_000)
    which = decoding.shutil.which
    decoding.shutil.which = lambda name: str(endless)  # type: ignore[assignment]
    try:
        tracemalloc.start()
        started = time.perf_counter()
        kept = len(decoding.decode_sound(flac).data)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    finally:
        decoding.shutil.which = which  # type: ignore[assignment]
    return [
        "3. A decompression bomb (300 KB FLAC-like file, a decoder that never stops)",
        f"   kept {kept:,} bytes (10 s) in {took * 1000:.0f} ms; peak memory allocated "
        f"while decoding {peak:.1f} MB   goal < 50 MB: {verdict(peak < 50)}",
    ]


# -- 4, 5, 6 ------------------------------------------------------------------------------


def bench_speech(folder: Path) -> list[str]:
    engine = folder / "espeak-ng"
    engine.write_text("#!/bin/sh\nexec sleep 60\n")
    engine.chmod(0o755)
    phrases = ["Bird dog", "Side bridge", "rest", "three", "two", "one"]
    started = time.perf_counter()
    rendered = Speech(str(engine), folder / "speech").render_all(phrases, 1.0)
    took = time.perf_counter() - started
    return [
        "4. A speech engine that hangs, six phrases",
        f"   {took:.2f} s, then speech off ({rendered.problem})   goal <= 2.5 s: "
        f"{verdict(took <= 2.5)}",
    ]


def bench_player(folder: Path) -> list[str]:
    hung = folder / "aplay"
    hung.write_text("#!/bin/sh\nexec sleep 60\n")
    hung.chmod(0o755)
    backend = PlayerBackend(str(hung))
    backend.play(Pcm(b"\x00\x00" * 100))
    backend.play(Pcm(b"\x01\x00" * 100))
    started = time.perf_counter()
    backend.close()
    took = time.perf_counter() - started
    return [
        "5. Closing with two players hung mid-cue",
        f"   {took * 1000:.0f} ms   goal < 500 ms: {verdict(took < 0.5)}",
    ]


def bench_fifo(folder: Path) -> list[str]:
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "coach", "validate", str(fifo)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    took = time.perf_counter() - started
    return [
        "6. coach validate on a FIFO",
        f"   exit {result.returncode} after {took:.2f} s (whole process): "
        f"{result.stdout.strip().split(': ', 1)[-1]}",
    ]


def main() -> int:
    print("coach bench: hostile files and broken machines")
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as name:
        folder = Path(name)
        for part in (
            bench_durations,
            bench_validate,
            bench_bomb,
            bench_speech,
            bench_player,
            bench_fifo,
        ):
            print("\n".join(part(folder)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
