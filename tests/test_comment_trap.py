"""A space then '#' ends an unquoted YAML text: what follows is a comment, never shown.
coach warns where the text reaches the person (names, instructions, stop signs), at the
'#', with the quoted form that keeps it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from coach.format.loader import ProgramFile, RoutineFile, _quoted_yaml, load_session_file
from coach.format.yamlsafe import load_yaml_bytes

from .test_loader import program

Write = Callable[..., Path]


def warnings_of(path: Path) -> list[str]:
    loaded = load_session_file(path)
    return [f"{w.mark.line}:{w.mark.column}: {w.message}" for w in loaded.warnings]


def test_a_stop_sign_cut_at_space_hash_warns_at_the_hash_with_the_fix(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Bird dog\n"
            "          kind: hold\n"
            "          hold: 8s\n"
            "          stop_if:\n"
            "            - Pain spreads into the buttock #or down the leg\n"
        ),
    )
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    # What YAML reads: the sign is cut, which is why coach must say so.
    assert loaded.program.levels[0].exercises[0].stop_if == ["Pain spreads into the buttock"]
    assert warnings_of(path) == [
        "12:45: this text ends before '#or down the leg': in YAML a space then '#' starts "
        "a comment, so the rest of the line is not shown. To show it, put the whole text "
        'in quotes: "Pain spreads into the buttock #or down the leg"; if it is a comment, '
        "put it on a line of its own"
    ]


def test_comments_after_numbers_ids_and_quoted_texts_are_quiet(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: 'Bird dog # quoted'\n"
            "          id: bird-dog  # the id\n"
            "          kind: hold\n"
            "          hold: 8s  # eight seconds\n"
            "          figure: bird-dog # a bundled figure\n"
            "          instructions: >-\n"
            "            In a folded block #this is text,\n"
            "            not a comment.\n"
        ),
    )
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    exercise = loaded.program.levels[0].exercises[0]
    assert exercise.instructions == "In a folded block #this is text, not a comment."
    assert warnings_of(path) == []


def test_every_text_the_person_reads_is_checked(write: Write) -> None:
    write(
        "programs/p.yaml",
        "version: 1\n"
        "program:\n"
        "  id: p\n"
        "  name: Holds # name\n"
        "  description: For the back # description\n"
        "  levels:\n"
        "    - name: Level 1 # level name\n"
        "      description: Tolerance # level description\n"
        "      exercises:\n"
        "        - name: Bird dog # exercise name\n"
        "          kind: hold\n"
        "          hold: 8s\n"
        "          label: hold still # label\n"
        "          instructions: Brace # instructions\n",
    )
    routine = write(
        "r.yaml",
        "version: 1\n"
        "routine:\n"
        "  id: r\n"
        "  name: Morning # routine name\n"
        "  description: Daily # routine description\n"
        "  programs:\n"
        "    - file: programs/p.yaml # a path is not shown\n",
    )
    loaded = load_session_file(routine)
    assert isinstance(loaded, RoutineFile)
    cut = [re.search(r"ends before '([^']*)'", w.message) for w in loaded.warnings]
    assert sorted(m.group(1) for m in cut if m) == sorted(
        [
            "# routine name",
            "# routine description",
            "# name",
            "# description",
            "# level name",
            "# level description",
            "# exercise name",
            "# label",
            "# instructions",
        ]
    )


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


def _plain_text(text: str) -> bool:
    """YAML reads ``text``, unquoted, as that text (not 'true' or 'null' as a boolean or
    nothing: a sign is words, and those words are not what this test is about)."""
    return load_yaml_bytes(f"x: {text}\n".encode(), Path("t.yaml")).data == {"x": text}


@given(
    before=st.lists(_WORD, min_size=1, max_size=5).map(" ".join).filter(_plain_text),
    after=st.lists(_WORD, min_size=1, max_size=5).map(" ".join),
    gap=st.sampled_from([" ", "  ", "   "]),
)
# A text over 40 characters: its suggestion was once shortened with an ellipsis.
@example(before="aaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa", after="a", gap=" ")
def test_the_suggested_quotes_keep_the_whole_text(before: str, after: str, gap: str) -> None:
    """Any sign cut at a space and '#': the warning points at the '#', and pasting the
    quoted text it suggests gives back the whole sign."""
    line = f"{before}{gap}#{after}"
    text = program(
        "        - name: Bird dog\n"
        "          kind: hold\n"
        "          hold: 8s\n"
        "          stop_if:\n"
        f"            - {line}\n"
    )
    source = load_yaml_bytes(text.encode(), Path("p.yaml"))
    path = ("program", "levels", 0, "exercises", 0, "stop_if", 0)
    assert source.data["program"]["levels"][0]["exercises"][0]["stop_if"] == [before]
    mark, rest = source.comments[path]
    assert (mark.line, mark.column) == (12, 15 + len(before) + len(gap))
    assert rest == f"#{after}"

    fixed = text.replace(line, _quoted_yaml(before, rest))
    again = load_yaml_bytes(fixed.encode(), Path("p.yaml"))
    assert again.data["program"]["levels"][0]["exercises"][0]["stop_if"] == [f"{before} #{after}"]
    assert again.comments == {}
