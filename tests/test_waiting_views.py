"""`coach history`, `coach export` and `coach report` show what waits in the journal,
marked "waiting to be saved", and only read it: nothing is imported or removed."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.store.export import read_csv

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import write_program
from .test_claims import interrupted_into_the_journal
from .test_durability import HISTORY, history_with_sessions, journals, locked, store_at


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


@pytest.fixture
def folder(source: Path, tmp_path: Path) -> Path:
    """Three sessions: one saved (pains 1, 1, 1); one with its first set saved (3) and
    its second (4) waiting in the journal; one all in the journal (2, 5, 0), its row
    never made."""
    folder = tmp_path / "data"
    history_with_sessions(source, folder, 1)
    interrupted_into_the_journal(source, folder)
    with locked(folder / HISTORY):  # from the start: the journal above stays
        shell = Shell(source, store_at(folder))
        shell.answer(day.ResumeAnswer(None))  # the interrupted one: later
        begin_session(shell)
        rate_every_set(shell, [2, 5, 0])
    assert len(journals(folder)) == 2
    return folder


def untouched(folder: Path, before: list[Path]) -> None:
    """The commands only read: the journals are all there, the history is as it was."""
    assert journals(folder) == before
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        pains = [r[0] for r in db.execute("SELECT pain FROM sets ORDER BY id")]
    assert pains == [1, 1, 1, 3]


def test_history_marks_the_sessions_waiting_to_be_saved(folder: Path, cli: Any) -> None:
    before = journals(folder)
    listed = cli("history", "--data-dir", folder)
    assert listed.code == 0, listed.err
    rows = [line for line in listed.out.splitlines() if re.match(r"\d{4}-\d\d-\d\d", line)]
    assert len(rows) == 3, listed.out
    assert [" * " in row for row in rows] == [False, True, True], listed.out
    assert [row.split()[-4] for row in rows] == ["3", "2", "3"]  # the sets of each
    assert "* waiting to be saved" in listed.out
    sessions = json.loads(cli("history", "--json", "--data-dir", folder).out)
    assert [(s["saved"], s["sets"], s["peak_pain"]) for s in sessions] == [
        (True, 3, 1),
        (False, 2, 4),
        (False, 3, 5),
    ]
    # Each under its own uid, in the history or not yet (the same once imported).
    assert len({s["session_id"] for s in sessions}) == 3 and all(s["session_id"] for s in sessions)
    untouched(folder, before)


@pytest.mark.parametrize("form", ["csv", "json"])
def test_export_says_which_sets_are_not_saved_yet(folder: Path, cli: Any, form: str) -> None:
    before = journals(folder)
    exported = cli("export", "--format", form, "--data-dir", folder)
    assert exported.code == 0, exported.err
    if form == "csv":
        rows = read_csv(exported.out)
        assert exported.out.splitlines()[0].endswith(",session_note,saved")
    else:
        document = json.loads(exported.out)
        assert document["columns"][-1] == "saved"
        rows = document["sets"]
    assert [(r["pain"], r["saved"]) for r in rows] == [
        (1, True),
        (1, True),
        (1, True),
        (3, True),
        (4, False),
        (2, False),
        (5, False),
        (0, False),
    ]
    # Named by their sessions' uids, whether saved or waiting: a row id never shows.
    assert len({r["session_id"] for r in rows[-3:]}) == 1 and rows[-1]["session_id"]
    assert rows[4]["session_id"] == rows[3]["session_id"] != rows[-1]["session_id"]
    untouched(folder, before)


def test_the_report_lists_the_sessions_waiting_to_be_saved(
    folder: Path, cli: Any, tmp_path: Path
) -> None:
    before = journals(folder)
    target = tmp_path / "report.html"
    written = cli("report", "-o", target, "--data-dir", folder)
    assert written.code == 0, written.err
    assert "(3 sessions" in written.out
    page = target.read_text(encoding="utf-8")
    section = page[page.index("<h3>Waiting to be saved</h3>") :]
    table = section[: section.index("</table>")]
    assert table.count("<tr>") == 3  # the header and the two sessions
    assert re.findall(r'<td class="num">(\d+)</td>', table) == ["2", "3"]
    untouched(folder, before)


async def test_the_history_screen_marks_the_sessions_waiting_to_be_saved(folder: Path) -> None:
    """The history screen in the app lists what waits in the journal too, marked, and
    reads the journal in its worker (nothing imported, nothing removed)."""
    from textual.app import App, ComposeResult

    from coach.store.history import HistoryView
    from coach.tui.history import HistoryScreen

    before = journals(folder)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            return iter(())

        def on_mount(self) -> None:
            view = HistoryView(store_at(folder), journal=True)
            self.push_screen(HistoryScreen(view, lambda: date(2026, 12, 1)))

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        for _ in range(200):
            if getattr(screen, "loaded", False):
                break
            await pilot.pause(0.05)
        await pilot.press("4")
        for _ in range(200):
            table = screen.session_table
            if table is not None and table.row_count > 0:
                break
            await pilot.pause(0.05)
        assert table is not None and table.row_count == 3
        dates = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert sum(d.endswith(" *") for d in dates) == 2, dates
        hint = str(screen.query_one("#sessions-hint").render())
        assert "waits in the journal" in hint
        # The report from this screen goes beside the history, with what waits in it.
        await pilot.press("w")
        for _ in range(400):
            written = list((folder / "reports").glob("*.html"))
            if written:
                break
            await pilot.pause(0.05)
        assert written, "no report written beside the history"
        assert "Waiting to be saved" in written[0].read_text(encoding="utf-8")
    untouched(folder, before)
