"""The table of warning signs: one tier per sign wherever it is reported, every advice
text that names a sign sends to the care its tier asks for, and the README's table is
the table's."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.engine.checks.flow import RED_FLAG_AFTER
from coach.engine.checks.protocol import SAFETY_NOTE
from coach.engine.day.flow import rest_day_advice
from coach.engine.day.views import safety_notes
from coach.engine.followup import (
    FollowUpAnswer,
    FollowUpDue,
    Symptoms,
    next_step,
    sign_words,
)
from coach.engine.safety import SafetyDue
from coach.engine.screening import LastScreening, is_due
from coach.engine.session import HIGH_PAIN_ADVICE, RED_FLAG_ADVICE
from coach.engine.signs import (
    CHECKLIST,
    EMERGENCY_REMINDER,
    IN_SESSION,
    SIGNS,
    TIER_ADVICE,
    URGENT_TODAY_ADVICE,
    Outcome,
    Sign,
    rank,
)
from coach.tui.prompts import SIGNS as PROMPT_SIGNS
from coach.tui.prompts import zones_text

ROOT = Path(__file__).resolve().parent.parent


def advice_texts() -> dict[str, str]:
    """Every text of advice coach shows that may name a sign."""
    texts = {
        "high pain": HIGH_PAIN_ADVICE,
        "red flag": RED_FLAG_ADVICE,
        "red flag after a check": RED_FLAG_AFTER,
        "check safety note": SAFETY_NOTE,
        "rest day": rest_day_advice(8),
        "urgent today": URGENT_TODAY_ADVICE,
        "emergency reminder": EMERGENCY_REMINDER,
        "zones": zones_text(),
    }
    for tier, (title, body) in TIER_ADVICE.items():
        texts[f"tier {tier}"] = f"{title}. {body}"
    for symptoms in Symptoms:
        for seen in (True, False):
            step = next_step(FollowUpAnswer(symptoms, seen))
            texts[f"follow-up {symptoms} {seen}"] = f"{step.title}. {step.body}"
    day = date(2026, 12, 7)
    notes = safety_notes(
        SafetyDue(
            FollowUpDue("a-session", day, ("numbness or tingling",)),
            True,
            True,
            LastScreening("x", day, Outcome.REVIEW, ("below_knee",)),
            False,
        )
    )
    for i, note in enumerate(notes):
        texts[f"home note {i}"] = note
    home = (ROOT / "coach" / "tui" / "home.py").read_text(encoding="utf-8")
    disclaimer = re.search(r'"(coach is a training aid.*?)",\n\s*id="home-disclaimer"', home, re.S)
    assert disclaimer is not None
    texts["home disclaimer"] = re.sub(r'"\s*"', "", disclaimer.group(1))
    return texts


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:;])\s+|\n+", text) if s.strip()]


# What a sentence naming a sign of each tier must send to.
CARE = {
    Outcome.URGENT: ("emergency",),
    Outcome.SAME_DAY: ("today", "emergency", "now"),
    Outcome.REVIEW: ("doctor", "physiotherapist", "clinician", "emergency", "today"),
}


def named(sentence: str) -> list[Sign]:
    low = sentence.lower()
    return [sign for sign in SIGNS if any(words in low for words in sign.mentions)]


@pytest.mark.parametrize("name", sorted(advice_texts()))
def test_every_advice_text_that_names_a_sign_sends_to_its_tiers_care(name: str) -> None:
    text = advice_texts()[name]
    for sentence in sentences(text):
        for sign in named(sentence):
            care = CARE[sign.tier]
            # One sentence may name the sign and the next say where to go: a sentence
            # that ends on a colon or semicolon is read with the one after it.
            following = text[text.index(sentence) :][: len(sentence) + 200]
            scope = sentence if sentence.endswith(".") else following
            if sign.tier is Outcome.REVIEW:
                scope = text  # a clinician soon: said anywhere in the text
            assert any(word in scope.lower() for word in care), (
                f"{name!r} names {sign.key} ({sign.tier}) without {care}: {sentence!r}"
            )


def test_a_sign_that_names_another_is_at_least_as_serious() -> None:
    """The kidney line (with a fever) is no less serious than the fever line."""
    for sign in CHECKLIST:
        for other in named(sign.text):
            assert rank(sign.tier) >= rank(other.tier), (sign.key, other.key)


def test_a_sign_has_one_tier_wherever_it_is_reported() -> None:
    keys = [s.key for s in SIGNS]
    assert len(keys) == len(set(keys))
    assert all(s.tier is not Outcome.CLEAR for s in SIGNS)
    # The signs asked after a set and the checklist's line that holds them together
    # (pain below the knee with numbness or weakness): one tier, one way of blocking.
    below_knee = next(s for s in CHECKLIST if s.key == "below_knee")
    for sign in IN_SESSION:
        assert sign.tier is below_knee.tier
        for words in ("clinician has seen it", "said you can exercise"):
            assert words in sign.blocks and words in below_knee.blocks


def test_the_checklist_line_that_blocks_until_seen_is_asked_again_at_every_start() -> None:
    day = date(2026, 12, 7)
    last = LastScreening("x", day, Outcome.REVIEW, ("below_knee",))
    assert is_due(last, day + timedelta(days=1), 4)
    plain = LastScreening("x", day, Outcome.REVIEW, ("weight_loss",))
    assert not is_due(plain, day + timedelta(days=1), 4)


def test_the_words_of_the_domain_brief() -> None:
    text = {s.key: s.text for s in CHECKLIST}
    assert "significant" in text["trauma"]  # a recent *significant* trauma
    # Long-term steroid use by any route, not only tablets.
    assert "steroid tablets" not in " ".join(text.values())
    # Each line reads as a sentence: no auxiliary verb left without its verb.
    for line in text.values():
        assert not re.search(r"\b(have|has|had) recently$", line), line


def test_the_pain_prompt_and_the_follow_up_use_the_tables_words() -> None:
    assert [words for _, words, _ in PROMPT_SIGNS] == [s.text for s in IN_SESSION]
    assert sign_words(True, True, True) == tuple(s.text.lower() for s in IN_SESSION)


def test_the_readme_lists_every_sign() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "signtable.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
