"""Broken machines and hostile sound files: every failure is bounded in time and memory,
said once, and followed by the best sound that still works."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.audio import backends, decoding
from coach.audio.backends import BellBackend, PlayerBackend, choose_backend
from coach.audio.cueset import CustomSound, load_cues, sound_name, sounds_notice
from coach.audio.decoding import MAX_PCM_BYTES, decode_sound, sniff
from coach.audio.pcm import RATE, Pcm, PcmError
from coach.audio.scheduler import CuePlayer
from coach.audio.speech import Speech, speech_key
from coach.config.locations import bundled_sounds_dir

pytestmark = pytest.mark.timeout(60)

MP3_HEADER = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400


def script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


# -- files that are not what they say ------------------------------------------------------


def test_a_fifo_or_a_device_is_never_read(tmp_path: Path) -> None:
    fifo = tmp_path / "cue.wav"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(PcmError, match="is a FIFO"):
        decode_sound(fifo)
    with pytest.raises(PcmError, match="is a device"):
        decode_sound(Path("/dev/zero"))
    assert time.monotonic() - started < 5  # a hang guard: a blocking read never returns


def test_the_header_decides_not_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sniff(Pcm(b"\x00\x00").wav_bytes()[:16]) == "wav"
    assert sniff(b"fLaC\x00\x00\x00\x22") == "flac"
    assert sniff(MP3_HEADER[:16]) == "mp3"
    assert sniff(b"<html><body>") is None
    mp3 = tmp_path / "beep.wav"  # an MP3 named .wav
    mp3.write_bytes(MP3_HEADER)
    monkeypatch.setattr(decoding.shutil, "which", lambda name: None)
    with pytest.raises(PcmError) as caught:
        decode_sound(mp3)
    assert str(caught.value) == (
        "is MP3 audio, which coach reads with ffmpeg; ffmpeg is not installed"
    )
    text = tmp_path / "notes.wav"
    text.write_text("hello")
    with pytest.raises(PcmError, match="is not a sound file coach can read"):
        decode_sound(text)


def test_ffmpeg_is_asked_for_ten_seconds_of_the_file_and_no_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "argv"
    ffmpeg = script(tmp_path, "ffmpeg", f'echo "$@" > {log}\nprintf "\\001\\000\\002\\000"')
    monkeypatch.setattr(decoding.shutil, "which", lambda name: ffmpeg)
    mp3 = tmp_path / "concat:evil.wav"
    mp3.write_bytes(MP3_HEADER)
    assert decode_sound(mp3).data == b"\x01\x00\x02\x00"
    argv = log.read_text().split()
    assert argv[argv.index("-t") + 1] == "10"
    assert argv[argv.index("-i") + 1] == f"file:{mp3.resolve()}"  # never another protocol


def test_a_decompression_bomb_is_cut_at_ten_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decoder that would produce audio without end (30 minutes of FLAC silence is
    1 GB of it): coach keeps 10 s, 882,000 bytes, and stops the decoder."""
    endless = script(tmp_path, "ffmpeg", "exec cat /dev/zero")
    monkeypatch.setattr(decoding.shutil, "which", lambda name: endless)
    flac = tmp_path / "silence.flac"
    flac.write_bytes(b"fLaC" + b"\x00" * 300_000)
    started = time.monotonic()
    assert len(decode_sound(flac).data) == MAX_PCM_BYTES == int(RATE * 10) * 2
    assert time.monotonic() - started < 5


def test_a_wav_longer_than_a_cue_is_read_only_as_far_as_the_cue(tmp_path: Path) -> None:
    long = tmp_path / "long.wav"
    long.write_bytes(Pcm(b"\x01\x00" * (RATE * 50)).wav_bytes())  # 50 s, 4.4 MB
    assert decode_sound(long).seconds == pytest.approx(10.0)


def test_a_decoder_that_hangs_is_given_up_on_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hung = script(tmp_path, "ffmpeg", "exec sleep 60")
    monkeypatch.setattr(decoding.shutil, "which", lambda name: hung)
    ogg = tmp_path / "a.ogg"
    ogg.write_bytes(b"OggS" + b"\x00" * 100)
    custom = {sound_name("halfway", "a.ogg"): CustomSound("halfway", "a.ogg", ogg)}
    started = time.monotonic()
    sounds, problems = load_cues(bundled_sounds_dir(), 1.0, custom, budget=0.5)
    assert time.monotonic() - started < 3
    assert sounds["file:halfway:a.ogg"] is sounds["halfway"]
    assert problems == ["'a.ogg' took too long to decode; it was given up on"]


def test_every_sound_problem_is_one_notice() -> None:
    assert sounds_notice([]) is None
    notice = sounds_notice(["'a.ogg' is Ogg audio...", "'b.wav' does not exist"])
    assert notice == (
        "2 sound files could not be used; the bundled cues play instead: "
        "'a.ogg' is Ogg audio...; 'b.wav' does not exist"
    )


# -- speech -------------------------------------------------------------------------------


def engine(folder: Path, hang_on: str) -> str:
    """A stand-in for espeak-ng that renders 0.1 s of sound, except for one phrase."""
    path = folder / "espeak-ng"
    path.write_text(
        f"#!{sys.executable}\n"
        "import sys, time, wave\n"
        f"if sys.argv[-1] == {hang_on!r}: time.sleep(60)\n"
        "with wave.open(sys.argv[2], 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)\n"
        "    w.writeframes(b'\\x00\\x10' * 2205)\n"
    )
    path.chmod(0o755)
    return str(path)


def test_a_hanging_engine_costs_the_budget_once_and_keeps_what_it_rendered(
    tmp_path: Path,
) -> None:
    hanging = engine(tmp_path, hang_on="rest")
    cache = tmp_path / "cache"
    phrases = ["Bird dog", "rest", "three", "two", "one", "switch sides"]
    started = time.monotonic()
    rendered = Speech(hanging, cache, budget=1.5).render_all(phrases, 1.0)
    took = time.monotonic() - started
    assert took < 3, took
    assert rendered.sounds == {} and rendered.problem == "espeak-ng did not answer within 1.5 s"
    assert not list(cache.glob("*.part"))  # the killed render left nothing behind
    # The phrases that did render are cached: next time only 'rest' is asked for.
    done = Speech(engine(tmp_path, hang_on="nothing"), cache).render_all(phrases, 1.0)
    assert set(done.sounds) == {speech_key(p) for p in phrases}
    assert len(list(cache.glob("*.wav"))) == len(phrases)


# -- players ------------------------------------------------------------------------------


def test_a_player_that_fails_its_probe_is_skipped_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = script(tmp_path, "pw-play", "exit 1")
    working = script(tmp_path, "aplay", "exit 0")
    monkeypatch.setattr(backends, "_simpleaudio_problem", lambda: "not installed")
    monkeypatch.setattr(backends, "find_players", lambda: [(failing, ()), (working, ("-q",))])
    chosen, note = choose_backend("auto", lambda: None)
    assert isinstance(chosen, PlayerBackend) and chosen.executable == working
    assert note == "pw-play exited with status 1"
    chosen.close()
    monkeypatch.setattr(backends, "find_players", lambda: [(failing, ())])
    chosen, note = choose_backend("player", lambda: None)
    assert isinstance(chosen, BellBackend)
    assert note == "pw-play exited with status 1; using the terminal bell"


def test_a_hung_player_never_holds_up_closing_and_leaves_no_files(tmp_path: Path) -> None:
    player = PlayerBackend(script(tmp_path, "aplay", "exec sleep 60"))
    player.play(Pcm(b"\x01\x00" * 100))
    folder = player._folder
    assert folder is not None and folder.exists()
    (process,) = player._running
    started = time.monotonic()
    player.close()
    assert time.monotonic() - started < 1
    assert process.poll() is not None and not folder.exists()


def test_muting_stops_a_sound_already_playing(tmp_path: Path) -> None:
    backend = PlayerBackend(script(tmp_path, "aplay", "exec sleep 60"))
    player = CuePlayer(backend, {"tick": Pcm(b"\x01\x00")})
    try:
        player.plan([("now", player.clock(), "tick")])
        deadline = time.monotonic() + 5
        while not backend._running and time.monotonic() < deadline:
            time.sleep(0.01)
        (process,) = backend._running
        player.mute(True)
        assert process.poll() is not None  # stopped now, not at the end of the sound
    finally:
        player.close()


def test_a_failed_backend_is_closed_when_the_bell_takes_over(tmp_path: Path) -> None:
    class Failing(PlayerBackend):
        def play(self, sound: Pcm) -> None:
            self._file_for(sound)
            raise backends.AudioError("no device")

    failing = Failing(script(tmp_path, "aplay", "exit 0"))
    rings: list[int] = []
    player = CuePlayer(
        failing, {"tick": Pcm(b"\x01\x00")}, fallback=BellBackend(lambda: rings.append(1))
    )
    player.plan([("now", player.clock(), "tick")])
    deadline = time.monotonic() + 5
    while not rings and time.monotonic() < deadline:
        time.sleep(0.01)
    player.close()
    assert rings == [1] and failing._folder is None  # the first cue rang, the files went


def test_libasound_says_nothing_on_the_terminal(tmp_path: Path) -> None:
    """With no sound device, simpleaudio's ALSA prints eight 'ALSA lib ...' lines; coach
    routes them away, and says in one line why simpleaudio is not used."""
    pytest.importorskip("simpleaudio")
    config = tmp_path / "asound.conf"
    config.write_text("pcm.!default { type hw card 99 }\n")
    code = (
        "from coach.audio.backends import SimpleAudioBackend, probe\n"
        "print(probe(SimpleAudioBackend()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "ALSA_CONFIG_PATH": str(config)},
        timeout=30,
    )
    assert result.stderr == ""
    assert result.stdout.startswith("the sound device refused to play")


# -- coach sounds -------------------------------------------------------------------------


def sounds_command(tmp_path: Path, *arguments: str, path: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "settings.toml").write_text("speech = false\n")
    return subprocess.run(
        [sys.executable, "-m", "coach", "sounds", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path, "COACH_CONFIG_DIR": str(config)},
        timeout=60,
    )


def test_coach_sounds_says_what_played_and_fails_when_nothing_could(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script(bin_dir, "aplay", "exit 0")
    played = sounds_command(tmp_path, "--audio", "player", path=str(bin_dir))
    assert played.returncode == 0, played.stderr
    assert "Audio backend: player (aplay)" in played.stdout
    assert played.stdout.count(" played") == 12

    script(bin_dir, "aplay", "exit 1")
    failed = sounds_command(tmp_path, "--audio", "player", path=str(bin_dir))
    assert failed.returncode == 1
    assert "Audio backend: bell" in failed.stdout
    assert "aplay exited with status 1; using the terminal bell" in failed.stderr
    assert "No sound device or player worked" in failed.stdout
    assert "played" not in failed.stdout


# -- a session ----------------------------------------------------------------------------


async def test_a_session_plays_on_with_one_notice_for_sounds_it_cannot_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sound outside the session's folder, and one that is missing: the session starts
    (it used to stop with exit 1), the bundled cues of those kinds play, one notice."""
    import copy

    from .sessions import SMALL_PROGRAM, write_program
    from .tui_helpers import make_app, start_session

    document = copy.deepcopy(SMALL_PROGRAM)
    document["program"]["cues"] = {"sounds": {"start": "../outside.wav", "tick": "gone.wav"}}
    (tmp_path.parent / "outside.wav").write_bytes(Pcm(b"\x01\x00" * 100).wav_bytes())
    app, _ = make_app(write_program(tmp_path, document), tmp_path, audio="bell")
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        assert app.player is not None and app.sound.player is not None
        sounds = app.sound.player.sounds
        assert sounds["file:start:../outside.wav"] is sounds["start"]
        assert sounds["file:tick:gone.wav"] is sounds["tick"]
    assert notices == [
        "2 sound files could not be used; the bundled cues play instead: "
        "'gone.wav' does not exist; "
        "'../outside.wav' points outside this file's folder; keep it inside"
    ]
