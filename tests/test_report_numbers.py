"""The report's numbers are true: hand-computed histories against the summary's sentences
and the page (a stopped empty check, an exact 2-point PSFS change over three activities,
an added activity, a ceiling pair, a hold stopped by pain, a hold under a second)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from coach.engine.checks import EndedBy, HoldResult, HoldTest, Variant
from coach.engine.checks.measures import Direction, hold_change, ratios
from coach.engine.checks.psfs import psfs_change
from coach.engine.checks.records import CheckHistory, CheckRecord, PsfsActivity
from coach.engine.checks.views import seconds_text
from coach.report.page import render
from coach.report.summary import summary_sentences
from coach.store.report import ReportData

START, END = date(2026, 1, 1), date(2026, 3, 1)
ACTIVITIES = (
    PsfsActivity(1, "Tying shoes"),
    PsfsActivity(2, "Lifting a child"),
    PsfsActivity(3, "Gardening"),
)


def holds(
    extensor: float, flexor: float, side: float, ended: EndedBy = EndedBy.STOPPED
) -> dict[HoldTest, HoldResult]:
    seconds = {
        HoldTest.EXTENSOR: extensor,
        HoldTest.FLEXOR: flexor,
        HoldTest.SIDE_LEFT: side,
        HoldTest.SIDE_RIGHT: side,
    }
    return {
        t: HoldResult(t, Variant.STANDARD, s, EndedBy.CEILING if s >= 240 else ended)
        for t, s in seconds.items()
    }


def a_check(
    day: date,
    held: dict[HoldTest, HoldResult] | None = None,
    psfs: dict[int, int] | None = None,
    status: str = "completed",
) -> CheckRecord:
    return CheckRecord(day.toordinal(), day, status, 1, 1, False, held or {}, psfs or {})


def data(*checks: CheckRecord) -> ReportData:
    history = CheckHistory(tuple(checks), ACTIVITIES)
    return ReportData(START, END, (), None, (), (), (), history)


def summary(*checks: CheckRecord) -> str:
    return " ".join(summary_sentences(data(*checks)))


def page(*checks: CheckRecord) -> str:
    return render(data(*checks), generated=datetime(2026, 3, 1, 9, tzinfo=UTC), version="t")


def test_a_check_stopped_before_any_hold_does_not_hide_the_one_before() -> None:
    checks = (
        a_check(date(2026, 1, 5), holds(100, 100, 70), {1: 3, 2: 3, 3: 3}),
        a_check(date(2026, 2, 5), holds(100, 107, 80), {1: 6, 2: 6, 3: 6}),
        a_check(date(2026, 2, 26), status="stopped"),
    )
    text = summary(*checks)
    assert "cannot be compared" not in text
    assert "the last, 26 Feb 2026, has no hold" in text
    # 100 -> 107 s and 70 -> 80 s: within the 45 s error, with their direction.
    assert "trunk flexor hold (7 s longer)" in text
    assert "side bridge, left side (10 s longer)" in text
    assert "from 3.0 to 6.0: up 3 points, a real improvement (2 points or more)" in text
    html = page(*checks)
    # The ratios come from the check of 5 Feb (107 / 100, 80 / 100).
    assert '<td class="num">1.07</td>' in html and '<td class="num">0.80</td>' in html
    assert html.count("not done both times") == 0


def test_an_exact_two_point_psfs_change_over_three_activities_is_real() -> None:
    # (4 + 4 + 5) / 3 - (2 + 2 + 3) / 3 is 1.9999999999999996 in floats: exactly 2.
    change = psfs_change({1: 2, 2: 2, 3: 3}, {1: 4, 2: 4, 3: 5})
    assert change.direction is Direction.BETTER and change.delta == 2.0
    assert psfs_change({1: 4, 2: 4, 3: 5}, {1: 2, 2: 2, 3: 3}).direction is Direction.WORSE
    text = summary(
        a_check(date(2026, 1, 5), psfs={1: 2, 2: 2, 3: 3}),
        a_check(date(2026, 2, 5), psfs={1: 4, 2: 4, 3: 5}),
    )
    assert "from 2.3 to 4.3: up 2 points, a real improvement (2 points or more)" in text
    assert "no clear change" not in text


def test_every_exact_two_point_change_counts() -> None:
    """Over every pair of three ratings 0-10 whose averages differ by exactly 2."""
    import itertools

    triples = list(itertools.product(range(0, 11, 1), repeat=3))[::7]
    sums: dict[int, tuple[int, int, int]] = {}
    for triple in triples:
        sums.setdefault(sum(triple), triple)
    for total, before in sums.items():
        after = sums.get(total + 6)
        if after is None:
            continue
        change = psfs_change(dict(enumerate(before)), dict(enumerate(after)))
        assert change.real and change.delta == 2.0, (before, after)


def test_an_added_activity_is_not_part_of_the_change_and_the_summary_says_which() -> None:
    text = summary(
        a_check(date(2026, 1, 5), psfs={1: 3}),
        a_check(date(2026, 2, 5), psfs={1: 4, 2: 3}),
    )
    # Over all activities the score went 3.0 -> 3.5; over the one rated both times, 3 -> 4.
    assert "over the one activity rated both times (\u201cTying shoes\u201d)" in text
    assert "from 3.0 to 4.0: up 1 point: no clear change (under 2 points)" in text
    assert "Also rated at the last check, not in this change: \u201cLifting a child\u201d" in text
    assert "3.5" not in text and "real improvement" not in text


def test_a_pair_at_the_ceiling_has_no_verdict() -> None:
    found = {r.name: r for r in ratios(holds(240, 240, 240))}
    for ratio in found.values():
        assert ratio.within is None, ratio
        assert "ceiling" in ratio.note
    html = page(a_check(date(2026, 2, 5), holds(240, 240, 240)))
    assert "outside" not in html and "the ratio cannot be known" in html


def test_a_hold_stopped_by_pain_is_said_in_the_change_and_the_ratios() -> None:
    before = holds(100, 80, 60)
    after = holds(40, 80, 60)
    after[HoldTest.EXTENSOR] = HoldResult(HoldTest.EXTENSOR, Variant.STANDARD, 40, EndedBy.PAIN)
    change = hold_change(before[HoldTest.EXTENSOR], after[HoldTest.EXTENSOR])
    assert change.real and any("stopped by pain" in c for c in change.caveats)
    flexor = next(r for r in ratios(after) if r.name == "Flexor / extensor")
    assert flexor.caveats == (
        "the extensor hold was stopped by pain: the time may be less than the position "
        "could be held",
    )
    text = summary(a_check(date(2026, 1, 5), before), a_check(date(2026, 2, 5), after))
    assert "back extensor hold shorter by 60 s" in text
    assert "A hold was stopped by pain in back extensor hold" in text
    assert "stopped by pain" in page(
        a_check(date(2026, 1, 5), before), a_check(date(2026, 2, 5), after)
    )


def test_a_hold_under_a_second_is_not_zero_and_not_divided_by() -> None:
    short = holds(0.4, 60, 30)
    assert seconds_text(short[HoldTest.EXTENSOR]) == "under 1 s"
    for ratio in ratios(short):
        if "extensor" in ratio.name.lower():
            assert ratio.value is None and ratio.within is None
            assert ratio.note == "the extensor hold was under 1 s"


def test_the_name_reaches_every_page_escaped_and_neutralised() -> None:
    hostile = 'Ann "x"; } </style><script>\u202eevil'
    html = render(data(), generated=datetime(2026, 3, 1, tzinfo=UTC), version="t", name=hostile)
    style = html[html.index("<style>") : html.index("</style>")]
    header = style[style.index("@top-left { content:") :]
    # In the CSS string of the running header, nothing but letters, digits and spaces.
    assert '"Ann \\22 x\\22 ' in header and "<" not in header and "\u202e" not in html
    assert "<script>" not in html
    assert (
        "Back exercise progress: Ann &#34;x&#34;; } &lt;/style&gt;&lt;script&gt;\\u202eevil" in html
    )


def test_settings_bound_the_name_and_the_date_of_birth() -> None:
    from coach.config.settings import check_value

    assert check_value("report_name", "Alex Example") is None
    assert check_value("report_name", "x" * 81) == (
        "report_name: must be a quoted text of at most 80 characters"
    )
    assert check_value("date_of_birth", "1960-04-30") is None
    assert check_value("date_of_birth", "30/04/1960") is not None


def test_page_one_quotes_the_latest_notes_and_the_appendix_counts_checklists() -> None:
    from coach.store.report import Note

    notes = tuple(Note(date(2026, 2, 28 - i), f"note {i}") for i in range(7))
    screening = [
        {"kind": "screening", "rule": "clear", "date": "2026-01-05", "inputs": {}},
        {"kind": "screening", "rule": "clear", "date": "2026-02-05", "inputs": {}},
        {"kind": "screening", "rule": "review", "date": "2026-02-06", "inputs": {}},
    ]
    report = ReportData(START, END, (), None, (), tuple(screening), (), CheckHistory(), notes=notes)
    text = " ".join(summary_sentences(report))
    assert "most recent first: 28 Feb: \u201cnote 0\u201d; 27 Feb" in text
    assert "note 5" not in text and "(2 more in the appendix)" in text
    html = render(report, generated=datetime(2026, 3, 1, tzinfo=UTC), version="t")
    assert "2 none of the signs; 1 review soon." in html
    assert "@media print { #appendix { display: none; } }" in html
    full = render(report, generated=datetime(2026, 3, 1, tzinfo=UTC), version="t", full=True)
    assert "#appendix { display: none" not in full


def test_a_rising_week_is_dated_by_the_plan_it_was_for() -> None:
    """Stored with the session of 20 Feb, the advice measured the week up to 21 Feb
    (the next day's plan): the page and the summary date it so."""
    advice = {
        "kind": "advice",
        "rule": "rising week",
        "program": "core",
        "date": "2026-02-20",
        "reason": "Starting pain this week is 1.5 points above the week before: what went "
        "up this week steps back, and nothing goes up until it settles.",
        "inputs": {"weekly_rise": 1.5, "weekly_rise_limit": 1, "day": "2026-02-21"},
    }
    report = ReportData(START, END, (), None, (), (advice,), (), CheckHistory())
    assert "coach advised: rising week once (last 2026-02-21)." in summary_sentences(report)
    html = render(report, generated=datetime(2026, 3, 1, tzinfo=UTC), version="t")
    row = html[html.index("<td>rising week</td>") :]
    row = row[: row.index("</tr>")]
    assert "<td>21 Feb</td>" in row and "20 Feb" not in row
    assert "For 21 Feb 2026 (the week up to that day): Starting pain this week is 1.5" in row


def test_the_report_reads_who_it_is_about_as_the_settings_do(tmp_path: Path) -> None:
    """`coach report` reads report_name and date_of_birth without the settings model:
    the same values, the same defaults and the same sentences as load_settings."""
    from coach.config.identity import report_identity
    from coach.config.settings import load_settings

    cases = [
        'report_name = "Alex Example"\ndate_of_birth = "1960-04-30"\n',
        f'report_name = "{"x" * 80}"\n',
        f'report_name = "{"x" * 81}"\ndate_of_birth = "30/04/1960"\n',
        "report_name = 12\ndate_of_birth = 1960-04-30\n",
        'report_name = "Ann\\u202eevil"\ndate_of_birth = "1960-04-30\\n"\n',
        'report_name = "A"\nthis is not toml\nvolume = 30\n',
        "",
    ]
    for number, text in enumerate(cases):
        path = tmp_path / f"settings{number}.toml"
        path.write_text(text, encoding="utf-8")
        settings, problems = load_settings(path)
        name, birth, said = report_identity(path)
        assert (name, birth) == (settings.report_name, settings.date_of_birth), text
        assert set(said) <= set(problems), text
        about = [p for p in problems if "report_name" in p or "date_of_birth" in p]
        assert [p for p in said if "report_name" in p or "date_of_birth" in p] == about, text
    assert report_identity(tmp_path / "none.toml") == ("", "", ())
