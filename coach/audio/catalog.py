"""The cue set: what each cue sounds like, as tones. The single source for the generator
script (``scripts/make_sounds.py``) and for the tests that listen to captured audio."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "DEFAULT_CUE", "Tone"]

DEFAULT_CUE = "default"


@dataclass(frozen=True, slots=True)
class Tone:
    frequency: float
    """Hz of the fundamental (an octave below sounds softly under it)."""
    millis: int
    gap_after: int = 0
    """Silence after this tone, inside the cue."""


# Pitches from one pentatonic scale so overlapping cues never clash; each cue has a
# different first pitch or shape, so they can be told apart without looking.
CATALOG: dict[str, tuple[Tone, ...]] = {
    "tick": (Tone(880, 70),),
    "last": (Tone(1175, 70),),
    "start": (Tone(523, 110, 20), Tone(784, 180)),
    "halfway": (Tone(659, 160),),
    "end": (Tone(784, 110, 20), Tone(523, 220)),
    "switch": (Tone(587, 100, 40), Tone(880, 100, 40), Tone(587, 100)),
    "rest_end": (Tone(698, 90, 60), Tone(698, 90)),
    "done": (Tone(523, 130, 10), Tone(659, 130, 10), Tone(784, 130, 10), Tone(1047, 320)),
    "up": (Tone(622, 90),),
    "pause": (Tone(466, 60),),
    "down": (Tone(392, 90),),
    DEFAULT_CUE: (Tone(660, 250),),
}
