"""``coach new``: a commented, valid file to start from, with the $schema line; never
an overwrite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coach.engine.timeline import build_timeline, plan_session
from coach.format.loader import ProgramFile, RoutineFile, load_session_file


@pytest.fixture
def inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_new_program_is_valid_commented_and_points_at_the_schema(inside: Path, cli: Any) -> None:
    result = cli("new", "program", "programs/back")
    assert result.code == 0
    path = inside / "programs" / "back.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../coach-v1.schema.json\n")
    assert "coach schema -o coach-v1.schema.json" in result.out
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile) and loaded.warnings == ()
    assert loaded.program.id == "back"
    # Each kind of exercise, a warm-up without a rating, and a second level.
    level = loaded.program.levels[0]
    assert {e.kind for e in level.exercises} == {"timed", "reps", "hold"}
    assert any(not e.rate for e in level.exercises)
    assert len(loaded.program.levels) == 2
    assert build_timeline(plan_session(loaded)).total > 0


def test_a_new_routine_writes_its_program_and_both_are_valid(inside: Path, cli: Any) -> None:
    assert cli("schema", "-o", "coach-v1.schema.json").code == 0
    result = cli("new", "routine", "evening")
    assert result.code == 0 and "coach schema" not in result.out
    loaded = load_session_file(inside / "evening.yaml")
    assert isinstance(loaded, RoutineFile) and loaded.warnings == ()
    assert [p.path.name for p in loaded.programs] == ["evening-exercises.yaml"]
    first = (inside / "evening.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=coach-v1.schema.json"
    assert cli("validate", inside).code == 0


def test_coach_new_never_overwrites(inside: Path, cli: Any) -> None:
    (inside / "mine.yaml").write_text("keep me\n", encoding="utf-8")
    result = cli("new", "program", "mine.yaml")
    assert result.code == 2 and "exists already" in result.err
    assert (inside / "mine.yaml").read_text(encoding="utf-8") == "keep me\n"
