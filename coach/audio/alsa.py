"""Keeping libasound's own messages off the screen.

When ALSA cannot open a device it prints lines such as ``ALSA lib confmisc.c:855:
(parse_card) cannot find card '0'`` to the process's stderr, which is the terminal the
TUI draws on. libasound lets a program route those messages
(``snd_lib_error_set_handler``); coach routes them nowhere. The failure itself still
reaches coach as an error from the call that failed, and is said once, in words.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

__all__ = ["quiet_alsa"]

# void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
# The variadic tail is never read, so a callback with the fixed arguments is enough.
_Handler = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)


def _ignore(*_: object) -> None:
    return None


_lock = threading.Lock()
_installed: list[object] = []
"""The callback, kept alive for as long as libasound may call it (the whole process)."""


def quiet_alsa() -> bool:
    """Route libasound's error messages nowhere; True when it was done (or already was),
    False when there is no libasound to quiet (macOS, Windows, no ALSA)."""
    with _lock:
        if _installed:
            return True
        name = ctypes.util.find_library("asound")
        if name is None:
            return False
        try:
            library = ctypes.CDLL(name)
            handler = _Handler(_ignore)
            library.snd_lib_error_set_handler(handler)
        except (OSError, AttributeError):
            return False
        _installed.append(handler)
        return True
