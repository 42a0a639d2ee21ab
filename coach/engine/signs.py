"""The warning signs: one table, one tier each, the advice of each tier and what a sign
blocks. Every screen, the follow-up, the report and the README read this table.

The signs and their tiers come from the red flags of the domain brief
(shared/domain.md, "Red flags: stop and see a clinician"):

* urgent (suspected cauda equina or spinal cord compression): emergency care now;
* same day (possible infection or cancer, and the kidney line, which comes with a fever
  or feeling unwell): a doctor today, before exercising;
* review: a clinician soon.

Two kinds of sign are in it: the lines of the checklist asked before sessions, and the
signs asked after every set and after a function check's holds. These last are all
review signs, like the checklist's "pain spreading below the knee, with numbness or
weakness": a sign provoked by exercise stops it, and the next start asks whether it has
gone or a clinician has seen it. The checklist's below-the-knee line blocks the same way
(so a weaker sign never blocks more than a stronger one); the other review lines leave
gentle exercise to the person ("Not today" is the default).

coach never diagnoses: it says plainly when to seek care.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CHECKLIST",
    "EMERGENCY_REMINDER",
    "IN_SESSION",
    "SIGNS",
    "TIER_ADVICE",
    "URGENT_TODAY_ADVICE",
    "Outcome",
    "Sign",
    "Where",
    "blocks_until_seen",
    "markdown",
    "rank",
    "tier_words",
]


class Outcome(StrEnum):
    """How serious the answers are, from none ticked to the most serious tier ticked.
    A sign's tier is one of URGENT, SAME_DAY and REVIEW."""

    CLEAR = "clear"
    REVIEW = "review"
    SAME_DAY = "same_day"
    URGENT = "urgent"


_RANK = {Outcome.CLEAR: 0, Outcome.REVIEW: 1, Outcome.SAME_DAY: 2, Outcome.URGENT: 3}


def rank(tier: Outcome) -> int:
    """0 (clear) to 3 (urgent)."""
    return _RANK[tier]


class Where(StrEnum):
    """Where a sign is asked."""

    CHECKLIST = "checklist"
    SESSION = "after a set or a function check"


@dataclass(frozen=True, slots=True)
class Sign:
    key: str
    """Stored with the answers: never renamed."""
    text: str
    """The checklist's line, or the words of the sign asked after a set."""
    tier: Outcome
    where: Where
    blocks: str
    """What a 'yes' stops, in the README's words."""
    mentions: tuple[str, ...]
    """Words that name this sign in any text (lower case): a sentence of advice that
    names an urgent sign must send to emergency care, a same-day one to a doctor today."""


_URGENT_BLOCKS = (
    "Every session and function check for the rest of the day; the checklist is asked "
    "again at the next start."
)
_SAME_DAY_BLOCKS = (
    "Today's session or function check, unless a doctor has already seen you about "
    "it; the checklist is asked again at the next start."
)
_REVIEW_BLOCKS = (
    "Nothing by itself: gentle exercise is your choice ('Not today' is the default), and "
    "home asks you to see a clinician until a later checklist is clear."
)
_UNTIL_SEEN = (
    "Sessions and function checks until it has gone (the checklist is asked again at "
    "every start), or a clinician has seen it and said you can exercise."
)
_IN_SESSION_BLOCKS = (
    "The rest of the session or check; then sessions and checks until it has gone, or a "
    "clinician has seen it and said you can exercise (asked at the next start)."
)


def _check(key: str, text: str, tier: Outcome, *mentions: str) -> Sign:
    blocks = {
        Outcome.URGENT: _URGENT_BLOCKS,
        Outcome.SAME_DAY: _SAME_DAY_BLOCKS,
        Outcome.REVIEW: _UNTIL_SEEN if key in _SEEN_FIRST else _REVIEW_BLOCKS,
    }[tier]
    return Sign(key, text, tier, Where.CHECKLIST, blocks, mentions)


_SEEN_FIRST = frozenset({"below_knee"})
"""Review lines that hold sessions until a clinician has seen the sign: the checklist's
form of the signs asked after a set, which block as those do."""

CHECKLIST: tuple[Sign, ...] = (
    # Urgent: pressure on the nerves at the base of the spine, or on the spinal cord.
    _check(
        "bladder_bowel",
        "New trouble with your bladder or bowels: difficulty starting or stopping, not "
        "being able to pass urine, or leaking urine or stools you cannot control",
        Outcome.URGENT,
        "bladder",
        "bowel",
        "holding urine",
        "stools",
    ),
    _check(
        "saddle_numbness",
        "Numbness around your genitals, buttocks, inner thighs or back passage",
        Outcome.URGENT,
        "groin",
        "genitals",
        "back passage",
        "saddle",
    ),
    _check("sexual", "New problems with sexual function", Outcome.URGENT, "sexual"),
    _check(
        "leg_weakness_worsening",
        "Weakness or numbness in one or both legs that is quickly getting worse",
        Outcome.URGENT,
        "quickly getting worse",
        "rapidly worsening",
    ),
    _check("both_legs", "Pain, numbness or tingling in both legs", Outcome.URGENT, "in both legs"),
    _check(
        "gait",
        "A new change in the way you walk, or feeling unsteady on your feet",
        Outcome.URGENT,
        "way you walk",
        "unsteady",
    ),
    # Same day: infection or cancer must be ruled out before exercising.
    _check(
        "cancer",
        "You have or have had cancer, and this back pain is new",
        Outcome.SAME_DAY,
        "cancer",
    ),
    _check(
        "fever",
        "A fever, or feeling generally unwell, with this back pain",
        Outcome.SAME_DAY,
        "fever",
        "unwell",
    ),
    _check(
        "immunosuppressed",
        "A weakened immune system, from an illness or from medicines (such as chemotherapy, "
        "transplant medicines or other immune-suppressing treatment)",
        Outcome.SAME_DAY,
        "immune",
    ),
    _check(
        "iv_drugs",
        "You inject drugs, or have injected them recently",
        Outcome.SAME_DAY,
        "inject drugs",
        "injected drugs",
        "intravenous",
    ),
    # One-sided pain high in the back with a fever, urinary trouble or feeling unwell:
    # the kidneys or another organ, with a fever, so the same day as the fever line.
    _check(
        "kidney",
        "Pain on one side, high in the back near the ribs, with a fever, trouble passing "
        "urine or feeling unwell (this can come from the kidneys, not the spine)",
        Outcome.SAME_DAY,
        "kidney",
    ),
    # Prompt review.
    _check(
        "steroids",
        "You have used steroid medicines for a long time (tablets, injections, inhalers or creams)",
        Outcome.REVIEW,
        "steroid",
    ),
    _check(
        "night_pain",
        "Pain at night or at rest that has not eased over 4 to 6 weeks",
        Outcome.REVIEW,
        "at night",
    ),
    _check("weight_loss", "Weight loss you cannot explain", Outcome.REVIEW, "weight loss"),
    _check(
        "trauma",
        "A recent significant fall or accident, or a minor one if you have weak bones "
        "(osteoporosis) or have used steroid medicines for a long time",
        Outcome.REVIEW,
        "fall or accident",
    ),
    _check(
        "new_pain_age",
        "This back pain is new, and you are under 20 or over 50",
        Outcome.REVIEW,
        "under 20",
    ),
    _check(
        "thoracic",
        "Pain in your upper back, between or around the shoulder blades",
        Outcome.REVIEW,
        "upper back",
    ),
    _check(
        "below_knee",
        "Pain spreading below the knee, with numbness or weakness in that leg",
        Outcome.REVIEW,
        "below the knee",
    ),
)

IN_SESSION: tuple[Sign, ...] = (
    # Asked after every set and after a function check's holds; stored as the set's
    # numbness, leg_weakness and pain_below_knee.
    Sign(
        "numbness",
        "Numbness or tingling",
        Outcome.REVIEW,
        Where.SESSION,
        _IN_SESSION_BLOCKS,
        ("numbness or tingling",),
    ),
    Sign(
        "leg_weakness",
        "Weakness in a leg",
        Outcome.REVIEW,
        Where.SESSION,
        _IN_SESSION_BLOCKS,
        ("weakness in a leg",),
    ),
    Sign(
        "pain_below_knee",
        "Pain spreading below the knee",
        Outcome.REVIEW,
        Where.SESSION,
        _IN_SESSION_BLOCKS,
        ("below the knee",),
    ),
)

SIGNS: tuple[Sign, ...] = CHECKLIST + IN_SESSION


def blocks_until_seen(keys: tuple[str, ...] | list[str]) -> bool:
    """Whether the checklist lines ``keys`` (answered yes) hold sessions until a
    clinician has seen them."""
    return any(key in _SEEN_FIRST for key in keys)


EMERGENCY_REMINDER = (
    "Get emergency care now if you notice numbness around the groin or buttocks, new "
    "trouble passing or holding urine or stools, or leg weakness that is quickly getting "
    "worse."
)

TIER_ADVICE: dict[Outcome, tuple[str, str]] = {
    # (title, body): the title is not repeated as the body's first words.
    Outcome.URGENT: (
        "Please get emergency care now",
        "Call your emergency number or go to an emergency department today. These signs "
        "can mean pressure on the nerves at the base of the spine or on the spinal cord, "
        "which must be seen the same day. Do not exercise today.\n\n"
        "coach will not start a session or a function check for the rest of today. It asks "
        "these questions again tomorrow.",
    ),
    Outcome.SAME_DAY: (
        "Please see a doctor today",
        "Contact your doctor today, before you exercise, and tell them what you ticked. "
        "These signs need a check the same day to rule out an infection or another cause "
        "that is not ordinary back pain. Most back pain is not serious, but this deserves "
        "a look first.",
    ),
    Outcome.REVIEW: (
        "Please see a clinician soon",
        "Arrange to see your doctor or physiotherapist soon, and tell them what you "
        "ticked. Most back pain is not serious, but these signs deserve a check. Gentle "
        "movement is usually fine meanwhile; if you are unsure, wait until you have been "
        "seen.",
    ),
}

URGENT_TODAY_ADVICE = (
    "Earlier today you reported a sign that needs emergency care: call your emergency "
    "number or go to an emergency department now. coach will not start a session or a "
    "function check today; it asks the safety questions again tomorrow."
)

_TIER_WORDS = {
    Outcome.URGENT: "urgent: emergency care now",
    Outcome.SAME_DAY: "same day: a doctor today",
    Outcome.REVIEW: "review: a clinician soon",
}


def tier_words(tier: Outcome) -> str:
    return _TIER_WORDS[tier]


def markdown() -> str:
    """The README's table of signs (between its signs markers)."""
    lines = [
        "| Sign | Asked | Tier | What it blocks |",
        "|---|---|---|---|",
    ]
    for sign in SIGNS:
        text = sign.text.replace("|", "\\|")
        lines.append(f"| {text} | {sign.where} | {tier_words(sign.tier)} | {sign.blocks} |")
    return "\n".join(lines) + "\n"
