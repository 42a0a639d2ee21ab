"""From YAML files to validated programs and routines, with precise diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coach.format.diagnostics import SessionFileError, Severity
from coach.format.loader import ProgramFile, RoutineFile, check_paths, load_session_file, slugify
from coach.format.v1 import HoldExercise, RepsExercise, TimedExercise

Write = Callable[..., Path]


def program(exercises: str, extra: str = "") -> str:
    """A program file around an indented block of exercises (8 spaces deep)."""
    return (
        "version: 1\n"
        "program:\n"
        "  id: test\n"
        "  name: Test program\n"
        f"{extra}"
        "  levels:\n"
        "    - name: Level 1\n"
        "      exercises:\n"
        f"{exercises}"
    )


def errors_of(path: Path) -> list[str]:
    """Errors (not warnings) as 'line:col: message' for one file."""
    with pytest.raises(SessionFileError) as caught:
        load_session_file(path)
    return [
        f"{d.mark.line}:{d.mark.column}: {d.message}"
        for d in caught.value.diagnostics
        if d.severity is Severity.ERROR
    ]


# -- what the format expresses ------------------------------------------------------------


def test_each_exercise_kind(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Side bridge\n"
            "          kind: hold\n"
            "          hold: 10s\n"
            "          holds: 6\n"
            "          hold_rest: 5\n"
            "        - name: Cat camel\n"
            "          kind: reps\n"
            "          reps: 8\n"
            "          tempo: {up: 2s, pause: 1, down: 1.5s}\n"
            "        - name: Walk\n"
            "          kind: timed\n"
            "          duration: 1m 30s\n"
        ),
    )
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    hold, reps, timed = loaded.program.levels[0].exercises
    assert isinstance(hold, HoldExercise)
    assert (hold.hold, hold.holds, hold.hold_rest) == (10.0, 6, 5.0)
    assert isinstance(reps, RepsExercise)
    assert (reps.reps, reps.tempo.up, reps.tempo.pause, reps.tempo.down) == (8, 2.0, 1.0, 1.5)
    assert isinstance(timed, TimedExercise)
    assert timed.duration == 90.0


def test_sides_sets_rests_and_countdown(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Bird dog\n"
            "          kind: hold\n"
            "          hold: 8s\n"
            "          sides: each\n"
            "          switch: 4s\n"
            "          sets: 3\n"
            "          rest: 20s\n"
            "          rest_after: 1m\n"
            "          get_ready: 7\n"
        ),
    )
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    (exercise,) = loaded.program.levels[0].exercises
    assert exercise.sides == "each"
    assert (exercise.switch, exercise.sets, exercise.rest, exercise.rest_after) == (4, 3, 20, 60)
    assert exercise.get_ready == 7


def test_instructions_stop_if_cues_and_progression(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Curl-up [modified]\n"
            "          kind: hold\n"
            "          hold: 10s\n"
            "          instructions: |\n"
            "            Lie on your back.\n"
            "            Keep [bold]this[/bold] literal.\n"
            "          stop_if: [Pain spreads down a leg, Numbness or tingling]\n"
            "          cues: {halfway: true, last_seconds: 0}\n"
            "          progression:\n"
            "            sets: {min: 1, max: 3}\n"
            "            hold: {min: 5s, max: 20s, step: 1s}\n",
            extra="  scaling: {safe_max: 3, acceptable_max: 6}\n",
        ),
    )
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    (exercise,) = loaded.program.levels[0].exercises
    assert exercise.name == "Curl-up [modified]"
    assert exercise.instructions == "Lie on your back.\nKeep [bold]this[/bold] literal.\n"
    assert exercise.stop_if == ["Pain spreads down a leg", "Numbness or tingling"]
    assert exercise.cues is not None and exercise.cues.halfway is True
    assert exercise.progression is not None
    assert exercise.progression.order == ("sets", "hold")  # the author's order is kept
    assert loaded.program.scaling.safe_max == 3


def test_routine_combines_programs_in_order(write: Write) -> None:
    write("programs/a.yaml", program("        - {name: A, kind: timed, duration: 30}\n"))
    write(
        "programs/b.yaml",
        program("        - {name: B, kind: timed, duration: 30}\n").replace("id: test", "id: b"),
    )
    routine = write(
        "morning.yaml",
        """\
        version: 1
        routine:
          id: morning
          name: Morning
          get_ready: 3s
          programs:
            - file: programs/b.yaml
            - file: programs/a.yaml
              level: 1
        """,
    )
    loaded = load_session_file(routine)
    assert isinstance(loaded, RoutineFile)
    assert [p.program.id for p in loaded.programs] == ["b", "test"]
    assert loaded.start_levels == (1, 1)


def test_default_exercise_id_comes_from_the_name() -> None:
    assert slugify("Side plank [left]") == "side-plank-left"
    assert slugify("  Cat / Camel  ") == "cat-camel"


# -- diagnostics: position and wording ----------------------------------------------------


def test_unknown_key_with_suggestion_points_at_the_key(write: Write) -> None:
    path = write(
        "p.yaml",
        program("        - name: A\n          kind: hold\n          hold: 5\n          setz: 3\n"),
    )
    assert errors_of(path) == ["11:11: unknown key 'setz'; did you mean 'sets'?"]


def test_unknown_key_far_from_any_lists_the_keys(write: Write) -> None:
    path = write("p.yaml", "version: 1\nzzz: 1\nprogram: {}\n")
    (first, *_) = errors_of(path)
    assert first.startswith("2:1: unknown key 'zzz'; expected one of: version, program, routine")


def test_unknown_kind_with_suggestion_points_at_kind(write: Write) -> None:
    path = write("p.yaml", program("        - name: A\n          kind: hodl\n          hold: 5\n"))
    assert errors_of(path) == [
        "9:17: unknown kind 'hodl'; did you mean 'hold'? (kinds: hold, reps, timed)"
    ]


def test_missing_key_points_at_its_mapping(write: Write) -> None:
    path = write("p.yaml", program("        - name: A\n          kind: hold\n"))
    assert errors_of(path) == ["8:11: missing key 'hold' (seconds per hold)"]


def test_missing_kind(write: Write) -> None:
    path = write("p.yaml", program("        - name: A\n          hold: 5\n"))
    assert errors_of(path) == ["8:11: missing key 'kind' (hold, reps or timed)"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hold: 1:30", "10:17: '1:30' looks like clock time, which is ambiguous; write minutes"),
        ("hold: true", "10:17: expected a duration such as 45s or 1m30s, not true"),
        ("hold: 0", "10:17: must be between 1s and 10m, not 0s"),
        ("hold: 11m", "10:17: must be between 1s and 10m, not 11m"),
        ("hold: .nan", "10:17: '.nan' is not a usable number"),
        ("sets: true", "10:17: expected a whole number, not true"),
        ("sets: 2.5", "10:17: expected a whole number, not the number 2.5"),
        ("sets: '2'", "10:17: expected a whole number, not the text '2'"),
        ("sets: 0", "10:17: must be at least 1, not 0"),
        ("sides: no", "10:18: must be 'both' or 'each', not the text 'no'"),
        (
            "sides: eech",
            "10:18: must be 'both' or 'each', not the text 'eech'; did you mean 'each'?",
        ),
        ("stop_if: Stop now", "10:20: expected a list (lines starting with '- '), not the text"),
        ("cues: {start: off}", "10:25: expected true or false, not the text 'off' (coach reads"),
        ("instructions: 12", "10:25: expected text, not the number 12; put it in quotes"),
        ("id: Bird_Dog", "10:15: 'Bird_Dog' is not a valid id: use lowercase letters"),
    ],
)
def test_field_errors_are_precise(write: Write, line: str, expected: str) -> None:
    path = write(
        "p.yaml",
        program(
            f"        - name: A\n          kind: hold\n          {line}\n"
            + ("          hold: 5\n" if not line.startswith("hold") else "")
        ),
    )
    (message,) = errors_of(path)
    assert message.startswith(expected)


def test_version_errors(write: Write) -> None:
    assert errors_of(write("a.yaml", MINIMAL_WITH_VERSION.format(version=2))) == [
        "1:10: format version 2 is not supported; this coach reads version 1"
    ]
    assert errors_of(write("b.yaml", MINIMAL_WITH_VERSION.format(version="'1'"))) == [
        "1:10: version must be the number 1"
    ]
    without = MINIMAL_WITH_VERSION.format(version=1).replace("version: 1\n", "")
    assert errors_of(write("c.yaml", without)) == [
        "1:1: missing key 'version' (format version; this is version 1)"
    ]


MINIMAL_WITH_VERSION = """\
version: {version}
program:
  id: p
  name: P
  levels: [{{name: L, exercises: [{{name: A, kind: timed, duration: 5}}]}}]
"""


def test_program_and_routine_in_one_file(write: Write) -> None:
    path = write(
        "p.yaml",
        "version: 1\nroutine: {id: r, name: R, programs: [{file: x.yaml}]}\n"
        "program: {id: p, name: P, levels: [{name: L, exercises: [{name: A, kind: timed, "
        "duration: 5}]}]}\n",
    )
    assert errors_of(path) == ["1:1: a session file defines exactly one 'program' or one 'routine'"]


def test_a_list_at_the_top(write: Write) -> None:
    assert errors_of(write("p.yaml", "- 1\n- 2\n")) == [
        "1:1: a session file is a mapping; start it with 'version: 1'"
    ]


def test_every_problem_is_reported_in_one_run(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: A\n"
            "          kind: hold\n"
            "          hold: 40s\n"
            "          progression: {hold: {min: 5s, max: 30s}, reps: {min: 1, max: 2}}\n"
            "        - name: B\n"
            "          kind: reps\n"
            "          reps: 1:30\n"
            "        - name: A\n"
            "          kind: timed\n"
            "          duration: 5\n"
            "          progression: {duration: {min: 10, max: 5}}\n",
            extra="  scaling: {safe_max: 5, acceptable_max: 5}\n  cues: {halfway: yes}\n",
        ),
    )
    assert errors_of(path) == [
        "5:42: acceptable_max (5) must be above safe_max (5)",
        "6:19: expected true or false, not the text 'yes' (coach reads YAML 1.2, where only "
        "true and false are booleans)",
        "12:17: hold 40s is outside its progression range 5s to 30s",
        "13:52: 'reps' does not apply to a hold exercise; use 'hold', 'holds' or 'sets'",
        "16:17: expected a whole number, not the text '1:30'",
        "17:17: exercise id 'a' is used twice in this level (also exercise 1); "
        "give one of them another 'id'",
        "20:50: max (5s) is below min (10s)",
    ]


def test_duplicate_key_and_schema_errors_together(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: A\n          kind: hold\n          hold: 5\n"
            "          hold: 6\n          sets: x\n"
        ),
    )
    assert errors_of(path) == [
        "11:11: duplicate key 'hold' (first given at line 10)",
        "12:17: expected a whole number, not the text 'x'",
    ]


# -- routines and files they refer to ----------------------------------------------------


def routine(*entries: str) -> str:
    body = "".join(f"    - {e}\n" for e in entries)
    return f"version: 1\nroutine:\n  id: r\n  name: R\n  programs:\n{body}"


def test_routine_reference_problems(write: Write, tmp_path: Path) -> None:
    write("sub/p.yaml", program("        - {name: A, kind: timed, duration: 5}\n"))
    write("sub/broken.yaml", "version: 1\nprogram: {id: x}\n")
    write("sub/other.yaml", routine("file: p.yaml"))
    (tmp_path.parent / "outside.yaml").write_text("version: 1\n")
    path = write(
        "sub/r.yaml",
        routine(
            "file: missing.yaml",
            "file: ../outside.yaml",
            "file: /etc/passwd",
            "file: broken.yaml",
            "file: other.yaml",
            "{file: p.yaml, level: 3}",
        ),
    )
    found = errors_of(path)
    assert "6:13: program file 'missing.yaml' does not exist" in found
    assert "7:13: '../outside.yaml' points outside this file's folder; keep it inside" in found
    assert "8:13: '/etc/passwd' must be a path relative to this file's folder" in found
    assert "9:13: program file 'broken.yaml' has errors (reported for that file)" in found
    assert "10:13: 'other.yaml' is a routine, not a program" in found
    assert "11:29: program 'test' has 1 level(s), so level 3 does not exist" in found
    # The broken program's own errors are reported against its own file.
    with pytest.raises(SessionFileError) as caught:
        load_session_file(path)
    assert any(d.path.name == "broken.yaml" for d in caught.value.diagnostics)


def test_same_program_twice(write: Write) -> None:
    write("p.yaml", program("        - {name: A, kind: timed, duration: 5}\n"))
    path = write("r.yaml", routine("file: p.yaml", "file: ./p.yaml"))
    assert errors_of(path) == [
        "7:13: program 'test' is already in this routine (entry 1); to do it again, give this "
        "entry a 'slot' (such as slot: midday): that use keeps its own history"
    ]


# -- custom cue sounds -------------------------------------------------------------------


def test_sound_paths_are_confined_and_checked(write: Write) -> None:
    write("sounds/ok.wav", b"RIFF....WAVE")
    write("sounds/huge.wav", b"\0" * (5 * 1024 * 1024 + 1))
    path = write(
        "p.yaml",
        program(
            "        - name: A\n"
            "          kind: hold\n"
            "          hold: 5\n"
            "          cues:\n"
            "            sounds:\n"
            "              start: sounds/ok.wav\n"
            "              end: sounds/missing.wav\n"
            "              tick: sounds/huge.wav\n"
        ),
    )
    loaded = load_session_file(path)
    assert [(w.severity, w.mark.line, w.message) for w in loaded.warnings] == [
        (
            Severity.WARNING,
            14,
            "sound file 'missing.wav' does not exist; the bundled end cue plays instead",
        ),
        (
            Severity.WARNING,
            15,
            "sound file 'huge.wav' is 5120 KiB; cues are limited to 5 MiB; "
            "the bundled tick cue plays instead",
        ),
    ]
    escaping = write(
        "q.yaml",
        program(
            "        - name: A\n          kind: hold\n          hold: 5\n"
            "          cues: {sounds: {start: ../../x.wav}}\n"
        ),
    )
    # Outside the folder is a warning too: the session plays, with the bundled cue.
    assert [w.render(escaping.parent) for w in load_session_file(escaping).warnings] == [
        "q.yaml:11:34: warning: '../../x.wav' points outside this file's folder; keep it "
        "inside; the bundled start cue plays instead"
    ]


def test_check_paths_walks_folders_and_reports_each_file_once(write: Write, tmp_path: Path) -> None:
    write("programs/p.yaml", program("        - {name: A, kind: timed, duration: x}\n"))
    write("r.yaml", routine("file: programs/p.yaml"))
    write("notes.txt", "not yaml")
    files, diagnostics = check_paths([tmp_path])
    assert sorted(f.name for f in files) == ["p.yaml", "r.yaml"]
    messages = [(d.path.name, d.message) for d in diagnostics]
    assert (
        messages.count(("p.yaml", "'x' is not a duration; write it like 45, 45s, 1m30s or 1m 30s"))
        == 1
    )
    broken = "program file 'programs/p.yaml' has errors (reported for that file)"
    assert ("r.yaml", broken) in messages


def test_a_routine_that_lists_itself(write: Write) -> None:
    path = write("r.yaml", routine("file: r.yaml"))
    assert errors_of(path) == ["6:13: 'r.yaml' is this routine (or includes it)"]


def test_routines_that_list_each_other(write: Write) -> None:
    write("a.yaml", routine("file: b.yaml"))
    path = write("b.yaml", routine("file: a.yaml"))
    found = errors_of(path)
    assert "6:13: 'b.yaml' is this routine (or includes it)" in found


@pytest.mark.parametrize(
    ("progression", "expected"),
    [
        ("hold: {min: 0, max: 10}", "min must be at least 1s for hold"),
        ("hold: {min: 5, max: 11m}", "max must be at most 10m for hold"),
        ("holds: {min: 1, max: 31}", "max must be at most 30 for holds"),
        ("sets: {min: 1, max: 21}", "max must be at most 20 for sets"),
    ],
)
def test_progression_ranges_stay_within_the_dose_bounds(
    write: Write, progression: str, expected: str
) -> None:
    path = write(
        "p.yaml",
        program(
            f"        - name: A\n          kind: hold\n          hold: 5\n"
            f"          progression: {{{progression}}}\n"
        ),
    )
    (message,) = errors_of(path)
    assert message.endswith(expected)


def test_default_ids_keep_accented_letters() -> None:
    assert slugify("Übung Brücke") == "ubung-brucke"
    assert slugify("Сфинкс") == ""  # no Latin letters: the loader asks for an id


def test_author_checks_warn_without_failing(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Long hold\n"
            "          kind: hold\n"
            "          hold: 40s\n"
            "          progression:\n"
            "            hold: {min: 10s, max: 45s, step: 5s}\n"
            "        - name: Few reps\n"
            "          kind: reps\n"
            "          reps: 3\n"
            "          progression:\n"
            "            reps: {min: 3, max: 8}\n"
            "        - name: Fine\n"
            "          kind: hold\n"
            "          hold: 10s\n"
            "          progression:\n"
            "            hold: {min: 10s, max: 20s, step: 2s}\n"
        ),
    )
    loaded = load_session_file(path)
    assert [f"{w.mark.line}:{w.mark.column}: {w.message}" for w in loaded.warnings] == [
        "10:17: a 40s hold is long for level 1; short repeated holds (up to 30s) build "
        "tolerance first",
        "12:35: level 1 holds may grow to 45s; keep level 1 at 30s or less and move longer "
        "holds to a later level",
        "12:46: a step of 5s raises hold 10s by 50% in one session; keep steps within 20% "
        "(here at most 2s)",
        "17:19: a step of 1 raises reps 3 by 33% in one session; with so small a count any "
        "step is more; progress another dose first",
    ]


def test_the_pain_thresholds_must_make_sense_together(write: Write) -> None:
    exercise = "        - name: Curl-up\n          kind: hold\n          hold: 10s\n"
    scaling = "  scaling:\n    acceptable_max: 5\n    stop_session_at: 5\n    rest_day_from: 2\n"
    path = write("p.yaml", program(exercise, scaling))
    assert errors_of(path) == [
        "7:22: stop_session_at (5) must be above acceptable_max (5), or an acceptable rating "
        "would end the session",
        "8:20: rest_day_from (2) must be above safe_max (2), or a settled morning would "
        "advise a rest day",
    ]
    fine = "  scaling:\n    acceptable_max: 6\n    stop_session_at: 7\n    rest_day_from: 3\n"
    assert load_session_file(write("q.yaml", program(exercise, fine))).warnings == ()


@pytest.mark.parametrize(
    ("dose", "warned"),
    [
        (
            "hold: 10s\n          progression:\n            hold: {min: 10s, max: 4m, step: 2s}",
            False,
        ),
        (
            "hold: 10s\n          progression:\n            hold: {min: 10s, max: 4m1s, step: 2s}",
            True,
        ),
        ("hold: 10s\n          sets: 10", False),
        ("hold: 10s\n          sets: 11", True),
    ],
)
def test_doses_beyond_rehabilitation_ranges_warn(write: Write, dose: str, warned: bool) -> None:
    path = write(
        "p.yaml", program(f"        - name: Plank\n          kind: hold\n          {dose}\n")
    )
    messages = [w.message for w in load_session_file(path).warnings]
    assert any("beyond what rehabilitation uses" in m for m in messages) is warned


def test_a_long_level_warns_and_ceilings_quiet_it(write: Write) -> None:
    # 6 sets of 10 holds of 60 s with 5 s between, 30 s rests: about 68 minutes.
    long = (
        "        - name: Plank\n"
        "          kind: hold\n"
        "          hold: 60s\n"
        "          holds: 10\n"
        "          sets: 6\n"
    )
    (warning,) = [
        w
        for w in load_session_file(write("p.yaml", program(long))).warnings
        if "minutes" in w.message
    ]
    assert warning.mark.line == 7 and warning.message.startswith(  # at 'exercises:'
        "with every dose at the top of its range this level takes about 68 minutes"
    )
    capped = "  scaling:\n    ceilings: {holds: 6}\n"
    warnings = load_session_file(write("q.yaml", program(long, capped))).warnings
    assert sorted(w.message for w in warnings) == [
        "a 1m hold is long for level 1; short repeated holds (up to 30s) build tolerance first",
        "holds 10 is above the program's ceiling of 6; coach never plays more than 6",
    ]


def _schema_bounds(prop: dict[str, object]) -> tuple[object, object]:
    """A dose's minimum and maximum in the JSON Schema (a number, or the number form of
    a duration, or the non-null branch of an optional one, or the one-value branch of a
    dose that may be written per set)."""
    for branch in prop.get("anyOf") or prop.get("oneOf") or [prop]:  # type: ignore[attr-defined]
        if branch.get("type") in ("integer", "number"):
            return branch["minimum"], branch["maximum"]
        if "anyOf" in branch:
            return _schema_bounds(branch)
    raise AssertionError(prop)


@pytest.mark.parametrize(
    ("model", "dose"),
    [
        ("HoldExercise", "hold"),
        ("HoldExercise", "holds"),
        ("HoldExercise", "sets"),
        ("RepsExercise", "reps"),
        ("TimedExercise", "duration"),
        *[("Ceilings", dose) for dose in ("hold", "holds", "reps", "duration", "sets")],
    ],
)
def test_one_table_bounds_every_dose(model: str, dose: str) -> None:
    """The models' bounds of a dose, the ceilings' and the loader's check of a progression
    range all come from DOSE_BOUNDS (a dose widened in one place is widened in all)."""
    from coach.format.schema import schema_dict
    from coach.format.v1 import DOSE_BOUNDS

    prop = schema_dict()["$defs"][model]["properties"][dose]
    assert _schema_bounds(prop) == DOSE_BOUNDS[dose]
