"""Each test starts with the signal handlers, signal mask and wakeup fd the session had,
and ends with them put back.

A real Textual driver sets handlers for SIGTSTP, SIGCONT and SIGWINCH, and asyncio a
wakeup fd and handlers of its own; one left by an earlier test fires in a later one
(under load a stopped and continued process gets SIGCONT) and touches an app that is
gone: test_settings failed so. Every signal Python can set is recorded, not a list.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = sorted(signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}, key=int)


@contextlib.contextmanager
def signals_restored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread sets handlers
        return
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        yield
    finally:
        signal.set_wakeup_fd(wakeup)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for number, handler in handlers.items():
            # None: set outside Python, which Python cannot set back.
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)
