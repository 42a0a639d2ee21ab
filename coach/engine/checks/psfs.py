"""The Patient-Specific Functional Scale (Stratford et al., Physiotherapy Canada 1995):
the person names up to three activities their back makes hard, in their own words, and
rates each 0-10 (0 = unable, 10 = as before the problem); the score is the average.

A change of about 2 points is the smallest that matters; anything smaller is shown as
"no clear change" (see docs/checks.md). Pure functions; the words are the person's and
are never interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from coach.engine.checks.measures import Change, Direction, classify
from coach.format.text import typed

__all__ = [
    "MAX_ACTIVITIES",
    "MAX_TEXT",
    "PSFS_MCID",
    "PsfsComparison",
    "clean_activity",
    "psfs_change",
    "psfs_compare",
    "psfs_exact",
    "psfs_score",
]

MAX_ACTIVITIES = 3
MAX_TEXT = 80
"""Characters kept of an activity's name: a phrase, not a story."""
PSFS_MCID = 2.0
"""The smallest change of the average score that matters (Stratford et al. 1995)."""


def psfs_exact(ratings: Mapping[str, int], activities: set[str] | None = None) -> Fraction | None:
    """The average rating as an exact fraction (of ``activities`` only, when given); None
    without ratings. Exact, because the difference of two float averages of three ratings
    is often a hair under a whole number (5.0 - 3.0000000000000004), and a change of
    exactly 2 points must count as 2."""
    chosen = [s for a, s in ratings.items() if activities is None or a in activities]
    return Fraction(sum(chosen), len(chosen)) if chosen else None


def psfs_score(ratings: Mapping[str, int], activities: set[str] | None = None) -> float | None:
    """The average rating (of ``activities`` only, when given); None without ratings."""
    exact = psfs_exact(ratings, activities)
    return None if exact is None else float(exact)


def psfs_change(before: Mapping[str, int], after: Mapping[str, int]) -> Change:
    """The change of the score between two checks, over the activities rated at both
    (a new activity has no 'before'), against the 2-point threshold."""
    both = set(before) & set(after)
    if not both:
        return Change(Direction.NOT_COMPARABLE, None, PSFS_MCID, "no activity rated both times")
    old = psfs_exact(before, both)
    new = psfs_exact(after, both)
    assert old is not None and new is not None
    # The difference is taken exactly and only then made a float: 2 stays 2.0, and no
    # difference under 2 can round up to it (the denominators are at most 3).
    return classify(0.0, float(new - old), PSFS_MCID, " points", "change that matters")


@dataclass(frozen=True, slots=True)
class PsfsComparison:
    """A PSFS change between two checks, over the same activities on both sides."""

    activities: tuple[str, ...]
    """The activities rated at both checks (the only ones the change is over)."""
    before: float
    after: float
    change: Change
    added: tuple[str, ...] = ()
    """Rated at the later check only: shown, but not part of the change."""
    dropped: tuple[str, ...] = ()
    """Rated at the earlier check only."""


def psfs_compare(before: Mapping[str, int], after: Mapping[str, int]) -> PsfsComparison | None:
    """The scores over the activities rated both times and their change; None when no
    activity was rated both times."""
    both = set(before) & set(after)
    if not both:
        return None
    old, new = psfs_exact(before, both), psfs_exact(after, both)
    assert old is not None and new is not None
    return PsfsComparison(
        tuple(sorted(both)),
        float(old),
        float(new),
        psfs_change(before, after),
        tuple(sorted(set(after) - both)),
        tuple(sorted(set(before) - both)),
    )


def clean_activity(text: str) -> str:
    """What is kept of a typed activity: printable characters, single spaces, at most
    :data:`MAX_TEXT` characters. Markup or HTML in it stays as typed; every place that
    shows it escapes it."""
    return typed(text, limit=MAX_TEXT)
