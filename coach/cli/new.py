"""``coach new program|routine FILE``: a commented, valid session file to start from.

The program template shows each kind of exercise with a modest level-1 dose; the routine
template uses a program beside it (written too, when there is none). Both start with the
``$schema`` line editors read, pointing at where ``coach schema -o`` would write the
schema. Nothing is overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

from coach.format.loader import slugify
from coach.format.text import printable, quoted

__all__ = ["PROGRAM_TEMPLATE", "ROUTINE_TEMPLATE", "SCHEMA_NAME", "new_file", "schema_path"]

SCHEMA_NAME = "coach-v1.schema.json"

PROGRAM_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A program: one track of exercises in levels, from easiest to hardest.
# Check it with `coach validate {file}` and see it with `coach preview {file}`.
# The guide to every key: docs/authoring.md (or `coach schema` for your editor).
version: 1
program:
  id: {id}                      # history follows this id: keep it when you rename
  name: {name}
  description: >-
    What this program trains and who it is for. coach is a training aid, not a
    diagnosis: if something feels wrong, stop and ask a clinician.
  get_ready: 5s
  levels:
    - name: "Level 1: tolerance"  # quoted: a colon then a space
      description: Short, easy doses so the back learns that moving is safe.
      # advance_when: Write here what must be true before moving on (asked in the offer).
      unlock:
        sessions_at_max: 2
      exercises:
        # A warm-up without a pain rating: its dose never changes.
        - id: walk
          name: Walking on the spot
          kind: timed
          duration: 1m
          rate: false
          rest_after: 15s
          instructions: >-
            Walk on the spot at an easy pace, next to a wall you can touch for balance.
          figure: walk-in-place

        # Paced repetitions. The tempo plays in the order written; a squat starts down.
        - id: pelvic-tilt
          name: Pelvic tilts
          kind: reps
          reps: 8
          sets: 2
          rest: 20-30s                # a range plays its longer end
          tempo: {{up: 2s, pause: 1s, down: 2s}}
          instructions: >-
            Lie on your back, knees bent. Tip your pelvis so your low back presses
            gently into the floor, pause, then let it return.
          stop_if:
            - "Pain spreads into a buttock or down a leg"  # quote a text with ' #'
          figure: pelvic-tilt
          progression:
            reps: {{min: 6, max: 12, step: 1}}

        # Short holds, repeated. A list gives one value per set: holds: [6, 4, 2].
        - id: bird-dog
          name: Bird dog, leg only
          kind: hold
          sides: each
          hold: 8s
          holds: 5
          hold_rest: 5s
          instructions: >-
            On all fours, brace your belly lightly. Slide one leg back to hip height
            and hold, hips level and back still.
          stop_if:
            - Your back sags or twists and you cannot correct it
          figure: bird-dog-leg
          progression:
            hold: {{min: 6s, max: 12s, step: 1s}}
            holds: {{min: 5, max: 6}}

    - name: "Level 2: light tension"
      description: Longer holds with the arm reaching too.
      exercises:
        - id: bird-dog-full
          name: Bird dog, arm and leg
          kind: hold
          sides: each
          hold: 10s
          holds: 3
          instructions: As before, but reach the opposite arm forward as the leg goes back.
          figure: bird-dog
          progression:
            hold: {{min: 8s, max: 15s, step: 1s}}
"""

ROUTINE_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A routine: the daily session, made of programs done in this order, each at the
# level the person has reached. Check it with `coach validate {file}`.
version: 1
routine:
  id: {id}
  name: {name}
  description: A short daily session. Rate your pain honestly after each set.
  programs:
    - file: {program}
      level: 1                    # where a new user starts
"""


def schema_path(folder: Path) -> str:
    """Where the schema is (or ``coach schema -o`` would put it), relative to ``folder``:
    beside the file, or one folder up for a program in ``programs/``."""
    if (folder / SCHEMA_NAME).exists():
        return SCHEMA_NAME
    if (folder.parent / SCHEMA_NAME).exists() or folder.name == "programs":
        return f"../{SCHEMA_NAME}"
    return SCHEMA_NAME


def _write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; never overwrite (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    descriptor = os.open(path, flags, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _name_of(path: Path) -> tuple[str, str]:
    """An id and a display name from the file's name: 'morning-back' -> 'Morning back'."""
    ident = slugify(path.stem) or "my-session"
    return ident, ident.replace("-", " ").capitalize()


def new_file(kind: str, target: Path) -> list[str]:
    """Write a starting ``kind`` ('program' or 'routine') file at ``target`` (``.yaml``
    added when it has no suffix); return what was written, one line each. Raises
    ``FileExistsError`` rather than overwrite, ``OSError`` when it cannot write."""
    path = target if target.suffix in (".yaml", ".yml") else target.with_suffix(".yaml")
    if path.exists():
        raise FileExistsError(f"{quoted(str(path))} exists already; coach new never overwrites")
    ident, name = _name_of(path)
    written: list[str] = []
    if kind == "program":
        text = PROGRAM_TEMPLATE.format(
            schema=schema_path(path.parent), file=str(path), id=ident, name=name
        )
        _write_new(path, text)
        written.append(f"wrote {printable(str(path))}: a program to start from")
        return written
    program = path.parent / "programs" / f"{ident}-exercises.yaml"
    if not program.exists():
        written.extend(new_file("program", program))
    text = ROUTINE_TEMPLATE.format(
        schema=schema_path(path.parent),
        file=str(path),
        id=ident,
        name=name,
        program=f"programs/{program.name}",
    )
    _write_new(path, text)
    written.append(f"wrote {printable(str(path))}: a routine to start from")
    return written
