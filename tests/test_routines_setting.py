"""The ``routines`` setting: what it takes, what each wrong value says, and what home
reads of it at the start (without the settings' model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.config.locations import home_routines
from coach.config.settings import Settings, check_value, load_settings, save_settings


@pytest.mark.parametrize(
    "value",
    [
        [],
        ["~/rehab/morning.yaml"],
        ["a.yaml", {"file": "b.yaml", "remind_at": "19:00"}, {"file": "c.yaml"}],
        [{"file": "b.yaml", "remind_at": "7:05"}],
    ],
)
def test_good_values(value: object) -> None:
    assert check_value("routines", value) is None


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("a.yaml", "routines: must be a list of files, such as"),
        ([{"file": "b.yaml", "remind_at": "24:00"}], "item 1's remind_at must be a quoted time"),
        (["a.yaml", {"file": "b.yaml", "at": "19:00"}], "item 2 has 'at'; an item takes file"),
        ([{"remind_at": "19:00"}], "item 1 names no file"),
        ([3], "item 1 names no file"),
        (["a\x1b[2J.yaml"], "item 1 holds a control, bidirectional or invisible character"),
        ([f"{n}.yaml" for n in range(10)], "routines: at most 9 (keys 1-9 choose them); 10"),
    ],
)
def test_each_wrong_value_says_what_is_wrong(value: object, said: str) -> None:
    problem = check_value("routines", value)
    assert problem is not None and said in problem, problem


def test_a_wrong_list_falls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('volume = 30\nroutines = "morning.yaml"\n', encoding="utf-8")
    settings, problems = load_settings(path)
    assert (settings.volume, settings.routines) == (30, [])
    (problem,) = problems
    assert "routines: must be a list of files" in problem and "using the default" in problem


def test_home_reads_the_files_that_exist_with_their_times(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("", encoding="utf-8")
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    path = tmp_path / "settings.toml"
    path.write_text(
        f'routines = ["{tmp_path}/m.yaml", {{file = "{tmp_path}/gone.yaml"}},\n'
        f'  {{file = "{tmp_path}/e.yaml", remind_at = "7:05"}}]\n',
        encoding="utf-8",
    )
    found, unused = home_routines(path)
    assert found == [(tmp_path / "m.yaml", ""), (tmp_path / "e.yaml", "07:05")]
    (problem,) = unused
    assert problem.startswith(f"the routine {tmp_path}/gone.yaml (routines in ")
    assert problem.endswith("is not a file; home leaves it out")


def test_saving_keeps_the_list_and_the_comments(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        '# mine\nroutines = ["m.yaml", {file = "e.yaml", remind_at = "19:00"}]  # two a day\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(path)
    assert problems == ()
    save_settings(path, Settings.model_validate({**settings.model_dump(), "volume": 20}))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\n")
    assert "# two a day" in text
    again, _ = load_settings(path)
    assert again.routines == settings.routines and again.volume == 20
