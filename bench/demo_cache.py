"""The benchmarks' demo histories, played once and kept.

A demo history is played morning by morning through the day flow (coach.demo.history):
ten years take about two minutes of CPU. The same arguments, routine files and coach
give the same history, so each is kept in ``.bench-cache/`` under a digest of all
three and copied for the next run; any change to coach/ or to the routine plays it
afresh. A history that ends today (``end`` None) is kept for the day.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

from coach.demo.history import Summary, generate

__all__ = ["CACHE", "demo_history"]

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"


def _digest(source: Path, days: int, seed: int, end: date | None) -> str:
    digest = hashlib.sha256(repr((days, seed, end or date.today())).encode())
    for folder, pattern in ((ROOT / "coach", "*.py"), (source.parent, "*.yaml")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def demo_history(
    path: Path, *, source: Path, days: int, seed: int, end: date | None = None
) -> Summary:
    """``coach.demo.history.generate(path, ...)``, from the cache when it holds the same
    history; the Summary's ``seconds`` are those of the play that made it."""
    key = _digest(source, days, seed, end)
    kept, facts = CACHE / f"{key}.sqlite3", CACHE / f"{key}.json"
    if kept.is_file() and facts.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, path)
        fields = json.loads(facts.read_text(encoding="utf-8"))
        return Summary(
            **{
                **fields,
                "path": path,
                "first_day": date.fromisoformat(fields["first_day"]),
                "last_day": date.fromisoformat(fields["last_day"]),
            }
        )
    summary = generate(path, source=source, days=days, seed=seed, end=end)
    CACHE.mkdir(exist_ok=True)
    shutil.copyfile(path, kept.with_suffix(".tmp"))
    kept.with_suffix(".tmp").replace(kept)
    fields = dataclasses.asdict(summary)
    fields.update(path=str(path), first_day=str(summary.first_day), last_day=str(summary.last_day))
    facts.write_text(json.dumps(fields), encoding="utf-8")
    return summary
