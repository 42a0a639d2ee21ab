"""Ways to make a sound, from best to last resort, and how one is chosen.

* ``simpleaudio``: plays PCM straight to the sound device; overlapping cues mix. It is an
  optional extra because it builds against the ALSA headers.
* ``player``: a system audio player found on PATH (PipeWire's ``pw-play``, PulseAudio's
  ``paplay``, ALSA's ``aplay``, macOS ``afplay``), run without a shell on a WAV file that
  coach writes once per cue into its cache. Works out of the box on most desktops.
* ``bell``: the terminal bell plus a visual flash, when nothing else can play.
* ``none``: silence (also what mute does).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from coach.audio.pcm import RATE, Pcm

__all__ = [
    "BACKEND_NAMES",
    "AudioError",
    "Backend",
    "BellBackend",
    "NullBackend",
    "PlayerBackend",
    "SimpleAudioBackend",
    "choose_backend",
]

BACKEND_NAMES = ("auto", "simpleaudio", "player", "bell", "none")
PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pw-play", ()),
    ("paplay", ()),
    ("aplay", ("-q",)),
    ("afplay", ()),
)


class AudioError(Exception):
    """A sound could not be played; said once to the user, then coach goes on."""


class Backend(Protocol):
    name: str

    def play(self, sound: Pcm) -> None:
        """Start playing and return at once; raise :class:`AudioError` on failure."""

    def close(self) -> None: ...


class NullBackend:
    name = "none"

    def play(self, sound: Pcm) -> None:
        return None

    def close(self) -> None:
        return None


class BellBackend:
    """The terminal bell and a flash, through a callback into the UI."""

    name = "bell"

    def __init__(self, ring: Callable[[], None]) -> None:
        self.ring = ring

    def play(self, sound: Pcm) -> None:
        self.ring()

    def close(self) -> None:
        return None


class SimpleAudioBackend:
    name = "simpleaudio"

    def __init__(self) -> None:
        import simpleaudio

        self._module = simpleaudio
        self._playing: list[object] = []

    def play(self, sound: Pcm) -> None:
        try:
            handle = self._module.play_buffer(sound.data, 1, 2, RATE)
        except Exception as exc:  # simpleaudio raises its own untyped errors
            raise AudioError(f"the sound device refused to play ({exc})") from None
        # Keep handles until done so overlapping cues are not cut short.
        self._playing = [h for h in self._playing if h.is_playing()]  # type: ignore[attr-defined]
        self._playing.append(handle)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._module.stop_all()


class PlayerBackend:
    """A system player on PATH, fed WAV files cached once per cue."""

    def __init__(self, executable: str, arguments: tuple[str, ...] = ()) -> None:
        self.executable = executable
        self.arguments = arguments
        self.name = f"player ({Path(executable).name})"
        self._folder = Path(tempfile.mkdtemp(prefix="coach-cues-"))
        self._files: dict[bytes, Path] = {}
        self._running: list[subprocess.Popen[bytes]] = []
        self._failure: str | None = None

    def _file_for(self, sound: Pcm) -> Path:
        key = hashlib.blake2b(sound.data, digest_size=12).digest()
        if key not in self._files:
            path = self._folder / f"{key.hex()}.wav"
            path.write_bytes(sound.wav_bytes())
            self._files[key] = path
        return self._files[key]

    def _reap(self) -> None:
        for process in [p for p in self._running if p.poll() is not None]:
            self._running.remove(process)
            if process.returncode and self._failure is None:
                self._failure = (
                    f"{Path(self.executable).name} exited with status {process.returncode}"
                )

    def play(self, sound: Pcm) -> None:
        self._reap()
        if self._failure is not None:
            # A player that fails (no device, no server) fails silently; the next cue
            # turns that into one notice and a fallback instead of endless silence.
            raise AudioError(self._failure)
        try:
            process = subprocess.Popen(
                [self.executable, *self.arguments, str(self._file_for(sound))],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise AudioError(f"{self.executable} could not start ({exc.strerror})") from None
        self._running.append(process)

    def close(self) -> None:
        for process in self._running:
            with contextlib.suppress(Exception):
                process.wait(timeout=2)
        self._reap()
        shutil.rmtree(self._folder, ignore_errors=True)


def _simpleaudio_problem() -> str | None:
    """Why simpleaudio cannot be used here, or None when it can."""
    if sys.version_info >= (3, 12) and _installed("simpleaudio"):
        # simpleaudio 1.0.4 frees memory without the GIL, which crashes the whole process
        # on Python 3.12 and newer; simpleaudio-patched is the same library, fixed.
        return (
            "simpleaudio 1.0.4 crashes on Python 3.12 and newer; "
            "install simpleaudio-patched instead (make sound)"
        )
    try:
        import simpleaudio  # noqa: F401
    except ImportError:
        return "simpleaudio is not installed (see the README)"
    return None


def _installed(distribution: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def find_player() -> tuple[str, tuple[str, ...]] | None:
    for name, arguments in PLAYERS:
        found = shutil.which(name)
        if found:
            return found, arguments
    return None


def choose_backend(wanted: str, ring: Callable[[], None]) -> tuple[Backend, str | None]:
    """The backend for ``wanted`` (one of :data:`BACKEND_NAMES`), and a note when the
    wanted one is not available and another is used instead."""
    if wanted == "none":
        return NullBackend(), None
    if wanted == "bell":
        return BellBackend(ring), None
    note = None
    if wanted in ("auto", "simpleaudio"):
        problem = _simpleaudio_problem()
        if problem is None:
            return SimpleAudioBackend(), None
        if wanted == "simpleaudio" or "crashes" in problem:
            note = problem
    if wanted in ("auto", "player", "simpleaudio"):
        player = find_player()
        if player is not None:
            return PlayerBackend(*player), note
        if wanted == "player":
            note = "no audio player (pw-play, paplay, aplay, afplay) was found"
    fallback = "no sound device or player was found; using the terminal bell"
    return BellBackend(ring), note or (fallback if wanted == "auto" else None)
