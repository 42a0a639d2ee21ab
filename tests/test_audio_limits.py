"""Custom sounds at the format's limits never stall the start: 8 cue kinds for each of
30 exercises in each of 10 programs is 2,400 files, decoded by a few workers inside one
deadline and one memory budget, scaled in C, and no decoder started after the
deadline."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from coach.audio import cueset, decoding
from coach.audio.cueset import (
    DECODE_WORKERS,
    MAX_CUSTOM_PCM_BYTES,
    CustomSound,
    load_cues,
    sound_name,
    sounds_notice,
)
from coach.audio.pcm import MAX_CUE_SECONDS, RATE, Pcm, PcmError
from coach.config.locations import bundled_sounds_dir

KINDS = ("tick", "start", "halfway", "last", "end", "switch", "rest_end", "done")


def test_scaling_a_ten_second_cue_is_one_pass_in_c() -> None:
    samples = Pcm(b"\x00\x40\x00\xc0" * int(RATE * MAX_CUE_SECONDS / 2))
    started = time.perf_counter()
    half = samples.scaled(0.5)
    took = time.perf_counter() - started
    assert memoryview(half.data).cast("h")[:2].tolist() == [0x2000, -0x2000]
    assert len(half.data) == len(samples.data)
    assert took < 0.02, took  # the Python loop took 0.15 s


def test_a_routine_at_the_limits_loads_its_sounds_in_under_two_seconds(tmp_path: Path) -> None:
    # One 10 s WAV under 2,400 names (hard links: distinct files to coach, no disk).
    first = tmp_path / "cue-0.wav"
    first.write_bytes(Pcm(b"\x00\x10" * int(RATE * MAX_CUE_SECONDS)).wav_bytes())
    custom = {}
    for index in range(2400):
        path = tmp_path / f"cue-{index}.wav"
        if index:
            os.link(first, path)
        kind = KINDS[index % len(KINDS)]
        custom[sound_name(kind, path.name)] = CustomSound(kind, path.name, path)
    started = time.perf_counter()
    sounds, problems = load_cues(bundled_sounds_dir(), 0.5, custom)
    took = time.perf_counter() - started
    assert took < 2.0, took
    used = {id(p): len(p.data) for k, p in sounds.items() if k.startswith("file:")}
    decoded = [k for k in custom if sounds[k] is not sounds[k.split(":")[1]]]
    assert decoded, "some custom sounds are used"
    assert sum(used.values()) <= MAX_CUSTOM_PCM_BYTES + len(sounds["start"].data) * 8
    assert len(problems) == 2400 - len(decoded)
    assert all("may take 32 MiB decoded at most" in p for p in problems)
    notice = sounds_notice(problems)
    assert notice is not None and notice.count("'cue-") == 5 and "more" in notice


def test_the_decoders_are_a_bounded_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def slow(path: Path, *, deadline: float | None = None) -> Pcm:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return Pcm(b"\x00\x10" * 100)

    monkeypatch.setattr(cueset, "decode_sound", slow)
    custom = {
        sound_name("tick", f"{i}.wav"): CustomSound("tick", f"{i}.wav", tmp_path / f"{i}.wav")
        for i in range(40)
    }
    _, problems = load_cues(bundled_sounds_dir(), 1.0, custom)
    assert problems == []
    assert 1 < most <= DECODE_WORKERS  # one thread per file ran all 40 at once


def test_no_decoder_is_started_after_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(decoding.shutil, "which", lambda name: "/usr/bin/ffmpeg")
    monkeypatch.setattr(
        decoding, "run_capped", lambda argv, cap, timeout: started.append(argv) or b""
    )
    ogg = tmp_path / "a.ogg"
    ogg.write_bytes(b"OggS" + b"\x00" * 100)
    with pytest.raises(PcmError, match="took too long"):
        decoding.decode_sound(ogg, deadline=time.monotonic() - 0.001)
    assert started == []
