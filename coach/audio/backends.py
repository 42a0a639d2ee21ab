"""Ways to make a sound, from best to last resort, and how one is chosen.

* ``simpleaudio``: plays PCM straight to the sound device; overlapping cues mix. It is an
  optional extra because it builds against the ALSA headers.
* ``player``: a system audio player found on PATH (PipeWire's ``pw-play``, PulseAudio's
  ``paplay``, ALSA's ``aplay``, macOS ``afplay``), run without a shell on a WAV file that
  coach writes once per cue into a temporary folder (removed on close).
* ``bell``: the terminal bell plus a visual flash, when nothing else can play.
* ``none``: silence (also what mute does).

A backend is tried before a session with a silent probe (a few milliseconds of
silence, played and waited for): one that fails is closed and the next is tried, so the
first cue of a session is never the one that finds out the device does not work.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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
    "find_players",
]

BACKEND_NAMES = ("auto", "simpleaudio", "player", "bell", "none")
PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pw-play", ()),
    ("paplay", ()),
    ("aplay", ("-q",)),
    ("afplay", ()),
)
PROBE = Pcm(b"\x00\x00" * (RATE // 50))
"""20 ms of silence: enough for a device to show it works, too short to hear."""
PROBE_SECONDS = 2.0
"""How long a probe may take before the backend counts as hung."""


class AudioError(Exception):
    """A sound could not be played; said once to the user, then coach goes on."""


class Backend(Protocol):
    name: str

    def play(self, sound: Pcm) -> None:
        """Start playing and return at once; raise :class:`AudioError` on failure."""

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        """Play and wait until done; raise :class:`AudioError` on failure or timeout."""

    def stop(self) -> None:
        """Stop every sound playing now (mute)."""

    def close(self) -> None:
        """Release everything, without waiting for sounds still playing."""


class NullBackend:
    name = "none"

    def play(self, sound: Pcm) -> None:
        return None

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        return None

    def stop(self) -> None:
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

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        self.ring()

    def stop(self) -> None:
        return None

    def close(self) -> None:
        return None


class SimpleAudioBackend:
    name = "simpleaudio"

    def __init__(self) -> None:
        from coach.audio.alsa import quiet_alsa

        # Before the first call into ALSA: its own error lines would land on the TUI.
        quiet_alsa()
        import simpleaudio

        self._module = simpleaudio
        self._playing: list[object] = []

    def _start(self, sound: Pcm) -> object:
        try:
            return self._module.play_buffer(sound.data, 1, 2, RATE)
        except Exception as exc:  # simpleaudio raises its own untyped errors
            reason = str(exc).split(" -- MSG: ")[-1].strip() or type(exc).__name__
            raise AudioError(f"the sound device refused to play ({reason})") from None

    def play(self, sound: Pcm) -> None:
        handle = self._start(sound)
        # Keep handles until done so overlapping cues are not cut short.
        self._playing = [h for h in self._playing if h.is_playing()]  # type: ignore[attr-defined]
        self._playing.append(handle)

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        handle = self._start(sound)
        deadline = time.monotonic() + timeout
        while handle.is_playing():  # type: ignore[attr-defined]
            if time.monotonic() >= deadline:
                handle.stop()  # type: ignore[attr-defined]
                raise AudioError(f"the sound device did not finish within {timeout:g} s")
            time.sleep(0.005)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._module.stop_all()

    def close(self) -> None:
        self.stop()


class PlayerBackend:
    """A system player on PATH, fed WAV files written once per cue."""

    def __init__(self, executable: str, arguments: tuple[str, ...] = ()) -> None:
        self.executable = executable
        self.arguments = arguments
        self.name = f"player ({Path(executable).name})"
        self._folder: Path | None = None
        self._files: dict[bytes, Path] = {}
        self._running: list[subprocess.Popen[bytes]] = []
        self._failure: str | None = None
        self._lock = threading.Lock()
        """The audio thread plays; the UI stops (mute) and closes."""

    def _file_for(self, sound: Pcm) -> Path:
        key = hashlib.blake2b(sound.data, digest_size=12).digest()
        if key not in self._files:
            if self._folder is None:  # made on first use, removed by close()
                self._folder = Path(tempfile.mkdtemp(prefix="coach-cues-"))
            path = self._folder / f"{key.hex()}.wav"
            path.write_bytes(sound.wav_bytes())
            self._files[key] = path
        return self._files[key]

    def _reap(self) -> None:
        for process in [p for p in self._running if p.poll() is not None]:
            self._running.remove(process)
            if process.returncode and process.returncode > 0 and self._failure is None:
                self._failure = self._status(process.returncode)

    def _status(self, code: int) -> str:
        return f"{Path(self.executable).name} exited with status {code}"

    def _spawn(self, sound: Pcm) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                [self.executable, *self.arguments, str(self._file_for(sound))],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise AudioError(f"{self.executable} could not start ({exc.strerror})") from None

    def play(self, sound: Pcm) -> None:
        with self._lock:
            self._reap()
            if self._failure is not None:
                # A player that fails (no device, no server) fails silently; the next
                # cue turns that into one notice and a fallback instead of silence.
                raise AudioError(self._failure)
            self._running.append(self._spawn(sound))

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        with self._lock:
            process = self._spawn(sound)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            name = Path(self.executable).name
            raise AudioError(f"{name} did not finish within {timeout:g} s") from None
        if code != 0:
            raise AudioError(self._status(code))

    def stop(self) -> None:
        with self._lock:
            for process in self._running:
                if process.poll() is None:
                    process.kill()
            for process in self._running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
            self._running = [p for p in self._running if p.poll() is None]

    def close(self) -> None:
        # Never wait on a player at exit: one that hangs would hold the exit up.
        self.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._files.clear()


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


def find_players() -> list[tuple[str, tuple[str, ...]]]:
    """Every known player on PATH, best first."""
    found = []
    for name, arguments in PLAYERS:
        path = shutil.which(name)
        if path:
            found.append((path, arguments))
    return found


def probe(backend: Backend) -> str | None:
    """Why ``backend`` cannot play, found by playing a moment of silence; or None."""
    try:
        backend.play_and_wait(PROBE, PROBE_SECONDS)
    except AudioError as exc:
        return str(exc)
    return None


def choose_backend(wanted: str, ring: Callable[[], None]) -> tuple[Backend, str | None]:
    """The first backend for ``wanted`` (one of :data:`BACKEND_NAMES`) that plays a
    silent probe, and a note saying what was tried and failed, if anything was."""
    if wanted == "none":
        return NullBackend(), None
    if wanted == "bell":
        return BellBackend(ring), None
    tried: list[str] = []
    if wanted in ("auto", "simpleaudio"):
        problem = _simpleaudio_problem()
        if problem is None:
            backend: Backend = SimpleAudioBackend()
            problem = probe(backend)
            if problem is None:
                return backend, None
            backend.close()
            problem = f"simpleaudio: {problem}"
        if wanted == "simpleaudio" or "crashes" in problem or "not installed" not in problem:
            tried.append(problem)
    players = find_players()
    for executable, arguments in players:
        backend = PlayerBackend(executable, arguments)
        problem = probe(backend)
        if problem is None:
            return backend, "; ".join(tried) or None
        backend.close()
        tried.append(problem)
    if wanted == "player" and not players:
        tried.append("no audio player (pw-play, paplay, aplay, afplay) was found")
    if wanted == "auto" and not tried:
        tried.append("no sound device or player was found")
    note = "; ".join(tried)
    return BellBackend(ring), (f"{note}; using the terminal bell" if note else None)
