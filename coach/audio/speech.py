"""Spoken announcements from a speech engine on the machine (espeak-ng), when there is one.

Each phrase is rendered to a WAV once, cached on disk by a hash of the engine and the
text, and decoded to PCM before the session, so speaking costs no more than a cue.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from coach.audio.pcm import Pcm, PcmError, read_wav

__all__ = ["COUNTS", "Speech", "find_engine", "speech_key"]

COUNTS = {3: "three", 2: "two", 1: "one"}
RENDER_TIMEOUT = 15.0


def find_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def speech_key(text: str) -> str:
    return f"say:{text}"


class Speech:
    """Renders phrases with ``engine`` into ``cache_dir`` (once each) and decodes them."""

    def __init__(self, engine: str, cache_dir: Path) -> None:
        self.engine = engine
        self.cache_dir = cache_dir
        self.rendered = 0

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{Path(self.engine).name}\n{text}".encode()).hexdigest()
        return self.cache_dir / f"{digest[:24]}.wav"

    def render(self, text: str) -> Pcm | None:
        """The phrase as PCM, or None if the engine cannot say it."""
        path = self._path(text)
        if not path.exists():
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.part")
                subprocess.run(
                    [self.engine, "-w", str(partial), "--", text],
                    check=True,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=RENDER_TIMEOUT,
                )
                partial.replace(path)
                self.rendered += 1
            except (OSError, subprocess.SubprocessError):
                return None
        try:
            return read_wav(path)
        except PcmError:
            path.unlink(missing_ok=True)
            return None

    def render_all(self, phrases: Iterable[str], volume: float) -> dict[str, Pcm]:
        sounds = {}
        for text in dict.fromkeys(phrases):
            pcm = self.render(text)
            if pcm is not None:
                sounds[speech_key(text)] = pcm.scaled(volume)
        return sounds
