"""Generate coach's cue sounds into ``sounds/`` (run: ``python scripts/make_sounds.py``).

The WAV files are committed, and this script is how they were made: the same script
gives the same bytes, so a changed cue shows up as a reviewed diff. pydub builds each cue
from sine tones with envelopes and normalises loudness so no cue startles.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is missing; WAV export does not need it.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine

SAMPLE_RATE = 44_100
HEADROOM_DBFS = -3.0
SOUNDS = Path(__file__).resolve().parent.parent / "sounds"


def tone(frequency: float, millis: int, *, volume_db: float = -6.0) -> AudioSegment:
    """A soft tone: a sine with its octave underneath, short fade in, longer fade out."""
    base = Sine(frequency, sample_rate=SAMPLE_RATE).to_audio_segment(millis, volume_db)
    body = base.overlay(
        Sine(frequency / 2, sample_rate=SAMPLE_RATE).to_audio_segment(millis, volume_db - 10)
    )
    return body.fade_in(min(10, millis // 4)).fade_out(millis // 2)


def normalised(segment: AudioSegment) -> AudioSegment:
    return segment.set_channels(1).set_sample_width(2).apply_gain(HEADROOM_DBFS - segment.max_dBFS)


CUES: dict[str, AudioSegment] = {
    # The fallback for any cue without a sound of its own: a short, neutral chime.
    "default": tone(660, 250),
}


def main() -> int:
    SOUNDS.mkdir(exist_ok=True)
    for name, segment in CUES.items():
        target = SOUNDS / f"{name}.wav"
        normalised(segment).export(target, format="wav")
        print(f"wrote {target.relative_to(SOUNDS.parent)} ({len(segment)} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
