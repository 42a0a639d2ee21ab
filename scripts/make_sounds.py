"""Generate coach's cue sounds into ``sounds/`` (run: ``python scripts/make_sounds.py``).

The WAV files are committed, and this script is how they were made: the same script
gives the same bytes, so a changed cue shows up as a reviewed diff. pydub builds each
cue from the tones in ``coach/audio/catalog.py``: a sine with its octave underneath, a
short fade in and a longer fade out (no clicks), then every cue is normalised to the
same peak so none startles.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.audio.catalog import CATALOG, Tone  # noqa: E402

SAMPLE_RATE = 44_100
PEAK_DBFS = -3.0
SOUNDS = ROOT / "sounds"


def tone(spec: Tone) -> AudioSegment:
    millis = spec.millis
    body = Sine(spec.frequency, sample_rate=SAMPLE_RATE).to_audio_segment(millis, -6.0)
    under = Sine(spec.frequency / 2, sample_rate=SAMPLE_RATE).to_audio_segment(millis, -18.0)
    shaped = body.overlay(under).fade_in(min(8, millis // 4)).fade_out(millis // 2)
    if spec.gap_after:
        shaped += AudioSegment.silent(spec.gap_after, frame_rate=SAMPLE_RATE)
    return shaped


def cue(tones: tuple[Tone, ...]) -> AudioSegment:
    sound = AudioSegment.empty().set_frame_rate(SAMPLE_RATE)
    for spec in tones:
        sound += tone(spec)
    sound = sound.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
    return sound.apply_gain(PEAK_DBFS - sound.max_dBFS)


def main() -> int:
    SOUNDS.mkdir(exist_ok=True)
    for name, tones in CATALOG.items():
        target = SOUNDS / f"{name}.wav"
        cue(tones).export(target, format="wav")
        print(f"wrote {target.relative_to(ROOT)} ({sum(t.millis + t.gap_after for t in tones)} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
