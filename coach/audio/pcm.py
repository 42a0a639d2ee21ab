"""Decoded audio kept in memory: cues are decoded once, so playing one costs nothing."""

from __future__ import annotations

import io
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Pcm", "PcmError", "decode_file", "read_wav"]

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


def read_wav(path: Path) -> Pcm:
    """A WAV in coach's own format (the bundled cues) with the standard library only."""
    try:
        with wave.open(str(path), "rb") as source:
            if (source.getnchannels(), source.getsampwidth(), source.getframerate()) == (
                1,
                2,
                RATE,
            ):
                frames = source.readframes(int(RATE * MAX_CUE_SECONDS))
                return Pcm(frames)
    except (wave.Error, EOFError, OSError):
        pass
    return decode_file(path)


def decode_file(path: Path) -> Pcm:
    """Any format pydub (and ffmpeg, when installed) can read, converted to coach's PCM."""
    import warnings

    with warnings.catch_warnings():
        # pydub warns about a missing ffmpeg and uses the deprecated audioop module; the
        # first is reported per file below if it matters, the second is pydub's concern.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError

    try:
        # An open file rather than the path: pydub leaves files it opens itself unclosed.
        with path.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "couldn't find ffprobe"
            segment = AudioSegment.from_file(handle, format=path.suffix.lstrip(".") or None)
    except (CouldntDecodeError, OSError, IndexError, ValueError) as exc:
        raise PcmError(f"{path.name} cannot be decoded ({str(exc).splitlines()[0][:80]})") from None
    except Exception as exc:  # pydub shells out to ffmpeg and surfaces its failures raw
        raise PcmError(f"{path.name} cannot be decoded ({type(exc).__name__})") from None
    segment = segment[: int(MAX_CUE_SECONDS * 1000)]
    segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(RATE)
    return Pcm(segment.raw_data)
