"""The report for a clinician: strict HTML, escaped text, true sentences, and
`coach report` (exit codes, --since, -o, 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import html5lib
import pytest

from coach.engine.checks import EndedBy, HoldResult, HoldTest, Variant
from coach.engine.checks.messages import PsfsEntry
from coach.engine.checks.records import CheckHistory, CheckRecord
from coach.engine.ids import new_id
from coach.engine.records import PainAnswer, SessionStatus, SetRecord
from coach.engine.timeline import Dose
from coach.report import build_report, write_report
from coach.report.summary import summary_sentences
from coach.store.checks import CheckStore
from coach.store.database import HistoryStore
from coach.store.report import ReportData

from .conftest import CliResult
from .stored import opening, store_session

Cli = Callable[..., CliResult]
END = date(2026, 3, 1)
HOSTILE = '<script>alert("x")</script>&amp;[b]bold[/b]'


def parse_strictly(text: str) -> None:
    """html5lib parses as a browser does; strict mode raises at the first error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(text)
    assert parser.errors == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_history: Callable[..., object]) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    demo_history(folder / "history.sqlite3", days=200, seed=5, end=END)
    return folder


def test_a_demo_report_is_strict_html_without_scripts(demo: Path) -> None:
    store = HistoryStore(demo / "history.sqlite3")
    text, sessions, checks = build_report(store, END - timedelta(weeks=12) + timedelta(1), END)
    parse_strictly(text)
    assert sessions > 40 and checks >= 2
    assert "<script" not in text.lower() and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "Content-Security-Policy" in text
    for heading in ("Summary", "Warning signs", "Function checks", "Sessions done", "Pain"):
        assert f">{heading}" in text
    # The synthetic person's activity with '<' and '&' is escaped.
    assert "Carrying shopping (&lt;5 kg) &amp; climbing stairs" in text


def hostile_history(path: Path) -> HistoryStore:
    """A session whose file names carry markup, and a PSFS activity that does too."""
    store = HistoryStore(path)
    session = opening(
        source_id="x",
        title=HOSTILE,
        source_path="/x.yaml",
        planned_seconds=60,
        levels={"p": 1},
        baseline_pain=2,
        started_at="2026-02-20T07:00:00+00:00",
        local_date=date(2026, 2, 20),
    )
    record = SetRecord(
        session_uid="",
        exercise_index=0,
        program_id="p",
        level=1,
        exercise_id="e",
        exercise_name=HOSTILE,
        kind="hold",
        set_number=1,
        sets_planned=1,
        planned=Dose(sets=1, hold=10, holds=3),
        planned_work_seconds=30,
        done_work_seconds=30,
        completed=True,
        answer=PainAnswer(3, numbness=True),
    )
    store_session(store, session, [record], SessionStatus.RED_FLAG, reason="red-flag answer")
    checks = CheckStore(store)
    check = new_id()
    checks.open_check(uid=check, local_date=date(2026, 2, 21), utc_offset=0, pain_before=1)
    checks.record_psfs(check, [PsfsEntry(None, HOSTILE, 3)])
    checks.record_hold(check, HoldResult(HoldTest.EXTENSOR, Variant.STANDARD, 0.0, EndedBy.PAIN))
    checks.record_hold(check, HoldResult(HoldTest.FLEXOR, Variant.STANDARD, 30.0, EndedBy.STOPPED))
    checks.close_check(check, SessionStatus.COMPLETED, PainAnswer(1))
    return store


def test_every_piece_of_untrusted_text_is_escaped(tmp_path: Path) -> None:
    store = hostile_history(tmp_path / "history.sqlite3")
    text, _, _ = build_report(store, date(2026, 2, 1), END)
    parse_strictly(text)
    assert "<script" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;amp;[b]bold[/b]" in text
    assert "numbness or tingling" in text
    # A hold of 0 s leaves no ratio to divide: it says why.
    assert "the extensor hold was 0 s" in text


def check(day: date, seconds: float, psfs: dict[int, int]) -> CheckRecord:
    holds = {t: HoldResult(t, Variant.STANDARD, seconds, EndedBy.STOPPED) for t in HoldTest}
    return CheckRecord(day.toordinal(), day, "completed", 1, 1, False, holds, psfs)


def data_with(*checks: CheckRecord) -> ReportData:
    return ReportData(date(2026, 1, 1), END, (), None, (), (), (), CheckHistory(tuple(checks), ()))


def test_the_summary_calls_a_change_real_only_beyond_the_error() -> None:
    small = summary_sentences(
        data_with(check(date(2026, 1, 5), 60, {1: 3}), check(date(2026, 2, 5), 100, {1: 4}))
    )
    text = " ".join(small)
    assert "no clear change (within the 45 s measurement error)" in text
    assert "real" not in text and "improv" not in text
    assert "no clear change (under 2 points)" in text
    big = " ".join(
        summary_sentences(
            data_with(check(date(2026, 1, 5), 60, {1: 3}), check(date(2026, 2, 5), 120, {1: 6}))
        )
    )
    assert "real change (beyond the 45 s measurement error)" in big
    assert "back extensor hold longer by 60 s" in big
    assert "a real improvement (2 points or more)" in big
    assert "No sessions were recorded in this period." in big


def test_an_empty_period_says_so() -> None:
    text = " ".join(summary_sentences(data_with()))
    assert "No sessions were recorded" in text
    assert "No function check was done" in text
    assert "No warning signs were reported" in text


# -- coach report --------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_cli_writes_the_report_0600(cli: Cli, demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("an older file, world-readable", encoding="utf-8")
    target.chmod(0o644)
    result = cli("report", "--since", "2025-12-01", "-o", target, "--data-dir", demo)
    assert result.code == 0, result.err
    assert f"written to {target}" in result.out and "Report for 01 Dec 2025" in result.out
    assert mode(target) == 0o600
    text = target.read_text(encoding="utf-8")
    assert "From 01 December 2025" in text
    assert not [p for p in target.parent.iterdir() if p.name != "report.html"]


def test_cli_writes_to_the_current_folder_by_default(
    cli: Cli, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("report", "--data-dir", demo)
    assert result.code == 0, result.err
    (written,) = tmp_path.glob("coach-report-*.html")
    assert mode(written) == 0o600
    assert "(12 weeks)" in written.read_text(encoding="utf-8")


def test_cli_usage_errors(cli: Cli, demo: Path, tmp_path: Path) -> None:
    assert cli("report", "--data-dir", tmp_path / "none").code == 2
    future = (date.today() + timedelta(days=3)).isoformat()
    assert cli("report", "--since", future, "--data-dir", demo).code == 2
    assert cli("report", "--since", "yesterday", "--data-dir", demo).code == 2
    unwritable = cli("report", "-o", tmp_path / "missing" / "r.html", "--data-dir", demo)
    assert unwritable.code == 2 and "cannot write" in unwritable.err


def test_a_damaged_history_is_an_error_not_a_report(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"not a database" * 100)
    result = cli("report", "-o", tmp_path / "r.html", "--data-dir", tmp_path)
    assert result.code == 1 and "damaged" in result.err
    assert not (tmp_path / "r.html").exists()


def test_write_report_returns_what_it_wrote(demo: Path, tmp_path: Path) -> None:
    written = write_report(
        HistoryStore(demo / "history.sqlite3"),
        tmp_path / "r.html",
        until=END,
        generated=datetime(2026, 3, 1, 9, tzinfo=UTC),
    )
    assert written.since == END - timedelta(weeks=12) + timedelta(days=1)
    assert written.bytes == len((tmp_path / "r.html").read_bytes())
    assert os.access(tmp_path / "r.html", os.R_OK)


def test_the_app_starts_without_the_report() -> None:
    """The report's page (jinja2) and charts are imported when a report is written,
    never by the screens or the CLI."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import coach.cli, coach.tui.app, coach.tui.home, coach.tui.history, coach.tui.checks\n"
        "print(any(m in sys.modules for m in ('jinja2', 'coach.report.charts')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_cli_puts_the_settings_name_on_the_report(
    cli: Cli, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text(
        'report_name = "Alex <Example>"\ndate_of_birth = "30/04/1960"\n', encoding="utf-8"
    )
    monkeypatch.setenv("COACH_CONFIG_DIR", str(config))
    target = tmp_path / "r.html"
    result = cli("report", "-o", target, "--data-dir", demo)
    assert result.code == 0, result.err
    assert "date_of_birth: must be a quoted date, YYYY-MM-DD (or empty)" in result.err
    text = target.read_text(encoding="utf-8")
    assert "Back exercise progress: Alex &lt;Example&gt;</h1>" in text and "born" not in text
