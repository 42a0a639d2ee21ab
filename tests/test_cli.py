"""The command line: exit codes, output formats, help."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from coach import __version__
from coach.config.locations import default_routine, schema_path
from coach.format.schema import schema_text

from .conftest import MINIMAL_PROGRAM, CliResult

Cli = Callable[..., CliResult]
Write = Callable[..., Path]


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"coach {__version__}")


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["preview", "--help"]])
def test_help(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 0
    assert "usage: coach" in result.out


def test_validate_valid_file(cli: Cli, write: Write) -> None:
    result = cli("validate", write("ok.yaml", MINIMAL_PROGRAM))
    assert (result.code, result.out, result.err) == (0, "1 file checked: all valid\n", "")


def test_validate_reports_path_line_col_and_exits_1(cli: Cli, write: Write) -> None:
    path = write("bad.yaml", MINIMAL_PROGRAM.replace("hold: 10s", "hold: 1:30\n          setz: 2"))
    result = cli("validate", path)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{path}:10:17: '1:30' looks like clock time, which is ambiguous; "
        "write minutes and seconds, for example 1m30s",
        f"{path}:11:11: unknown key 'setz'; did you mean 'sets'?",
        "1 file checked: 2 errors in 1 file",
    ]
    assert result.err == ""
    assert "Traceback" not in result.out + result.err


def test_validate_folder_mixes_valid_and_invalid(cli: Cli, write: Write, tmp_path: Path) -> None:
    write("a/ok.yaml", MINIMAL_PROGRAM)
    write("a/b/bad.yml", b"\xff\xfe\x00garbage")
    result = cli("validate", tmp_path / "a")
    assert result.code == 1
    assert re.fullmatch(
        r".*bad\.yml:1:1: file is saved as UTF-16; save it as UTF-8\n"
        r"2 files checked: 1 error in 1 file\n",
        result.out,
    )


def test_validate_warnings_do_not_fail(cli: Cli, write: Write) -> None:
    text = MINIMAL_PROGRAM + "          cues: {sounds: {start: gone.wav}}\n"
    result = cli("validate", write("w.yaml", text))
    assert result.code == 0
    assert ":11:34: warning: sound file 'gone.wav' does not exist" in result.out
    assert "all valid, 1 warning" in result.out


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "/no/such/file.yaml"],
        ["frobnicate"],
        ["preview", "/no/such/file.yaml"],
        ["preview", "a.yaml", "b.yaml"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "error:" in result.err
    assert "Traceback" not in result.err


def test_validate_folder_without_yaml_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path)
    assert result.code == 2
    assert "no .yaml or .yml files" in result.err


def test_schema_matches_the_committed_file(cli: Cli) -> None:
    result = cli("schema")
    assert result.code == 0
    assert result.out == schema_text()
    assert schema_path().read_text(encoding="utf-8") == result.out, (
        "sessions/coach-v1.schema.json is stale: run `make schema`"
    )
    schema = json.loads(result.out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["properties"]) == {"version", "program", "routine"}


def test_schema_to_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    assert cli("schema", "--output", target).code == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_preview_prints_each_step_and_the_total(cli: Cli, write: Write) -> None:
    path = write(
        "p.yaml",
        MINIMAL_PROGRAM.replace("name: Bird dog", "name: Side plank [left]")
        + "          holds: 3\n          sets: 2\n          rest: 20s\n",
    )
    result = cli("preview", path)
    assert result.code == 0, result.err
    out = result.out
    assert "Side plank [left]" in out  # YAML text shows literally, never as markup
    assert "set 1/2, 3 holds of 10s, 5s rests" in out
    assert "rate your pain after set 2/2" in out
    assert "Total 1m 45s" in out  # 5 s get ready, two sets of 40 s, 20 s rest between


def test_preview_of_an_invalid_file(cli: Cli, write: Write) -> None:
    result = cli("preview", write("bad.yaml", "version: 2\n"))
    assert result.code == 1
    assert "bad.yaml:1:10: format version 2 is not supported" in result.err


@pytest.mark.parametrize("speed", ["0.99", "1.0001", "1.5"])
def test_run_refuses_a_speed_close_to_real_time(cli: Cli, speed: str) -> None:
    """A rehearsal skips the checklist: never at about the pace of exercise."""
    result = cli("run", "--speed", speed)
    assert result.code == 2
    assert "too close to real time for a rehearsal" in result.err


def test_run_needs_a_terminal(cli: Cli, write: Write) -> None:
    result = cli("run", write("ok.yaml", MINIMAL_PROGRAM))
    assert result.code == 2
    assert "needs an interactive terminal" in result.err


@pytest.mark.parametrize("speed", ["0", "-1", "fast", "5000"])
def test_run_rejects_a_bad_speed(cli: Cli, speed: str) -> None:
    result = cli("run", "--speed", speed)
    assert result.code == 2
    assert "speed" in result.err


def test_run_reports_an_invalid_file_before_the_screen_changes(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    bad = write("bad.yaml", "version: 2\n")
    result = cli("run", bad, "--data-dir", bad.parent / "data")
    assert result.code == 1
    assert "bad.yaml:1:10: format version 2 is not supported" in result.err


def test_data_dir_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.cli import build_parser
    from coach.config.locations import data_dir

    args = build_parser().parse_args(["run", "x.yaml", "--data-dir", str(tmp_path)])
    assert args.data_dir == tmp_path
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("COACH_DATA_DIR")
    assert data_dir().name == "coach"


# -- coach history on a long history ---------------------------------------------------


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty days of synthetic history: more sessions than `coach history` lists."""
    from datetime import UTC, date

    from coach.demo.history import generate

    folder = tmp_path_factory.mktemp("long")
    generate(
        folder / "history.sqlite3",
        source=default_routine(),
        days=60,
        seed=4,
        end=date(2026, 3, 1),
        tz=UTC,
    )
    return folder


def _dates(text: str) -> list[str]:
    return re.findall(r"^(\d{4}-\d\d-\d\d)  ", text, flags=re.MULTILINE)


def test_history_lists_the_last_sessions_and_says_how_many_more(
    cli: Cli, long_history: Path
) -> None:
    data = ["--data-dir", str(long_history)]
    every = json.loads(cli("history", "--json", *data).out)
    assert len(every) > 30
    recent = cli("history", *data)
    assert recent.code == 0
    assert f"30 of {len(every)} sessions; --all or --since for more." in recent.out
    assert _dates(recent.out) == [row["date"] for row in every[-30:]]
    shown = cli("history", "--all", *data)
    assert _dates(shown.out) == [row["date"] for row in every]
    assert "--all or --since" not in shown.out
    since = every[-40]["date"]
    from_day = cli("history", "--since", since, *data)
    assert _dates(from_day.out) == [row["date"] for row in every if row["date"] >= since]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"program": "holds"},
        {"exercise": "cat-camel"},
        {"since": "2026-02-10"},
        {"program": "nothing"},
    ],
)
def test_history_shows_the_last_sessions_and_counts_them_all(
    long_history: Path, filters: dict[str, str]
) -> None:
    """`coach history` lists the last few of what export.session_rows gives, with the
    number of all the sessions that match."""
    from datetime import date

    from coach.store.database import HistoryStore
    from coach.store.export import session_page as _session_rows
    from coach.store.export import session_rows

    store = HistoryStore(long_history / "history.sqlite3")
    kwargs: dict[str, object] = {"since": None, "program": None, "exercise": None, **filters}
    if filters.get("since"):
        kwargs["since"] = date.fromisoformat(filters["since"])
    expected = session_rows(store, **kwargs)  # type: ignore[arg-type]
    rows, total = _session_rows(store, **kwargs, limit=None)  # type: ignore[arg-type]
    assert (rows, total) == (expected, len(expected))
    recent, total = _session_rows(store, **kwargs, limit=5)  # type: ignore[arg-type]
    if kwargs["since"] is None:
        assert (recent, total) == (expected[-5:], len(expected))
    else:  # --since lists every session from that day
        assert (recent, total) == (expected, len(expected))


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("red_flag", "red-flag answer"),
        ("stopped", "high pain"),
        ("stopped", "interrupted"),
        ("stopped", None),
        ("completed", None),
    ],
)
def test_history_says_each_outcome_as_the_history_screen_does(
    cli: Cli, tmp_path: Path, status: str, reason: str | None
) -> None:
    """One wording per outcome: `coach history` and the history screen both say
    result_text's words (the CLI once said "red flag" where the screen said "stopped:
    see a clinician"), and the session's length as format_elapsed writes it."""
    from coach.engine.records import SessionStatus
    from coach.store.database import HistoryStore
    from coach.store.history import HistoryView

    from .stored import opening, store_session

    store = HistoryStore(tmp_path / "history.sqlite3")
    session = opening(source_id="x", title="Routine", source_path="/x.yaml", levels={})
    store_session(store, session, (), SessionStatus(status), reason=reason)
    (point,) = HistoryView(store).sessions()
    line = cli("history", "--data-dir", str(tmp_path)).out.splitlines()[1]
    assert f"  Routine  {point.result}  " in line
    assert "red flag" not in line and "red_flag" not in line
    assert point.seconds == 0 and "  0s  " in line


def test_history_table_fits_the_terminal_and_prints_titles_safely(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.cli import _cells
    from coach.engine.records import SessionStatus
    from coach.store.database import HistoryStore

    store = HistoryStore(tmp_path / "history.sqlite3")
    title = "Morgen\x1b[31m 朝のルーティン, a long routine name that goes on and on"
    from .stored import opening, store_session

    session = opening(source_id="x", title=title, source_path="/x.yaml", levels={})
    store_session(store, session, (), SessionStatus.COMPLETED)
    monkeypatch.setenv("COLUMNS", "76")
    result = cli("history", "--data-dir", str(tmp_path))
    assert result.code == 0 and "\x1b" not in result.out
    table = result.out.splitlines()[:2]
    assert [_cells(line) for line in table] == [75, 75]
    assert "  Morgen\\x1b[31m 朝…  completed  " in table[1]  # escaped, then shortened
    monkeypatch.setenv("COLUMNS", "200")
    assert title.replace("\x1b", "\\x1b") in cli("history", "--data-dir", str(tmp_path)).out


# -- coach FILE ------------------------------------------------------------------------


@pytest.fixture
def played(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path | None, bool]]:
    """What `coach` would have played (file, straight into the session), instead of it."""
    import coach.cli

    calls: list[tuple[Path | None, bool]] = []

    def play(file: Path | None, *, skip_home: bool, **kwargs: object) -> int:
        calls.append((file, skip_home))
        return 0

    monkeypatch.setattr(coach.cli, "_play", play)
    return calls


@pytest.mark.parametrize(
    ("words", "file"),
    [
        (["mine.yaml"], Path("mine.yaml")),
        (["--data-dir", "plan", "mine.yaml"], Path("mine.yaml")),
        (["mine.yaml", "--audio", "none"], Path("mine.yaml")),
        (["./plan"], Path("plan")),
        (["--", "plan"], Path("plan")),
        ([], None),
    ],
)
def test_coach_file_opens_home_on_it(
    cli: Cli, played: list[tuple[Path | None, bool]], words: list[str], file: Path | None
) -> None:
    assert cli(*words).code == 0
    assert played == [(file, False)]


def test_a_command_name_is_the_command(cli: Cli, played: list[object], write: Write) -> None:
    # A data folder of this test's own: `plan` opens (and so creates) the history, and a
    # shared path would hold whatever another run, on another schema, left there.
    program = write("ok.yaml", MINIMAL_PROGRAM)
    result = cli("plan", program, "--data-dir", program.parent / "data")
    assert "Next session" in result.out
    assert played == []
    result = cli(write("ok.yaml", MINIMAL_PROGRAM), "plan")
    assert result.code == 2
    assert "cannot follow it" in result.err


def test_coach_file_reports_an_invalid_file(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    bad = write("bad.yaml", "version: 2\n")
    result = cli(bad, "--data-dir", bad.parent / "data")
    assert result.code == 1
    assert "bad.yaml:1:10: format version 2 is not supported" in result.err
    assert cli("missing.yaml").code == 2


def test_the_default_routine_setting(tmp_path: Path, write: Write) -> None:
    from coach.config.locations import home_routine

    settings = tmp_path / "settings.toml"
    assert home_routine(settings) == (default_routine(), None)
    mine = write("mine.yaml", MINIMAL_PROGRAM)
    settings.write_text(f'volume = "loud"\ndefault_routine = "{mine}"\n', encoding="utf-8")
    assert home_routine(settings) == (mine, None)
    settings.write_text('default_routine = "/nowhere/at/all.yaml"\n', encoding="utf-8")
    path, why = home_routine(settings)
    assert path == default_routine()
    assert why is not None and "/nowhere/at/all.yaml" in why and "is not a file" in why
