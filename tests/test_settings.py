"""The settings file: each key checked on its own, written back atomically."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coach.config.settings import (
    SETTING_KEYS,
    Settings,
    check_value,
    load_settings,
    save_settings,
    settings_toml,
    with_changes,
)


def test_one_bad_key_never_resets_the_others(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'volume = 30\nscreening_weeks = 0\naudio = "loud"\nspeech = false\ncolour = 1\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(path)
    assert (settings.volume, settings.speech) == (30, False)
    assert (settings.screening_weeks, settings.audio) == (4, "auto")
    assert len(problems) == 3
    assert "screening_weeks: must be a whole number from 1 to 52" in problems[0]
    assert "audio: must be one of auto, simpleaudio, player, bell, none" in problems[1]
    assert "'colour' is not a setting" in problems[2]
    assert all(p.count(". ") == 0 and "\n" not in p for p in problems)


def test_a_line_that_is_not_toml_costs_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("# mine\nvolume = 20\nspeech = yes please\ncheck_weeks = 8\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert (settings.volume, settings.check_weeks, settings.speech) == (20, 8, True)
    assert problems == (f"{path}:3: this line is not 'key = value'; it is ignored",)


def test_an_unreadable_file_gives_the_defaults_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b"volume = \xff\n")
    settings, problems = load_settings(path)
    assert settings == Settings() and "cannot read" in problems[0]


@pytest.mark.parametrize(
    ("key", "value", "wrong"),
    [
        ("volume", 101, "volume: must be a whole number from 0 to 100"),
        ("volume", "loud", "volume: must be a whole number from 0 to 100"),
        ("speech", "yes", "speech: must be true or false"),
        ("check_weeks", 53, "check_weeks: must be a whole number from 1 to 52"),
        ("default_routine", 3, "default_routine: must be a quoted text"),
        ("volume", 0, None),
        ("audio", "bell", None),
    ],
)
def test_each_value_is_checked(key: str, value: object, wrong: str | None) -> None:
    assert check_value(key, value) == wrong


def test_saved_settings_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    settings = Settings(
        screening_weeks=2, volume=35, speech=False, audio="bell", default_routine='~/my "back".yaml'
    )
    save_settings(path, settings)
    assert load_settings(path) == (settings, ())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temporary left


def test_saving_replaces_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.toml"
    save_settings(path, Settings(volume=10))

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken)
    with pytest.raises(OSError):
        save_settings(path, Settings(volume=90))
    assert load_settings(path)[0].volume == 10
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_saving_keeps_what_the_person_wrote_around_the_values(tmp_path: Path) -> None:
    """Comments, blank lines and the order of keys survive a save from the settings
    screen; only the values change, and a key the file lacked is added."""
    path = tmp_path / "settings.toml"
    written = (
        "# my coach, set up with the physio on 3 March\n"
        "\n"
        "volume = 30   # the flat's walls are thin\n"
        'audio = "bell"\n'
        "\n"
        "# every two weeks while the leg still tingles\n"
        "screening_weeks = 2\n"
    )
    path.write_text(written, encoding="utf-8")
    before, _ = load_settings(path)
    save_settings(path, with_changes(before, {"volume": 45}))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# my coach, set up with the physio on 3 March\n"
        "\n"
        "volume = 45   # the flat's walls are thin\n"
        'audio = "bell"\n'
        "\n"
        "# every two weeks while the leg still tingles\n"
        "screening_weeks = 2\n"
    )
    after, problems = load_settings(path)
    assert problems == ()
    assert after == with_changes(before, {"volume": 45})
    for key in SETTING_KEYS:  # the others added, after what was there
        assert text.count(f"\n{key} = ") == 1


def test_a_file_that_is_not_toml_is_written_afresh(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("volume = 20\nspeech = yes please\n", encoding="utf-8")
    settings, _ = load_settings(path)
    save_settings(path, settings)
    assert load_settings(path) == (settings, ())
    assert path.read_text(encoding="utf-8").startswith("# coach settings")


def test_every_key_is_written() -> None:
    text = settings_toml(Settings())
    for key in Settings.model_fields:
        assert f"\n{key} = " in text


async def test_the_settings_screen_checks_each_value_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input, Static, Switch

    from coach.tui.settings import SettingsScreen

    from .sessions import write_program
    from .tui_helpers import home_ready, make_app, screen_is, wait_for

    config = tmp_path / "config"
    monkeypatch.setenv("COACH_CONFIG_DIR", str(config))
    app, _ = make_app(write_program(tmp_path), tmp_path, settings=Settings(volume=40))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("s")
        await wait_for(pilot, screen_is(app, "SettingsScreen"), "settings")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#volume", Input).value = "140"
        screen.query_one("#check_weeks", Input).value = ""
        screen.query_one("#default_routine", Input).value = str(tmp_path / "nowhere.yaml")
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = str(screen.query_one("#settings-problems", Static).render())
        assert "volume: must be a whole number from 0 to 100." in said
        assert "check_weeks: must be a whole number from 1 to 52." in said
        assert "default_routine: there is no file" in said
        assert not (config / "settings.toml").exists()
        screen.query_one("#volume", Input).value = "55"
        screen.query_one("#check_weeks", Input).value = "6"
        screen.query_one("#default_routine", Input).value = ""
        screen.query_one("#speech", Switch).value = False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: (config / "settings.toml").exists(), "the file")
        await wait_for(pilot, lambda: app.settings is not None and app.settings.volume == 55, "use")
        assert load_settings(config / "settings.toml") == (
            Settings(volume=55, check_weeks=6, speech=False),
            (),
        )
        assert app.flow is not None and app.flow.check_weeks == 6
        await pilot.press("s")
        await wait_for(pilot, screen_is(app, "SettingsScreen"), "settings again")
        await pilot.press("escape")
        await wait_for(pilot, home_ready(app), "home after cancel")


async def test_the_picker_shows_names_and_makes_a_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import OptionList

    from coach.config.locations import bundled_sessions_dir, default_routine
    from coach.tui.choice import Choice

    from .sessions import write_program
    from .tui_helpers import home_ready, make_app, screen_is, wait_for

    config = tmp_path / "config"
    monkeypatch.setenv("COACH_CONFIG_DIR", str(config))
    holds = bundled_sessions_dir() / "programs" / "holds.yaml"
    choices = (Choice(default_routine(), "bundled"), Choice(holds, "bundled"))
    app, _ = make_app(write_program(tmp_path), tmp_path, choices=choices, settings=Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("o")
        await wait_for(pilot, screen_is(app, "ChooseSession"), "chooser")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert labels == [
            "Routine: Morning routine (bundled)",
            "Program only: Trunk holds (bundled)",
        ]
        options.highlighted = 1
        await pilot.press("d")
        await wait_for(pilot, lambda: (config / "settings.toml").exists(), "the setting")
        assert load_settings(config / "settings.toml")[0].default_routine == str(holds.resolve())
        assert screen_is(app, "ChooseSession")()  # still choosing: d only sets the default


# -- a hostile settings file: never a traceback, a hang or a flood ----------------------


def test_a_fifo_or_a_device_is_never_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    for path, kind in ((fifo, "a FIFO"), (Path("/dev/zero"), "a device")):
        settings, problems = load_settings(path)
        assert settings == Settings()
        assert problems == (
            f"cannot read {path}: it is {kind}{' (named pipe)' if path == fifo else ''}, "
            "not a regular file; using the defaults",
        )


def test_a_file_past_the_size_cap_is_refused_in_one_sentence(tmp_path: Path) -> None:
    from coach.config.toml import MAX_SETTINGS_BYTES

    path = tmp_path / "settings.toml"
    path.write_text("volume = 20\n" + "#" * MAX_SETTINGS_BYTES, encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert len(problems) == 1 and "is larger than 64 KiB" in problems[0]


def test_deep_nesting_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("volume = 20\nx = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert problems == (f"{path}: values are nested more than 16 deep; the whole file is ignored",)


def test_a_user_that_does_not_exist_is_said_in_one_sentence(tmp_path: Path) -> None:
    from coach.config.locations import default_routine, home_routine

    path = tmp_path / "settings.toml"
    path.write_text('default_routine = "~nosuchuser-coach/x.yaml"\nvolume = 20\n', encoding="utf-8")
    settings, problems = load_settings(path)
    assert (settings.default_routine, settings.volume) == ("", 20)
    assert problems == (
        f"{path}: default_routine: there is no user 'nosuchuser-coach' on this machine for "
        "'~nosuchuser-coach/x.yaml'; using the default for it",
    )
    routine, why = home_routine(path)
    assert routine == default_routine()
    assert why is not None and "there is no user 'nosuchuser-coach'" in why


def test_thousands_of_bad_lines_and_keys_make_one_short_notice_quickly(tmp_path: Path) -> None:
    import time

    from coach.config.settings import MAX_PROBLEMS

    path = tmp_path / "settings.toml"
    lines = [f"bad line {i}" for i in range(2000)] + [f"key{i} = 1" for i in range(2000)]
    path.write_text("\n".join([*lines, "volume = 20"]) + "\n", encoding="utf-8")
    started = time.perf_counter()
    settings, problems = load_settings(path)
    took = time.perf_counter() - started
    assert settings.volume == 20
    assert problems == (
        f"{path}: lines 1, 2, 3, 4, 5 and 1,995 more are not 'key = value'; they are ignored",
        f"{path}: 'key0', 'key1', 'key2', 'key3', 'key4' and 1,995 more are not settings "
        f"(the settings are {', '.join(SETTING_KEYS)}); ignored",
    )
    assert len(problems) <= MAX_PROBLEMS
    assert took < 1.0, took


def test_text_a_terminal_would_act_on_is_refused_and_never_echoed(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'default_routine = "/x\\u001b]0;pwned\\u0007\\u202e"\n"\\u001b[2J" = 1\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(path)
    assert settings.default_routine == ""
    assert problems == (
        f"{path}: default_routine: '/x\\x1b]0;pwned\\x07\\u202e' holds a control, "
        "bidirectional or invisible character; type it again without; using the default for it",
        f"{path}: '\\x1b[2J' is not a setting (the settings are {', '.join(SETTING_KEYS)}); "
        "ignored",
    )
    with pytest.raises(ValueError, match="control"):
        Settings(default_routine="/x\u200b")
