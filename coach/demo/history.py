"""Synthetic history: years of made-up sessions, for demos and for measuring coach.

:func:`generate` fills a new, empty history database with what a plausible user of a
routine would have stored: a session most mornings with missed days and the occasional
week-long break, a morning pain that eases over months with noise, flare-ups and now
and then a relapse of some weeks, a pain rating for (nearly) every set, some sets cut
short or redone, now and then a session stopped early, a rest day taken, or a session
ended by a warning sign, the red-flag checklist when it is due, and a function check
with the Patient-Specific Functional Scale every four weeks or so (hold times that
follow the training, with noise of the size of the tests' measurement error).

Each morning is played by the app's own engine, as the app plays it without a screen:
a :class:`~coach.engine.day.DayFlow` whose effects are carried out by the day's
``carry_out`` into a history in memory (the store's own writes), whose player is a
:class:`~coach.engine.runner.SessionRunner` moved by a fake clock, and whose questions
(the checklist, the baseline, each rating, a skipped set's reason, a level offer...)
a scripted person answers (:class:`_Morning`). So every plan, decision, stop and level
offer is the rules' own and cannot drift from them; the person only decides what a
person decides. What is stored is stamped at the person's moment and named from the
seed (:func:`~coach.engine.clock.stamping_with`, :func:`~coach.engine.ids.naming_with`).
Sessions start in the local morning and are stored in UTC, like the app does. The
function checks are made up beside the sessions (from a random generator of their own)
and written with the store's bulk rows.

The same ``seed``, ``end``, ``days``, routine file and time zone give identical rows. A
year takes about 10 s of CPU, ten years about 2 minutes (every morning is a whole day
of the app, in memory); the history in memory is copied into the file at the end.

Fake data and real health data must never be mixed: :func:`generate` refuses a database
that already holds anything.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from coach.engine import day as day_flow
from coach.engine.checks.protocol import CEILING_SECONDS, EndedBy, HoldTest, Variant
from coach.engine.checks.records import HoldResult
from coach.engine.clock import FakeClock, local_today, stamping_with
from coach.engine.followup import FollowUpAnswer, Symptoms
from coach.engine.ids import naming_with, new_id
from coach.engine.planning import programs_of
from coach.engine.records import PainAnswer, SkipReason
from coach.engine.runner import Finished, RatingNeeded, RunnerEvent, RunState, StepStarted
from coach.engine.screening import QUESTIONS
from coach.engine.session import SessionController, SessionSummary
from coach.engine.timeline import Dose, PlannedExercise, StepKind
from coach.format.loader import AnyExercise, LoadedFile, load_session_file
from coach.store.bulk import (
    HistoryNotEmptyError,
    NewHistory,
    refuse_if_not_empty,
    write_played_history,
)
from coach.store.database import HistoryStore

__all__ = ["HistoryNotEmptyError", "Summary", "generate"]

MAX_DAYS = 36_500
"""A hundred years: more is a typo, not a benchmark."""

SCREENING_WEEKS = 4
"""The app's default ``screening_weeks``: the red-flag checklist is asked this often."""

CHECK_WEEKS = 4
"""The app's default ``check_weeks``: a function check is offered this often."""

CHECK_SEED = 0x18
"""Mixed into the seed for the checks' own random generator."""

_ACTIVITIES = (
    "Putting on socks and shoes",
    "Sitting through a film",
    "Carrying shopping (<5 kg) & climbing stairs",
    "Gardening for an hour",
    "Getting out of the car",
    "Lifting my grandchild",
    "Walking the dog for 30 minutes",
)
"""What the made-up person names for the PSFS (one with '<' and '&', as people write)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What :func:`generate` wrote."""

    path: Path
    first_day: date
    last_day: date
    days: int
    sessions: int
    sets: int
    dose_changes: int
    level_moves: int
    screenings: int
    seconds: float
    """Wall time of the whole generation, loading the routine included."""
    checks: int = 0


def generate(
    path: Path,
    *,
    days: int = 3650,
    seed: int = 0,
    end: date | None = None,
    source: Path,
    tz: tzinfo | None = None,
) -> Summary:
    """Fill the new history database at ``path`` with ``days`` days of synthetic history.

    The days run up to ``end`` (default: today, in which case a session that would start
    later than now is left out). ``source`` is the routine or program file played (the CLI
    passes the bundled morning routine). Sessions start in the morning of ``tz`` (default: the
    local time zone, with its daylight-saving rules).

    Raises :class:`HistoryNotEmptyError` if the database already holds anything,
    :class:`~coach.store.database.StoreError` if it cannot be written,
    :class:`~coach.format.diagnostics.SessionFileError` if ``source`` is invalid, and
    :class:`ValueError` for a ``days`` outside 1 to :data:`MAX_DAYS`.
    """
    started = time.perf_counter()
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}, not {days}")
    not_after = None
    if end is None:
        end = local_today()
        not_after = datetime.now(UTC)
    routine_path = source
    loaded = load_session_file(routine_path)
    store = HistoryStore(path)
    refuse_if_not_empty(store)
    simulation = _Simulation(
        loaded,
        routine_path,
        random.Random(seed),
        tz=tz,
        not_after=not_after,
        check_rng=random.Random(seed * 1000 + CHECK_SEED),
    )
    first_day = end - timedelta(days=days - 1)
    for offset in range(days):
        simulation.day(first_day + timedelta(days=offset))
    counts = write_played_history(store, simulation.played, simulation.rows)
    return Summary(
        path=store.path,
        first_day=first_day,
        last_day=end,
        days=days,
        sessions=counts["sessions"],
        sets=counts["sets"],
        dose_changes=counts["dose_changes"],
        level_moves=counts["level_moves"],
        screenings=counts["screenings"],
        seconds=time.perf_counter() - started,
        checks=counts["checks"],
    )


# -- the simulated user --------------------------------------------------------------


@dataclass
class _Body:
    """The made-up back: chronic pain easing over months, short flare-ups, a relapse now
    and then (weeks of high pain that send the doses, and sometimes the levels, back
    down), and a fitness per program that grows with training."""

    rng: random.Random
    day_number: int = 0
    flare: float = 0.0
    relapse: float = 0.0
    fitness: dict[str, float] = field(default_factory=dict)
    bias: dict[str, float] = field(default_factory=dict)
    """A small lasting offset per exercise: some simply hurt a little more than others."""

    def new_day(self) -> None:
        rng = self.rng
        self.day_number += 1
        self.flare *= 0.82
        self.relapse *= 0.965
        if rng.random() < 1 / 70:
            self.flare += rng.uniform(2.0, 5.0)
        if rng.random() < 1 / 420 and self.relapse < 1:
            self.relapse = rng.uniform(3.5, 6.0)
        for program_id in self.fitness:
            self.fitness[program_id] = max(0.0, self.fitness[program_id] - 0.003)

    @property
    def flaring(self) -> bool:
        return self.flare + self.relapse > 2.0

    def morning_pain(self) -> float:
        """How the back feels on waking, on a continuous 0-10 scale."""
        chronic = 1.0 + 3.8 * math.exp(-self.day_number / 240)
        season = 0.3 * math.sin(self.day_number * 2 * math.pi / 365.25)
        felt = chronic + season + self.flare + self.relapse + self.rng.gauss(0, 0.6)
        return min(10.0, max(0.0, felt))

    def set_pain(
        self, morning: float, item: PlannedExercise, position: float, set_number: int
    ) -> int:
        """A set's 0-10 rating; ``position`` is how far up its ranges the dose is (0-1)."""
        key = f"{item.program_id}/{item.key}"
        if key not in self.bias:
            self.bias[key] = self.rng.gauss(0, 0.35)
        fitness = self.fitness.setdefault(item.program_id, 0.3)
        strain = max(0.0, item.level - 1 + position - fitness)
        value = (
            0.55 * morning
            + 0.45 * self.relapse
            + 1.8 * strain
            + 0.25 * (set_number - 1)
            + self.bias[key]
            + self.rng.gauss(0, 0.8)
        )
        if self.rng.random() < 0.015:
            value += self.rng.uniform(2.5, 4.5)  # a twinge: this set, not the day
        return min(10, max(0, round(value)))

    def trained(self, program_id: str, share_done: float) -> None:
        fitness = self.fitness.setdefault(program_id, 0.3)
        self.fitness[program_id] = min(3.3, fitness + 0.012 * share_done)


def _range_position(exercise: AnyExercise, dose: Dose) -> float:
    """How far up its progression ranges a dose is: 0 at the minimum, 1 at the top."""
    progression = exercise.progression
    if progression is None:
        return 0.5
    spots = []
    for name in progression.order:
        bounds = getattr(progression, name)
        value = getattr(dose, name)
        if bounds is not None and value is not None and bounds.max > bounds.min:
            spots.append((value - bounds.min) / (bounds.max - bounds.min))
    return sum(spots) / len(spots) if spots else 0.5


class _Simulation:
    """Walks the calendar, deciding each day whether the person exercises; each morning
    is played through the day flow itself (:class:`_Morning`)."""

    def __init__(
        self,
        loaded: LoadedFile,
        source: Path,
        rng: random.Random,
        *,
        tz: tzinfo | None,
        not_after: datetime | None,
        check_rng: random.Random | None = None,
    ) -> None:
        self.loaded = loaded
        self.source = source
        self.check_rng = check_rng or random.Random(CHECK_SEED)
        """The checks' own: drawing from it never changes the sessions of a seed."""
        self.last_check: date | None = None
        self.rng = rng
        self.tz = tz
        self.not_after = not_after
        self.body = _Body(rng)
        self.rows = NewHistory()
        """What is made up beside the sessions: the function checks."""
        self.played = HistoryStore.in_memory()
        """The sessions, as the day flow stored them (copied into the history at the end)."""
        self.break_left = 0
        self.clock = FakeClock()
        self._anchor = (datetime.min.replace(tzinfo=UTC), self.clock.now)

    # -- the shell's clocks and names ---------------------------------------------------

    def wall(self) -> datetime:
        """The made-up person's moment: the day's start moved on with the fake clock."""
        start, at = self._anchor
        return start + timedelta(seconds=round(self.clock.now - at, 3))

    def start_at(self, moment: datetime) -> None:
        self._anchor = (moment, self.clock.now)

    def new_uid(self) -> str:
        """A fact's name, as the app makes it (:func:`coach.engine.ids.new_id`), at the
        person's moment and from the seed."""
        return new_id(int(self.wall().timestamp() * 1000), self.rng.getrandbits)

    def load(self, path: Path) -> LoadedFile:
        """The session file, read once: the flow asks for it every morning."""
        return self.loaded if path == self.source else load_session_file(path)

    # -- the calendar -----------------------------------------------------------------

    def day(self, day: date) -> None:
        self.body.new_day()
        if self._skips(day):
            return
        start = self._start_time(day)
        if self.not_after is not None and start > self.not_after:
            return
        self.start_at(start)
        with stamping_with(self.wall), naming_with(self.new_uid):
            summary = _Morning(self, day).play()
        if summary is not None:
            for program_id in self.loaded_programs:
                done = sum(r.sets_rated for r in summary.results if r.program_id == program_id)
                planned = sum(r.sets_planned for r in summary.results if r.program_id == program_id)
                self.body.trained(program_id, done / planned if planned else 0.0)
        self._check(day)

    @property
    def loaded_programs(self) -> list[str]:
        return [program.id for program, _ in programs_of(self.loaded)]

    def _skips(self, day: date) -> bool:
        rng = self.rng
        if self.break_left > 0:
            self.break_left -= 1
            return True
        if rng.random() < 1 / 130:  # holidays, a cold, a busy week
            self.break_left = rng.randint(6, 13)
            return True
        if rng.random() < 1 / 900:  # a long lapse
            self.break_left = rng.randint(20, 45)
            return True
        # Keen at first, a little less regular as the years go by; bad days and weekends
        # are skipped more often.
        chance = 0.03 + 0.07 * (1 - math.exp(-self.body.day_number / 900))
        if self.body.flaring:
            chance += 0.2
        if day.weekday() >= 5:
            chance += 0.04
        return rng.random() < chance

    def _start_time(self, day: date) -> datetime:
        rng = self.rng
        if day.weekday() < 5:
            minutes = rng.triangular(6 * 60, 8 * 60 + 45, 7 * 60 + 5)
        else:
            minutes = rng.triangular(7 * 60, 10 * 60 + 30, 8 * 60 + 30)
        local = datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=round(minutes * 60 + rng.random(), 3)
        )
        aware = local.astimezone() if self.tz is None else local.replace(tzinfo=self.tz)
        return aware.astimezone(UTC)

    # -- the evening's function check -------------------------------------------------

    def _check(self, day: date) -> None:
        """A function check in the evening of a session day, every four weeks or so:
        hold times that follow the training and the pain, and the PSFS. Every draw is
        from ``check_rng``."""
        rng, body = self.check_rng, self.body
        last = self.last_check
        if last is not None and (day - last).days < CHECK_WEEKS * 7 + rng.randint(0, 6):
            return
        start = _evening(day, rng, self.tz)
        if self.not_after is not None and start > self.not_after:
            return
        self.last_check = day
        rows = self.rows
        fitness = sum(body.fitness.values()) / max(1, len(body.fitness))
        chronic = 1.0 + 3.8 * math.exp(-body.day_number / 240)
        pain = chronic + body.flare + body.relapse + rng.gauss(0, 0.7)
        pain_before = min(10, max(0, round(pain)))
        check = rows.name_check(
            started_at=start.isoformat(timespec="milliseconds"),
            local_date=day,
            pain_before=pain_before,
        )
        clock = _Clock(start)
        # A base endurance that grows with training and shrinks with pain; the noise is
        # about the size of the tests' measurement error, as in people with back pain.
        extensor = 35 + 48 * fitness - 6 * pain_before
        times = {
            HoldTest.EXTENSOR: extensor,
            HoldTest.FLEXOR: extensor * rng.uniform(0.65, 0.95),
            HoldTest.SIDE_LEFT: extensor * rng.uniform(0.45, 0.7),
            HoldTest.SIDE_RIGHT: extensor * rng.uniform(0.45, 0.7),
        }
        for test, base in times.items():
            clock.wait(rng.uniform(60, 180))
            side = test in (HoldTest.SIDE_LEFT, HoldTest.SIDE_RIGHT)
            variant = Variant.EASIER if side and fitness < 0.55 else Variant.STANDARD
            if rng.random() < 0.03:
                skipped = HoldResult(test, variant, None, EndedBy.SKIPPED)
                rows.add_hold(check, skipped, clock.stamp())
                continue
            held = max(3.0, base * (1.6 if variant is Variant.EASIER else 1.0) + rng.gauss(0, 14))
            ended = EndedBy.PAIN if rng.random() < 0.05 + 0.03 * pain_before else EndedBy.STOPPED
            if held >= CEILING_SECONDS:
                held, ended = CEILING_SECONDS, EndedBy.CEILING
            clock.wait(held)
            result = HoldResult(test, variant, round(held, 1), ended)
            rows.add_hold(check, result, clock.stamp())
        if not rows.activities:
            for text in rng.sample(_ACTIVITIES, 3):
                rows.add_activity(text, clock.stamp())
        clock.wait(rng.uniform(30, 90))
        # The activities get easier as the months go by, each at its own pace.
        for number, activity in enumerate(rows.activity_uids, start=1):
            ease = 1 - math.exp(-body.day_number / (250 + 90 * number))
            score = 2 + 6.5 * ease - 0.5 * (body.flare + body.relapse) + rng.gauss(0, 0.8)
            rows.add_psfs(check, activity, min(10, max(0, round(score))), clock.stamp())
        pain_after = min(10, max(0, pain_before + rng.choice((0, 0, 1, 1, 2))))
        clock.wait(rng.uniform(10, 40))
        added = rows.add_check(
            started_at=start.isoformat(timespec="milliseconds"),
            ended_at=clock.stamp(),
            local_date=day,
            utc_offset=_offset_minutes(start, self.tz),
            pain_before=pain_before,
            pain_after=pain_after,
        )
        assert added == check


class _Morning:
    """One morning played as the app plays it, without a screen: the day flow's effects
    carried out at once (through the same ``carry_out`` and the store's own writes), the
    runner moved by the fake clock, and every question answered by the made-up person."""

    def __init__(self, simulation: _Simulation, today: date) -> None:
        self.sim = simulation
        self.rng = simulation.rng
        self.body = simulation.body
        self.clock = simulation.clock
        self.flow = day_flow.DayFlow(
            simulation.source,
            "memory",
            lambda: today,
            clock=self.clock,
            wall=simulation.wall,
            screening_weeks=SCREENING_WEEKS,
            check_weeks=CHECK_WEEKS,
            new_uid=simulation.new_uid,
        )
        self.pending: deque[day_flow.Output] = deque([self.flow.begin()])
        self.morning = self.body.morning_pain()
        self.started = False
        self.summary: SessionSummary | None = None
        self.felt: dict[tuple[int, int], int] = {}
        """Each set's pain, as the person feels it (drawn when the set starts)."""
        self.cut: set[tuple[int, int]] = set()
        """The sets the person cut short."""
        self.worked: tuple[int, int] | None = None
        self.redone: set[tuple[int, int]] = set()
        """The sets done again."""
        self.quit_at = -1
        """The exercise the person stops the session at (-1: none)."""
        self.quitting = False

    def play(self) -> SessionSummary | None:
        """Play the morning through; the session's summary (None when there was none)."""
        for _ in range(100_000):
            if self.pending:
                self._show(self.pending.popleft())
                continue
            session = self.flow.session
            if session is None or session.runner.state is not RunState.RUNNING:
                return self.summary
            self._advance(session)
        raise RuntimeError("the demo's morning never ended")

    def _feed(self, event: day_flow.Input) -> None:
        self.pending.extend(self.flow.handle(event))

    def _wait(self, low: float, high: float) -> None:
        self.clock.advance(self.rng.uniform(low, high))

    def _events(self, events: Sequence[RunnerEvent]) -> None:
        session = self.flow.session
        for event in events:
            if isinstance(event, StepStarted) and session is not None:
                session.note_step_started(event.step)
            elif isinstance(event, RatingNeeded):
                self._feed(day_flow.RatingDue(event.step))
            elif isinstance(event, Finished):
                self._feed(day_flow.PlayFinished())

    def _show(self, output: day_flow.Output) -> None:
        rng = self.rng
        if isinstance(output, day_flow.Play):
            count = len(output.session.plan.exercises)
            # Now and then the person stops the session early.
            self.quit_at = rng.randrange(count) if rng.random() < 0.02 else -1
            self._events(output.session.start())
        elif isinstance(output, day_flow.MoveOn):
            self._events(output.events)
        elif day_flow.is_effect(output):
            self._feed(day_flow.carry_out(output, self.sim.played, self.sim.load))
        elif isinstance(output, day_flow.ShowHome):
            if not self.started:
                self.started = True
                self._wait(4, 20)
                self._feed(day_flow.StartSession())
        elif isinstance(output, day_flow.AskScreening):
            self._wait(15, 60)
            self._feed(day_flow.ScreeningAnswer(self._checklist()))
        elif isinstance(output, day_flow.AskFollowUp):
            self._wait(10, 40)
            gone = Symptoms.GONE if rng.random() < 0.8 else Symptoms.BETTER
            self._feed(day_flow.FollowUpAnswered(FollowUpAnswer(gone, clinician_seen=True)))
        elif isinstance(output, day_flow.ShowAdvice):
            self._wait(3, 15)
            go_on = output.go_on is not None and (
                output.kind is not day_flow.AdviceKind.REST_DAY or rng.random() < 0.5
            )
            self._feed(day_flow.AdviceAnswer(go_on))
        elif isinstance(output, day_flow.AskBaseline):
            baseline = None if rng.random() < 0.01 else min(10, max(0, round(self.morning)))
            self._wait(4, 20)
            self._feed(day_flow.BaselineAnswer(PainAnswer(baseline)))
        elif isinstance(output, day_flow.AskRating):
            self._feed(day_flow.RatingAnswer(self._rating()))
        elif isinstance(output, day_flow.AskSkipReason):
            self._wait(1, 4)
            self._feed(day_flow.SkipAnswer(self._skip_reason()))
        elif isinstance(output, day_flow.AskQuit):
            self._wait(1, 4)
            stop = self.quitting
            self._feed(day_flow.QuitAnswer(stop, SkipReason.OTHER if stop else None))
        elif isinstance(output, day_flow.AskLevel):
            self._wait(3, 15)
            accepted = rng.random() < (0.75 if output.up else 0.6)
            self._feed(day_flow.LevelAnswer(accepted))
        elif isinstance(output, day_flow.ShowSummary):
            self.summary = output.summary
        elif isinstance(output, day_flow.AskResume):
            self._feed(day_flow.ResumeAnswer(day_flow.ResumeChoice.CLOSE))
        elif isinstance(output, day_flow.ShowError):
            raise RuntimeError(f"the demo's morning failed: {output.title}: {output.lines}")

    def _advance(self, session: SessionController) -> None:
        """Move the clock to the end of the step being played, or cut it short, or stop."""
        runner = session.runner
        step = runner.step
        assert step is not None
        where = (step.exercise_index, step.set_number)
        if step.kind.is_work and where != self.worked:
            self.worked = where
            if step.exercise_index == self.quit_at and not self.quitting:
                self.quitting = True
                self.clock.advance(runner.remaining() * self.rng.random())
                self._feed(day_flow.QuitAsked())
                return
            felt = self._felt(session, where)
            if self.rng.random() < 0.006 + 0.05 * max(0, felt - 3):
                self.cut.add(where)
                self.clock.advance(runner.remaining() * self.rng.uniform(0.25, 0.95))
                self._feed(day_flow.SkipAsked())
                return
        elif (
            step.kind in (StepKind.REST, StepKind.REST_AFTER)
            and self.worked is not None
            and self.worked not in self.redone
            and self.rng.random() < 0.008
        ):
            # 'b' after rating a set: it is done again and rated again (its second try).
            self.redone.add(self.worked)
            self.worked = None
            self._wait(1, 4)
            self._events(runner.back())
            return
        self.clock.advance(runner.remaining())
        self._events(runner.update())

    def _felt(self, session: SessionController, where: tuple[int, int]) -> int:
        if where not in self.felt:
            index, set_number = where
            item = session.plan.exercises[index]
            position = _range_position(item.exercise, item.dose)
            self.felt[where] = self.body.set_pain(self.morning, item, position, set_number)
        return self.felt[where]

    def _rating(self) -> PainAnswer:
        session = self.flow.session
        assert session is not None and session.runner.step is not None
        step = session.runner.step
        felt = self._felt(session, (step.exercise_index, step.set_number))
        flags = [False, False, False]
        if self.rng.random() < 0.0005 + (0.003 if self.body.flaring else 0.0):
            flags[self.rng.randrange(3)] = True
        pain = None if self.rng.random() < 0.004 else felt  # None: the rating was skipped
        self._wait(2, 9)
        return PainAnswer(pain, *flags)

    def _skip_reason(self) -> SkipReason:
        session = self.flow.session
        if session is not None and self.worked is not None and self.felt.get(self.worked, 0) > 5:
            return SkipReason.PAIN
        return SkipReason.TIME if self.rng.random() < 0.5 else SkipReason.OTHER

    def _checklist(self) -> dict[str, bool]:
        ticked: set[str] = set()
        if self.body.flaring and self.rng.random() < 0.3:
            ticked.add(self.rng.choice(("night_pain", "below_knee")))
        elif self.rng.random() < 0.02:
            # Signs to review soon; urgent and same-day ones, which stop a session, are
            # not made up.
            ticked.add(self.rng.choice(("weight_loss", "trauma")))
        return {q.key: q.key in ticked for q in QUESTIONS}


def _evening(day: date, rng: random.Random, tz: tzinfo | None) -> datetime:
    """A moment between 17:30 and 20:30 of ``day`` where the person lives, in UTC."""
    local = datetime.combine(day, datetime.min.time()) + timedelta(
        minutes=round(rng.uniform(17.5 * 60, 20.5 * 60))
    )
    aware = local.astimezone() if tz is None else local.replace(tzinfo=tz)
    return aware.astimezone(UTC)


def _offset_minutes(moment: datetime, tz: tzinfo | None) -> int:
    """Minutes east of UTC where the made-up person lives, at ``moment``."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    offset = local.utcoffset()
    return round(offset.total_seconds() / 60) if offset is not None else 0


class _Clock:
    """The wall clock of a made-up session, in UTC, formatted like ``utc_now()``."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.seconds = 0.0

    def wait(self, seconds: float) -> None:
        self.seconds += seconds

    def stamp(self) -> str:
        moment = self.start + timedelta(seconds=round(self.seconds, 3))
        return moment.isoformat(timespec="milliseconds")
