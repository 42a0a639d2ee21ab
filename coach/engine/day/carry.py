"""Carrying the day flow's effects out, through the ports the shell gives: the history
store and the session-file loader. The only part of the day that touches the disk, always
through those ports; the shell calls it from a worker thread, never on its event loop."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Protocol

from coach.engine.day.messages import (
    ClaimRefused,
    ClaimSession,
    CloseInterrupted,
    CloseSession,
    CorrectSet,
    DayFailed,
    DayLoaded,
    Effect,
    FollowUpStored,
    InterruptedClosed,
    LevelChoice,
    LevelMoveStored,
    LoadDay,
    NoteStored,
    OpenSession,
    Result,
    ReviseSession,
    SaveSets,
    ScreeningStored,
    SessionClosed,
    SessionEnd,
    SessionOpened,
    SetCorrected,
    SetsSaved,
    StoreFollowUp,
    StoreLevelMove,
    StoreNote,
    StoreScreening,
)
from coach.engine.followup import FollowUpAnswer, FollowUpDue
from coach.engine.home import RoutineStatus, next_due, routine_done
from coach.engine.planning import ProgramPast, plan_today, programs_of
from coach.engine.records import (
    ClaimedElsewhere,
    HistoryError,
    InterruptedSession,
    JournalImport,
    LevelMove,
    SessionFacts,
    SessionRecord,
    SessionStatus,
    SetRecord,
    Written,
)
from coach.engine.resume import ResumeOption, consider
from coach.engine.safety import SafetyFacts
from coach.engine.scaling import Decision, Replay
from coach.engine.screening import Outcome
from coach.format.diagnostics import SessionFileError
from coach.format.loader import LoadedFile, RoutineFile
from coach.format.v1 import Program

RECENT_SESSIONS = 30
"""Sessions home reads: the newest for 'Last session', and a month of them for the
streak (a longer one shows as '30+ days')."""


# -- the ports: what the day needs from the shell's world -------------------------------


class History(Protocol):
    """The history store as the day uses it (:class:`coach.store.HistoryStore`). Every
    method may raise :class:`HistoryError`."""

    @property
    def path(self) -> Path: ...

    def program_past(self, program: Program, start_level: int = ...) -> ProgramPast: ...

    def recent_sessions(self, limit: int = ...) -> list[SessionRecord]: ...

    def safety_facts(self) -> SafetyFacts: ...

    def record_follow_up(
        self, sign: FollowUpDue, answer: FollowUpAnswer, *, cleared: bool, local_date: date
    ) -> None: ...

    def interrupted_sessions(self) -> list[InterruptedSession]: ...

    def record_screening(
        self, answers: Mapping[str, bool], outcome: Outcome, local_date: date | None = ...
    ) -> None: ...

    def write_session(
        self,
        opening: OpenSession,
        records: Sequence[SetRecord] = ...,
        end: SessionEnd | None = ...,
        *,
        revised: SessionEnd | None = ...,
        note: str | None = ...,
        level_move: LevelChoice | None = ...,
    ) -> Written:
        """Store the session (its row if it has none yet), ``records`` and ``end``, and
        the facts that follow it (a revised outcome, a note, a level answer) in one
        transaction, or when the history refuses them, in the journal. Never raises."""
        ...

    def claim_session(self, opening: OpenSession) -> Written:
        """This process resumes an interrupted session: it owns it from now on (with
        what its journal holds). Raises ClaimedElsewhere when another coach acts on it."""
        ...

    def import_journals(self) -> JournalImport:
        """Every journal left by a coach that has ended, into the history."""
        ...

    def write_problems(self) -> tuple[str | None, str | None]:
        """Why a session could not be written to the history now, and why not to the
        journal either (None for each that would take it)."""
        ...

    def close_interrupted(
        self,
        uid: str,
        status: SessionStatus,
        *,
        decisions: Sequence[Decision] = ...,
    ) -> None:
        """Close it as partial, with what its journal holds; ClaimedElsewhere when another
        coach acts on it, nothing when it is no longer running."""
        ...


Load = Callable[[Path], LoadedFile]
"""Reads and checks a session file (:func:`coach.format.loader.load_session_file`)."""


# -- carrying effects out ----------------------------------------------------------------


def carry_out(effect: Effect, history: History, load: Load) -> Result:
    """Do what ``effect`` asks through the ports, and say how it went.

    The one place the day touches the disk, always through ``history`` and ``load``;
    the shell calls it from a worker thread, never on its event loop. History failures
    come back as a result's ``problem``, never as an exception.
    """
    match effect:
        case LoadDay():
            return _load_day(effect, history, load)
        case StoreScreening(answers, outcome, local_date):
            # Stored before the next screen shows, like a set: a checklist answered and
            # then lost to a crash would be asked again, and its answers would be missing.
            return ScreeningStored(
                outcome, _attempt(history.record_screening, answers, outcome, local_date)
            )
        case OpenSession():
            return SessionOpened(history.write_session(effect))
        case ClaimSession(opening):
            try:
                return SessionOpened(history.claim_session(opening))
            except ClaimedElsewhere as exc:
                return ClaimRefused(str(exc))
        case SaveSets(opening, records):
            return SetsSaved(records, history.write_session(opening, records))
        case CloseSession(opening, end, waiting):
            return SessionClosed(waiting, history.write_session(opening, waiting, end))
        case CloseInterrupted(option):
            try:
                history.close_interrupted(
                    option.session.uid, option.close_status, decisions=option.closing
                )
            except ClaimedElsewhere as exc:
                return ClaimRefused(str(exc))
            except HistoryError as exc:
                return InterruptedClosed(option, str(exc))
            return InterruptedClosed(option, None)
        case StoreLevelMove(opening, choice):
            return LevelMoveStored(history.write_session(opening, level_move=choice))
        case StoreNote(opening, note):
            return NoteStored(history.write_session(opening, note=note))
        case StoreFollowUp(sign, answer, cleared, local_date):
            problem = _attempt(
                lambda: history.record_follow_up(
                    sign, answer, cleared=cleared, local_date=local_date
                )
            )
            return FollowUpStored(problem)
        case CorrectSet(opening, records, record):
            return SetCorrected(record, history.write_session(opening, records))
        case ReviseSession(opening, records, record, end):
            # With the end as well: a session whose end still waits in the journal closes
            # (an end closes only a running session, so a stored one is left alone).
            written = history.write_session(opening, records, end, revised=end)
            return SetCorrected(record, written)
    raise AssertionError(f"unknown effect {effect!r}")


def _attempt(action: Callable[..., object], *args: object) -> str | None:
    try:
        action(*args)
    except HistoryError as exc:
        return str(exc)
    return None


def _load_day(effect: LoadDay, history: History, load: Load) -> DayLoaded | DayFailed:
    try:
        loaded = load(effect.source)
    except SessionFileError as exc:
        return DayFailed(tuple(d.render() for d in exc.diagnostics))
    histories: dict[str, list[SessionFacts]] = {}
    moves: dict[str, list[LevelMove]] = {}
    starts: dict[str, Replay] = {}
    recent: list[SessionRecord] = []
    safety = SafetyFacts()
    offer = None
    problem = None
    # Sessions a coach kept in the journal go into the history before it is read: today's
    # plan must count them.
    imported = history.import_journals()
    routines: tuple[RoutineStatus, ...] = ()
    source = effect.source
    if effect.routines:
        # Read first: the routine shown may be the next one due today.
        with contextlib.suppress(HistoryError):
            recent = history.recent_sessions(RECENT_SESSIONS)
        routines = _routine_statuses(effect, recent, load)
        wanted = next_due(routines, str(source)) if effect.next_due else str(source)
        if wanted != str(source):
            with contextlib.suppress(SessionFileError, OSError):
                loaded, source = load(Path(wanted)), Path(wanted)
        routines = tuple(replace(r, current=r.path == str(source)) for r in routines)
    try:
        _read_pasts(loaded, history, histories, moves, starts)
        recent = history.recent_sessions(RECENT_SESSIONS)
        safety = history.safety_facts()
        interrupted = [
            s for s in history.interrupted_sessions() if s.uid not in effect.already_offered
        ]
        if interrupted:
            offer = _consider(
                interrupted[0], effect, loaded, (histories, moves, starts), history, load
            )
    except HistoryError as exc:
        problem = str(exc)
    planned = plan_today(loaded, histories, moves, today=effect.today, starts=starts)
    write_problem, journal_problem = history.write_problems()
    return DayLoaded(
        source,
        effect.today,
        loaded,
        planned,
        histories,
        moves,
        starts,
        tuple(recent),
        safety,
        offer,
        problem,
        imported.text(),
        write_problem,
        journal_problem,
        routines,
    )


def _routine_statuses(
    effect: LoadDay, recent: Sequence[SessionRecord], load: Load
) -> tuple[RoutineStatus, ...]:
    """Each routine home lists, named from its file, done today or not."""
    found = []
    for ref in effect.routines:
        name, source_id = ref.path.name, ""
        with contextlib.suppress(SessionFileError, OSError):
            its = load(ref.path)
            about = its.routine if isinstance(its, RoutineFile) else its.program
            name, source_id = about.name, about.id
        done = routine_done(recent, source_id, effect.today)
        found.append(RoutineStatus(str(ref.path), name, source_id, done, ref.remind_at))
    return tuple(found)


Pasts = tuple[dict[str, list[SessionFacts]], dict[str, list[LevelMove]], dict[str, Replay]]


def _read_pasts(
    loaded: LoadedFile,
    history: History,
    histories: dict[str, list[SessionFacts]],
    moves: dict[str, list[LevelMove]],
    starts: dict[str, Replay],
) -> None:
    """Each program's saved replay and the sessions and moves since, into the maps."""
    for program, start_level in programs_of(loaded):
        past = history.program_past(program, start_level)
        histories[program.id] = list(past.sessions)
        moves[program.id] = list(past.moves)
        if past.start is not None:
            starts[program.id] = past.start


def _consider(
    session: InterruptedSession,
    effect: LoadDay,
    loaded: LoadedFile,
    pasts: Pasts,
    history: History,
    load: Load,
) -> ResumeOption:
    """The options for an interrupted session, with its own session file and history."""
    path = Path(session.source_path)
    try:
        same = path.resolve() == effect.source.resolve()
    except (OSError, ValueError):
        same = False
    if same:
        return consider(session, loaded, pasts[0], pasts[1], effect.today, pasts[2])
    its_loaded: LoadedFile | None
    try:
        its_loaded = load(path)
    except (SessionFileError, OSError):
        its_loaded = None
    its: Pasts = ({}, {}, {})
    if its_loaded is not None:
        _read_pasts(its_loaded, history, *its)
    return consider(session, its_loaded, its[0], its[1], effect.today, its[2])
