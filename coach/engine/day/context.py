"""What the day's sub-flows share, each part a frozen record replaced whole when it
changes: the day as loaded (:class:`Day`), what safety asks for (:class:`Safety`), where
the session's facts are (:class:`Keeping`) and the session being played (:class:`Run`);
and :class:`Host`, what a sub-flow may read and do through the coordinator
(:class:`coach.engine.day.flow.DayFlow`).

The sub-flows are modules of functions over a :class:`Host` rather than objects holding
each other: they turn to one another only through the host, so no module of the day
imports one that imports it back, and the host is the one place state lives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from coach.engine.clock import Clock, WallClock
from coach.engine.day.messages import OpenSession, ShowHome
from coach.engine.day.stages import StageState
from coach.engine.followup import FollowUpDue
from coach.engine.home import RoutineRef
from coach.engine.planning import Planned
from coach.engine.records import Kept, LevelMove, SessionFacts, SetRecord
from coach.engine.scaling import Advice, Replay
from coach.engine.screening import LastScreening
from coach.engine.session import SessionController
from coach.format.loader import LoadedFile


@dataclass(frozen=True, slots=True)
class Day:
    """The session file and its plan, with the history it was planned from."""

    loaded: LoadedFile
    planned: Planned
    histories: Mapping[str, list[SessionFacts]]
    """Each program's sessions after its saved replay in ``starts``."""
    moves: Mapping[str, list[LevelMove]]
    starts: Mapping[str, Replay]
    home: ShowHome | None = None
    """Home as last drawn."""
    cannot_save: str | None = None
    """Why nothing played now could be saved anywhere (the history and the journal both
    refuse): the person is asked before a session starts."""
    without_saving: bool = False
    """The person chose to exercise although nothing can be saved."""


@dataclass(frozen=True, slots=True)
class Safety:
    """What safety asks for before a session: read from the history at every load,
    never remembered from an earlier run, then changed only by the answers given."""

    follow_up: FollowUpDue | None = None
    """A warning sign of an earlier session or check, asked about before anything else."""
    screening_due: bool = False
    blocked: bool = False
    """An urgent checklist answer today: no session until tomorrow."""
    review: LastScreening | None = None
    """The last checklist asked for a clinician's review: home says so until a later one
    clears it."""
    check_due: bool = False
    """A function check is due (home says so)."""
    shown: tuple[str, ...] = ()
    """The safety notes home shows now: it is drawn again only when they change."""
    check_wanted: bool = False
    """The person asked for a function check: it follows the checklist."""
    check_sign: bool = False
    """A warning sign was reported after the check just played: if the history could
    not keep it (no follow-up comes from it), the checklist is asked all the same."""


@dataclass(frozen=True, slots=True)
class Keeping:
    """Where the session's facts are. Nothing is acknowledged on screen before it is on
    the disk, so this says only what the last write reported."""

    opening: OpenSession | None = None
    """The session being played, as every write of it carries it (None: a rehearsal,
    nothing is stored)."""
    unsaved: tuple[SetRecord, ...] = ()
    """Rated sets not in the history database yet, oldest first: each write carries them
    again until the history takes them."""
    kept: Kept = Kept.HISTORY
    """Where the last write went: the journal keeps :attr:`unsaved` safe on the disk;
    NOWHERE means the journal failed too."""
    journal: str | None = None
    """The journal file holding this session, once it has one."""
    problem: str | None = None
    """Why the history last refused a write (for the summary's line and the notices)."""


@dataclass(frozen=True, slots=True)
class Run:
    """The session being played or just played, from its opening to the next home. The
    controller itself is mutable (it follows the player); this record names it and what
    the day adds to it."""

    session: SessionController
    day_advice: tuple[Advice, ...] = ()
    """What the morning decided (an easy or a rest day), stored with its end."""
    after: Planned | None = None
    """Next time's plan with this session in it, once it has ended."""
    level_offer: tuple[str, int, int] | None = None
    """The level move asked about on the summary: program, from, to."""


class Host(Protocol):
    """What a sub-flow reads and changes: the coordinator's settings and state."""

    source: Path
    """The session file played (a resumed session's own, once resumed)."""
    state: StageState
    day: Day | None
    safety: Safety
    keeping: Keeping
    run: Run | None
    offered: set[str]
    home_source: Path | None
    routines: tuple[RoutineRef, ...]
    """The routines home lists (the ``routines`` setting)."""

    # Settings, read only:

    @property
    def saved_to(self) -> str: ...

    @property
    def today(self) -> Callable[[], date]: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def wall(self) -> WallClock: ...

    @property
    def speed(self) -> float: ...

    @property
    def skip_home(self) -> bool: ...

    @property
    def new_uid(self) -> Callable[[], str]: ...

    @property
    def rehearsal(self) -> bool: ...

    def loaded_day(self) -> Day:
        """The day as loaded (only asked once it is)."""
        ...

    def played(self) -> Run:
        """The session being played (only asked while there is one)."""
        ...
