"""Synthetic history: years of made-up sessions, for demos and for measuring coach.

:func:`generate` fills a new, empty history database with what a plausible user of a
routine would have stored: a session most mornings with missed days and the occasional
week-long break, a morning pain that eases over months with noise, flare-ups and now
and then a relapse of some weeks, a pain rating for (nearly) every set, some sets not
finished or redone, now and then a session stopped early or ended by a warning sign, a
red-flag screening every four weeks, and a function check with the Patient-Specific
Functional Scale every four weeks or so (hold times that follow the training, with noise
of the size of the tests' measurement error).

The data is shaped exactly like the app's own. The exercises, levels and doses come from
the routine file; each day's doses and each session's decisions come from the real
scaling engine, replayed one session at a time, so ``coach plan`` on the result agrees
with every dose stored in it; the rows have the app's columns, JSON and timestamp
formats. Sessions start in the local morning and are stored in UTC, like the app does.

The same ``seed``, ``end``, ``days``, routine file and time zone give byte-identical
rows. Everything is inserted in one transaction, so ten years take a few seconds. The
checks draw from a random generator of their own, so the sessions of a seed are the same
as before checks were made up.

Fake data and real health data must never be mixed: :func:`generate` refuses a database
that already holds anything.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from coach.engine.checks.protocol import CEILING_SECONDS, EndedBy, HoldTest, Variant
from coach.engine.checks.records import HoldResult
from coach.engine.clock import local_today
from coach.engine.planning import programs_of
from coach.engine.records import (
    RED_FLAG_REASON,
    LevelMove,
    PainAnswer,
    SessionFacts,
    SessionStatus,
    SetFacts,
    SetRecord,
)
from coach.engine.scaling import Replay
from coach.engine.screening import QUESTIONS, assess
from coach.engine.session import AfterRating, after_rating
from coach.engine.timeline import Dose, PlannedExercise, SessionPlan, plan_session
from coach.format.loader import AnyExercise, LoadedFile, load_session_file
from coach.format.v1 import HoldExercise, RepsExercise
from coach.store.bulk import (
    HistoryNotEmptyError,
    NewHistory,
    refuse_if_not_empty,
    write_new_history,
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
        str(routine_path),
        random.Random(seed),
        tz=tz,
        not_after=not_after,
        check_rng=random.Random(seed * 1000 + CHECK_SEED),
    )
    first_day = end - timedelta(days=days - 1)
    for offset in range(days):
        simulation.day(first_day + timedelta(days=offset))
    rows = simulation.rows
    write_new_history(store, rows)
    return Summary(
        path=store.path,
        first_day=first_day,
        last_day=end,
        days=days,
        sessions=len(rows.sessions),
        sets=len(rows.sets),
        dose_changes=len(rows.dose_changes),
        level_moves=len(rows.level_moves),
        screenings=len(rows.screenings),
        seconds=time.perf_counter() - started,
        checks=len(rows.checks),
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


@dataclass(frozen=True, slots=True)
class _Timing:
    """Planned seconds of one exercise at one dose, as the timeline spells it out."""

    set_seconds: float
    """From the first work step of a set to its end (both sides and the switch)."""
    work_seconds: float
    """Work steps only: the set's ``planned_work_seconds``."""
    total: float
    """The exercise's share of the session: get ready, sets, rests, rest after."""
    position: float
    """How far up its progression ranges the dose is: 0 at the minimum, 1 at the top."""


def _timing(item: PlannedExercise, *, is_last: bool) -> _Timing:
    exercise, dose = item.exercise, item.dose
    if isinstance(exercise, HoldExercise):
        holds = dose.holds or 1
        hold = dose.hold or float(exercise.written("hold") or 0)
        work = holds * hold
        side = work + (holds - 1) * exercise.hold_rest
    elif isinstance(exercise, RepsExercise):
        work = (dose.reps or int(exercise.written("reps") or 0)) * exercise.rep_seconds
        side = work
    else:
        work = side = dose.duration or float(exercise.written("duration") or 0)
    sides = 2 if exercise.sides == "each" else 1
    set_seconds = sides * side + (sides - 1) * exercise.switch
    total = item.get_ready + dose.sets * set_seconds + (dose.sets - 1) * exercise.rest
    if not is_last:
        total += exercise.rest_after
    return _Timing(set_seconds, sides * work, total, _range_position(exercise, dose))


class _Simulation:
    """Walks the calendar, deciding each day whether there is a session and what happens."""

    def __init__(
        self,
        loaded: LoadedFile,
        source_path: str,
        rng: random.Random,
        *,
        tz: tzinfo | None,
        not_after: datetime | None,
        check_rng: random.Random | None = None,
    ) -> None:
        self.loaded = loaded
        self.check_rng = check_rng or random.Random(CHECK_SEED)
        """The checks' own: drawing from it never changes the sessions of a seed."""
        self.last_check: date | None = None
        self.source_path = source_path
        self.rng = rng
        self.tz = tz
        self.not_after = not_after
        self.programs = [Replay(program, start) for program, start in programs_of(loaded)]
        """Each program's scaling state, stepped once per session by the engine's own
        replay (the tests check the result against planning on the stored history)."""
        self.body = _Body(rng)
        self.rows = NewHistory()
        self.break_left = 0
        self.last_screening: date | None = None
        self.timings: dict[tuple[str, str, int, Dose, bool], _Timing] = {}

    # -- the calendar -----------------------------------------------------------------

    def day(self, day: date) -> None:
        self.body.new_day()
        if self._skips(day):
            return
        start = self._start_time(day)
        if self.not_after is not None and start > self.not_after:
            return
        self._session(day, start)
        self._check(day)

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

    # -- one session ------------------------------------------------------------------

    def _session(self, day: date, start: datetime) -> None:
        rng, body = self.rng, self.body
        clock = _Clock(start)
        self._screening(day, clock)
        morning = body.morning_pain()
        baseline = None if rng.random() < 0.01 else min(10, max(0, round(morning)))
        clock.wait(rng.uniform(4, 20))
        today = {replay.program.id: replay.plan(day, baseline) for replay in self.programs}
        plan = plan_session(
            self.loaded,
            levels={pid: planned.level for pid, planned in today.items()},
            doses={(pid, key): dose for pid, p in today.items() for key, dose in p.doses.items()},
        )
        session_id = len(self.rows.sessions) + 1
        started_at = clock.stamp()
        status, stop_reason, rated = self._play(session_id, plan, morning, clock)
        planned_seconds = sum(self._timing_of(plan, i).total for i in range(len(plan.exercises)))
        clock.wait(rng.uniform(0.5, 2.0))
        ended_at = clock.stamp()
        added = self.rows.add_session(
            started_at=started_at,
            ended_at=ended_at,
            status=status,
            source_id=plan.source_id,
            title=plan.title,
            source_path=self.source_path,
            planned_seconds=planned_seconds,
            baseline_pain=baseline,
            levels=plan.levels,
            stop_reason=stop_reason,
            local_date=day,
            utc_offset=_offset_minutes(start, self.tz),
        )
        assert added == session_id
        for planned_today in today.values():
            self.rows.add_decisions(session_id, planned_today.checks, started_at, "before")
        offers: list[tuple[Replay, int, bool]] = []
        for replay in self.programs:
            program_id = replay.program.id
            facts = SessionFacts(
                session_id=session_id,
                day=day,
                baseline=baseline,
                level=plan.levels[program_id],
                sets=tuple(s for s in rated if s.program_id == program_id),
                status=status,
                stop_reason=stop_reason,
            )
            self.rows.add_decisions(session_id, replay.add(facts), ended_at, "after")
            # Offers, like the summary's plan, are for the next day.
            after = replay.plan(day + timedelta(days=1))
            self.rows.add_advice(session_id, after.advice, ended_at)
            if after.offer_up is not None:
                place = sum(1 for _, _, is_up in offers if is_up)
                offers.insert(place, (replay, after.offer_up, True))
            if after.offer_down is not None:
                offers.append((replay, after.offer_down, False))
            done = sum(1 for s in facts.sets if s.completed)
            planned = sum(e.dose.sets for e in plan.exercises if e.program_id == program_id)
            body.trained(program_id, done / planned if planned else 0.0)
        if offers and status is not SessionStatus.RED_FLAG:
            # The summary asks about the first offer only, as the app does.
            replay, to_level, up = offers[0]
            accepted = rng.random() < (0.85 if up else 0.7)
            clock.wait(rng.uniform(3, 15))
            name = self.rows.session_name(session_id)
            move = LevelMove(name, replay.level, to_level, accepted)
            self.rows.add_level_move(session_id, replay.program.id, move, clock.stamp())
            replay.answer(move)

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
        check_id = len(rows.checks) + 1
        fitness = sum(body.fitness.values()) / max(1, len(body.fitness))
        chronic = 1.0 + 3.8 * math.exp(-body.day_number / 240)
        pain = chronic + body.flare + body.relapse + rng.gauss(0, 0.7)
        pain_before = min(10, max(0, round(pain)))
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
                rows.add_hold(check_id, skipped, clock.stamp())
                continue
            held = max(3.0, base * (1.6 if variant is Variant.EASIER else 1.0) + rng.gauss(0, 14))
            ended = EndedBy.PAIN if rng.random() < 0.05 + 0.03 * pain_before else EndedBy.STOPPED
            if held >= CEILING_SECONDS:
                held, ended = CEILING_SECONDS, EndedBy.CEILING
            clock.wait(held)
            result = HoldResult(test, variant, round(held, 1), ended)
            rows.add_hold(check_id, result, clock.stamp())
        if not rows.activities:
            for number, text in enumerate(rng.sample(_ACTIVITIES, 3), start=1):
                activity_id = rows.add_activity(text, clock.stamp())
                assert activity_id == number
        clock.wait(rng.uniform(30, 90))
        # The activities get easier as the months go by, each at its own pace.
        for number in range(1, len(rows.activities) + 1):
            ease = 1 - math.exp(-body.day_number / (250 + 90 * number))
            score = 2 + 6.5 * ease - 0.5 * (body.flare + body.relapse) + rng.gauss(0, 0.8)
            rows.add_psfs(check_id, number, min(10, max(0, round(score))), clock.stamp())
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
        assert added == check_id

    def _screening(self, day: date, clock: _Clock) -> None:
        last = self.last_screening
        if last is not None and (day - last).days < SCREENING_WEEKS * 7:
            return
        self.last_screening = day
        ticked: set[str] = set()
        if self.body.flaring and self.rng.random() < 0.3:
            ticked.add(self.rng.choice(("night_pain", "below_knee")))
        elif self.rng.random() < 0.02:
            # Signs to review soon; urgent and same-day ones, which stop a session, are
            # not made up.
            ticked.add(self.rng.choice(("weight_loss", "trauma")))
        answers = {q.key: q.key in ticked for q in QUESTIONS}
        outcome = assess(answers)
        clock.wait(self.rng.uniform(15, 60))
        self.rows.add_screening(answers, outcome, clock.stamp(), day)

    def _timing_of(self, plan: SessionPlan, index: int) -> _Timing:
        item = plan.exercises[index]
        is_last = index == len(plan.exercises) - 1
        key = (item.program_id, item.key, item.level, item.dose, is_last)
        timing = self.timings.get(key)
        if timing is None:
            timing = self.timings[key] = _timing(item, is_last=is_last)
        return timing

    def _play(
        self, session_id: int, plan: SessionPlan, morning: float, clock: _Clock
    ) -> tuple[SessionStatus, str | None, list[SetFacts]]:
        """Every set of the session as the user went through it: the rows, the outcome."""
        rng = self.rng
        rated: list[SetFacts] = []
        scaling = {replay.program.id: replay.scaling for replay in self.programs}
        count = len(plan.exercises)
        # Where the user stops the session early, if they do. (No session is left
        # 'running': the app offers to resume or close those the next time it starts.)
        quit_at = rng.randrange(count) if rng.random() < 0.02 else count
        for index, item in enumerate(plan.exercises):
            timing = self._timing_of(plan, index)
            if index == quit_at:
                clock.wait(rng.uniform(0, timing.total))
                return SessionStatus.STOPPED, None, rated
            clock.wait(item.get_ready)
            dose = item.dose
            limits = scaling[item.program_id]
            for set_number in range(1, dose.sets + 1):
                redo = rng.random() < 0.008
                attempt = 1
                if redo and rng.random() < 0.5:
                    # 'b' during the set: it starts again and only the redo is rated.
                    clock.wait(rng.uniform(2, timing.set_seconds))
                    attempt = 2
                while True:
                    started_at = clock.stamp()
                    record = self._set(
                        session_id,
                        index,
                        item,
                        set_number,
                        attempt,
                        started_at,
                        morning,
                        timing,
                        clock,
                    )
                    rated.append(record.facts)
                    # The in-session rules are the app's own (after_rating).
                    outcome = after_rating(record, limits)
                    if outcome is AfterRating.RED_FLAG:
                        return SessionStatus.RED_FLAG, RED_FLAG_REASON, rated
                    pain = record.answer.pain
                    hurt = pain is not None and pain > limits.acceptable_max
                    if attempt == 1 and redo and not hurt:
                        # 'b' after rating: the set is done again and rated again (this
                        # person redoes only a set that stayed in the zone).
                        clock.wait(rng.uniform(1, 4))
                        attempt = 2
                        continue
                    break
                # Very high pain offers to stop the session: this person carries on, and
                # the app then ends the exercise, as it does for pain above the zone.
                if outcome in (AfterRating.END_EXERCISE, AfterRating.HIGH_PAIN):
                    break  # the rest of this exercise is skipped for today
                if set_number < dose.sets:
                    clock.wait(item.exercise.rest)
            if index < count - 1:
                clock.wait(item.exercise.rest_after)
            if rng.random() < 0.01:  # a pause: the phone, the door, a sip of water
                clock.wait(rng.uniform(20, 300))
        return SessionStatus.COMPLETED, None, rated

    def _set(
        self,
        session_id: int,
        index: int,
        item: PlannedExercise,
        set_number: int,
        attempt: int,
        started_at: str,
        morning: float,
        timing: _Timing,
        clock: _Clock,
    ) -> SetRecord:
        """One rated set: its row, and the record (a warning sign ends the session)."""
        rng, body = self.rng, self.body
        dose = item.dose
        felt = body.set_pain(morning, item, timing.position, set_number)
        completed = rng.random() >= 0.006 + 0.05 * max(0, felt - 3)
        if completed:
            done = timing.work_seconds
            clock.wait(timing.set_seconds)
        else:
            share = rng.uniform(0.25, 0.95)
            done = round(timing.work_seconds * share, 3)
            clock.wait(timing.set_seconds * share)
        flag_chance = 0.0002 + (0.002 if body.flaring else 0.0)
        flags = [False, False, False]
        if rng.random() < flag_chance:
            flags[rng.randrange(3)] = True
        pain = None if rng.random() < 0.004 else felt  # None: the rating was skipped
        clock.wait(rng.uniform(2, 9))
        record = SetRecord(
            session_id=session_id,
            exercise_index=index,
            program_id=item.program_id,
            level=item.level,
            exercise_id=item.key,
            exercise_name=item.name,
            kind=item.exercise.kind,
            set_number=set_number,
            sets_planned=dose.sets,
            planned=dose,
            planned_work_seconds=timing.work_seconds,
            done_work_seconds=done,
            completed=completed,
            answer=PainAnswer(pain, *flags),
            attempt=attempt,
            started_at=started_at,
            rated_at=clock.stamp(),
            sides=item.exercise.sides,
        )
        self.rows.add_set(record)
        return record


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
