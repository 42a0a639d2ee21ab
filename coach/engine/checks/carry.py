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

    def open_check(
        self, *, uid: str, local_date: date, utc_offset: int, pain_before: int | None
    ) -> None: ...

    def record_hold(self, check_uid: str, result: HoldResult) -> None: ...

    def record_psfs(
        self, check_uid: str, entries: Sequence[PsfsEntry]
    ) -> tuple[tuple[PsfsActivity, ...], tuple[tuple[str, int], ...]]: ...

    def close_check(
        self, check_uid: str, status: SessionStatus, pain_after: PainAnswer | None
    ) -> None: ...


def carry_out(effect: CheckEffect, port: CheckPort) -> CheckResult:
    """Do what ``effect`` asks (in a worker thread) and say how it went."""
    try:
        match effect:
            case LoadChecks():
                return ChecksLoaded(port.check_history())
            case OpenCheck(uid, local_date, utc_offset, pain_before):
                port.open_check(
                    uid=uid, local_date=local_date, utc_offset=utc_offset, pain_before=pain_before
                )
                return CheckOpened()
            case StorePsfs(check_uid, entries):
                activities, ratings = port.record_psfs(check_uid, entries)
                return PsfsStored(activities, ratings)
            case StoreHold(check_uid, result):
                port.record_hold(check_uid, result)
                return HoldStored(result)
            case CloseCheck(check_uid, status, pain_after):
                port.close_check(check_uid, status, pain_after)
                return CheckClosed()
    except HistoryError as exc:
        return _failed(effect, str(exc))
    raise AssertionError(f"unknown effect {effect!r}")


def _failed(effect: CheckEffect, problem: str) -> CheckResult:
    match effect:
        case LoadChecks():
            return ChecksLoaded(CheckHistory(), problem)
        case OpenCheck():
            return CheckOpened(problem)
        case StorePsfs():
            return PsfsStored((), (), problem)
        case StoreHold(_, result):
            return HoldStored(result, problem)
    return CheckClosed(problem)
