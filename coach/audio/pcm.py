"""Decoded audio kept in memory: cues are decoded once, so playing one costs nothing.
Files become PCM in :mod:`coach.audio.decoding`."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from types import ModuleType

__all__ = ["MAX_CUE_SECONDS", "RATE", "Pcm", "PcmError"]

RATE = 44_100
MAX_CUE_SECONDS = 10.0
"""Longer custom sounds are cut: a cue is a signal, not music."""


class PcmError(Exception):
    """A sound file that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Pcm:
    """Signed 16-bit little-endian mono samples at :data:`RATE`."""

    data: bytes

    @property
    def seconds(self) -> float:
        return len(self.data) / 2 / RATE

    def scaled(self, volume: float) -> Pcm:
        """The same sound at ``volume`` (0 to 1), in one pass of C (``audioop.mul``,
        which pydub needs anyway): a Python loop took 0.15 s per 10 s cue."""
        if volume >= 0.999:
            return self
        usable = len(self.data) - len(self.data) % 2
        return Pcm(_audioop().mul(self.data[:usable], 2, max(0.0, volume)))

    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(self.data)
        return buffer.getvalue()


def _audioop() -> ModuleType:
    """The standard library's audioop (Python 3.11, 3.12) or its maintained copy,
    audioop-lts (3.13 on), imported without its deprecation warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop

    return audioop
