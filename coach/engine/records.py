"""The records of a day: what is stored for a session and its sets, and what is read back.

The store writes and reads these; the engine decides with them. They import nothing
heavy (the store opens before the first frame), and each fact about a rated set has one
shape for the rules, :class:`SetFacts`, built in one place, :meth:`SetFacts.of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from coach.engine.clock import local_day

if TYPE_CHECKING:
    # Types only: the timeline module pulls in pydantic, which is slow to import.
    from coach.engine.timeline import Dose

__all__ = [
    "HIGH_PAIN",
    "INTERRUPTED",
    "QUIT_PREFIX",
    "RECOVERED",
    "RED_FLAG_REASON",
    "REST_DAY",
    "SIGN_WITHDRAWN",
    "ClaimedElsewhere",
    "HistoryError",
    "InterruptedSession",
    "JournalImport",
    "Kept",
    "LevelMove",
    "PainAnswer",
    "SessionFacts",
    "SessionRecord",
    "SessionStatus",
    "SetFacts",
    "SetRecord",
    "SkipReason",
    "Written",
    "quit_reason",
    "quit_skip",
    "result_text",
]


class HistoryError(Exception):
    """The history cannot be read or written; the message says why, for the person.

    Raised by the history store (its ``StoreError`` is one); the engine catches it
    without knowing the store."""


class ClaimedElsewhere(HistoryError):
    """Another coach is acting on this session right now (resuming, closing or importing
    it): this one leaves it alone. The message says who, in one sentence."""


class SessionStatus(StrEnum):
    """How a session stands; stored as its value."""

    RUNNING = "running"
    """Being played, or interrupted (its coach is gone) until resumed or closed."""
    COMPLETED = "completed"
    STOPPED = "stopped"
    """Stopped early by the user, or closed as partial after an interruption."""
    RED_FLAG = "red_flag"
    """Stopped by a warning sign."""


INTERRUPTED = "interrupted"
"""The stop reason of a session closed as partial after its coach was killed."""
RED_FLAG_REASON = "red-flag answer"
"""The stop reason of a session a warning sign ended."""
REST_DAY = "rest day"
"""The stop reason of a day the person chose to rest (a very painful morning)."""
HIGH_PAIN = "high pain"
"""The stop reason of a session ended because a set hurt too much."""
RECOVERED = "recovered"
"""The stop reason of a session ``coach doctor`` made again after damage took its row:
its sets survived, how it went and ended did not."""
SIGN_WITHDRAWN = "warning sign corrected"
"""The stop reason of a session a warning sign ended, when the person then corrected
that rating: the sign was ticked by mistake, and the session did stop there."""
QUIT_PREFIX = "stopped: "
"""The stop reason of a session the person stopped (Q), followed by why they said:
``stopped: pain``, ``stopped: time`` or ``stopped: other`` (see :func:`quit_reason`)."""


def result_text(status: SessionStatus, stop_reason: str | None = None) -> str:
    """How a session ended, for people: 'completed', 'partial (interrupted)'..."""
    if status == SessionStatus.STOPPED:
        why = quit_skip(stop_reason)
        if why is not None:
            return f"stopped early: {_QUIT_WORDS[why]}"
        special = {
            INTERRUPTED: "partial (interrupted)",
            REST_DAY: "rest day",
            HIGH_PAIN: "stopped: pain too high",
            RECOVERED: "recovered after damage (how it ended was lost)",
        }
        if stop_reason in special:
            return special[stop_reason]
    words: dict[str, str] = {
        SessionStatus.COMPLETED: "completed",
        SessionStatus.STOPPED: "stopped early",
        SessionStatus.RED_FLAG: "stopped: see a clinician",
        SessionStatus.RUNNING: "interrupted",
    }
    return words.get(status, status)


class SkipReason(StrEnum):
    """Why a set was skipped before its end (or a session stopped), as the person said."""

    PAIN = "pain"
    """It hurt: counted as pain above the limit."""
    TIME = "time"
    OTHER = "other"


_QUIT_WORDS = {SkipReason.PAIN: "it hurt", SkipReason.TIME: "no time", SkipReason.OTHER: "other"}


def quit_reason(reason: SkipReason) -> str:
    """The stop reason stored for a session the person stopped, saying why."""
    return f"{QUIT_PREFIX}{reason.value}"


def quit_skip(stop_reason: str | None) -> SkipReason | None:
    """Why the person stopped the session, from its stored stop reason (None when they
    did not stop it, or did not say)."""
    if stop_reason is None or not stop_reason.startswith(QUIT_PREFIX):
        return None
    try:
        return SkipReason(stop_reason.removeprefix(QUIT_PREFIX))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PainAnswer:
    """A pain rating (None when the user skipped it) and the nerve-symptom questions."""

    pain: int | None
    numbness: bool = False
    leg_weakness: bool = False
    pain_below_knee: bool = False

    @property
    def red_flag(self) -> bool:
        return self.numbness or self.leg_weakness or self.pain_below_knee


@dataclass(frozen=True, slots=True)
class SetFacts:
    """One rated set as the rules see it: dose decisions, resuming, the summary."""

    exercise_index: int
    """Its place in the session's plan."""
    program_id: str
    exercise_id: str
    set_number: int
    sets_planned: int
    pain: int | None
    completed: bool
    red_flag: bool = False
    skipped: SkipReason | None = None
    """Why the set was cut short, when the person skipped it and said."""

    @classmethod
    def of(
        cls,
        *,
        exercise_index: int,
        program_id: str,
        exercise_id: str,
        set_number: int,
        sets_planned: int,
        completed: bool,
        pain: int | None,
        red_flag: bool,
        skipped: str | None = None,
    ) -> SetFacts:
        """The one constructor: from a new record, a stored row or a made-up set."""
        return cls(
            exercise_index,
            program_id,
            exercise_id,
            set_number,
            sets_planned,
            pain,
            bool(completed),
            bool(red_flag),
            SkipReason(skipped) if skipped else None,
        )


@dataclass(frozen=True, slots=True)
class SetRecord:
    """One rated set, as stored: the plan it followed, what was done, what was answered."""

    session_uid: str
    """The session it was rated in, by its uid (:attr:`SessionFacts.uid`): the store
    finds its row, wherever the session is kept."""
    exercise_index: int
    program_id: str
    level: int
    exercise_id: str
    exercise_name: str
    kind: str
    set_number: int
    sets_planned: int
    planned: Dose
    planned_work_seconds: float
    done_work_seconds: float
    completed: bool
    answer: PainAnswer
    attempt: int = 1
    started_at: str | None = None
    rated_at: str = ""
    sides: str | None = None
    """'both' (both sides together) or 'each' (left, then right; one rating for both)."""
    skipped: SkipReason | None = None
    """Why the person skipped the rest of the set, when they did."""

    @property
    def facts(self) -> SetFacts:
        return SetFacts.of(
            exercise_index=self.exercise_index,
            program_id=self.program_id,
            exercise_id=self.exercise_id,
            set_number=self.set_number,
            sets_planned=self.sets_planned,
            completed=self.completed,
            pain=self.answer.pain,
            red_flag=self.answer.red_flag,
            skipped=self.skipped,
        )


class Kept(StrEnum):
    """Where a write of a session ended up."""

    HISTORY = "history"
    """Committed to the history database."""
    JOURNAL = "journal"
    """The database refused it; appended and flushed to the journal beside it, and
    imported into the history at the next start."""
    NOWHERE = "nowhere"
    """Neither the database nor the journal could take it: only in this process."""


@dataclass(frozen=True, slots=True)
class Written:
    """What became of a write of a session, its sets and its end."""

    kept: Kept
    """Where it is now: the history database, the journal, or nowhere (the session is
    named by its uid wherever it is; no row id ever leaves the store)."""
    problem: str | None = None
    """Why the history refused it, in one sentence (unless HISTORY)."""
    journal: str | None = None
    """The journal file that holds it (when JOURNAL)."""


@dataclass(frozen=True, slots=True)
class JournalImport:
    """What the start's import of journals did."""

    sessions: int = 0
    sets: int = 0
    problems: tuple[str, ...] = ()
    """One sentence for each journal left for later (it stays where it is)."""

    def text(self) -> str | None:
        """What to tell the person, or None when there was nothing to import."""
        if not self.sessions and not self.problems:
            return None
        parts = []
        if self.sessions:
            parts.append(
                f"{self.sets} rated set{'s' if self.sets != 1 else ''} of "
                f"{self.sessions} session{'s' if self.sessions != 1 else ''} kept in the "
                "journal while the history could not take them are now in your history."
            )
        parts.extend(self.problems)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One past session of a program, as the scaling engine replays it."""

    day: date
    baseline: int | None
    level: int
    sets: tuple[SetFacts, ...]
    started_at: str = ""
    """When it started (UTC, as stored): with :attr:`uid`, its place among the sessions of
    one day, wherever it is kept."""
    uid: str = ""
    """Its identity in the history and the journal alike (every stored session has one:
    rows from before sessions had one were named when their history was upgraded)."""
    status: SessionStatus | None = None
    """How it ended (None when not known: a made-up session). A completed session played
    to its end, so a set it lacks is one coach ended the exercise before."""
    stop_reason: str | None = None
    """Why it stopped early, as stored (see :func:`quit_skip` for the person's reason)."""

    @property
    def order(self) -> tuple[date, str, str]:
        """Where it comes among the sessions, in the order they were played: its day,
        its start, its identity; never a row id, which a session kept in the journal
        gets only when it is imported. The uid makes the order total: two sessions of
        one day and start (a clock that did not move, a merged history) differ in it."""
        return (self.day, self.started_at, self.uid)


@dataclass(frozen=True, slots=True)
class LevelMove:
    """A level change the user accepted (or declined) after a session."""

    after_session: str
    """The session it was answered after: its uid (:attr:`SessionFacts.uid`), the same in
    the history, the journal and a merged copy, never a row id."""
    from_level: int
    to_level: int
    accepted: bool


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A recent session, as home shows it."""

    uid: str
    """Its identity (:attr:`SessionFacts.uid`)."""
    started_at: str
    ended_at: str | None
    status: SessionStatus
    source_id: str
    title: str
    baseline_pain: int | None
    sets_done: int
    peak_pain: int | None
    local_date: str | None = None
    """The day it was played on, where it was played."""
    stop_reason: str | None = None


@dataclass(frozen=True, slots=True)
class InterruptedSession:
    """A session left 'running' by a coach that is no longer running (killed, crashed,
    the laptop's battery died): it can be resumed or closed as partial."""

    uid: str
    """Its identity among the facts, in the history and the journal alike
    (:attr:`SessionFacts.uid` of the same session): what it is resumed and closed by."""
    started_at: str
    source_path: str
    source_id: str
    title: str
    speed: float
    baseline_pain: int | None
    levels: Mapping[str, int]
    sets: tuple[SetFacts, ...]
    played_on: date | None = None
    """The local day it was played on, as stored with it (older rows have none)."""

    @property
    def day(self) -> date:
        """The day it was played on: as stored (the day the coach playing it was on),
        else its start's day on this machine."""
        return self.played_on or local_day(self.started_at)
