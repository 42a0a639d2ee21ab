"""Where the session's facts are, and what the person is told about it: only what is
true ('saved' only once it is on the disk), from what each write reported."""

from __future__ import annotations

from dataclasses import replace

from coach.engine.day.context import Host, Keeping
from coach.engine.day.messages import Notice, OpenSession, Output, Tone
from coach.engine.records import Kept, SetRecord, Written


def lost(written: Written) -> str | None:
    """Why a fact could not be kept anywhere (None when the history or the journal
    holds it)."""
    if written.kept is not Kept.NOWHERE:
        return None
    return written.problem or "neither the history nor the journal could take it"


def stored(host: Host, problem: str | None) -> list[Output]:
    """A notice when the history refused a write."""
    if not problem:
        return []
    host.keeping = replace(host.keeping, problem=problem)
    return [Notice(f"Could not save: {problem}.", Tone.ERROR, 15)]


def note_written(
    host: Host, records: tuple[SetRecord, ...], written: Written, *, closing: bool = False
) -> list[Output]:
    """Where a write of the session went: remember it, and say what changed (a notice
    only when the place changes; on closing the summary says it)."""
    keeping = host.keeping
    before = keeping.kept
    if written.kept is Kept.HISTORY:
        host.keeping = replace(keeping, kept=Kept.HISTORY, unsaved=())
        if before is Kept.HISTORY or closing:
            return []
        return [Notice("The history can take ratings again: every set is in it now.")]
    # Every set not yet in the history, in order, when this write carried them.
    unsaved = records if records else keeping.unsaved
    keeping = replace(keeping, kept=written.kept, unsaved=unsaved, problem=written.problem)
    problem = written.problem or "the history refused it"
    if written.kept is Kept.JOURNAL:
        host.keeping = replace(keeping, journal=written.journal)
        if before is Kept.JOURNAL or closing:
            return []
        return [
            Notice(
                f"The history cannot take this session now: {problem}. Every rating is "
                f"kept safely in the journal ({written.journal}) and goes into the "
                "history at the next start.",
                Tone.WARNING,
                15,
            )
        ]
    host.keeping = keeping
    if closing:
        return []  # the summary says it
    return [
        Notice(
            f"NOT saved: {problem}. Please note your ratings down; coach tries again "
            "with the next one.",
            Tone.ERROR,
            20,
        )
    ]


def fresh(keeping: Keeping, opening: OpenSession | None) -> Keeping:
    """A new session, nothing of it written yet (the last problem stays: the notices
    and the summary name it until a write succeeds)."""
    return Keeping(opening=opening, problem=keeping.problem)


def where(host: Host) -> str:
    """The summary's line about where the session is kept."""
    day, keeping = host.day, host.keeping
    if day is not None and day.without_saving:
        return "Not saved, as you chose: nothing of this session was recorded."
    if host.rehearsal:
        return "Nothing was stored."
    if keeping.kept is Kept.HISTORY:
        return f"Saved in {host.saved_to}"
    if keeping.kept is Kept.JOURNAL:
        return (
            f"Kept in the journal {keeping.journal} (the history could not take it: "
            f"{keeping.problem}); it goes into the history at the next start."
        )
    count = len(keeping.unsaved)
    return (
        f"NOT saved: {keeping.problem}. {count} rated set{'s' if count != 1 else ''} "
        "could not be written anywhere; coach tries once more as it closes."
    )


def rated_so_far(host: Host) -> str:
    """What is true of the sets rated so far (for the question before stopping)."""
    keeping = host.keeping
    if host.rehearsal:
        return "Nothing of it is stored."
    if keeping.kept is Kept.HISTORY or not keeping.unsaved:
        return "The sets you rated are saved."
    if keeping.kept is Kept.JOURNAL:
        return "The sets you rated are kept safely in the journal."
    count = len(keeping.unsaved)
    return f"{count} rated set{'s' if count != 1 else ''} could not be saved yet."
