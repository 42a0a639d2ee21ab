"""A file written whole or not at all: the one way coach replaces a file.

A temporary file beside the target (so the rename stays on one file system), created
with the target's mode from the first moment (0600 unless said otherwise: everything
coach keeps about a person's back is health data), filled, flushed to the disk, then
renamed over the target, and the folder's entry flushed too. A crash leaves the old
file or the new one, never half of one, and a failure removes the temporary file.

``write_atomic`` writes bytes or text; ``atomic_path`` hands out the temporary path for
a writer that needs a path of its own (SQLite's backup, a speech engine), and
``temporary_beside`` with ``commit`` are the two halves for a writer whose temporary
file outlives one block (several renders at once).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["FILE_MODE", "atomic_path", "commit", "sync", "temporary_beside", "write_atomic"]

FILE_MODE = 0o600
"""Readable and writable by the owner only."""

PARTIAL = ".partial"
"""The suffix of every temporary file: ``.NAME.RANDOM.partial``."""


def temporary_beside(path: Path, mode: int = FILE_MODE) -> Path:
    """A new empty file in ``path``'s folder, named ``.NAME.RANDOM.partial`` (hidden, and
    never a name another writer uses), with ``mode`` whatever the umask."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL, dir=path.parent)
    try:
        os.fchmod(descriptor, mode)
    except BaseException:
        os.close(descriptor)
        Path(name).unlink(missing_ok=True)
        raise
    os.close(descriptor)
    return Path(name)


def sync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder where the system allows) to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """The rename on the disk too; not every system lets a folder be opened or synced."""
    with contextlib.suppress(OSError):
        sync(folder)


def commit(temporary: Path, path: Path, *, replace: bool = True) -> None:
    """Flush ``temporary`` to the disk and give it ``path``'s name. With ``replace``
    False, a file already at ``path`` is never replaced: FileExistsError, and
    ``temporary`` stays (the caller tries another name or removes it)."""
    sync(temporary)
    if replace:
        temporary.replace(path)
    else:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:
            # A file system without hard links: the caller holds the name (a claim), so
            # nothing makes it between this look and the rename.
            if path.exists():
                raise FileExistsError(path) from None
            temporary.replace(path)
        else:
            temporary.unlink()
    _sync_folder(path.parent)


@contextlib.contextmanager
def atomic_path(path: Path, mode: int = FILE_MODE) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; committed over ``path`` when
    the block ends, removed when it raises."""
    temporary = temporary_beside(path, mode)
    try:
        yield temporary
        commit(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes, mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8), whole or not at all, with
    ``mode``. OSError when it cannot be written (the old file is then untouched)."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, mode) as temporary:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
