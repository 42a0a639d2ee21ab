"""Loading the cue set once, before a session: bundled cues plus a session's own sounds.

A custom sound that cannot be used (missing, outside the session's folder, not a sound,
a decoder missing or too slow) never stops a session: the bundled cue of the same kind
plays in its place, so the tick, halfway, switch and done cues still sound different,
and one notice says which files were not used and why.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coach.audio.catalog import CATALOG, DEFAULT_CUE
from coach.audio.decoding import DECODE_SECONDS, LATE, decode_sound, read_wav
from coach.audio.pcm import Pcm, PcmError
from coach.engine.timeline import SessionPlan
from coach.format.loader import confined_path
from coach.format.text import quoted

__all__ = ["CustomSound", "custom_sounds", "load_cues", "sound_name", "sounds_notice"]


@dataclass(frozen=True, slots=True)
class CustomSound:
    """A session's own file for one kind of cue."""

    kind: str
    """The cue it replaces (``tick``, ``start``...): its bundled sound is the fallback."""
    written: str
    """The path as the session file has it, for messages."""
    path: Path | None
    """Where it is, or None when it cannot be used at all (see ``problem``)."""
    problem: str | None = None


def sound_name(kind: str, custom: str | None) -> str:
    """The key of a sound in the loaded set: a custom file's for that kind of cue, or the
    bundled cue's."""
    return f"file:{kind}:{custom}" if custom else kind


def custom_sounds(plan: SessionPlan, base_of: Mapping[str, Path]) -> dict[str, CustomSound]:
    """Every custom sound a plan uses, by key; paths resolved against the folder of the
    file that named them (``base_of`` maps program id to it) and kept inside it."""
    found: dict[str, CustomSound] = {}
    for item in plan.exercises:
        base = base_of.get(item.program_id)
        for kind, relative in item.cues.sounds.items():
            key = sound_name(kind, relative)
            if key in found:
                continue
            target = confined_path(base, relative) if base is not None else "has no folder"
            if isinstance(target, str):
                found[key] = CustomSound(
                    kind, relative, None, target.removeprefix(quoted(relative)).strip()
                )
            else:
                found[key] = CustomSound(kind, relative, target)
    return found


def load_cues(
    sounds_dir: Path,
    volume: float,
    custom: Mapping[str, CustomSound] | None = None,
    *,
    budget: float = DECODE_SECONDS,
) -> tuple[dict[str, Pcm], list[str]]:
    """Decode every cue once; return the set and what went wrong, one phrase per file.

    Custom files are decoded (and scaled) by a few worker threads against one deadline
    ``budget`` seconds away and a memory budget; whatever is not ready by then, or does
    not fit, is given up on like any other failure.
    """
    loaded: dict[str, Pcm] = {}
    problems: list[str] = []
    for name in CATALOG:
        try:
            loaded[name] = read_wav(sounds_dir / f"{name}.wav").scaled(volume)
        except PcmError as exc:
            problems.append(f"bundled cue {exc}")
    if DEFAULT_CUE not in loaded and loaded:
        loaded[DEFAULT_CUE] = next(iter(loaded.values()))
    wanted = custom or {}
    paths = {s.path for s in wanted.values() if s.path is not None}
    decoded = _decode_all(paths, budget, volume)
    for key, sound in wanted.items():
        result = decoded.get(sound.path) if sound.path is not None else sound.problem
        if isinstance(result, Pcm):
            loaded[key] = result  # already at the volume, inside the decoding's deadline
            continue
        problems.append(f"{quoted(sound.written)} {result or 'cannot be used'}")
        fallback = loaded.get(sound.kind) or loaded.get(DEFAULT_CUE)
        if fallback is not None:
            loaded[key] = fallback
    return loaded, problems


def sounds_notice(problems: list[str]) -> str | None:
    """The one notice for every custom sound that could not be used."""
    if not problems:
        return None
    count = len(problems)
    files = "1 sound file" if count == 1 else f"{count:,} sound files"
    named = "; ".join(problems[:NAMED])
    if count > NAMED:
        named += f"; and {count - NAMED:,} more"
    return f"{files} could not be used; the bundled cues play instead: {named}"


NAMED = 5
"""Most sound files the notice names; the rest are counted."""


DECODE_WORKERS = 4
"""Custom sounds decoded at once: enough to hide a decoder's start-up, few enough that
a session naming 2,400 files never starts 2,400 threads (or decoders)."""
MAX_CUSTOM_PCM_BYTES = 32 * 1024 * 1024
"""Most decoded audio a session's own sounds may take (about six minutes of cues: 380
cues of a second, or 38 of the longest, 10 s); the rest play the bundled cues."""
TOO_MANY = (
    f"was not decoded: a session's own sounds may take {MAX_CUSTOM_PCM_BYTES >> 20} MiB "
    "decoded at most"
)


def _decode_all(paths: set[Path], budget: float, volume: float) -> dict[Path, Pcm | str]:
    """Each file decoded and scaled to ``volume`` by a few workers, all against one
    deadline ``budget`` seconds away and one memory budget: no file is started after the
    deadline or once :data:`MAX_CUSTOM_PCM_BYTES` are decoded."""
    results: dict[Path, Pcm | str] = {}
    deadline = time.monotonic() + budget
    waiting = deque(sorted(paths))
    lock = threading.Lock()
    kept = 0

    def work() -> None:
        nonlocal kept
        while True:
            with lock:
                if not waiting or time.monotonic() >= deadline or kept >= MAX_CUSTOM_PCM_BYTES:
                    return
                path = waiting.popleft()
            try:
                pcm = decode_sound(path, deadline=deadline).scaled(volume)
            except PcmError as exc:
                results[path] = str(exc)
                continue
            with lock:
                if kept + len(pcm.data) > MAX_CUSTOM_PCM_BYTES:
                    kept = MAX_CUSTOM_PCM_BYTES  # full: the workers stop here
                    results[path] = TOO_MANY
                else:
                    kept += len(pcm.data)
                    results[path] = pcm

    workers = [
        threading.Thread(target=work, name="coach-decode", daemon=True)
        for _ in range(min(DECODE_WORKERS, len(paths)))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    with lock:
        full = kept >= MAX_CUSTOM_PCM_BYTES
        found = dict(results)
    return {path: found.get(path, TOO_MANY if full else LATE) for path in paths}
