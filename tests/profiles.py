"""Hypothesis's two profiles, chosen by HYPOTHESIS_PROFILE: 'ci' (make test, and so CI)
draws every example each test asks for; 'dev' (make check, and any run not told
otherwise) a quarter as many, at least ten, for a quick answer while working. A failing
example is kept in .hypothesis/ and replayed first by either."""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")

settings.register_profile("ci", print_blob=True)
settings.register_profile("dev", max_examples=25)
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """A test's example count under the profile in force: ``full`` for 'ci'."""
    return full if PROFILE == "ci" else max(10, full // 4)
