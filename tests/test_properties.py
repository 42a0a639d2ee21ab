"""Property tests: no input makes the loader crash, and valid files preview consistently."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.config.locations import bundled_sessions_dir
from coach.engine.timeline import StepKind, build_timeline, plan_session
from coach.format.diagnostics import SessionFileError
from coach.format.loader import ProgramFile, load_session_file

from .profiles import examples
from .strategies import documents, dump, valid_programs

PROPERTY = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def load_bytes(raw: bytes, name: str = "doc.yaml") -> Any:
    """Load raw bytes as a session file: the only allowed failure is SessionFileError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        try:
            return load_session_file(path)
        except SessionFileError as exc:
            assert exc.diagnostics, "a failure must say what is wrong"
            for diagnostic in exc.diagnostics:
                assert diagnostic.mark.line >= 1 and diagnostic.mark.column >= 1
                assert diagnostic.message and "Traceback" not in diagnostic.message
            return exc


@PROPERTY
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(raw: bytes) -> None:
    load_bytes(raw)


@PROPERTY
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`,? \n\t01.~")), max_size=300))
def test_random_yaml_punctuation_never_crashes(text: str) -> None:
    load_bytes(text.encode())


@PROPERTY
@given(documents())
def test_random_documents_never_crash(document: Any) -> None:
    load_bytes(dump(document).encode())


BUNDLED = {path.name: path.read_bytes() for path in sorted(bundled_sessions_dir().rglob("*.yaml"))}


@PROPERTY
@given(st.data())
def test_mutated_bundled_files_never_crash(data: st.DataObject) -> None:
    source = BUNDLED[data.draw(st.sampled_from(sorted(BUNDLED)))]
    lines = source.splitlines(keepends=True)
    operation = data.draw(st.sampled_from(["delete", "duplicate", "replace", "flip"]))
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if operation == "delete":
        del lines[index]
    elif operation == "duplicate":
        lines.insert(index, lines[index])
    elif operation == "replace":
        lines[index] = data.draw(st.text(max_size=40)).encode() + b"\n"
    else:
        raw = bytearray(lines[index])
        if raw:
            at = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
            raw[at] = data.draw(st.integers(min_value=0, max_value=255))
        lines[index] = bytes(raw)
    load_bytes(b"".join(lines), "mutated.yaml")


@PROPERTY
@given(valid_programs())
def test_valid_programs_load_and_time_adds_up(document: dict[str, Any]) -> None:
    loaded = load_bytes(dump(document).encode())
    assert isinstance(loaded, ProgramFile), loaded
    timeline = build_timeline(plan_session(loaded))
    steps = timeline.steps
    assert timeline.total == pytest.approx(sum(s.duration for s in steps))
    for before, after in itertools.pairwise(steps):
        assert after.start == pytest.approx(before.end)
    ratings = [s for s in steps if s.kind is StepKind.RATE]
    assert len(ratings) == sum(e.dose.sets for e in timeline.plan.exercises)
