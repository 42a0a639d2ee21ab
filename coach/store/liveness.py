"""Is another coach playing this session right now? Told by an OS lock, not a process id.

Each coach process that writes a history takes a *lease*: a file in the data folder's
``locks/`` directory, named by a random token, held with an exclusive ``flock`` for as
long as the process lives. A session row names its owner's token. The lock belongs to the
open file, so the kernel drops it the moment the process ends, however it ends (exit,
crash, SIGKILL, power loss); a zombie holds no files; a process id reused after a reboot,
or a path or command line that happens to contain "coach", mean nothing here.

Another process asks :func:`owner_alive`: if it can take the lock itself, the owner is
gone (and the stale file is removed); if the lock is held, the owner is alive.

The same kind of lock, on a file with a fixed name, is a *claim* (:func:`claim`): the one
coach that holds it may do what only one may do at a time (upgrade the history's schema);
another waits for it, and a killed holder lets go at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from coach.store.private import create_private, private_folder

__all__ = ["LEASE_PREFIX", "ClaimTimeoutError", "claim", "hold_lease", "owner_alive"]

LEASE_PREFIX = "lease:"
"""Owners written by this scheme; older rows hold 'host:pid' and count as gone."""

_TOKEN = re.compile(r"^[0-9a-f]{32}$")

_lock = threading.Lock()
_held: dict[Path, tuple[str, int]] = {}
"""Lock folder -> (this process's token, the open file that holds its lock)."""
_pid = os.getpid()


def hold_lease(folder: Path) -> str | None:
    """This process's owner string for sessions stored under ``folder`` (a ``locks``
    directory), taking the lease on first use. None when the folder cannot be written:
    the session is then stored without an owner, and looks interrupted to others."""
    global _pid
    with _lock:
        if os.getpid() != _pid:
            # A forked child does not hold its parent's leases.
            _held.clear()
            _pid = os.getpid()
        held = _held.get(folder)
        if held is not None:
            return LEASE_PREFIX + held[0]
        token = os.urandom(16).hex()
        try:
            private_folder(folder)
            descriptor = os.open(
                folder / f"{token}.lock", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600
            )
        except OSError:
            return None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return None
        _held[folder] = (token, descriptor)
        return LEASE_PREFIX + token


def owner_alive(folder: Path, owner: str | None) -> bool:
    """Whether the coach that owns a session (``owner``, from its row) still runs."""
    if not owner or not owner.startswith(LEASE_PREFIX):
        return False
    token = owner.removeprefix(LEASE_PREFIX)
    if not _TOKEN.match(token):
        return False
    with _lock:
        held = _held.get(folder)
        if held is not None and held[0] == token and os.getpid() == _pid:
            return True
    path = folder / f"{token}.lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False  # no lease file: its owner ended and the file was cleared
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        # The lock was free: its owner is gone. Clear the file while holding the lock.
        with contextlib.suppress(OSError):
            path.unlink()
        return False
    finally:
        os.close(descriptor)


class ClaimTimeoutError(TimeoutError):
    """Another process held a claim for longer than the wait allowed."""


@contextlib.contextmanager
def claim(folder: Path, name: str, *, wait: float = 30.0) -> Iterator[None]:
    """Hold the claim ``name`` (a lock file in ``folder``, a ``locks`` directory) for the
    ``with`` block, waiting up to ``wait`` seconds for another process (or another thread
    of this one: each claim opens the file anew) that holds it. OSError when the lock file
    cannot be made; :class:`ClaimTimeoutError` when the wait runs out. The file stays (it
    is only ever locked, never read), so every claimant locks the same one."""
    private_folder(folder)
    descriptor = create_private(folder / f"{name}.lock", os.O_RDWR)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ClaimTimeoutError(f"{folder / name} is held by another coach") from None
                time.sleep(0.01)
        yield
    finally:
        os.close(descriptor)  # drops the lock with the file
