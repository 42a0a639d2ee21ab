"""Sound files into coach's PCM, without trusting them.

A custom cue comes from a session file, so it may be anything: a FIFO or a device that
would block a read forever, an MP3 named ``.wav``, or a 300 KB FLAC holding half an hour
of silence that decodes to a gigabyte. So a file is

* opened only if it is a regular file, without ever blocking, and read up to 5 MiB;
* recognised by its first bytes (its header), not by its name;
* decoded only as far as :data:`MAX_CUE_SECONDS`: WAV with the standard library (at
  most that many frames are read), anything else by ffmpeg, which is told to stop
  there and whose output is read up to that many bytes and no more;
* given up on after a deadline, the decoder process killed.

Every problem is a :class:`PcmError` whose message says why in a few words, without the
file's name (the caller says which file).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import time
import wave
from pathlib import Path

from coach.audio.pcm import MAX_CUE_SECONDS, RATE, Pcm, PcmError
from coach.format.loader import MAX_SOUND_BYTES
from coach.format.yamlsafe import NotRegularFileError, read_regular_file

__all__ = ["DECODE_SECONDS", "LATE", "decode_sound", "read_wav", "sniff"]

DECODE_SECONDS = 3.0
"""Longest a custom sound may take to decode before it is given up on."""
LATE = "took too long to decode; it was given up on"
MAX_PCM_BYTES = int(RATE * MAX_CUE_SECONDS) * 2
"""The most decoded audio kept from one file: 10 s of 16-bit mono (882,000 bytes)."""

_LABELS = {
    "wav": "WAV",
    "flac": "FLAC",
    "ogg": "Ogg",
    "mp3": "MP3",
    "aiff": "AIFF",
    "m4a": "MPEG-4 (M4A/AAC)",
    "webm": "WebM/Matroska",
}


def sniff(head: bytes) -> str | None:
    """The audio format ``head`` (a file's first bytes) starts, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"\x1aE\xdf\xa3":
        return "webm"
    return None


def decode_sound(path: Path, *, deadline: float | None = None) -> Pcm:
    """The first :data:`MAX_CUE_SECONDS` of ``path`` as PCM; :class:`PcmError` says why
    not. ``deadline`` is on :func:`time.monotonic`."""
    try:
        data = read_regular_file(path, MAX_SOUND_BYTES + 1)
    except NotRegularFileError as exc:
        raise PcmError(str(exc)) from None
    except FileNotFoundError:
        raise PcmError("does not exist") from None
    except (OSError, ValueError) as exc:
        raise PcmError(f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > MAX_SOUND_BYTES:
        raise PcmError("is larger than 5 MiB")
    kind = sniff(data[:16])
    if kind is None:
        raise PcmError("is not a sound file coach can read (WAV, FLAC, Ogg, MP3, AIFF, M4A)")
    if kind == "wav":
        try:
            return _decode_wav(data)
        except _NotPlainWav:
            pass  # compressed or floating-point WAV: ffmpeg reads those
    return _decode_with_ffmpeg(path, _LABELS[kind], deadline)


def read_wav(path: Path) -> Pcm:
    """A WAV file such as the bundled cues or the speech engine's output."""
    try:
        data = read_regular_file(path, MAX_SOUND_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise PcmError(f"{path.name} cannot be read ({exc})") from None
    try:
        return _decode_wav(data)
    except (_NotPlainWav, PcmError) as exc:
        raise PcmError(f"{path.name} cannot be decoded ({exc})") from None


class _NotPlainWav(Exception):
    """A WAV the standard library cannot read (compressed, floating point...)."""


def _decode_wav(data: bytes) -> Pcm:
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            channels = source.getnchannels()
            width = source.getsampwidth()
            rate = source.getframerate()
            if not (1 <= channels <= 8 and width in (1, 2, 3, 4) and 4000 <= rate <= 384_000):
                raise PcmError(f"is a WAV of an unusual shape ({channels} channels, {rate} Hz)")
            # Never more than the cue's length, whatever the header claims.
            frames = source.readframes(min(source.getnframes(), int(rate * MAX_CUE_SECONDS)))
    except (wave.Error, EOFError) as exc:
        raise _NotPlainWav(str(exc) or "truncated") from None
    if (channels, width, rate) == (1, 2, RATE):
        return Pcm(frames[: len(frames) - len(frames) % 2])
    return _convert(frames, width, channels, rate)


def _convert(frames: bytes, width: int, channels: int, rate: int) -> Pcm:
    import warnings

    with warnings.catch_warnings():
        # pydub warns about a missing ffmpeg (not needed for raw samples) and uses the
        # deprecated audioop module; neither concerns converting samples we hold.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment

    usable = len(frames) - len(frames) % (width * channels)
    try:
        segment = AudioSegment(
            data=frames[:usable], sample_width=width, frame_rate=rate, channels=channels
        )
        segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(RATE)
    except Exception as exc:  # pydub and audioop raise plain errors of several kinds
        raise PcmError(f"cannot be converted ({type(exc).__name__})") from None
    return Pcm(segment.raw_data)


def _decode_with_ffmpeg(path: Path, label: str, deadline: float | None) -> Pcm:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise PcmError(f"is {label} audio, which coach reads with ffmpeg; ffmpeg is not installed")
    seconds = f"{MAX_CUE_SECONDS:g}"
    argv = [
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        # file: so that a name such as "concat:..." is never read as another protocol.
        "-i",
        f"file:{path.resolve()}",
        "-t",
        seconds,
        "-ac",
        "1",
        "-ar",
        str(RATE),
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        "pipe:1",
    ]
    limit = DECODE_SECONDS if deadline is None else deadline - time.monotonic()
    if limit <= 0:  # no decoder is started once the time for decoding is over
        raise PcmError(LATE)
    data = run_capped(argv, MAX_PCM_BYTES, limit)
    if len(data) < 2:
        raise PcmError(f"cannot be decoded (ffmpeg found no {label} sound in it)")
    return Pcm(data[: len(data) - len(data) % 2])


def run_capped(argv: list[str], cap: int, timeout: float) -> bytes:
    """Run a decoder and keep at most ``cap`` bytes of its output; kill it when it has
    given that much, or when ``timeout`` seconds have passed (then :class:`PcmError`)."""
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        raise PcmError(f"cannot be decoded ({Path(argv[0]).name}: {exc.strerror})") from None
    assert process.stdout is not None
    stream = process.stdout
    chunks: list[bytes] = []

    def read() -> None:
        kept = 0
        while kept < cap:
            chunk = os.read(stream.fileno(), min(65536, cap - kept))
            if not chunk:
                return
            chunks.append(chunk)
            kept += len(chunk)

    reader = threading.Thread(target=read, name="coach-decoder", daemon=True)
    reader.start()
    reader.join(timeout)
    timed_out = reader.is_alive()
    if process.poll() is None:
        process.kill()  # done reading (enough, or too long): no more is wanted
    process.wait()
    reader.join(1.0)
    stream.close()
    if timed_out:
        raise PcmError(LATE)
    data = b"".join(chunks)
    if not data and process.returncode:
        raise PcmError(f"cannot be decoded ({Path(argv[0]).name} exit status {process.returncode})")
    return data
