"""Pause the cyclic garbage collector while a worker builds a large preview.

A full collection holds the GIL for as long as it takes to walk every tracked object, and
a preview of 10,000 records is hundreds of thousands of them, alive together until the
rows are built: the screen would stop for a few hundred milliseconds at a time. The
records die by reference counting once the rows exist, so nothing is lost by collecting
after. (Textual's own ``PAUSE_GC_ON_SCROLL`` does the same while scrolling.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_holders = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()
