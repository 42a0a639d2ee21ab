"""The Patient-Specific Functional Scale (Stratford et al., Physiotherapy Canada 1995):
the person names up to three activities their back makes hard, in their own words, and
rates each 0-10 (0 = unable, 10 = as before the problem); the score is the average.

A change of about 2 points is the smallest that matters; anything smaller is shown as
"no clear change" (see docs/checks.md). Pure functions; the words are the person's and
are never interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping

from coach.engine.checks.measures import Change, Direction, classify
from coach.format.text import typed

__all__ = [
    "MAX_ACTIVITIES",
    "MAX_TEXT",
    "PSFS_MCID",
    "clean_activity",
    "psfs_change",
    "psfs_score",
]

MAX_ACTIVITIES = 3
MAX_TEXT = 80
"""Characters kept of an activity's name: a phrase, not a story."""
PSFS_MCID = 2.0
"""The smallest change of the average score that matters (Stratford et al. 1995)."""


def psfs_score(ratings: Mapping[int, int], activities: set[int] | None = None) -> float | None:
    """The average rating (of ``activities`` only, when given); None without ratings."""
    chosen = [s for a, s in ratings.items() if activities is None or a in activities]
    return sum(chosen) / len(chosen) if chosen else None


def psfs_change(before: Mapping[int, int], after: Mapping[int, int]) -> Change:
    """The change of the score between two checks, over the activities rated at both
    (a new activity has no 'before'), against the 2-point threshold."""
    both = set(before) & set(after)
    if not both:
        return Change(Direction.NOT_COMPARABLE, None, PSFS_MCID, "no activity rated both times")
    old = psfs_score(before, both)
    new = psfs_score(after, both)
    assert old is not None and new is not None
    return classify(old, new, PSFS_MCID, " points", "change that matters")


def clean_activity(text: str) -> str:
    """What is kept of a typed activity: printable characters, single spaces, at most
    :data:`MAX_TEXT` characters. Markup or HTML in it stays as typed; every place that
    shows it escapes it."""
    return typed(text, limit=MAX_TEXT)
