"""Old files keep their meaning (issue 25): every bundled session file and test fixture
plays, at every level, the very steps it played before the format grew per-set doses,
ordered tempos, ranges and self-timed holds. The fingerprints were computed with main
at ab9105e, before any of it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from coach.engine.planning import programs_of
from coach.engine.timeline import build_timeline, plan_session
from coach.format.loader import load_session_file

ROOT = Path(__file__).parents[1]
BEFORE = {
    "sessions/morning.yaml": "2a022cd421f09721",
    "sessions/programs/extensions.yaml": "d4455c3982b43d62",
    "sessions/programs/holds.yaml": "94900f50b9934942",
    "sessions/programs/mobility.yaml": "ad698bf4c61d8d4a",
    "tests/fixtures/kill-session.yaml": "57c88e7d27e35216",
}


def fingerprint(path: Path) -> str:
    """Every step of every level: kind, time, place in the set, side, rep and phase."""
    loaded = load_session_file(path)
    deepest = max(len(program.levels) for program, _ in programs_of(loaded))
    rows = []
    for level in range(1, deepest + 1):
        plan = plan_session(loaded, levels={p.id: level for p, _ in programs_of(loaded)})
        rows.append(
            [
                (
                    s.kind.value,
                    s.duration,
                    s.start,
                    s.set_number,
                    s.side and s.side.value,
                    s.rep,
                    s.phase and s.phase.value,
                    s.hold,
                    s.holds,
                    s.exercise_index,
                )
                for s in build_timeline(plan).steps
            ]
        )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def test_every_old_file_is_listed() -> None:
    found = {
        str(p.relative_to(ROOT))
        for p in [
            *(ROOT / "sessions").rglob("*.yaml"),
            *(ROOT / "tests" / "fixtures").glob("*.yaml"),
        ]
        if "examples" not in p.parts
    }
    assert found == set(BEFORE)


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_an_old_file_plays_the_same_steps(name: str) -> None:
    assert fingerprint(ROOT / name) == BEFORE[name]
