"""Session file format, version 1: the typed models behind every YAML file coach reads.

A file holds either one ``program`` (a track such as back extensions, made of ordered
levels of exercises) or one ``routine`` (programs combined into a daily session). The
docstring under each field is its documentation: it appears in the JSON Schema that
editors use for completion, and in ``docs/authoring.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from coach.format.durations import (
    MAX_DURATION_CHARS,
    DurationError,
    duration_pattern,
    format_duration,
    parse_duration,
)
from coach.format.figure_library import BUNDLED_FIGURES
from coach.format.figures import Figure
from coach.format.text import REFUSED_PATTERN

__all__ = [
    "DOSE_BOUNDS",
    "FORMAT_VERSION",
    "TEMPO_PHASES",
    "CountRange",
    "Cues",
    "Document",
    "DurationRange",
    "Exercise",
    "FigureRef",
    "HoldExercise",
    "Level",
    "Program",
    "ProgramRef",
    "Progression",
    "RepsExercise",
    "Routine",
    "Scaling",
    "Tempo",
    "TempoPhase",
    "TempoPhaseName",
    "TimeBudget",
    "TimedExercise",
    "Unlock",
]

FORMAT_VERSION = 1

# The text policy in the schema too, so editors flag what the reader refuses: no control
# character, bidirectional control or separator; one-line texts also no line feed.
_MULTI_LINE_PATTERN = "^[^" + REFUSED_PATTERN[1:-1] + "]*$"
_ONE_LINE_PATTERN = r"^[^\n" + REFUSED_PATTERN[1:-1] + "]*$"


@dataclass(frozen=True)
class _JsonPattern:
    """Adds a ``pattern`` to a string's JSON Schema without validating with it: the
    reader and :func:`_one_line` check the same rule with messages that name the place
    and the character."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


def _one_line(text: str) -> str:
    if "\n" in text:
        raise PydanticCustomError("one_line", "must be one line; this text has a line break")
    return text


OneLine = AfterValidator(_one_line)


def _seconds(value: object) -> float:
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise PydanticCustomError("duration", str(exc)) from None


def _within(low: float, high: float) -> AfterValidator:
    def check(seconds: float) -> float:
        if not low <= seconds <= high:
            raise PydanticCustomError(
                "duration_range",
                f"must be between {format_duration(low)} and {format_duration(high)}, "
                f"not {format_duration(seconds)}",
            )
        return seconds

    return AfterValidator(check)


def _duration_schema(low: float, high: float) -> WithJsonSchema:
    # The string form carries the same bounds as the number, spelled out in the pattern.
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": low, "maximum": high},
                {
                    "type": "string",
                    "maxLength": MAX_DURATION_CHARS,
                    "pattern": duration_pattern(low, high),
                },
            ],
            "examples": [45, "45s", "1m30s"],
        }
    )


_AS_SECONDS = BeforeValidator(_seconds)

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"),
    WithJsonSchema({"type": "string", "pattern": r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"}),
]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=80), OneLine, _JsonPattern(_ONE_LINE_PATTERN)
]
# An exercise's figure: the id of a bundled one, or its own keyframes. Told apart by
# type, so an error inside keyframes points into them rather than at both readings.
FigureRef = Annotated[
    Annotated[
        str,
        StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"),
        WithJsonSchema({"type": "string", "enum": sorted(BUNDLED_FIGURES)}),
        Tag("id"),
    ]
    | Annotated[Figure, Tag("keyframes")],
    Discriminator(lambda value: "id" if isinstance(value, str) else "keyframes"),
]
Text = Annotated[str, StringConstraints(max_length=4000), _JsonPattern(_MULTI_LINE_PATTERN)]
SoundPath = Annotated[
    str, StringConstraints(min_length=1, max_length=300), OneLine, _JsonPattern(_ONE_LINE_PATTERN)
]
StopSign = Annotated[
    str, StringConstraints(min_length=1, max_length=300), OneLine, _JsonPattern(_ONE_LINE_PATTERN)
]
# What the player says during the work (upper case on screen): a word or two.
WorkLabel = Annotated[
    str, StringConstraints(min_length=1, max_length=20), OneLine, _JsonPattern(_ONE_LINE_PATTERN)
]


def _whole(value: object) -> object:
    # A number with no fraction is a whole number, however it is written: JSON (and so
    # the JSON Schema editors check against, whose 'integer' takes 2.0) cannot tell
    # 2.0 from 2, so neither does the loader. 2.5, text and true stay refused.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


_WHOLE = BeforeValidator(_whole)
"""On every whole-number field, after its bounds (so the schema keeps them as its own)."""
Pain = Annotated[int, Field(ge=0, le=10), _WHOLE]

# Each dose's bounds, in one place: what an exercise's dose, a ceiling and a progression
# range may be (the models below, and the loader's check of a range, read them here).
_HOLD = (1, 600)
_DURATION = (1, 1800)
_HOLDS = (1, 30)
_REPS = (1, 100)
_SETS = (1, 20)
DOSE_BOUNDS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"hold": _HOLD, "holds": _HOLDS, "reps": _REPS, "duration": _DURATION, "sets": _SETS}
)
"""Smallest and largest of each dose, by the name it has in a file (seconds for ``hold``
and ``duration``)."""

Holds = Annotated[int, Field(ge=_HOLDS[0], le=_HOLDS[1]), _WHOLE]
Reps = Annotated[int, Field(ge=_REPS[0], le=_REPS[1]), _WHOLE]
Sets = Annotated[int, Field(ge=_SETS[0], le=_SETS[1]), _WHOLE]
# A progression range over any counted dose: each dose's own bounds are the loader's
# check (it names the dose); this is the widest of them.
RangeCount = Annotated[int, Field(ge=1, le=max(_HOLDS[1], _REPS[1], _SETS[1])), _WHOLE]

# Durations accept 45, "45s", "1m30s" or "1m 30s"; each use has bounds that make sense.
Seconds = Annotated[float, _AS_SECONDS, _within(0, 3600), _duration_schema(0, 3600)]
StepSeconds = Annotated[float, _AS_SECONDS, _within(0.5, 600), _duration_schema(0.5, 600)]
HoldSeconds = Annotated[float, _AS_SECONDS, _within(*_HOLD), _duration_schema(*_HOLD)]
WorkSeconds = Annotated[float, _AS_SECONDS, _within(*_DURATION), _duration_schema(*_DURATION)]
_RANGE = re.compile(r"^\s*(?P<low>[^-]+?)\s*(?:-|\s+to\s+)\s*(?P<high>[^-]+?)\s*$")
_RANGE_MARK = re.compile(r"-|\sto\s")
"""What makes a text a range (found in linear time)."""
_BARE_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_SECONDS_UNIT = re.compile(r"(?:seconds?|secs?|s)$")


def _rest_seconds(value: object) -> float:
    """A rest, or a range of rests written as a physiotherapist does ('20-30s'): the
    longer end plays (N ends a rest early), so the range is never cut short."""
    # The length first: the range pattern backtracks on a long text of spaces (a fuzzed
    # file of 16 KB held `coach validate` for minutes), and no range is that long.
    if (
        isinstance(value, str)
        and len(value) > MAX_DURATION_CHARS
        and _RANGE_MARK.search(value) is not None
    ):
        raise PydanticCustomError(
            "duration",
            f"a range of {len(value)} characters is not meant; write it like 20-30s (at "
            f"most {MAX_DURATION_CHARS} characters)",
        )
    if (
        isinstance(value, str)
        and len(value) <= MAX_DURATION_CHARS
        and (found := _RANGE.match(value)) is not None
    ):
        low_text, high_text = found["low"], found["high"]
        bare_low, bare_high = _BARE_NUMBER.match(low_text), _BARE_NUMBER.match(high_text)
        if bare_low and not bare_high and not _SECONDS_UNIT.search(high_text):
            raise PydanticCustomError(
                "duration",
                f"write the unit on both ends of a range: "
                f"'{low_text}{high_text.lstrip('0123456789. ')}-{high_text}'",
            )
        low, high = _seconds(low_text), _seconds(high_text)
        if low > high:
            raise PydanticCustomError(
                "duration",
                "a range starts at its shorter rest: write "
                f"'{format_duration(high)}-{format_duration(low)}'",
            )
        return high
    return _seconds(value)


def _rest_schema(low: float, high: float) -> WithJsonSchema:
    one = duration_pattern(low, high)
    inner = one.removeprefix("^").removesuffix("$")
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": low, "maximum": high},
                {"type": "string", "maxLength": MAX_DURATION_CHARS, "pattern": one},
                {
                    "type": "string",
                    "maxLength": MAX_DURATION_CHARS,
                    "pattern": f"^(?:{inner})(?:-| +to +)(?:{inner})$",
                },
            ],
            "examples": [30, "30s", "20-30s"],
        }
    )


# Rests may be written as a range ("20-30s"): the longer end plays.
RestSeconds = Annotated[
    float, BeforeValidator(_rest_seconds), _within(0, 600), _rest_schema(0, 600)
]
ShortSeconds = Annotated[float, _AS_SECONDS, _within(0, 60), _duration_schema(0, 60)]


def _one_or_list(value: object) -> str:
    return "list" if isinstance(value, list) else "one"


def _per_set(one: Any) -> Any:  # Any: an annotation built at run time
    """A dose written once for every set, or as a list with one value per set (a pyramid
    such as [6, 4, 2]: the number of sets is the list's length)."""
    return Annotated[
        Annotated[one, Tag("one")]
        | Annotated[list[one], Field(min_length=2, max_length=20), Tag("list")],
        Discriminator(_one_or_list),
    ]


PER_SET_DOSES = ("hold", "holds", "reps", "duration")
"""The doses an exercise may write per set, as a list."""


def _hold_form(value: object) -> str:
    if isinstance(value, list):
        return "list"
    return "up_to" if isinstance(value, dict | UpTo) else "one"


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )


class Ceilings(_Model):
    """Hard limits that auto-scaling never passes, whatever the progression ranges say."""

    hold: HoldSeconds | None = None
    """Longest hold."""
    holds: Holds | None = None
    """Most holds in a set."""
    reps: Reps | None = None
    """Most repetitions in a set."""
    duration: WorkSeconds | None = None
    """Longest timed block."""
    sets: Sets | None = None
    """Most sets of an exercise."""


class Scaling(_Model):
    """Pain thresholds for auto-scaling, on the 0-10 scale (the pain-monitoring model)."""

    safe_max: Pain = 2
    """Highest pain rating that still lets a dose progress (0-2 is the usual 'safe' zone)."""
    acceptable_max: Pain = 5
    """Highest pain rating at which the dose is repeated; above it the dose steps back and the
    exercise ends for the day."""
    stop_session_at: Pain = 8
    """A rating at or above this during a set offers to end the whole session now."""
    morning_worse_by: Annotated[int, Field(ge=1, le=10), _WHOLE] = 2
    """How many points above the usual starting pain (the median of the last two weeks'
    baselines) a session may start before what was loaded last time steps back."""
    rest_day_from: Pain = 7
    """A starting pain at or above this advises an easy day: rest, or mobility only."""
    weekly_rise: Annotated[int, Field(ge=1, le=10), _WHOLE] = 1
    """Rise in the 7-day average starting pain that steps back what progressed during the
    rise and stops all progression until it settles."""
    gap_days: Annotated[int, Field(ge=2, le=60), _WHOLE] = 7
    """Days without a session after which every dose steps back once."""
    ceilings: Ceilings = Field(default_factory=Ceilings)
    """Doses auto-scaling never goes beyond, for every exercise of the program."""


class CueSounds(_Model):
    """Custom sound files for cues, as paths relative to this file (inside its folder)."""

    tick: SoundPath | None = None
    """Get-ready countdown ticks."""
    start: SoundPath | None = None
    """Start of a hold, rep set or timed block."""
    halfway: SoundPath | None = None
    """Halfway through a hold or timed block."""
    last: SoundPath | None = None
    """Ticks during the last seconds."""
    end: SoundPath | None = None
    """End of a hold or block."""
    switch: SoundPath | None = None
    """Time to switch sides."""
    rest_end: SoundPath | None = None
    """End of a rest."""
    done: SoundPath | None = None
    """Session complete."""


class Cues(_Model):
    """Which audio cues play. Unset fields inherit from the program, then the defaults."""

    countdown: bool | None = None
    """Tick on the last three seconds of the get-ready countdown (default true)."""
    start: bool | None = None
    """Sound at the start of each hold, set of reps or timed block (default true)."""
    halfway: bool | None = None
    """Sound halfway through holds and timed blocks of 6 s or more (default false)."""
    last_seconds: Annotated[int, Field(ge=0, le=10), _WHOLE] | None = None
    """Tick during this many final seconds of a hold or timed block; 0 turns it off
    (default 3)."""
    end: bool | None = None
    """Sound at the end of each hold or block (default true)."""
    sounds: CueSounds | None = None
    """Custom sound files for some cues."""


TempoPhaseName = Literal["up", "pause", "down"]
TEMPO_PHASES: tuple[TempoPhaseName, ...] = ("up", "pause", "down")
"""A repetition's phases in the order a mapping plays them when written in this order."""


class Tempo(_Model):
    """The pace of one repetition: seconds up, pause and down. Played in the order
    written; a mapping in another order than up, pause, down names all three."""

    up: ShortSeconds = 2.0
    """Seconds to move into the position (the lifting or working part)."""
    pause: ShortSeconds = 1.0
    """Seconds to hold still at the end of the movement (shown as 'hold')."""
    down: ShortSeconds = 2.0
    """Seconds to return to the start (or, written first, to lower into the position)."""

    _order: tuple[TempoPhaseName, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(cls, data: object, handler: ModelWrapValidatorHandler[Tempo]) -> Tempo:
        model = handler(data)
        if isinstance(data, dict):
            model._order = tuple(k for k in data if k in TEMPO_PHASES)
        return model

    @model_validator(mode="after")
    def _not_zero(self) -> Tempo:
        if self.up + self.pause + self.down <= 0:
            raise PydanticCustomError(
                "tempo", "a repetition needs some time: up, pause or down above 0"
            )
        return self

    @cached_property
    def phases(self) -> tuple[tuple[TempoPhaseName, float], ...]:
        """Each phase and its seconds, in the order played (zero-second phases kept)."""
        written = self._order
        if written and list(written) != [p for p in TEMPO_PHASES if p in written]:
            order = written  # all three, checked by the loader
        else:
            order = TEMPO_PHASES
        return tuple((name, float(getattr(self, name))) for name in order)

    @property
    def written_out_of_order(self) -> bool:
        """Written in another order than up, pause, down."""
        return list(self._order) != [p for p in TEMPO_PHASES if p in self._order]


class TempoPhase(_Model):
    """One phase of a tempo written as a list: exactly one of up, pause or down."""

    # Not null in the schema: an item names its phase with a duration.
    up: Annotated[ShortSeconds | None, _duration_schema(0, 60)] = None
    """Seconds moving up (lifting, rising, arching)."""
    pause: Annotated[ShortSeconds | None, _duration_schema(0, 60)] = None
    """Seconds holding still (shown as 'hold')."""
    down: Annotated[ShortSeconds | None, _duration_schema(0, 60)] = None
    """Seconds moving down (lowering, bending, sitting back)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> TempoPhase:
        given = [name for name in TEMPO_PHASES if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "tempo_phase",
                "each item of a tempo list names one phase, such as '- down: 3s'",
            )
        return self

    @property
    def phase(self) -> tuple[TempoPhaseName, float]:
        name = next(n for n in TEMPO_PHASES if getattr(self, n) is not None)
        return name, float(getattr(self, name))


# A tempo: a mapping (up, pause, down: played in the order written) or a list of phases
# in order. Told apart by type, so an error inside one points into it.
_SHORT_SCHEMA = _duration_schema(0, 60).json_schema
# In the schema, an item of a tempo list is one of three one-key mappings.
_PHASE_SCHEMA = WithJsonSchema(
    {
        "description": "One phase: '- down: 3s', '- pause: 1s' or '- up: 1s'.",
        "oneOf": [
            {
                "type": "object",
                "properties": {name: _SHORT_SCHEMA},
                "required": [name],
                "additionalProperties": False,
            }
            for name in TEMPO_PHASES
        ],
    }
)
TempoSpec = Annotated[
    Annotated[Tempo, Tag("mapping")]
    | Annotated[
        list[Annotated[TempoPhase, _PHASE_SCHEMA]],
        Field(min_length=1, max_length=6),
        Tag("list"),
    ],
    Discriminator(lambda value: "list" if isinstance(value, list) else "mapping"),
]


class CountRange(_Model):
    """Bounds and step for a dose counted in whole numbers (reps, holds, sets)."""

    min: RangeCount
    """Smallest dose the auto-scaling may step back to."""
    max: RangeCount
    """Largest dose the auto-scaling may progress to."""
    step: Annotated[int, Field(ge=1, le=20), _WHOLE] = 1  # a step, not a dose
    """How much one progression step adds (or one step back removes)."""


class DurationRange(_Model):
    """Bounds and step for a dose measured in time (hold or timed-block seconds)."""

    min: Seconds
    """Shortest dose the auto-scaling may step back to."""
    max: Seconds
    """Longest dose the auto-scaling may progress to."""
    step: StepSeconds = 1.0
    """How much time one progression step adds (or one step back removes)."""


class Progression(_Model):
    """How auto-scaling may change this exercise's dose. Doses are tried in the order they
    are written: progressing raises the first one below its max, stepping back lowers the
    last one above its min."""

    hold: DurationRange | None = None
    """Seconds per hold (kind: hold)."""
    holds: CountRange | None = None
    """Holds per set (kind: hold)."""
    reps: CountRange | None = None
    """Repetitions per set (kind: reps)."""
    duration: DurationRange | None = None
    """Seconds of the timed block (kind: timed)."""
    sets: CountRange | None = None
    """Number of sets (any kind)."""

    _order: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(
        cls, data: object, handler: ModelWrapValidatorHandler[Progression]
    ) -> Progression:
        model = handler(data)
        if isinstance(data, dict):
            model._order = tuple(k for k in data if k in cls.model_fields and data[k] is not None)
        return model

    @cached_property
    def order(self) -> tuple[str, ...]:
        """The dose names given, in the order the author wrote them."""
        # Cached: the model is frozen, and replaying years of history asks for it about a
        # hundred thousand times (a private attribute is a slow lookup on a pydantic model).
        return self._order or tuple(
            name for name in type(self).model_fields if getattr(self, name) is not None
        )


class _ExerciseBase(_Model):
    id: Slug | None = None
    """Stable identifier used by history and scaling (lowercase, digits, dashes). Defaults to
    the name made lowercase with dashes; set it so renaming keeps the history."""
    name: Name
    """Name shown to the user, exactly as written."""
    sides: Literal["both", "each"] = "both"
    """'both': done once, both sides together. 'each': left side, a switch pause, then right."""
    sets: Sets = 1
    """Number of sets; the user rates pain after each."""
    rest: RestSeconds = 30.0
    """Rest between sets."""
    rest_after: RestSeconds = 30.0
    """Rest after the last set, before the next exercise."""
    switch: ShortSeconds = 5.0
    """Pause to change sides (sides: each)."""
    get_ready: ShortSeconds | None = None
    """Countdown before the exercise starts (default: the program's or routine's)."""
    instructions: Text = ""
    """How to do the exercise, shown on screen as written."""
    stop_if: list[StopSign] = Field(default_factory=list, max_length=10)
    """Signs that mean: stop this exercise now. Shown on screen as written."""
    cues: Cues | None = None
    """Audio cues for this exercise (unset fields inherit the program's)."""
    rate: bool = True
    """Ask for a pain rating after each set (true). false for a warm-up such as a walk:
    no rating, nothing stored for it, and its dose never changes."""
    progression: Progression | None = None
    """Dose bounds and steps for auto-scaling; without it the dose never changes."""
    figure: FigureRef | None = None
    """An animated figure of the movement: the id of a bundled figure (see the guide), or
    its own poses (view, base, start, top, end, hold)."""

    @property
    def per_set(self) -> dict[str, tuple[float, ...]]:
        """The doses written as a list, one value per set, by name."""
        return {
            name: tuple(value)
            for name in PER_SET_DOSES
            if isinstance(value := getattr(self, name, None), list)
        }

    def written(self, name: str) -> float | None:
        """The dose ``name`` as written for the first set (what progression acts on);
        None when this kind has no such dose."""
        value = getattr(self, name, None)
        if isinstance(value, UpTo):
            return value.up_to
        if isinstance(value, list):
            return float(value[0]) if name in ("hold", "duration") else value[0]
        return value

    @property
    def set_count(self) -> int:
        """Sets: the length of a per-set list when there is one, else ``sets``."""
        lists = self.per_set
        return max(len(v) for v in lists.values()) if lists else self.sets

    image: SoundPath | None = None
    """A picture of the exercise (PNG, JPEG or WebP, in this file's folder, up to 5 MiB
    and 4096x4096 pixels), shown in the figure's place where the terminal has Kitty
    graphics or Sixel; elsewhere the figure shows."""


class UpTo(_Model):
    """A hold the person ends: 'up to 45 s, stop when it burns'."""

    up_to: HoldSeconds
    """The longest the hold lasts; the person ends it sooner with N, and the seconds
    held are stored."""


# Seconds per hold: one value, one per set, or {up_to: 45s} for a hold the person ends.
HoldDose = Annotated[
    Annotated[HoldSeconds, Tag("one")]
    | Annotated[list[HoldSeconds], Field(min_length=2, max_length=20), Tag("list")]
    | Annotated[UpTo, Tag("up_to")],
    Discriminator(_hold_form),
]


class HoldExercise(_ExerciseBase):
    """An isometric hold: hold a position still, possibly several times per set."""

    kind: Literal["hold"]
    """'hold': isometric holds."""
    hold: HoldDose
    """Seconds per hold. A list gives one value per set: [10s, 8s, 6s] is three sets;
    {up_to: 45s} is a hold the person ends (N), up to 45 s."""

    @property
    def self_timed(self) -> bool:
        """The person ends each hold ({up_to: ...}); the seconds held are stored."""
        return isinstance(self.hold, UpTo)

    holds: _per_set(Holds) = 1  # type: ignore[valid-type]
    """Holds per set (for example 6 holds of 10 s). A list gives one value per set: a
    pyramid such as [6, 4, 2] is three sets of 6, 4 and 2 holds."""
    hold_rest: RestSeconds = 5.0
    """Rest between the holds of a set."""
    label: WorkLabel | None = None
    """What the screen says during each hold, such as 'hold still' (default 'hold')."""


class RepsExercise(_ExerciseBase):
    """Repetitions paced by a tempo."""

    kind: Literal["reps"]
    """'reps': paced repetitions."""
    reps: _per_set(Reps)  # type: ignore[valid-type]
    """Repetitions per set. A list gives one value per set: [10, 8, 6] is three sets."""
    tempo: TempoSpec = Field(default_factory=Tempo)
    """Seconds up, pause and down for each repetition, played in the order written:
    {up: 2s, pause: 1s, down: 2s}, or a list for any order or a phase twice:
    [{down: 3s}, {pause: 1s}, {up: 1s}]."""

    @cached_property
    def phases(self) -> tuple[tuple[TempoPhaseName, float], ...]:
        """Each phase of one repetition and its seconds, in the order played."""
        if isinstance(self.tempo, Tempo):
            return self.tempo.phases
        return tuple(item.phase for item in self.tempo)

    @property
    def rep_seconds(self) -> float:
        """Seconds of one repetition."""
        return sum(seconds for _, seconds in self.phases)


class TimedExercise(_ExerciseBase):
    """A continuous block for a set time, such as a mobility flow."""

    kind: Literal["timed"]
    """'timed': move for a set time."""
    duration: _per_set(WorkSeconds)  # type: ignore[valid-type]
    """Seconds of work per set. A list gives one value per set: [2m, 1m] is two sets."""
    label: WorkLabel | None = None
    """What the screen says during the block, such as 'hold still' or 'breathe' (default
    'move'; the preview says 'keep moving')."""


Exercise = Annotated[HoldExercise | RepsExercise | TimedExercise, Field(discriminator="kind")]


class Unlock(_Model):
    """When the next level opens."""

    sessions_at_max: Annotated[int, Field(ge=1, le=20), _WHOLE] = 2
    """Sessions in a row with every exercise at its max dose."""
    max_pain: Pain | None = None
    """Highest pain rating allowed in those sessions (default: the program's safe_max)."""


class Level(_Model):
    """One level of a program: the exercises done together at that stage."""

    name: Name
    """Name of the level, for example 'Level 1: tolerance'."""
    description: Text = ""
    """What this level is for: shown by coach plan and preview, and in the offer to
    move up to it."""
    advance_when: Text = ""
    """What must be true before moving on from this level, in the person's words (a
    stage criterion such as 'the pain stays centralised for a week'): shown by coach
    plan and preview, and asked in the offer to move up, instead of the generic
    sentence."""
    unlock: Unlock = Field(default_factory=Unlock)
    """What it takes to unlock the next level."""
    exercises: list[Exercise] = Field(min_length=1, max_length=30)
    """The exercises, in the order they are done."""


@dataclass(frozen=True, slots=True)
class TimeBudget:
    """A program's part of its routine's ``max_minutes``, set by the loader (never written
    in a file): the seconds its exercises may take at today's level, so no step up takes
    the routine past its minutes (see :mod:`coach.engine.scaling`)."""

    seconds: float
    """This program's part: its own time at its starting level for a program whose doses
    never change (no progression, or never rated); for the others, the minutes left, in
    proportion to the time each takes at its starting level (the whole of them for a
    routine of one)."""
    routine: str
    """The routine's name, for the sentence that says why a step waits."""
    minutes: int
    """The routine's ``max_minutes``."""
    get_ready: float | None
    """The routine's ``get_ready`` (None: each program's own), as the session plays it."""

    @property
    def whole(self) -> bool:
        """Whether this part is the routine's whole time (the routine has one program)."""
        return self.seconds >= self.minutes * 60 - 0.5


class Program(_Model):
    """A track of exercises (such as back extensions) in ordered levels."""

    _budget: TimeBudget | None = PrivateAttr(default=None)

    id: Slug
    """Stable identifier used by history and scaling."""
    name: Name
    """Name shown to the user."""
    description: Text = ""
    """What the program trains and who it is for."""
    get_ready: ShortSeconds = 5.0
    """Default countdown before each exercise."""
    cues: Cues | None = None
    """Default audio cues for every exercise of the program."""
    scaling: Scaling = Field(default_factory=Scaling)
    """Pain thresholds for auto-scaling, overriding the defaults for this program."""
    levels: list[Level] = Field(min_length=1, max_length=10)
    """Levels from easiest to hardest."""

    def level_number(self, wanted: int) -> int:
        """``wanted`` as one of this program's levels, 1-based: a stored level the file no
        longer has (the author removed one) becomes the nearest that exists."""
        return min(max(1, wanted), len(self.levels))

    @property
    def budget(self) -> TimeBudget | None:
        """Its part of the routine's ``max_minutes`` it is played in (None: no limit)."""
        return self._budget

    def with_budget(self, budget: TimeBudget | None) -> Program:
        """This program held to ``budget`` (a copy: the file's own model is unchanged)."""
        copy = self.model_copy()
        copy._budget = budget
        return copy


class ProgramRef(_Model):
    """A program used by a routine."""

    file: SoundPath
    """Path of the program file, relative to the routine file and inside its folder."""
    level: Annotated[int, Field(ge=1, le=10), _WHOLE] = 1
    """Level a new user starts at (later sessions use the level they reached)."""
    easy_day: bool = False
    """Played alone on an easy day (a very painful morning): gentle mobility work."""
    slot: Slug | None = None
    """A name for another use of a program this routine already lists (such as 'midday'
    for a second set of extensions): this use keeps its own history and level, as the
    program id with this name added ('extensions-midday')."""


class Routine(_Model):
    """A daily session that combines programs, each at the user's current level."""

    id: Slug
    """Stable identifier used by history."""
    name: Name
    """Name shown to the user."""
    description: Text = ""
    """What the routine is for."""
    get_ready: ShortSeconds | None = None
    """Countdown before each exercise, overriding the programs' own."""
    max_minutes: Annotated[int, Field(ge=1, le=180)] | None = None
    """The longest the session is meant to take, in minutes: a step up that would take a
    program past its part of them waits (and says so); validate warns when the starting
    levels take longer, and home and the summary say so when the doses played make a
    session longer all the same."""
    programs: list[ProgramRef] = Field(min_length=1, max_length=10)
    """Programs in the order they are done."""


def _whole_version(value: object) -> object:
    # The number 1, written 1 or 1.0 (one number in JSON and in the schema's 'const'),
    # never true: pydantic's literal check would take true as 1, the schema does not.
    if isinstance(value, bool):
        raise PydanticCustomError(
            "version_type", "version must be the whole number 1, written 'version: 1'"
        )
    return _whole(value)


class Document(_Model):
    """A coach session file: one program or one routine."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["program"]}, {"required": ["routine"]}]}
    )

    version: Annotated[Literal[1], BeforeValidator(_whole_version)]
    """Format version; this is version 1."""
    program: Program | None = None
    """The program this file defines."""
    routine: Routine | None = None
    """The routine this file defines."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Document:
        if (self.program is None) == (self.routine is None):
            raise PydanticCustomError(
                "document_kind", "a session file defines exactly one 'program' or one 'routine'"
            )
        return self
