"""Plays cues on time from a thread of its own, never on the UI's event loop.

The UI hands over the cues of the next few seconds, each with its monotonic deadline,
whenever the session moves (and an empty plan when it pauses). The thread sleeps until
the earliest deadline and hands the cue's PCM to the backend, so a cue starts on time
even while the screen is busy redrawing, and playing never blocks the UI.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from coach.audio.backends import AudioError, Backend, BellBackend, NullBackend
from coach.audio.catalog import DEFAULT_CUE
from coach.audio.pcm import Pcm

__all__ = ["CuePlayer", "Handed"]

# Sleep until this close to a deadline, then sleep the rest precisely.
_COARSE_MARGIN = 0.003


@dataclass(frozen=True, slots=True)
class Handed:
    """One cue given to the backend: for the timing log and the tests."""

    name: str
    due: float
    handed: float


@dataclass(order=True)
class _Item:
    due: float
    order: int
    """Ties at one instant keep the order the UI gave."""
    key: str = field(compare=False)
    name: str = field(compare=False)


class CuePlayer:
    """A daemon thread that plays named sounds at monotonic deadlines."""

    def __init__(
        self,
        backend: Backend,
        sounds: Mapping[str, Pcm],
        *,
        clock: Callable[[], float] = time.monotonic,
        on_problem: Callable[[str], None] = lambda message: None,
        fallback: Backend | None = None,
    ) -> None:
        self.backend = backend
        self.sounds = dict(sounds)
        self.clock = clock
        self.on_problem = on_problem
        self.fallback = fallback or NullBackend()
        self.handed: list[Handed] = []
        self.muted = False
        self._pending: list[_Item] = []
        self._done: set[str] = set()
        self._condition = threading.Condition()
        self._closing = False
        self._reported = False
        self._thread = threading.Thread(target=self._run, name="coach-cues", daemon=True)
        self._thread.start()

    # -- called from the UI -----------------------------------------------------------

    def plan(self, items: Sequence[tuple[str, float, str]]) -> None:
        """Replace what is pending with ``(key, due, sound name)`` items. A key already
        played is not played again, so the same cue can be planned many times."""
        with self._condition:
            self._pending = [
                _Item(due, order, key, name)
                for order, (key, due, name) in enumerate(items)
                if key not in self._done
            ]
            heapq.heapify(self._pending)
            self._condition.notify()

    def mute(self, muted: bool) -> None:
        """Mute or unmute; muting also stops what is playing right now."""
        self.muted = muted
        if muted:
            self.backend.stop()

    def close(self) -> None:
        with self._condition:
            self._closing = True
            self._pending = []
            self._condition.notify()
        self._thread.join(timeout=2)
        self.backend.close()

    # -- the thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._condition:
                item = self._next_due()
                if item is None:
                    return
            self._hand(item)

    def _next_due(self) -> _Item | None:
        """Wait (holding the condition) until the earliest item is due; None to stop."""
        while not self._closing:
            if not self._pending:
                self._condition.wait()
                continue
            wait = self._pending[0].due - self.clock()
            if wait > _COARSE_MARGIN:
                self._condition.wait(wait - _COARSE_MARGIN)
                continue
            if wait > 0:
                time.sleep(wait)
            return heapq.heappop(self._pending)
        return None

    def _hand(self, item: _Item) -> None:
        self._done.add(item.key)
        if self.muted:
            return
        sound = self.sounds.get(item.name) or self.sounds.get(DEFAULT_CUE)
        if sound is None:
            return
        handed = self.clock()
        try:
            self.backend.play(sound)
        except AudioError as exc:
            self._failed(str(exc), sound)
            return
        self.handed.append(Handed(item.name, item.due, handed))

    def _failed(self, message: str, sound: Pcm) -> None:
        # Said once; from then on the fallback (the bell) carries the session.
        if not self._reported:
            self._reported = True
            target = "the terminal bell" if isinstance(self.fallback, BellBackend) else "silence"
            self.on_problem(f"Sound stopped working ({message}); using {target} instead.")
        failed, self.backend = self.backend, self.fallback
        failed.close()  # its temporary files, its processes: nothing waits on them
        try:
            self.backend.play(sound)
        except AudioError:
            self.backend = NullBackend()
