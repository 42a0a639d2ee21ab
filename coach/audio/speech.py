"""Spoken announcements from a speech engine on the machine (espeak-ng), when there is one.

Each phrase is rendered to a WAV once, cached on disk by a hash of the engine and the
text, and decoded to PCM before the session, so speaking costs no more than a cue.

Rendering happens before a session starts, behind "Loading today's session...", so it
has a short total budget: the phrases not yet cached render a few at a time in
parallel, each finished one is cached at once (a later session starts with them), and
whatever is not done when the budget runs out is killed. An engine that fails or hangs
thus costs at most :data:`SPEECH_SECONDS` once, and speech is then off for that session
with one notice, rather than 15 s for every phrase of every session.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coach.audio.decoding import read_wav
from coach.audio.pcm import Pcm, PcmError
from coach.base.atomic import commit, temporary_beside

__all__ = ["COUNTS", "SPEECH_SECONDS", "Rendered", "Speech", "find_engine", "speech_key"]

COUNTS = {3: "three", 2: "two", 1: "one"}
SPEECH_SECONDS = 2.0
"""The most that rendering a session's phrases may take, all of them together."""
PARALLEL = 4
"""Phrases rendered at once: espeak-ng takes a fraction of a second and one core each."""


def find_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def speech_key(text: str) -> str:
    return f"say:{text}"


@dataclass
class Rendered:
    """What rendering gave: the sounds, and why speech is off if it is."""

    sounds: dict[str, Pcm] = field(default_factory=dict)
    problem: str | None = None


class Speech:
    """Renders phrases with ``engine`` into ``cache_dir`` (once each) and decodes them."""

    def __init__(self, engine: str, cache_dir: Path, *, budget: float = SPEECH_SECONDS) -> None:
        self.engine = engine
        self.cache_dir = cache_dir
        self.budget = budget
        self.rendered = 0

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{Path(self.engine).name}\n{text}".encode()).hexdigest()
        return self.cache_dir / f"{digest[:24]}.wav"

    def render_all(self, phrases: Iterable[str], volume: float) -> Rendered:
        """Every phrase as PCM, from the cache or rendered now within the budget; when
        the engine fails or runs out of time, no sounds and the reason (speech is off)."""
        wanted = list(dict.fromkeys(phrases))
        missing = [text for text in wanted if not self._path(text).exists()]
        problem = self._render(missing) if missing else None
        if problem is not None:
            return Rendered(problem=problem)
        result = Rendered()
        for text in wanted:
            path = self._path(text)
            try:
                result.sounds[speech_key(text)] = read_wav(path).scaled(volume)
            except PcmError:
                path.unlink(missing_ok=True)  # a broken file is rendered again next time
                return Rendered(problem=f"{self._name} wrote a sound coach cannot read")
        return result

    @property
    def _name(self) -> str:
        return Path(self.engine).name

    def _render(self, phrases: list[str]) -> str | None:
        """Render ``phrases`` into the cache; the reason it could not, or None."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"the speech cache cannot be written ({exc.strerror})"
        deadline = time.monotonic() + self.budget
        waiting = list(phrases)
        running: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
        problem: str | None = None
        try:
            while (waiting or running) and problem is None:
                while waiting and len(running) < PARALLEL:
                    text = waiting.pop(0)
                    target = self._path(text)
                    try:
                        partial = temporary_beside(target)
                    except OSError as exc:
                        return f"the speech cache cannot be written ({exc.strerror})"
                    try:
                        process = subprocess.Popen(
                            [self.engine, "-w", str(partial), "--", text],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                    except OSError as exc:
                        partial.unlink(missing_ok=True)
                        return f"{self._name} cannot start ({exc.strerror})"
                    running.append((process, partial, target))
                for entry in list(running):
                    process, partial, target = entry
                    if process.poll() is None:
                        continue
                    running.remove(entry)
                    if process.returncode != 0:
                        partial.unlink(missing_ok=True)
                        problem = f"{self._name} failed (exit status {process.returncode})"
                        break
                    # Cached as soon as it is done, even if a later phrase fails.
                    try:
                        commit(partial, target)
                        self.rendered += 1
                    except OSError:
                        partial.unlink(missing_ok=True)
                if problem is None and time.monotonic() >= deadline:
                    problem = f"{self._name} did not answer within {self.budget:g} s"
                if running and problem is None:
                    time.sleep(0.01)
        finally:
            for process, partial, _ in running:
                process.kill()
                process.wait()
                partial.unlink(missing_ok=True)
        return problem
