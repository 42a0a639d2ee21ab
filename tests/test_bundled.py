"""The bundled sessions: valid, complete, and a morning routine of 10-15 minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.config.locations import bundled_sessions_dir, default_routine
from coach.engine.timeline import build_timeline, plan_session
from coach.format.loader import ProgramFile, RoutineFile, check_paths, load_session_file
from coach.format.v1 import HoldExercise

SESSIONS = bundled_sessions_dir()
FILES = sorted(SESSIONS.rglob("*.yaml"))


def test_every_bundled_file_validates_without_warnings() -> None:
    files, diagnostics = check_paths([SESSIONS])
    assert len(files) == 4 + 7  # the morning routine, its three programs; the examples
    assert [d.render() for d in diagnostics] == []


def test_three_programs_of_three_levels_of_five_exercises() -> None:
    loaded = load_session_file(default_routine())
    assert isinstance(loaded, RoutineFile)
    assert [p.program.id for p in loaded.programs] == ["mobility", "holds", "extensions"]
    kinds = set()
    for program_file in loaded.programs:
        levels = program_file.program.levels
        assert len(levels) == 3
        for level in levels:
            assert len(level.exercises) == 5
            for exercise in level.exercises:
                kinds.add(exercise.kind)
                assert exercise.id, "bundled exercises carry stable ids"
                assert len(exercise.instructions) > 40
                assert exercise.stop_if
                assert exercise.progression is not None
    assert kinds == {"hold", "reps", "timed"}


def test_morning_routine_takes_10_to_15_minutes() -> None:
    timeline = build_timeline(plan_session(load_session_file(default_routine())))
    assert 10 * 60 <= timeline.total <= 15 * 60


def test_level_one_holds_are_short() -> None:
    for path in sorted((SESSIONS / "programs").glob("*.yaml")):
        loaded = load_session_file(path)
        assert isinstance(loaded, ProgramFile)
        for exercise in loaded.program.levels[0].exercises:
            if isinstance(exercise, HoldExercise):
                assert exercise.hold <= 30
                bounds = exercise.progression.hold if exercise.progression else None
                assert bounds is None or bounds.max <= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_files_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == (
        SESSIONS / "coach-v1.schema.json"
    ).resolve()


def test_preview_of_the_morning_routine(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("preview")
    assert result.code == 0
    total = result.out.strip().splitlines()[-1]
    assert total.startswith("Total 1")  # 10m ... 15m
    assert "Morning routine" in result.out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_files_satisfy_the_json_schema_editors_use(path: Path) -> None:
    import json

    import jsonschema

    from coach.format.yamlsafe import load_yaml_file

    schema = json.loads((SESSIONS / "coach-v1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(load_yaml_file(path).data, schema)
