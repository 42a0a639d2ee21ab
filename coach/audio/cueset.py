"""Loading the cue set once, before a session: bundled cues plus a session's own sounds."""

from __future__ import annotations

from pathlib import Path

from coach.audio.catalog import CATALOG, DEFAULT_CUE
from coach.audio.pcm import Pcm, PcmError, decode_file, read_wav
from coach.engine.timeline import SessionPlan
from coach.format.loader import MAX_SOUND_BYTES

__all__ = ["custom_sound_paths", "load_cues", "sound_name"]


def sound_name(kind: str, custom: str | None) -> str:
    """The key of a sound in the loaded set: a custom file's, or the bundled cue's."""
    return f"file:{custom}" if custom else kind


def custom_sound_paths(plan: SessionPlan, base_of: dict[str, Path]) -> dict[str, Path]:
    """Every custom sound a plan uses, by key; paths resolved against the file that named
    them (``base_of`` maps program id to its file's folder)."""
    found: dict[str, Path] = {}
    for item in plan.exercises:
        base = base_of.get(item.program_id)
        if base is None:
            continue
        for relative in item.cues.sounds.values():
            found[sound_name("", relative)] = (base / relative).resolve()
    return found


def load_cues(
    sounds_dir: Path, volume: float, custom: dict[str, Path] | None = None
) -> tuple[dict[str, Pcm], list[str]]:
    """Decode every cue once; return the set and warnings for custom files that failed
    (those fall back to the default cue, which the player does on a missing key)."""
    loaded: dict[str, Pcm] = {}
    warnings: list[str] = []
    for name in CATALOG:
        path = sounds_dir / f"{name}.wav"
        try:
            loaded[name] = read_wav(path).scaled(volume)
        except PcmError as exc:
            warnings.append(f"bundled cue {exc}")
    for key, path in (custom or {}).items():
        problem = _too_big(path)
        if problem:
            warnings.append(f"{problem}; the default cue plays instead")
            continue
        try:
            loaded[key] = decode_file(path).scaled(volume)
        except PcmError as exc:
            warnings.append(f"{exc}; the default cue plays instead")
    if DEFAULT_CUE not in loaded and loaded:
        loaded[DEFAULT_CUE] = next(iter(loaded.values()))
    return loaded, warnings


def _too_big(path: Path) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return f"sound file {path.name} cannot be read"
    if size > MAX_SOUND_BYTES:
        return f"sound file {path.name} is larger than 5 MiB"
    return None
