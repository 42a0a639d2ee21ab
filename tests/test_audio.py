"""Audio without a sound card: backend choice, fallbacks, decoding, the scheduler."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import pytest

from coach.audio import backends
from coach.audio.backends import (
    AudioError,
    BellBackend,
    NullBackend,
    PlayerBackend,
    choose_backend,
)
from coach.audio.catalog import CATALOG
from coach.audio.cueset import CustomSound, load_cues, sound_name
from coach.audio.decoding import decode_sound, read_wav
from coach.audio.pcm import RATE, Pcm, PcmError
from coach.audio.scheduler import CuePlayer
from coach.config.locations import bundled_sounds_dir
from coach.engine.clock import FakeClock


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.played: list[Pcm] = []
        self.stopped = 0
        self.closed = 0

    def play(self, sound: Pcm) -> None:
        self.played.append(sound)

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        self.played.append(sound)

    def stop(self) -> None:
        self.stopped += 1

    def close(self) -> None:
        self.closed += 1


class Broken(Recorder):
    name = "broken"

    def play(self, sound: Pcm) -> None:
        raise AudioError("no device")

    def play_and_wait(self, sound: Pcm, timeout: float) -> None:
        raise AudioError("no device")


def fake_player(folder: Path, body: str = "exit 0", name: str = "aplay") -> str:
    """A stand-in for a system player: a shell script with ``body``."""
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_every_catalogued_cue_is_bundled_and_as_long_as_the_catalogue_says() -> None:
    for name, tones in CATALOG.items():
        path = bundled_sounds_dir() / f"{name}.wav"
        with wave.open(str(path)) as sound:
            assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (
                1,
                2,
                RATE,
            )
            millis = sound.getnframes() / RATE * 1000
        assert abs(millis - sum(t.millis + t.gap_after for t in tones)) < 2


def test_cues_are_decoded_once_and_scaled_by_volume() -> None:
    full, problems = load_cues(bundled_sounds_dir(), 1.0)
    half, _ = load_cues(bundled_sounds_dir(), 0.5)
    assert problems == [] and set(full) == set(CATALOG)
    loud = max(abs(s) for s in memoryview(full["start"].data).cast("h"))
    soft = max(abs(s) for s in memoryview(half["start"].data).cast("h"))
    assert soft == pytest.approx(loud / 2, abs=2)


def test_custom_sounds_fall_back_to_the_bundled_cue_of_their_kind(tmp_path: Path) -> None:
    good = tmp_path / "gong.wav"
    good.write_bytes(Pcm(b"\x00\x10" * 4410).wav_bytes())
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all")
    huge = tmp_path / "huge.wav"
    huge.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    custom = {
        sound_name("start", "gong.wav"): CustomSound("start", "gong.wav", good),
        sound_name("tick", "broken.mp3"): CustomSound("tick", "broken.mp3", broken),
        sound_name("done", "huge.wav"): CustomSound("done", "huge.wav", huge),
        sound_name("switch", "../x.wav"): CustomSound("switch", "../x.wav", None, "is outside"),
    }
    sounds, problems = load_cues(bundled_sounds_dir(), 1.0, custom)
    assert sounds["file:start:gong.wav"].seconds == pytest.approx(0.1)
    # Each failed one sounds like the bundled cue it replaces, not like the others.
    assert sounds["file:tick:broken.mp3"] is sounds["tick"]
    assert sounds["file:done:huge.wav"] is sounds["done"]
    assert sounds["file:switch:../x.wav"] is sounds["switch"]
    assert sorted(problems) == [
        "'../x.wav' is outside",
        "'broken.mp3' is not a sound file coach can read (WAV, FLAC, Ogg, MP3, AIFF, M4A)",
        "'huge.wav' is larger than 5 MiB",
    ]


def test_undecodable_files_raise_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(PcmError, match=r"bad\.wav cannot be decoded"):
        read_wav(bad)
    with pytest.raises(PcmError, match="does not exist"):
        decode_sound(tmp_path / "missing.ogg")


def test_auto_prefers_simpleaudio_then_a_player_then_the_bell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rings: list[int] = []
    monkeypatch.setattr(backends, "_simpleaudio_problem", lambda: "not installed")
    player = fake_player(tmp_path)
    monkeypatch.setattr(backends, "find_players", lambda: [(player, ("-q",))])
    chosen, note = choose_backend("auto", lambda: rings.append(1))
    assert isinstance(chosen, PlayerBackend) and note is None
    chosen.close()
    monkeypatch.setattr(backends, "find_players", list)
    chosen, note = choose_backend("auto", lambda: rings.append(1))
    assert isinstance(chosen, BellBackend)
    assert note == "no sound device or player was found; using the terminal bell"
    chosen.play(Pcm(b""))
    assert rings == [1]


def test_asking_for_a_missing_backend_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        backends, "_simpleaudio_problem", lambda: "simpleaudio is not installed (see the README)"
    )
    monkeypatch.setattr(backends, "find_players", list)
    chosen, note = choose_backend("simpleaudio", lambda: None)
    assert isinstance(chosen, BellBackend)
    assert note == "simpleaudio is not installed (see the README); using the terminal bell"
    assert isinstance(choose_backend("none", lambda: None)[0], NullBackend)


def test_the_unpatched_simpleaudio_is_never_used_where_it_crashes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """simpleaudio 1.0.4 kills the process on Python 3.12+: a player is used instead."""
    monkeypatch.setattr(backends.sys, "version_info", (3, 13, 0))
    monkeypatch.setattr(backends, "_installed", lambda name: name == "simpleaudio")
    player = fake_player(tmp_path)
    monkeypatch.setattr(backends, "find_players", lambda: [(player, ("-q",))])
    chosen, note = choose_backend("auto", lambda: None)
    assert isinstance(chosen, PlayerBackend)
    assert note is not None and "simpleaudio-patched" in note
    chosen.close()


def test_the_player_backend_runs_without_a_shell_and_caches_files(tmp_path: Path) -> None:
    script = tmp_path / "fake-player"
    log = tmp_path / "played.txt"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    script.chmod(0o755)
    player = PlayerBackend(str(script), ("-q",))
    sound = Pcm(b"\x01\x00" * 100)
    player.play(sound)
    player.play(sound)
    assert player._folder is not None
    assert len(list(player._folder.glob("*.wav"))) == 1  # written once, played twice
    for process in list(player._running):
        process.wait(timeout=10)
    folder = player._folder
    player.close()
    assert not folder.exists()  # its temporary files go with it
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and lines[0] == lines[1] and lines[0].startswith("-q /")


def test_the_scheduler_plays_at_deadlines_once_per_key() -> None:
    recorder = Recorder()
    sounds = {"tick": Pcm(b"\x01\x00"), "default": Pcm(b"\x02\x00")}
    player = CuePlayer(recorder, sounds)
    try:
        import time

        now = time.monotonic()
        player.plan([("a", now, "tick"), ("b", now, "unknown")])
        deadline = time.monotonic() + 5
        while len(player.handed) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        player.plan([("a", now, "tick")])  # already played: not again
        time.sleep(0.05)
    finally:
        player.close()
    assert [p.data for p in recorder.played] == [b"\x01\x00", b"\x02\x00"]  # unknown -> default


def test_replanning_cancels_what_is_no_longer_due() -> None:
    clock = FakeClock()
    recorder = Recorder()
    player = CuePlayer(recorder, {"tick": Pcm(b"\x01\x00")}, clock=clock)
    try:
        player.plan([("a", clock.now + 60, "tick")])
        player.plan([])  # paused
        clock.advance(120)
        player.plan([])
    finally:
        player.close()
    assert recorder.played == []


def test_playing_never_waits_for_the_device() -> None:
    release = threading.Event()
    started = threading.Event()

    class Slow(Recorder):
        def play(self, sound: Pcm) -> None:
            started.set()
            release.wait(10)
            super().play(sound)

    slow = Slow()
    player = CuePlayer(slow, {"tick": Pcm(b"\x01\x00")})
    import time

    player.plan([("a", time.monotonic(), "tick")])
    assert started.wait(5)
    # The device is stuck mid-cue, yet the caller is never held up.
    player.plan([("b", time.monotonic() + 100, "tick")])
    player.muted = True
    release.set()
    player.close()
    assert len(slow.played) == 1


def test_a_failing_device_is_reported_once_and_the_bell_takes_over() -> None:
    problems: list[str] = []
    rings: list[int] = []
    player = CuePlayer(
        Broken(),
        {"tick": Pcm(b"\x01\x00")},
        on_problem=problems.append,
        fallback=BellBackend(lambda: rings.append(1)),
    )
    import time

    now = time.monotonic()
    player.plan([("a", now, "tick"), ("b", now, "tick"), ("c", now, "tick")])
    deadline = time.monotonic() + 5
    while len(rings) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    player.close()
    assert problems == ["Sound stopped working (no device); using the terminal bell instead."]
    assert rings == [1, 1, 1]


async def test_without_any_sound_the_session_rings_the_bell_after_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .sessions import write_program
    from .tui_helpers import make_app, start_session

    monkeypatch.setattr(backends, "_simpleaudio_problem", lambda: "not installed")
    monkeypatch.setattr(backends, "find_players", list)
    app, clock = make_app(write_program(tmp_path), tmp_path, audio="auto")
    notices: list[str] = []
    rings: list[int] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        for _ in range(4):  # the get-ready ticks, then the start of the hold
            clock.advance(1)
            app.player.wake()
            for _ in range(50):
                await pilot.pause(0.01)
                if len(rings) >= 3:
                    break
    assert notices == ["no sound device or player was found; using the terminal bell"]
    assert len(rings) >= 3


def fake_engine(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for espeak-ng: writes 0.1 s of tone to the -w file, logs each call."""
    import sys

    calls = tmp_path / "calls.txt"
    script = tmp_path / "espeak-ng"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, wave\n"
        f"open({str(calls)!r}, 'a').write(sys.argv[-1] + '\\n')\n"
        "with wave.open(sys.argv[2], 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)\n"
        "    w.writeframes(b'\\x00\\x10' * 2205)\n"
    )
    script.chmod(0o755)
    return script, calls


def test_phrases_are_rendered_once_and_cached(tmp_path: Path) -> None:
    from coach.audio.speech import Speech, speech_key

    engine, calls = fake_engine(tmp_path)
    speech = Speech(str(engine), tmp_path / "cache", budget=20)
    first = speech.render_all(["Bird dog", "rest", "rest"], 1.0).sounds
    again = Speech(str(engine), tmp_path / "cache").render_all(["Bird dog", "rest"], 1.0).sounds
    assert set(first) == {speech_key("Bird dog"), speech_key("rest")}
    assert first == again
    assert first[speech_key("rest")].seconds == pytest.approx(0.1, abs=0.001)  # now 44.1 kHz
    assert sorted(calls.read_text().splitlines()) == ["Bird dog", "rest"]  # ran twice


def test_a_broken_engine_means_no_speech(tmp_path: Path) -> None:
    from coach.audio.speech import Speech

    broken = tmp_path / "espeak-ng"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    rendered = Speech(str(broken), tmp_path / "cache").render_all(["rest"], 1.0)
    assert rendered.sounds == {} and rendered.problem == "espeak-ng failed (exit status 3)"


async def test_announcements_are_planned_with_the_cues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.audio import speech
    from coach.config.settings import Settings

    from .sessions import write_program
    from .tui_helpers import make_app, start_session

    engine, _ = fake_engine(tmp_path)
    monkeypatch.setattr(speech, "find_engine", lambda: str(engine))
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    planned: list[list[tuple[str, float, str]]] = []
    app, clock = make_app(
        write_program(tmp_path), tmp_path, audio="none", settings=Settings(audio="none")
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        assert app.sound.player is None  # audio "none": nothing is scheduled at all
    app, clock = make_app(
        write_program(tmp_path), tmp_path, audio="bell", settings=Settings(audio="bell")
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        original = app.sound.player.plan
        monkeypatch.setattr(
            app.sound.player, "plan", lambda items: (planned.append(list(items)), original(items))
        )
        clock.advance(1)
        app.player.wake()
        clock.advance(8)  # into the last seconds of the first hold
        app.player.wake()
        clock.advance(2)  # the short rest between holds is now within the plan's reach
        app.player.wake()
    names = [name for items in planned for _, _, name in items]
    assert "say:three" in names or "say:two" in names
    assert "say:rest" in names  # the short rest between holds


def test_a_player_that_fails_is_noticed_on_the_next_cue(tmp_path: Path) -> None:
    script = tmp_path / "aplay"
    script.write_text("#!/bin/sh\nexit 1\n")
    script.chmod(0o755)
    player = PlayerBackend(str(script))
    player.play(Pcm(b"\x01\x00"))
    for process in list(player._running):
        process.wait(timeout=10)
    with pytest.raises(AudioError, match="aplay exited with status 1"):
        player.play(Pcm(b"\x01\x00"))
    player.close()


def test_the_cue_plan_says_counts_and_step_starts(tmp_path: Path) -> None:
    from coach.audio.cueplan import cue_plan, spoken_phrases
    from coach.engine.runner import SessionRunner

    from .runner_helpers import timeline_from

    exercise = {"name": "Side plank [left]", "kind": "hold", "hold": 5, "holds": 2, "hold_rest": 3}
    timeline = timeline_from(tmp_path, [exercise], get_ready=2)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    silent = cue_plan(runner, timeline.plan, speech=False)
    assert [name for _, _, name in silent] == ["tick", "tick", "start"]
    starting = [name for _, _, name in cue_plan(runner, timeline.plan, speech=True)]
    assert "say:Side plank [left]" in starting  # said as the countdown begins
    clock.advance(2)
    runner.update()
    spoken = [name for _, _, name in cue_plan(runner, timeline.plan, speech=True)]
    assert spoken[0] == "start"
    assert [n for n in spoken if n in ("say:three", "say:two")] == ["say:three", "say:two"]
    assert set(spoken_phrases(timeline.plan)) >= {"Side plank [left]", "rest", "one"}
