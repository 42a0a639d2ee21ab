"""Is another coach playing this session right now? Told by an OS lock, not a process id.

Each coach process that writes a history takes a *lease*: a file in the data folder's
``locks/`` directory, named by a random token, held with an exclusive ``flock`` for as
long as the process lives. A session row names its owner's token. The lock belongs to the
open file, so the kernel drops it the moment the process ends, however it ends (exit,
crash, SIGKILL, power loss); a zombie holds no files; a process id reused after a reboot,
or a path or command line that happens to contain "coach", mean nothing here.

Another process asks :func:`owner_alive`: if it can take the lock itself, the owner is
gone (and the stale file is removed); if the lock is held, the owner is alive.

A coach about to act on a session that is not its own (resume it, close it, import its
journal) first takes a *claim* on it (:func:`claim`): the same kind of lock, on a file
named by the session, held for as long as this process acts on it. Two coaches started
together can then never both act on one session: the second is told who holds it.

The same kind of lock on a file with a fixed name is an *exclusive* hold
(:func:`exclusive`): the one coach that holds it may do what only one may do at a time
(upgrade the history's schema, rebuild it); another waits for it, and a killed holder
lets go at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from coach import SUPPORTED_SYSTEMS
from coach.store.private import create_private, private_folder

try:
    # POSIX only, on purpose: the leases rely on flock's meaning (the lock belongs to the
    # open file, the kernel drops it however the process ends, a fork holds none), and
    # the store on O_NOFOLLOW and 0600 files; Windows has none of them (README, "Systems").
    import fcntl
except ImportError:
    raise ImportError(SUPPORTED_SYSTEMS) from None

__all__ = [
    "LEASE_PREFIX",
    "ClaimTimeoutError",
    "claim",
    "claimed_elsewhere",
    "exclusive",
    "hold_lease",
    "owner_alive",
    "release",
]

LEASE_PREFIX = "lease:"
"""Owners written by this scheme; older rows hold 'host:pid' and count as gone."""

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_CLAIM = re.compile(r"^[0-9A-Za-z-]{1,64}$")
CLAIM_WAIT = 0.2
"""How long a claim waits for a lock held only for a moment (another coach looking)."""

_lock = threading.Lock()
_held: dict[Path, tuple[str, int]] = {}
"""Lock folder -> (this process's token, the open file that holds its lock)."""
_claims: dict[Path, int] = {}
"""Claim file -> the open file that holds this process's claim on it."""
_pid = os.getpid()


def _forked() -> None:
    """Called with ``_lock`` held: a forked child holds none of its parent's locks."""
    global _pid
    if os.getpid() != _pid:
        _held.clear()
        _claims.clear()
        _pid = os.getpid()


def hold_lease(folder: Path) -> str | None:
    """This process's owner string for sessions stored under ``folder`` (a ``locks``
    directory), taking the lease on first use. None when the folder cannot be written:
    the session is then stored without an owner, and looks interrupted to others."""
    with _lock:
        _forked()
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


def _claim_path(folder: Path, key: str) -> Path:
    if not _CLAIM.match(key):
        raise ValueError(f"not a session's name: {key!r}")
    return folder / f"session-{key}.claim"


def claim(folder: Path, key: str) -> str | None:
    """Take this process's claim on the session named ``key`` (its uid) under ``folder``
    (a ``locks`` directory), keeping it until :func:`release`. None when this process
    holds it (or the folder cannot be written: then nothing can be told, and the
    database's own checks decide); else who holds it, in words."""
    path = _claim_path(folder, key)
    with _lock:
        _forked()
        if path in _claims:
            return None
    try:
        private_folder(folder)
    except OSError:
        return None
    deadline = time.monotonic() + CLAIM_WAIT
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            if time.monotonic() >= deadline:
                return _holder(path)
            time.sleep(0.01)
            continue
        except OSError:
            os.close(descriptor)
            return None
        # The file may have been removed by its last holder before this lock was taken:
        # a lock on a file no longer named here claims nothing.
        try:
            same = path.stat().st_ino == os.fstat(descriptor).st_ino
        except OSError:
            same = False
        if not same:
            os.close(descriptor)
            continue
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        with _lock:
            _claims[path] = descriptor
        return None


def release(folder: Path, key: str) -> None:
    """Give up this process's claim on ``key`` (nothing when it holds none)."""
    path = _claim_path(folder, key)
    with _lock:
        _forked()
        descriptor = _claims.pop(path, None)
        if descriptor is None:
            return
        # Removed while still locked, so no one can take a lock on a file about to go.
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(descriptor)


def claimed_elsewhere(folder: Path, key: str) -> str | None:
    """Who else holds a claim on ``key`` right now (None when no other process does).
    Looks by taking the lock for a moment: :func:`claim` waits that long."""
    path = _claim_path(folder, key)
    with _lock:
        _forked()
        if path in _claims:
            return None
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(path)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return None


def _holder(path: Path) -> str:
    """'another coach (process 4242)': who holds the claim at ``path``, as it wrote."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    return f"another coach (process {text})" if text.isdigit() else "another coach"


class ClaimTimeoutError(TimeoutError):
    """Another process held a claim for longer than the wait allowed."""


@contextlib.contextmanager
def exclusive(folder: Path, name: str, *, wait: float = 30.0) -> Iterator[None]:
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
