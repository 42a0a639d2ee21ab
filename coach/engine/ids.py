"""Fact identities: time-ordered, unique, made where the fact happens.

A session is named when it opens, before any database has seen it, so its name must be
unique without asking one (two coaches on one folder, two computers merged later) and
must sort by time, so that names made later sort later wherever they are kept. That is
a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Python
has ``uuid.uuid7`` only from 3.14; this is the same layout, written out.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["naming_with", "new_id"]

_NAMING: ContextVar[Callable[[], str] | None] = ContextVar("coach_naming", default=None)
"""What names a fact now, when not the machine's clock and randomness."""


@contextmanager
def naming_with(name: Callable[[], str]) -> Iterator[None]:
    """Name each new fact with ``name()`` in this context only: the demo history plays
    years of mornings through the store's own writes, and the same seed gives the same
    names."""
    token = _NAMING.set(name)
    try:
        yield
    finally:
        _NAMING.reset(token)


def new_id(unix_ms: int | None = None, randbits: Callable[[int], int] = secrets.randbits) -> str:
    """A new UUIDv7 as 32 lower-case hex digits (the journal's file names use them), for
    the instant ``unix_ms`` (now by default, or as :func:`naming_with` names), its random
    bits drawn from ``randbits``."""
    if unix_ms is None:
        named = _NAMING.get()
        if named is not None:
            return named()
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= randbits(12) << 64  # rand_a
    value |= 0b10 << 62  # the RFC 9562 variant
    value |= randbits(62)  # rand_b
    return uuid.UUID(int=value).hex
