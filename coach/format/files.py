"""Reading a file coach did not write without trusting it: a regular file only, and never
more than a limit. Its own module (no YAML, no pydantic), so the command line can read
the settings with it before the first frame."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotRegularFileError", "file_kind", "read_regular_file"]


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words: "a FIFO (named pipe)"."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


class NotRegularFileError(OSError):
    """The path names a FIFO, a device, a socket or a folder: never read from it."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, which must be a regular file.

    It is opened without blocking and checked on the open descriptor, so a FIFO (which
    would wait for a writer forever), a device such as /dev/zero or a socket is refused
    at once, and never read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(f"is {file_kind(mode)}, not a regular file; it is not read")
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)
