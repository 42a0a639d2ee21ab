"""When a session is a rehearsal: played faster to try it out, nothing stored.

A rehearsal skips the checklist and stores nothing, so it must never be mistaken for
exercise: only a speed of 2 or more is one. A speed between 0 and 2 other than 1 would
play at about the real pace while skipping the safety questions, and is refused.
"""

from __future__ import annotations

__all__ = ["MAX_SPEED", "REHEARSAL_FROM", "is_rehearsal", "speed_problem"]

REHEARSAL_FROM = 2.0
MAX_SPEED = 1000.0


def speed_problem(speed: float) -> str | None:
    """Why ``speed`` cannot be played (one sentence), or None."""
    if not 0 < speed <= MAX_SPEED:
        return f"speed must be above 0 and at most {MAX_SPEED:g}"
    if speed != 1 and speed < REHEARSAL_FROM:
        return (
            f"speed {speed:g} is too close to real time for a rehearsal, which skips the "
            f"safety questions and stores nothing: use 1 to exercise, or "
            f"{REHEARSAL_FROM:g} or more to rehearse"
        )
    return None


def is_rehearsal(speed: float) -> bool:
    """Played to try it out: nothing is stored (never at about the real pace)."""
    return speed >= REHEARSAL_FROM
