"""Where any part of the day may turn: advice on screen, home again (or out, for
'coach run'), or the day loaded afresh. Shared by every sub-flow, so it depends on none
of them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from coach.engine.day.context import Host
from coach.engine.day.messages import AdviceKind, Leave, LoadDay, Output, ShowAdvice, ShowHome
from coach.engine.day.stages import Advising, At, Stage
from coach.engine.day.views import safety_notes
from coach.engine.safety import SafetyDue

NOT_SCREENED = "Nothing played: the safety checklist was left unanswered."
NOT_FOLLOWED_UP = "Nothing played: the question about the last warning sign was left unanswered."
SIGN_STAYS = "Nothing played: a warning sign waits until it has gone or a clinician has seen it."
ADVISED = {
    AdviceKind.URGENT: "Nothing played: a sign that needs emergency care was reported today.",
    AdviceKind.SAME_DAY: "Nothing played: the safety checklist asks you to see a doctor today.",
    AdviceKind.REVIEW: "Nothing played: the safety checklist asks you to see a clinician.",
}
"""Why ``coach run`` left without playing, after each kind of safety advice (the shell
says it and exits non-zero)."""


def load(host: Host, source: Path, *, next_due: bool = False) -> LoadDay:
    """Read the day again: what is due and today's plan are derived from what is stored,
    so after anything is stored the day is read, not patched. ``next_due``: a routine of
    several done today gives way to the first not done (see :class:`LoadDay`)."""
    host.state = At(Stage.LOADING)
    return LoadDay(source, host.today(), frozenset(host.offered), host.routines, next_due)


def advise(
    host: Host, advising: Advising, title: str, body: str, go_on: str | None = None
) -> list[Output]:
    """Show advice; ``advising`` keeps what its answer needs."""
    host.state = advising
    return [ShowAdvice(advising.kind, title, body, go_on)]


def blocked(host: Host, why: str = "") -> list[Output]:
    """No session now: back to home (or out, when started with 'coach run', saying
    ``why`` when a safety step stopped it). Home is drawn again when what it must say
    first has changed."""
    if host.skip_home:
        host.state = At(Stage.LEFT)
        return [Leave(why)]
    host.state = At(Stage.HOME)
    day = host.day
    home = day.home if day is not None else None
    if day is None or home is None:
        return []
    view = home.view
    safety = host.safety
    notes = safety_notes(
        SafetyDue(safety.follow_up, safety.screening_due, safety.blocked, safety.review, False)
    )
    planned = tuple(n for n in view.notes if n not in safety.shown)
    if notes == safety.shown:
        return []
    host.safety = replace(safety, shown=notes)
    if safety.blocked:
        # An urgent answer: the block and what to do; no welcome, no way to start.
        view = replace(view, last_session="", blocked=True)
    home = ShowHome(replace(view, notes=(*notes, *planned)), safety.check_due)
    host.day = replace(day, home=home)
    return [home]
