"""The session's sound: the cue player, prepared before the player starts.

The app owns one :class:`SessionSound`. :meth:`SessionSound.prepare` runs in a worker
thread (it probes the backend, decodes every cue and renders speech, each within a
deadline); :meth:`SessionSound.plan` hands the next seconds of cues to the audio thread
whenever the player moves. Whatever went wrong while preparing is said in one notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.audio.pcm import Pcm
    from coach.audio.scheduler import CuePlayer
    from coach.config.settings import Settings
    from coach.engine.checks.timer import PlannedCue
    from coach.engine.clock import Clock
    from coach.engine.session import SessionController
    from coach.engine.timeline import SessionPlan
    from coach.format.loader import LoadedFile
    from coach.tui.eventlog import EventLog

__all__ = ["VOLUME_STEP", "SessionSound", "wanted_audio"]

VOLUME_STEP = 10
"""How much one press of the volume keys changes it, in percent."""

Warn = Callable[[str], None]
"""Shows a problem to the person (from any thread)."""


def wanted_audio(option: str | None, settings: Settings | None) -> str:
    """The backend asked for: the --audio option, else the setting; none without either
    (the tests)."""
    return option or (settings.audio if settings is not None else "none")


class SessionSound:
    """The cues of one run of the app. ``warn`` shows a problem to the person and
    ``ring`` is the bell backend's cue; both may be called from any thread."""

    def __init__(self, clock: Clock, *, warn: Warn, ring: Callable[[], None]) -> None:
        self.clock = clock
        self.warn = warn
        self.ring = ring
        self.player: CuePlayer | None = None
        self.speech_on = False
        self.muted = False
        self.volume = 80
        """The cues' volume now, 0-100: the setting's, changed by the volume keys."""
        self._full: dict[str, Pcm] = {}
        """Every sound at full volume, to scale again when the volume changes."""

    def prepare(
        self, wanted: str, settings: Settings | None, loaded: LoadedFile, plan: SessionPlan
    ) -> None:
        """Choose the backend and decode every cue once (in a worker thread)."""
        from coach.audio.backends import BellBackend, choose_backend
        from coach.audio.cueset import custom_sounds, load_cues, sounds_notice
        from coach.audio.scheduler import CuePlayer
        from coach.config.locations import bundled_sounds_dir
        from coach.format.loader import ProgramFile

        if self.player is not None or wanted == "none":
            return
        backend, note = choose_backend(wanted, self.ring)
        files = [loaded] if isinstance(loaded, ProgramFile) else loaded.programs
        base_of = {pf.program.id: pf.path.resolve().parent for pf in files}
        self.volume = settings.volume if settings is not None else 80
        sounds, problems = load_cues(bundled_sounds_dir(), 1.0, custom_sounds(plan, base_of))
        spoken: str | None = None
        if settings is not None and settings.speech:
            said, spoken = self._speech(plan, 1.0)
            sounds |= said
        self._full = sounds
        self.player = CuePlayer(
            backend,
            self._at_volume(),
            clock=self.clock,
            on_problem=self.warn,
            fallback=BellBackend(self.ring),
        )
        self.player.muted = self.muted
        # One notice for all of it: several stacked over the digits hide the count.
        messages = [m for m in (note, sounds_notice(problems), spoken) if m]
        if messages:
            self.warn("\n".join(messages))

    def _speech(self, plan: SessionPlan, volume: float) -> tuple[dict[str, Pcm], str | None]:
        """Spoken names, 'switch sides', 'rest' and the last counts, if an engine exists
        and answers in time; else no speech for this session, and why."""
        from coach.audio.cueplan import spoken_phrases
        from coach.audio.speech import Speech, find_engine
        from coach.config.locations import cache_dir

        engine = find_engine()
        if engine is None:
            return {}, None
        rendered = Speech(engine, cache_dir() / "speech").render_all(spoken_phrases(plan), volume)
        if rendered.problem is not None:
            return {}, f"Speech is off for this session: {rendered.problem}."
        self.speech_on = True
        return rendered.sounds, None

    def plan(self, session: SessionController) -> None:
        """Hand the next few seconds of cues to the audio thread (none while paused)."""
        from coach.audio.cueplan import cue_plan

        if self.player is not None:
            self.player.plan(cue_plan(session.runner, session.plan, speech=self.speech_on))

    # -- a function check's cues (coach.tui.checks): the bundled cues only --------------

    def prepare_plain(self, wanted: str, settings: Settings | None) -> None:
        """Choose the backend and decode the bundled cues (in a worker thread), for a
        function check: it has no session file of its own, and speaks nothing."""
        from coach.audio.backends import BellBackend, choose_backend
        from coach.audio.cueset import load_cues
        from coach.audio.scheduler import CuePlayer
        from coach.config.locations import bundled_sounds_dir

        if self.player is not None or wanted == "none":
            return
        backend, note = choose_backend(wanted, self.ring)
        self.volume = settings.volume if settings is not None else 80
        self._full, problems = load_cues(bundled_sounds_dir(), 1.0)
        self.player = CuePlayer(
            backend,
            self._at_volume(),
            clock=self.clock,
            on_problem=self.warn,
            fallback=BellBackend(self.ring),
        )
        self.player.muted = self.muted
        for message in [m for m in (note, *problems) if m]:
            self.warn(message)

    def plan_cues(self, cues: Sequence[PlannedCue]) -> None:
        """Hand a check's cues to the audio thread (an empty list drops what is pending)."""
        if self.player is not None:
            self.player.plan([(c.key, c.due, c.name) for c in cues])

    def _at_volume(self) -> dict[str, Pcm]:
        # Each sound scaled once: a custom sound that fell back to a bundled cue is the
        # same sound, and stays the same object.
        scaled: dict[int, Pcm] = {}
        result = {}
        for name, pcm in self._full.items():
            if id(pcm) not in scaled:
                scaled[id(pcm)] = pcm.scaled(self.volume / 100)
            result[name] = scaled[id(pcm)]
        return result

    def change_volume(self, step: int) -> int:
        """Change the volume by ``step`` percent (within 0-100) and return it. The caller
        then runs :meth:`apply_volume` off the event loop: scaling every sample takes a
        moment."""
        self.volume = max(0, min(100, self.volume + step))
        return self.volume

    def step_volume(self, direction: int) -> str:
        """One press of the volume keys (``direction`` +1 or -1): what to say. The caller
        then runs :meth:`apply_volume` off the event loop when there is a player."""
        if self.player is None:
            return "No sound in this session (audio is off)."
        level = self.change_volume(direction * VOLUME_STEP)
        muted = " (muted: M turns sound on)" if self.muted else ""
        return f"Volume {level}%{muted}"

    def apply_volume(self) -> None:
        """Hand the audio thread its sounds at the volume now (in a worker thread). One
        dictionary swapped whole, so a cue plays at the old volume or the new, never a mix."""
        if self.player is not None:
            self.player.sounds = self._at_volume()

    def mute(self, muted: bool) -> None:
        self.muted = muted
        if self.player is not None:
            self.player.mute(muted)  # and what is playing stops now

    def close(self, event_log: EventLog | None) -> None:
        if self.player is None:
            return
        self.player.close()
        if event_log is not None:
            for handed in self.player.handed:
                event_log.note_at(handed.handed, event="handed", cue=handed.name, due=handed.due)
