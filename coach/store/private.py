"""Files readable by their owner only, whatever the umask.

Everything coach keeps about a person's back is health data. Every folder coach creates
is 0700 and every file 0600 *from the moment it exists* (never created with the umask's
mode and tightened afterwards, which leaves a window), and an existing history and its
folder are tightened when opened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from coach.base.atomic import write_atomic

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "NotAnOutputFile",
    "create_private",
    "os_problem",
    "output_problem",
    "private_folder",
    "tighten",
    "write_private",
]

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(folder: Path) -> None:
    """Make ``folder`` and every missing parent, each 0700 (the umask cannot widen it:
    each is chmodded the moment it is made, before anything is put in it)."""
    missing: list[Path] = []
    here = folder
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for path in reversed(missing):
        try:
            path.mkdir(FOLDER_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
            continue
        path.chmod(FOLDER_MODE)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))


class NotAnOutputFile(OSError):
    """``-o`` names something coach does not write to: the message is one sentence."""


def output_problem(path: Path) -> str | None:
    """Why coach will not write to ``path`` (which exists and is not a regular file, or
    is a symbolic link), in words; None when it may (a regular file, or nothing yet).

    A device, a FIFO or a socket is never opened (writing would block, or change the
    device's mode), and a symbolic link is never followed or replaced."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return None  # said by the write itself, in its own words
    if stat.S_ISREG(mode):
        return None
    from coach.format.files import file_kind

    return f"it is {file_kind(mode)}, not a regular file"


def create_private(path: Path, flags: int = os.O_WRONLY) -> int:
    """Open ``path``, creating it 0600 if it does not exist; a descriptor. An existing
    file that others could read is tightened first. Only a regular file is ever opened
    for writing: NotAnOutputFile for anything else, whose mode is left as it is."""
    # O_NONBLOCK: a FIFO that appeared in the file's place fails at once (no reader) or
    # is refused below, instead of blocking; it changes nothing for a regular file.
    opening = flags | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        descriptor = os.open(path, opening, FILE_MODE)
    except OSError as exc:
        problem = output_problem(path) if exc.errno in (errno.ELOOP, errno.ENXIO) else None
        if problem is not None:
            raise NotAnOutputFile(exc.errno, problem, str(path)) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            from coach.format.files import file_kind

            raise NotAnOutputFile(
                errno.EINVAL, f"it is {file_kind(mode)}, not a regular file", str(path)
            )
        # O_CREAT's mode is masked by the umask (only ever narrower), and an existing
        # file keeps its own: set it outright.
        if stat.S_IMODE(mode) != FILE_MODE:
            os.fchmod(descriptor, FILE_MODE)
        os.set_blocking(descriptor, True)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, mode 0600, never half written (a temporary
    file beside it, flushed to the disk, renamed into place); OSError when it cannot be."""
    path = path.expanduser()
    problem = output_problem(path)
    if problem is not None:  # never renamed over a device, a FIFO or a link
        raise NotAnOutputFile(errno.EINVAL, problem, str(path))
    write_atomic(path, text)


def tighten(path: Path, mode: int) -> None:
    """Set ``path``'s mode to ``mode`` if it is another (an existing history made by an
    older coach or another program); silently not when that is not allowed."""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


def tighten_folder(folder: Path) -> None:
    """Make a data folder owner-only, unless it is a shared one: a folder with the sticky
    bit (/tmp: every user's files, by design) or one another user owns is left as it is,
    even when coach runs as root and could change it (a person who gave ``--data-dir
    /tmp`` would otherwise lock every other program out of /tmp). coach's own files in
    it are 0600 whatever the folder's mode."""
    with contextlib.suppress(OSError):
        info = folder.stat()
        if info.st_mode & stat.S_ISVTX or info.st_uid != os.geteuid():
            return
        tighten(folder, FOLDER_MODE)


def os_problem(exc: OSError, path: Path) -> str:
    """One plain sentence for an OSError about ``path`` (no errno numbers, no traceback)."""
    code = exc.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"the disk is full ({path})"
    if code in (errno.EACCES, errno.EPERM):
        return f"coach is not allowed to write {path}"
    if code == errno.EROFS:
        return f"{path} is on a read-only disk"
    if code in (errno.ENOTDIR, errno.EEXIST) and _a_file_on_the_way(path):
        blocker = _a_file_on_the_way(path)
        return f"{blocker} is a file, not a folder"
    if code == errno.ENOENT:
        return f"{path} does not exist"
    if code == errno.EIO:
        return f"the disk reported an error reading or writing {path}"
    return f"cannot write {path}: {exc.strerror or exc}"


def _a_file_on_the_way(path: Path) -> Path | None:
    """The first part of ``path``'s folders that exists and is not a folder."""
    for part in reversed((path, *path.parents)):
        if part.exists() and not part.is_dir():
            return part
        if not part.exists():
            return None
    return None
