"""Carrying the check flow's effects out through the history port (the store), off the
shell's event loop. History failures come back as a result's ``problem``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from coach.engine.checks.messages import (
    CheckClosed,
    CheckEffect,
    CheckOpened,
    CheckResult,
    ChecksLoaded,
    CloseCheck,
    HoldStored,
    LoadChecks,
    OpenCheck,
    PsfsEntry,
    PsfsStored,
    StoreHold,
    StorePsfs,
)
from coach.engine.checks.records import CheckHistory, HoldResult, PsfsActivity
from coach.engine.records import HistoryError, PainAnswer, SessionStatus

__all__ = ["CheckPort", "carry_out"]


class CheckPort(Protocol):
    """The history store as a check uses it (:class:`coach.store.checks.CheckStore`).
    Every method may raise :class:`HistoryError`."""

    def check_history(self) -> CheckHistory: ...

    def open_check(self, *, local_date: date, utc_offset: int, pain_before: int | None) -> int: ...

    def record_hold(self, check_id: int, result: HoldResult) -> None: ...

    def record_psfs(
        self, check_id: int, entries: Sequence[PsfsEntry]
    ) -> tuple[tuple[PsfsActivity, ...], tuple[tuple[int, int], ...]]: ...

    def close_check(
        self, check_id: int, status: SessionStatus, pain_after: PainAnswer | None
    ) -> None: ...


def carry_out(effect: CheckEffect, port: CheckPort) -> CheckResult:
    """Do what ``effect`` asks (in a worker thread) and say how it went."""
    try:
        match effect:
            case LoadChecks():
                return ChecksLoaded(port.check_history())
            case OpenCheck(local_date, utc_offset, pain_before):
                return CheckOpened(
                    port.open_check(
                        local_date=local_date, utc_offset=utc_offset, pain_before=pain_before
                    )
                )
            case StorePsfs(check_id, entries):
                activities, ratings = port.record_psfs(check_id, entries)
                return PsfsStored(activities, ratings)
            case StoreHold(check_id, result):
                port.record_hold(check_id, result)
                return HoldStored(result)
            case CloseCheck(check_id, status, pain_after):
                port.close_check(check_id, status, pain_after)
                return CheckClosed()
    except HistoryError as exc:
        return _failed(effect, str(exc))
    raise AssertionError(f"unknown effect {effect!r}")


def _failed(effect: CheckEffect, problem: str) -> CheckResult:
    match effect:
        case LoadChecks():
            return ChecksLoaded(CheckHistory(), problem)
        case OpenCheck():
            return CheckOpened(-1, problem)
        case StorePsfs():
            return PsfsStored((), (), problem)
        case StoreHold(_, result):
            return HoldStored(result, problem)
    return CheckClosed(problem)
