"""Read session files into validated models, reporting every problem with its position.

The three layers each catch what the one before cannot: :mod:`coach.format.yamlsafe` (syntax,
YAML traps, hostile input), the pydantic models of :mod:`coach.format.v1` (shape and
types), and the checks here that span several fields or files (doses within their
progression bounds, unique ids, program files a routine refers to, custom sounds).
"""

from __future__ import annotations

import difflib
import math
import os
import re
import types
import typing
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Tag, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from coach.format.diagnostics import Diagnostic, Mark, SessionFileError, Severity
from coach.format.durations import format_duration
from coach.format.figure_checks import figure_problems, image_problem
from coach.format.files import file_kind
from coach.format.text import printable, quoted
from coach.format.v1 import (
    DOSE_BOUNDS,
    TEMPO_PHASES,
    CountRange,
    Cues,
    Document,
    DurationRange,
    Exercise,
    HoldExercise,
    Program,
    RepsExercise,
    Routine,
    Scaling,
    Tempo,
    TimeBudget,
    TimedExercise,
)
from coach.format.yamlsafe import DataPath, YamlDocument, load_yaml_file, read_regular_file

__all__ = [
    "MAX_SOUND_BYTES",
    "LoadedFile",
    "ProgramFile",
    "RoutineFile",
    "check_paths",
    "confined_path",
    "exercise_key",
    "load_session_file",
    "slugify",
]

MAX_SOUND_BYTES = 5 * 1024 * 1024
"""Largest custom cue file; a cue is a second or two of audio."""
MAX_STEP_FRACTION = 0.2
"""Largest progression step, as a share of the smallest dose, before validate warns."""
LEVEL_ONE_MAX_HOLD = 30.0
"""Longest level-1 hold before validate warns."""
PLAUSIBLE_MAX_HOLD = 240.0
"""Longest hold (at the top of its range) before validate warns: rehabilitation holds are
seconds to a couple of minutes (domain.md, dosing rules of thumb)."""
PLAUSIBLE_MAX_SETS = 10
"""Most sets of one exercise before validate warns."""
PLAUSIBLE_MAX_SESSION = 60 * 60.0
"""Longest level (every exercise at the top of its range) before validate warns: a daily
routine that people keep doing is minutes, not hours."""

AnyExercise = HoldExercise | RepsExercise | TimedExercise

# Which progression doses make sense for each exercise kind.
_DOSES_BY_KIND: dict[str, tuple[str, ...]] = {
    "hold": ("hold", "holds", "sets"),
    "reps": ("reps", "sets"),
    "timed": ("duration", "sets"),
}


@dataclass(frozen=True)
class ProgramFile:
    """A validated program and the file it came from."""

    path: Path
    program: Program
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class RoutineFile:
    """A validated routine, with the programs it refers to, in routine order."""

    path: Path
    routine: Routine
    programs: tuple[ProgramFile, ...]
    start_levels: tuple[int, ...]
    warnings: tuple[Diagnostic, ...] = ()


LoadedFile = ProgramFile | RoutineFile


def slugify(name: str) -> str:
    """``"Side plank [left]"`` -> ``"side-plank-left"``: the default exercise id."""
    # Decompose accents so "Übung Brücke" keeps its letters: "ubung-brucke".
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:40].rstrip("-")


def exercise_key(exercise: AnyExercise) -> str:
    """The id history and scaling know this exercise by."""
    return exercise.id or slugify(exercise.name)


def load_session_file(path: Path) -> LoadedFile:
    """Load a program or routine file; raise :class:`SessionFileError` listing every error.

    Warnings (problems that do not stop a session) are attached to the result.
    """
    diagnostics: list[Diagnostic] = []
    loaded = _Loader(diagnostics).load(path)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors or loaded is None:
        raise SessionFileError(_unique(diagnostics))
    return loaded


MAX_FOLDER_DEPTH = 32
"""Deepest folder ``coach validate FOLDER`` searches below the folder it is given."""


def check_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Validate every YAML file at or below ``paths``; return the files and all diagnostics."""
    files: list[Path] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        if not _is_dir(path):
            files.append(path)
            continue
        found, too_deep = _yaml_files_in(path)
        files.extend(found)
        if too_deep is not None:
            diagnostics.append(
                Diagnostic(
                    too_deep,
                    Mark(1, 1),
                    f"folders more than {MAX_FOLDER_DEPTH} levels below {quoted(str(path))} "
                    "are not searched; check a folder nearer the files",
                )
            )
    for path in files:
        _Loader(diagnostics).load(path)
    return files, sorted(_unique(diagnostics), key=lambda d: d.sort_key)


def _yaml_files_in(folder: Path) -> tuple[list[Path], Path | None]:
    """The YAML files at any depth below ``folder`` (up to :data:`MAX_FOLDER_DEPTH`),
    sorted, and the first folder left out for being deeper (None when none was).

    Walked with a list, not recursion, so no depth ends in a RecursionError; links to
    folders are not followed (a loop would never end), and only regular files count (a
    FIFO named x.yaml would wait for a writer forever)."""
    found: list[Path] = []
    too_deep: Path | None = None
    waiting: list[tuple[Path, int]] = [(folder, 0)]
    while waiting:
        here, depth = waiting.pop()
        try:
            entries = list(os.scandir(here))
        except (OSError, ValueError):
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_FOLDER_DEPTH:
                        waiting.append((Path(entry.path), depth + 1))
                    elif too_deep is None or entry.path < str(too_deep):
                        too_deep = Path(entry.path)
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found), too_deep


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long for the system, or with a NUL
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop (3.11)
        return path.absolute()


MAX_PROBLEMS_PER_FILE = 50
"""Most problems said for one file; the rest are counted in one more line."""


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each problem once, and at most :data:`MAX_PROBLEMS_PER_FILE` a file (in the
    order found), then one line counting the rest: 20,000 unknown keys are 51 lines."""
    seen: set[tuple[str, Mark, str]] = set()
    unique = []
    said: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        where = str(_resolved(diagnostic.path))
        key = (where, diagnostic.mark, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        of_file = said.setdefault(where, [])
        of_file.append(diagnostic)
        if len(of_file) <= MAX_PROBLEMS_PER_FILE:
            unique.append(diagnostic)
    for of_file in said.values():
        if len(of_file) > MAX_PROBLEMS_PER_FILE:
            rest = of_file[MAX_PROBLEMS_PER_FILE:]
            errors = sum(d.severity is Severity.ERROR for d in rest)
            last = max(rest, key=lambda d: d.mark)
            unique.append(
                Diagnostic(
                    last.path,
                    last.mark,
                    f"and {len(rest):,} more problems in this file, not shown",
                    Severity.ERROR if errors else Severity.WARNING,
                    count=errors or len(rest),
                )
            )
    return unique


def _missing(path: Path) -> str:
    """Why a file named in a session file cannot be read, in words: "is a folder"."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except (OSError, ValueError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    return f"is {file_kind(mode)}, not a file coach can read"


@dataclass
class _Loader:
    diagnostics: list[Diagnostic]
    loading: set[Path] = field(default_factory=set)
    """Files being loaded right now: a file met again while in here is a loop."""

    def load(self, path: Path) -> LoadedFile | None:
        key = _resolved(path)
        if key in self.loading:
            return None
        self.loading.add(key)
        try:
            return self._load(path)
        finally:
            self.loading.discard(key)

    def _load(self, path: Path) -> LoadedFile | None:
        found = self._document(path)
        if found is None:
            return None
        document, source = found
        if document.program is not None:
            return self._program_file(path, document.program, source)
        assert document.routine is not None
        return self._routine_file(path, document.routine, source)

    def _document(self, path: Path) -> tuple[Document, YamlDocument] | None:
        try:
            source = load_yaml_file(path)
        except SessionFileError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return None
        self.diagnostics.extend(source.diagnostics)
        if not isinstance(source.data, dict):
            self.diagnostics.append(
                Diagnostic(
                    path, Mark(1, 1), "a session file is a mapping; start it with 'version: 1'"
                )
            )
            return None
        try:
            document = Document.model_validate(source.data)
        except ValidationError as exc:
            self.diagnostics.extend(_explain(exc, source))
            # Still check the parts that are valid on their own, so one run reports
            # every problem rather than the first layer's.
            if isinstance(source.data.get("program"), dict):
                self._check_program(source)
            return None
        if source.diagnostics:
            return None
        return document, source

    def _report(
        self,
        source: YamlDocument,
        path: DataPath,
        message: str,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(source.path, source.mark(path, key=key), message, severity)
        )

    # -- programs ---------------------------------------------------------------------

    def _program_file(
        self, path: Path, program: Program, source: YamlDocument
    ) -> ProgramFile | None:
        before = len(self.diagnostics)
        self._check_program(source)
        new = self.diagnostics[before:]
        if any(d.severity is Severity.ERROR for d in new):
            return None
        return ProgramFile(path, program, tuple(sorted(new, key=lambda d: d.sort_key)))

    def _check_comments(self, source: YamlDocument) -> None:
        """A text shown to the user that YAML cut at `` #``: the rest of the line is a
        comment, never shown, and a stop sign may lose its point."""
        for path, (mark, rest) in sorted(source.comments.items(), key=lambda item: item[1][0]):
            if not _is_shown_text(path):
                continue
            text = _value_at(source.data, path)
            if not isinstance(text, str):
                continue
            self.diagnostics.append(
                Diagnostic(
                    source.path,
                    mark,
                    f"this text ends before {quoted(rest, limit=40)}: in YAML a space then "
                    f"'#' starts a comment, so the rest of the line is not shown. To show it, "
                    f"put the whole text in quotes: {_quoted_yaml(text, rest)}; if it is a "
                    "comment, put it on a line of its own",
                    Severity.WARNING,
                )
            )

    def _check_program(self, source: YamlDocument) -> None:
        """Checks that span fields, run on each part that is valid by itself."""
        self._check_comments(source)
        at: DataPath = ("program",)
        raw = source.data["program"]
        scaling = _valid(Scaling, raw.get("scaling", {}))
        if scaling is not None:
            self._check_scaling(scaling, source, (*at, "scaling"))
        self._check_cues(_valid(Cues, raw.get("cues")), source, (*at, "cues"))
        levels = raw.get("levels")
        for level_index, level in enumerate(levels if isinstance(levels, list) else []):
            exercises = level.get("exercises") if isinstance(level, dict) else None
            seen: dict[str, int] = {}
            top_seconds = 0.0
            for index, item in enumerate(exercises if isinstance(exercises, list) else []):
                exercise = _valid(_EXERCISE, item)
                if exercise is None:
                    continue
                where: DataPath = (*at, "levels", level_index, "exercises", index)
                key = exercise_key(exercise)
                if not key:
                    self._report(
                        source,
                        (*where, "name"),
                        "give this exercise an 'id': its name has no letters or digits",
                    )
                elif key in seen:
                    self._report(
                        source,
                        (*where, "id") if exercise.id else (*where, "name"),
                        f"exercise id {quoted(key)} is used twice in this level (also exercise "
                        f"{seen[key] + 1}); give one of them another 'id'",
                    )
                else:
                    seen[key] = index
                self._check_exercise(exercise, source, where)
                if level_index == 0:
                    self._check_first_level(exercise, source, where)
                self._check_plausible(exercise, scaling, source, where)
                top_seconds += _seconds_at_top(exercise, scaling, raw.get("get_ready"))
            # Finite: a get_ready of 1e308 (refused above) adds up to infinity here.
            if math.isfinite(top_seconds) and top_seconds > PLAUSIBLE_MAX_SESSION:
                self._report(
                    source,
                    (*at, "levels", level_index, "exercises"),
                    f"with every dose at the top of its range this level takes about "
                    f"{_long_time(top_seconds)}; a daily session is best kept under "
                    f"{_long_time(PLAUSIBLE_MAX_SESSION)} (lower the maximums, or set "
                    "ceilings in the program's 'scaling')",
                    key=True,
                    severity=Severity.WARNING,
                )

    def _check_first_level(self, exercise: AnyExercise, source: YamlDocument, at: DataPath) -> None:
        """Level 1 builds tolerance with short holds (McGill: about 10 s, repeated)."""
        if not isinstance(exercise, HoldExercise):
            return
        longest = max(exercise.per_set.get("hold", (exercise.written("hold") or 0.0,)))
        if longest > LEVEL_ONE_MAX_HOLD:
            self._report(
                source,
                (*at, "hold"),
                f"a {format_duration(longest)} hold is long for level 1; short repeated "
                f"holds (up to {LEVEL_ONE_MAX_HOLD:.0f}s) build tolerance first",
                severity=Severity.WARNING,
            )
        bounds = exercise.progression.hold if exercise.progression else None
        if bounds is not None and bounds.max > LEVEL_ONE_MAX_HOLD:
            self._report(
                source,
                (*at, "progression", "hold", "max"),
                f"level 1 holds may grow to {format_duration(bounds.max)}; keep level 1 at "
                f"{LEVEL_ONE_MAX_HOLD:.0f}s or less and move longer holds to a later level",
                severity=Severity.WARNING,
            )

    def _check_plausible(
        self,
        exercise: AnyExercise,
        scaling: Scaling | None,
        source: YamlDocument,
        at: DataPath,
    ) -> None:
        """Doses beyond the ranges rehabilitation uses, and doses above the program's
        ceilings (which coach will not play)."""
        ceilings = scaling.ceilings if scaling is not None else None
        for name in ("hold", "holds", "reps", "duration", "sets"):
            bounds = getattr(exercise.progression, name, None) if exercise.progression else None
            ceiling = getattr(ceilings, name, None)
            if bounds is not None and ceiling is not None and ceiling < bounds.min:
                # No dose is both in the range and under the ceiling: stepping back to the
                # range's min would ask more than the ceiling allows.
                show = format_duration if name in ("hold", "duration") else str
                self._report(
                    source,
                    (*at, "progression", name, "min"),
                    f"the program's ceiling for {name} ({show(ceiling)}) is below this "
                    f"range's min ({show(bounds.min)}); no dose can keep to both: raise the "
                    "ceiling or lower the min",
                )
        for name, limit in (("hold", PLAUSIBLE_MAX_HOLD), ("sets", PLAUSIBLE_MAX_SETS)):
            where, top = _top_of(exercise, name)
            if top is None:
                continue
            ceiling = getattr(ceilings, name, None)
            show = format_duration if name == "hold" else str
            if ceiling is not None and top > ceiling:
                self._report(
                    source,
                    (*at, *where),
                    f"{name} {show(top)} is above the program's ceiling of {show(ceiling)}; "
                    f"coach never plays more than {show(ceiling)}",
                    severity=Severity.WARNING,
                )
                top = ceiling
            if top > limit:
                self._report(
                    source,
                    (*at, *where),
                    f"{name} may reach {show(top)}, beyond what rehabilitation uses (up to "
                    f"{show(limit)}); lower it, or set a ceiling in the program's 'scaling'",
                    severity=Severity.WARNING,
                )
        for name in ("holds", "reps", "duration"):
            where, top = _top_of(exercise, name)
            ceiling = getattr(ceilings, name, None)
            if top is not None and ceiling is not None and top > ceiling:
                show = format_duration if name == "duration" else str
                self._report(
                    source,
                    (*at, *where),
                    f"{name} {show(top)} is above the program's ceiling of {show(ceiling)}; "
                    f"coach never plays more than {show(ceiling)}",
                    severity=Severity.WARNING,
                )

    def _check_scaling(self, scaling: Scaling, source: YamlDocument, at: DataPath) -> None:
        if scaling.stop_session_at <= scaling.acceptable_max:
            self._report(
                source,
                (*at, "stop_session_at"),
                f"stop_session_at ({scaling.stop_session_at}) must be above acceptable_max "
                f"({scaling.acceptable_max}), or an acceptable rating would end the session",
            )
        if scaling.rest_day_from <= scaling.safe_max:
            self._report(
                source,
                (*at, "rest_day_from"),
                f"rest_day_from ({scaling.rest_day_from}) must be above safe_max "
                f"({scaling.safe_max}), or a settled morning would advise a rest day",
            )
        if scaling.safe_max >= scaling.acceptable_max:
            self._report(
                source,
                (*at, "acceptable_max"),
                f"acceptable_max ({scaling.acceptable_max}) must be above safe_max "
                f"({scaling.safe_max})",
            )
        if scaling.acceptable_max >= 10:
            self._report(
                source,
                (*at, "acceptable_max"),
                "acceptable_max must be below 10, or high pain would never step a dose back",
            )

    def _check_tempo(self, exercise: RepsExercise, source: YamlDocument, at: DataPath) -> None:
        tempo = exercise.tempo
        if isinstance(tempo, Tempo):
            written = tempo.phases if tempo.written_out_of_order else ()
            missing = [name for name in TEMPO_PHASES if name not in dict(written)]
            if written and missing:
                order = ", ".join(name for name, _ in written)
                listed = ", ".join(
                    f"{{{name}: {format_duration(seconds)}}}" for name, seconds in written
                )
                self._report(
                    source,
                    (*at, "tempo"),
                    f"a tempo written in the order {order} plays in that order only with "
                    f"every phase named: add {_or_list(missing)} (0s to leave it out), or "
                    f"write it as a list: tempo: [{listed}]",
                    key=True,
                )
        elif exercise.rep_seconds <= 0:
            self._report(
                source,
                (*at, "tempo"),
                "a repetition needs some time: up, pause or down above 0",
                key=True,
            )

    def _check_per_set(self, exercise: AnyExercise, source: YamlDocument, at: DataPath) -> None:
        """Doses written per set agree on the number of sets."""
        lists = exercise.per_set
        if not lists:
            return
        counts = {name: len(values) for name, values in lists.items()}
        first, *others = counts
        for name in others:
            if counts[name] != counts[first]:
                self._report(
                    source,
                    (*at, name),
                    f"{quoted(name)} lists {counts[name]} sets but {quoted(first)} lists "
                    f"{counts[first]}; give every per-set list one value per set",
                )
        if "sets" in exercise.model_fields_set and exercise.sets != counts[first]:
            self._report(
                source,
                (*at, "sets"),
                f"sets is {exercise.sets} but {quoted(first)} lists {counts[first]} values, one "
                f"per set; leave 'sets' out (the list gives it)",
            )
        if exercise.progression is not None and exercise.progression.sets is not None:
            self._report(
                source,
                (*at, "progression", "sets"),
                f"the sets follow the list in {quoted(first)}, so 'sets' cannot progress; "
                f"progress {quoted(first)} (the whole list moves by each step)",
                key=True,
            )

    def _check_exercise(self, exercise: AnyExercise, source: YamlDocument, at: DataPath) -> None:
        self._check_per_set(exercise, source, at)
        if "rest" in exercise.model_fields_set and exercise.set_count == 1 and exercise.rest:
            self._report(
                source,
                (*at, "rest"),
                "'rest' is the rest between sets, and this exercise has one set, so it is "
                "never played; for a rest before the next exercise write 'rest_after'",
                key=True,
                severity=Severity.WARNING,
            )
        if isinstance(exercise, RepsExercise):
            self._check_tempo(exercise, source, at)
        self._check_cues(exercise.cues, source, (*at, "cues"))
        self._check_figure(exercise, source, at)
        progression = exercise.progression
        if progression is None:
            return
        if not exercise.rate:
            self._report(
                source,
                (*at, "progression"),
                "an exercise with 'rate: false' is never rated, so its dose never changes; "
                "remove its 'progression', or rate it",
                key=True,
                severity=Severity.WARNING,
            )
        allowed = _DOSES_BY_KIND[exercise.kind]
        for name in progression.order:
            bounds = getattr(progression, name)
            where: DataPath = (*at, "progression", name)
            if name not in allowed:
                self._report(
                    source,
                    where,
                    f"{quoted(name)} does not apply to a {exercise.kind} exercise; "
                    f"use {_or_list(allowed)}",
                    key=True,
                )
                continue
            self._check_range(exercise, name, bounds, source, at)

    def _check_figure(self, exercise: AnyExercise, source: YamlDocument, at: DataPath) -> None:
        for where, message, error in figure_problems(exercise):
            severity = Severity.ERROR if error else Severity.WARNING
            self._report(source, (*at, "figure", *where), message, severity=severity)
        if exercise.image is not None:
            target = confined_path(source.path.resolve().parent, exercise.image)
            if isinstance(target, str):
                self._report(source, (*at, "image"), target)
                return
            problem = image_problem(target)
            if problem:
                self._report(
                    source,
                    (*at, "image"),
                    f"{problem}; the figure shows instead",
                    severity=Severity.WARNING,
                )

    def _check_range(
        self,
        exercise: AnyExercise,
        name: str,
        bounds: CountRange | DurationRange,
        source: YamlDocument,
        at: DataPath,
    ) -> None:
        where: DataPath = (*at, "progression", name)
        show = format_duration if isinstance(bounds, DurationRange) else str
        # Each dose's own bounds in the format: a progression range may not step outside.
        low, high = DOSE_BOUNDS[name]
        if bounds.min < low:
            self._report(source, (*where, "min"), f"min must be at least {show(low)} for {name}")
            return
        if bounds.max > high:
            self._report(source, (*where, "max"), f"max must be at most {show(high)} for {name}")
            return
        if bounds.max < bounds.min:
            self._report(
                source,
                (*where, "max"),
                f"max ({show(bounds.max)}) is below min ({show(bounds.min)})",
            )
            return
        dose = exercise.written(name)
        assert dose is not None
        if not bounds.min <= dose <= bounds.max:
            first = " (the first set's)" if name in exercise.per_set else ""
            self._report(
                source,
                (*at, name),
                f"{name} {show(dose)}{first} is outside its progression range "
                f"{show(bounds.min)} to {show(bounds.max)}",
            )
        # Graded activity adds roughly 10-20% at a time; a bigger step from the bottom of
        # the range is a jump the pain-monitoring model would not make.
        # A range of one value (min equals max) never steps, whatever its step.
        if (
            bounds.min > 0
            and bounds.max > bounds.min
            and bounds.step / bounds.min > MAX_STEP_FRACTION + 1e-9
        ):
            share = f"{bounds.step / bounds.min:.0%}"
            if isinstance(bounds, DurationRange):
                advice = f"keep steps within 20% (here at most {show(bounds.min / 5)})"
            elif bounds.min * MAX_STEP_FRACTION >= 1:
                advice = f"keep steps within 20% (here at most {int(bounds.min / 5)})"
            else:
                advice = "with so small a count any step is more; progress another dose first"
            self._report(
                source,
                (*where, "step"),
                f"a step of {show(bounds.step)} raises {name} {show(bounds.min)} by {share} "
                f"in one session; {advice}",
                severity=Severity.WARNING,
            )

    def _check_cues(self, cues: Cues | None, source: YamlDocument, at: DataPath) -> None:
        if cues is None or cues.sounds is None:
            return
        base = _resolved(source.path).parent
        for name, value in cues.sounds:
            if value is None:
                continue
            where: DataPath = (*at, "sounds", name)
            # A sound that cannot be used never stops a session: it is a warning, and
            # the bundled cue of the same kind plays instead (coach.audio.cueset).
            found = confined_path(base, value)
            warning = found if isinstance(found, str) else _sound_file_problem(found)
            if warning:
                self._report(
                    source,
                    where,
                    f"{warning}; the bundled {name.replace('_', ' ')} cue plays instead",
                    severity=Severity.WARNING,
                )

    # -- routines ---------------------------------------------------------------------

    def _check_budget(
        self,
        routine: Routine,
        programs: list[ProgramFile],
        levels: list[int],
        source: YamlDocument,
    ) -> list[ProgramFile]:
        """The starting levels within the routine's max_minutes, as the preview counts;
        returns the programs, each held to its part of those minutes (its share of the
        starting time: see :class:`TimeBudget`)."""
        assert routine.max_minutes is not None
        parts: list[float] = []
        last: AnyExercise | None = None
        for program_file, level in zip(programs, levels, strict=True):
            program = program_file.program
            chosen = program.levels[program.level_number(level) - 1]
            part = 0.0
            for exercise in chosen.exercises:
                ready = exercise.get_ready
                if ready is None:
                    ready = (
                        routine.get_ready if routine.get_ready is not None else program.get_ready
                    )
                part += _seconds_as_written(exercise, ready)
                last = exercise
            parts.append(part)
        total = sum(parts)
        if last is not None:
            total -= last.rest_after  # the session ends with the last exercise
        budget = routine.max_minutes * 60
        if total > budget:
            self._report(
                source,
                ("routine", "max_minutes"),
                f"the starting levels take {format_duration(total)}, over max_minutes "
                f"({routine.max_minutes}); shorten the doses or raise max_minutes "
                "(coach preview shows the exact total)",
                severity=Severity.WARNING,
            )
        # A program whose doses never change (no progression, or never rated) keeps its
        # own time; the others share the rest in proportion to theirs.
        grows = [_can_grow(pf.program) for pf in programs]
        fixed = sum(part for part, grow in zip(parts, grows, strict=True) if not grow)
        growing = sum(parts) - fixed
        free = max(0.0, budget - fixed)

        def share(part: float, grow: bool) -> float:
            if not grow:
                return part
            return free * part / growing if growing > 0 else free

        return [
            ProgramFile(
                pf.path,
                pf.program.with_budget(
                    TimeBudget(
                        share(part, grow), routine.name, routine.max_minutes, routine.get_ready
                    )
                ),
                pf.warnings,
            )
            for pf, part, grow in zip(programs, parts, grows, strict=True)
        ]

    def _routine_file(
        self, path: Path, routine: Routine, source: YamlDocument
    ) -> RoutineFile | None:
        before = len(self.diagnostics)
        self._check_comments(source)
        base = _resolved(path).parent
        programs: list[ProgramFile] = []
        levels: list[int] = []
        ids: dict[str, int] = {}
        failed = False
        for index, ref in enumerate(routine.programs):
            where: DataPath = ("routine", "programs", index, "file")
            target = confined_path(base, ref.file)
            if isinstance(target, str):
                self._report(source, where, target)
                failed = True
                continue
            if not _is_file(target):
                self._report(source, where, f"program file {quoted(ref.file)} {_missing(target)}")
                failed = True
                continue
            if target in self.loading:
                self._report(source, where, f"{quoted(ref.file)} is this routine (or includes it)")
                failed = True
                continue
            # Shown as the author wrote it (relative to the routine), but checked resolved.
            loaded = self.load(path.parent / ref.file)
            if loaded is None:
                self._report(
                    source,
                    where,
                    f"program file {quoted(ref.file)} has errors (reported for that file)",
                )
                failed = True
                continue
            if not isinstance(loaded, ProgramFile):
                self._report(source, where, f"{quoted(ref.file)} is a routine, not a program")
                failed = True
                continue
            program = loaded.program
            if ref.slot is not None:
                # Another use of the program: its own id, so its own history and level.
                program = program.model_copy(
                    update={
                        "id": f"{program.id}-{ref.slot}",
                        "name": f"{program.name} ({ref.slot})",
                    }
                )
                loaded = ProgramFile(loaded.path, program, loaded.warnings)
            if ref.level > len(program.levels):
                self._report(
                    source,
                    ("routine", "programs", index, "level"),
                    f"program '{program.id}' has {len(program.levels)} level(s), "
                    f"so level {ref.level} does not exist",
                )
                failed = True
            if program.id in ids:
                self._report(
                    source,
                    where,
                    f"program '{program.id}' is already in this routine "
                    f"(entry {ids[program.id] + 1}); to do it again, give this entry a "
                    "'slot' (such as slot: midday): that use keeps its own history",
                )
                failed = True
            ids[program.id] = index
            programs.append(loaded)
            levels.append(ref.level)
        if not failed and routine.max_minutes is not None:
            programs = self._check_budget(routine, programs, levels, source)
        new = self.diagnostics[before:]
        if failed or any(d.severity is Severity.ERROR for d in new):
            return None
        # The programs' warnings are among ``new`` already (read by this loader): once each.
        warnings = tuple(dict.fromkeys([*new, *(w for p in programs for w in p.warnings)]))
        return RoutineFile(path, routine, tuple(programs), tuple(levels), warnings)


_Part = typing.TypeVar("_Part")

_SHOWN_TEXTS = frozenset({"name", "description", "instructions", "label", "advance_when"})
"""Keys whose text the user reads (stop signs too, as the items of ``stop_if``)."""


def _is_shown_text(path: DataPath) -> bool:
    if len(path) >= 2 and path[-2] == "stop_if":
        return True
    return bool(path) and path[-1] in _SHOWN_TEXTS and "figure" not in path


def _quoted_yaml(text: str, rest: str) -> str:
    """``text`` and the ``rest`` of its line as one double-quoted YAML scalar an author
    can paste in place of the line. Whole, however long: a suggestion shortened with an
    ellipsis, once pasted, would cut the very text it set out to keep."""
    escaped = printable(f"{text} {rest}").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _top_of(exercise: AnyExercise, name: str) -> tuple[DataPath, float | None]:
    """Where the largest ``name`` dose of ``exercise`` is written, and its value: the top
    of its progression range, else the dose itself (None when the kind has no such dose)."""
    bounds = getattr(exercise.progression, name, None) if exercise.progression else None
    value = exercise.written(name) if name != "sets" else exercise.set_count
    # A pyramid's largest set: its difference from the first set, added to the top.
    values = exercise.per_set.get(name)
    above = max(values) - values[0] if values else 0
    if bounds is not None and (value is None or bounds.max >= value):
        return ("progression", name, "max"), bounds.max + above
    return (name,), None if value is None else value + above


def _long_time(seconds: float) -> str:
    """'45 minutes', '21 hours'."""
    minutes = round(seconds / 60)
    return f"{minutes} minutes" if minutes < 120 else f"{round(minutes / 60)} hours"


def _seconds_at_top(exercise: AnyExercise, scaling: Scaling | None, get_ready: object) -> float:
    """About how long ``exercise`` takes with every dose at the top of its range (under
    the program's ceilings): the work, the rests between holds and sets, the switch."""

    def top(name: str) -> float:
        value = _top_of(exercise, name)[1] or 0.0
        ceiling = getattr(scaling.ceilings, name, None) if scaling is not None else None
        return min(value, ceiling) if ceiling is not None else value

    if isinstance(exercise, HoldExercise):
        holds = top("holds")
        work = top("hold") * holds + exercise.hold_rest * max(holds - 1, 0)
    elif isinstance(exercise, RepsExercise):
        work = top("reps") * exercise.rep_seconds
    else:
        work = top("duration")
    if exercise.sides == "each":
        work = 2 * work + exercise.switch
    sets = top("sets")
    ready = exercise.get_ready if exercise.get_ready is not None else get_ready
    ready = ready if isinstance(ready, int | float) else 5.0
    return ready + sets * work + exercise.rest * max(sets - 1, 0) + exercise.rest_after


def _can_grow(program: Program) -> bool:
    """Whether any dose of ``program`` can go up: an exercise with a progression that is
    rated (one never rated never changes)."""
    return any(e.progression is not None and e.rate for lv in program.levels for e in lv.exercises)


def _seconds_as_written(exercise: AnyExercise, ready: float) -> float:
    """About how long ``exercise`` takes as written, rests after it included."""
    sets = exercise.set_count
    work = 0.0
    for number in range(sets):

        def at(name: str, number: int = number) -> float:
            values = exercise.per_set.get(name)
            if values is not None:
                return float(values[min(number, len(values) - 1)])
            return float(exercise.written(name) or 0)

        if isinstance(exercise, HoldExercise):
            holds = int(at("holds"))
            one = at("hold") * holds + exercise.hold_rest * max(holds - 1, 0)
        elif isinstance(exercise, RepsExercise):
            one = at("reps") * exercise.rep_seconds
        else:
            one = at("duration")
        work += 2 * one + exercise.switch if exercise.sides == "each" else one
    return ready + work + exercise.rest * max(sets - 1, 0) + exercise.rest_after


def _valid(kind: type[_Part] | TypeAdapter[_Part], data: object) -> _Part | None:
    """``data`` as a ``kind``, or None when it is not valid (the errors are reported elsewhere)."""
    if data is None:
        return None
    adapter = kind if isinstance(kind, TypeAdapter) else TypeAdapter(kind)
    try:
        return adapter.validate_python(data)
    except ValidationError:
        return None


_EXERCISE: TypeAdapter[AnyExercise] = TypeAdapter(Exercise)


def confined_path(base: Path, relative: str) -> Path | str:
    """Resolve ``relative`` under ``base``; return a message if it escapes ``base`` or
    cannot be a path at all (a NUL, a name too long for the system)."""
    shown = quoted(relative)
    try:
        candidate = Path(relative)
        if candidate.is_absolute() or relative.startswith("~"):
            return f"{shown} must be a path relative to this file's folder"
        resolved = (base / candidate).resolve()
    except (OSError, ValueError, RuntimeError):
        return f"{shown} is not a usable path"
    if not resolved.is_relative_to(base):
        return f"{shown} points outside this file's folder; keep it inside"
    return resolved


def _sound_file_problem(path: Path) -> str | None:
    name = quoted(path.name)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return f"sound file {name} does not exist"
    except (OSError, ValueError) as exc:
        return f"sound file {name} cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if size > MAX_SOUND_BYTES:
        return f"sound file {name} is {size // 1024} KiB; cues are limited to 5 MiB"
    try:
        # Opened as the audio layer opens it: never blocking, regular files only.
        read_regular_file(path, 0)
    except OSError as exc:
        reason = str(exc) if exc.strerror is None else f"cannot be read ({exc.strerror})"
        return f"sound file {name} {reason}"
    return None


def _or_list(items: Iterable[str]) -> str:
    names = [quoted(item) for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# -- turning pydantic errors into author-facing messages ------------------------------------


def _explain(exc: ValidationError, source: YamlDocument) -> list[Diagnostic]:
    found = []
    for error in exc.errors(include_url=False):
        data_path, parent_model = _walk(tuple(error["loc"]))
        if any(data_path[: len(r)] == r for r in source.reported):
            continue
        message = _message(error, data_path, parent_model, source)
        key_only = error["type"] in ("extra_forbidden",)
        if error["type"] in ("union_tag_invalid",):
            data_path = (*data_path, "kind")
        found.append(Diagnostic(source.path, source.mark(data_path, key=key_only), message))
    return found


def _unwrap(annotation: Any) -> Any:  # Any: a type annotation, walked at run time
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _walk(loc: tuple[int | str, ...]) -> tuple[DataPath, type[BaseModel] | None]:
    """Map a pydantic error location to a data path, skipping union tags.

    Also returns the model class holding the last element, for did-you-mean suggestions.
    """
    annotation: Any = Document  # Any: a type annotation, walked at run time
    data_path: list[str | int] = []
    parent: type[BaseModel] | None = None
    for segment in loc:
        annotation = _unwrap(annotation)
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            # A tagged union: this segment names the member pydantic tried.
            members = {_kind_of(m): m for m in typing.get_args(annotation) if isinstance(m, type)}
            members.update(_tagged(annotation))
            annotation = members.get(segment) if isinstance(segment, str) else None
            continue
        data_path.append(segment)
        if origin is list:
            annotation = typing.get_args(annotation)[0]
            parent = None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            parent = annotation
            info = annotation.model_fields.get(str(segment))
            annotation = info.annotation if info is not None else None
        else:
            annotation = None
            parent = None
    return tuple(data_path), parent


def _tagged(union: Any) -> dict[str | None, Any]:  # Any: a union and its annotations
    """Members of a union told apart by a callable discriminator, by their Tag."""
    found: dict[str | None, Any] = {}  # Any: annotations by their tag
    for member in typing.get_args(union):
        if typing.get_origin(member) is typing.Annotated:
            for meta in member.__metadata__:
                if isinstance(meta, Tag):
                    found[meta.tag] = typing.get_args(member)[0]
    return found


def _kind_of(model: type) -> str | None:
    if isinstance(model, type) and issubclass(model, BaseModel) and "kind" in model.model_fields:
        args = typing.get_args(model.model_fields["kind"].annotation)
        return str(args[0]) if args else None
    return None


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {quoted(value)}" if len(value) <= 40 else "a long text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "this value"


def _value_at(data: object, path: DataPath) -> object:
    for segment in path:
        if isinstance(data, dict) and segment in data:
            data = data[segment]
        elif isinstance(data, list) and isinstance(segment, int) and 0 <= segment < len(data):
            data = data[segment]
        else:
            return None
    return data


def _first_sentence(model: type[BaseModel] | None, name: str) -> str:
    if model is None or name not in model.model_fields:
        return ""
    description = model.model_fields[name].description or ""
    sentence = description.split(". ")[0].split("\n")[0].rstrip(".")
    return f" ({sentence[0].lower()}{sentence[1:]})" if sentence else ""


_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}
_OWN_DOSES = {
    "hold": "'hold' (seconds per hold) and 'holds' (holds per set)",
    "reps": "'reps' (repetitions per set) and 'tempo'",
    "timed": "'duration' (seconds of work per set)",
}


def _kind_with(name: str, parent: type[BaseModel] | None) -> str | None:
    """For a key of another kind of exercise ('reps' on a hold): which kind has it, and
    what this kind has instead; None when no other kind has it."""
    mine = _kind_of(parent) if parent is not None else None
    if mine is None:
        return None
    for model in (HoldExercise, RepsExercise, TimedExercise):
        kind = _kind_of(model)
        if kind != mine and name in model.model_fields and name not in parent.model_fields:  # type: ignore[union-attr]
            return (
                f"{quoted(name)} is a key of a {kind} exercise, not of a {mine} one: a {mine} "
                f"exercise has {_OWN_DOSES[mine]}; for {name}, write kind: {kind}"
            )
    return None


_TEMPO_NUMBERS = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*[-/:]\s*(\d+(?:\.\d+)?)\s*[-/:]\s*(\d+(?:\.\d+)?)\s*$"
)


def _tempo_form(value: object) -> str:
    """How a tempo is written, from what was written instead: '3-1-3' reads as up, pause
    and down in seconds (the usual tempo notation)."""
    forms = (
        "write it as a mapping, tempo: {up: 3s, pause: 1s, down: 3s}, or as a list in "
        "the order played, tempo: [{down: 3s}, {pause: 1s}, {up: 3s}]"
    )
    numbers = _TEMPO_NUMBERS.match(value) if isinstance(value, str) else None
    if numbers is None:
        return f"a tempo is not {_describe(value)}: {forms}"
    up, pause, down = numbers.groups()
    return (
        f"a tempo is not {_describe(value)}: if that is {up}s up, {pause}s pause and {down}s "
        f"down, write tempo: {{up: {up}s, pause: {pause}s, down: {down}s}}; to start with "
        f"down, a list in the order played: tempo: [{{down: {up}s}}, {{pause: {pause}s}}, "
        f"{{up: {down}s}}]"
    )


def _message(
    error: ErrorDetails,
    data_path: DataPath,
    parent: type[BaseModel] | None,
    source: YamlDocument,
) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = _value_at(source.data, data_path)
    name = str(data_path[-1]) if data_path else "document"
    if kind == "missing":
        return f"missing key {quoted(name)}{_first_sentence(parent, name)}"
    if kind == "extra_forbidden":
        other = _kind_with(name, parent)
        if other is not None:
            return other
        known = list(parent.model_fields) if parent is not None else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = (
            f"; did you mean {quoted(close[0])}?"
            if close
            else (f"; expected one of: {', '.join(known)}" if known else "")
        )
        return f"unknown key {quoted(name)}{hint}"
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        tag = ctx.get("tag")
        close = difflib.get_close_matches(str(tag), tags, n=1, cutoff=0.5)
        hint = f"did you mean {quoted(close[0])}? " if close else ""
        if not str(tag).strip():
            return f"'kind' is empty; write one of: {', '.join(tags)}"
        return f"unknown kind {quoted(str(tag))}; {hint}(kinds: {', '.join(tags)})"
    if kind == "union_tag_not_found":
        if isinstance(value, dict):
            return "missing key 'kind' (hold, reps or timed)"
        return f"expected a mapping describing an exercise, not {_describe(value)}"
    if kind == "literal_error":
        if data_path == ("version",):
            if isinstance(value, int) and not isinstance(value, bool):
                return f"format version {value} is not supported; this coach reads version 1"
            return "version must be the number 1"
        expected = str(ctx.get("expected", ""))
        options = [o.strip(" '") for o in re.split(r",| or ", expected) if o.strip(" '")]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        hint = f"; did you mean {quoted(close[0])}?" if close and isinstance(value, str) else ""
        return f"must be {expected}, not {_describe(value)}{hint}"
    if kind in ("int_type", "int_from_float"):
        return f"expected a whole number, not {_describe(value)}"
    if kind == "bool_type":
        hint = ""
        if isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
            hint = " (coach reads YAML 1.2, where only true and false are booleans)"
        return f"expected true or false, not {_describe(value)}{hint}"
    if kind == "string_type":
        hint = "; put it in quotes to make it text" if isinstance(value, int | float | bool) else ""
        return f"expected text, not {_describe(value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if data_path[-1:] == ("tempo",):
            return _tempo_form(value)
        return f"expected a mapping of keys and values, not {_describe(value)}"
    if kind == "list_type":
        return f"expected a list (lines starting with '- '), not {_describe(value)}"
    if kind == "greater_than_equal":
        return (
            f"must be at least {ctx.get('ge')}, not {_describe(value).removeprefix('the number ')}"
        )
    if kind == "less_than_equal":
        return (
            f"must be at most {ctx.get('le')}, not {_describe(value).removeprefix('the number ')}"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(str(value))} characters; the limit is {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        return (
            f"{quoted(str(value))} is not a valid id: use lowercase letters, digits and dashes, "
            "like 'bird-dog'"
        )
    if kind == "too_short":
        need = ctx.get("min_length")
        return f"needs at least {need} item{'s' if need != 1 else ''}"
    if kind == "too_long":
        return f"has too many items (the limit is {ctx.get('max_length')})"
    return str(error["msg"]).removeprefix("Value error, ")
