"""Decoded audio kept in memory: cues are decoded once, so playing one costs nothing.
Files become PCM in :mod:`coach.audio.decoding`."""

from __future__ import annotations

import io
import wave
from array import array
from dataclasses import dataclass

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
        """The same sound at ``volume`` (0 to 1)."""
        if volume >= 0.999:
            return self
        samples = array("h", self.data)
        factor = max(0.0, volume)
        return Pcm(array("h", (int(s * factor) for s in samples)).tobytes())

    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(self.data)
        return buffer.getvalue()
