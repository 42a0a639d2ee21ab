"""The day as it comes from the disk: the plan, what safety asks for, home (with what
it must say first), and the offer of an interrupted session. Run again after anything
is stored, so that what coach shows is always derived from what is stored."""

from __future__ import annotations

from dataclasses import replace

from coach.engine.day.context import Day, Host
from coach.engine.day.ends import load
from coach.engine.day.keeping import stored
from coach.engine.day.messages import (
    AskResume,
    CloseInterrupted,
    DayLoaded,
    InterruptedClosed,
    Notice,
    Output,
    ResumeChoice,
    ShowHome,
    Tone,
)
from coach.engine.day.opening import resume
from coach.engine.day.safety import due_from, start
from coach.engine.day.stages import At, Resuming, Stage
from coach.engine.day.views import home_view
from coach.engine.resume import offer_text


def loaded(host: Host, day: DayLoaded, *, screening_weeks: int, check_weeks: int) -> list[Output]:
    """The day is read: home (or the question about an interrupted session first)."""
    host.source = day.source
    host.keeping = replace(host.keeping, problem=day.problem)
    due = due_from(
        host,
        day.safety,
        unreadable=day.problem is not None,
        screening_weeks=screening_weeks,
        check_weeks=check_weeks,
    )
    outputs: list[Output] = []
    if day.imported:
        outputs.append(Notice(day.imported, seconds=12))
    cannot_save = None
    saving = None
    if day.write_problem and day.journal_problem:
        cannot_save = (
            f"{_sentence(day.write_problem)} The journal, where coach keeps sessions "
            f"the history refuses, cannot be written either: {day.journal_problem}."
        )
        saving = f"Nothing you do now can be saved. {cannot_save}"
    elif day.write_problem:
        saving = (
            f"{_sentence(day.write_problem)} Your sessions are kept in the journal "
            "beside it and go into the history once it can take them."
        )
    if day.problem and saving is None:
        outputs.append(Notice(f"{_sentence(day.problem)}", Tone.ERROR, 15))
    safety = host.safety
    view = home_view(
        day.loaded,
        day.planned,
        day.recent,
        safety.shown,
        host.today(),
        blocked=safety.blocked,
        routines=day.routines,
    )
    if day.problem:
        # Never 'First session: welcome' over a history that is there but unreadable.
        view = replace(
            view,
            last_session=(
                "Your history cannot be read just now, so today's doses are the "
                "routine's starting doses, not your progress."
            ),
        )
    if saving is not None:
        view = replace(view, notes=(*view.notes, saving))
    host.day = Day(
        day.loaded,
        day.planned,
        day.histories,
        day.moves,
        day.starts,
        home=ShowHome(view, due.check),
        cannot_save=cannot_save,
    )
    if day.offer is not None:
        host.offered.add(day.offer.session.uid)
        host.state = Resuming(day.offer)
        body = offer_text(day.offer, host.today())
        outputs.append(AskResume("Your last session was interrupted", body, day.offer.can_resume))
        return outputs
    return outputs + show_start(host)


def show_start(host: Host) -> list[Output]:
    """Home; or, started straight into a session ('coach run'), its first step."""
    if host.skip_home:
        return start(host)
    day = host.loaded_day()
    assert day.home is not None
    host.state = At(Stage.HOME)
    return [day.home]


def resume_answered(host: Host, choice: ResumeChoice | None) -> list[Output]:
    state = host.state
    if not isinstance(state, Resuming):
        return []
    option = state.offer
    if choice is ResumeChoice.CLOSE:
        return [CloseInterrupted(option)]
    if choice is not ResumeChoice.RESUME or not option.can_resume:
        return show_start(host)
    return resume(host, option)


def interrupted_closed(host: Host, event: InterruptedClosed) -> list[Output]:
    interrupted = event.option.session
    rated = len({(s.exercise_index, s.set_number) for s in interrupted.sets})
    return [
        *stored(host, event.problem),
        Notice(
            f"Closed the interrupted {interrupted.title} as partial; its {rated} rated "
            f"set{'s' if rated != 1 else ''} are in your history.",
            seconds=8,
        ),
        # The history changed: plan again (this also offers any older interrupted one).
        load(host, host.source),
    ]


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first and a full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
