"""Route the library's log records into the Log pane while the TUI owns the terminal.

A stderr handler (the CLI installs one) would write over the screen, so it is set aside for
the app's lifetime and restored after.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.app import App

from tui.messages import LogRecorded

__all__ = ["logs_into"]


class _PaneHandler(logging.Handler):
    def __init__(self, app: App[Any]) -> None:
        super().__init__(logging.INFO)
        self.app = app
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.app.post_message(LogRecorded(self.format(record)))
        except Exception:  # never let logging break a worker
            self.handleError(record)


def _writes_to_terminal(handler: logging.Handler) -> bool:
    stream = getattr(handler, "stream", None)
    return isinstance(handler, logging.StreamHandler) and stream in (
        sys.stderr,
        sys.stdout,
        sys.__stderr__,
        sys.__stdout__,
    )


@contextmanager
def logs_into(app: App[Any]) -> Iterator[None]:
    root = logging.getLogger()
    aside = [h for h in root.handlers if _writes_to_terminal(h)]
    for handler in aside:
        root.removeHandler(handler)
    pane = _PaneHandler(app)
    root.addHandler(pane)
    try:
        yield
    finally:
        root.removeHandler(pane)
        for handler in aside:
            root.addHandler(handler)
