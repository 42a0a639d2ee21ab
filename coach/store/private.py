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

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "create_private",
    "os_problem",
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


def create_private(path: Path, flags: int = os.O_WRONLY) -> int:
    """Open ``path``, creating it 0600 if it does not exist; a descriptor. An existing
    file that others could read is tightened first."""
    descriptor = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        # O_CREAT's mode is masked by the umask (only ever narrower), and an existing
        # file keeps its own: set it outright.
        if stat.S_IMODE(os.fstat(descriptor).st_mode) != FILE_MODE:
            os.fchmod(descriptor, FILE_MODE)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, mode 0600, never half written (a temporary
    file beside it, flushed to the disk, renamed into place); OSError when it cannot be."""
    path = path.expanduser()
    temporary = path.parent / f".{path.name}.{os.getpid()}.partial"
    descriptor = create_private(temporary, os.O_WRONLY | os.O_TRUNC)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def tighten(path: Path, mode: int) -> None:
    """Set ``path``'s mode to ``mode`` if it is another (an existing history made by an
    older coach or another program); silently not when that is not allowed."""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


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
