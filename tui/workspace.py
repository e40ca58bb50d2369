"""Everything the screen shows, held apart from the widgets.

The main screen is recomposed when the terminal crosses the wide/narrow breakpoint and when a
profile is opened, and panes that start hidden mount after the first paint; every widget
renders from this state when it mounts, so nothing is lost on the way.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import Cursor
from tui.preview_rows import PreviewData
from tui.run_state import RunState
from tui.session import Draft

__all__ = ["DEFAULT_LIMIT", "Workspace"]

# Preview this many records by default: enough to see every match of a typical filter.
DEFAULT_LIMIT = 1000


@dataclass
class Workspace:
    draft: Draft
    # Filled by a worker after the first paint (importing every connector takes a while).
    connectors: list[ConnectorMeta] | None = None
    # Bumped on every Draft edit; results computed from an older version are stale.
    version: int = 0
    preview: PreviewData | None = None
    preview_version: int = -1
    preview_limit: int = DEFAULT_LIMIT
    preview_loading: bool = False
    preview_error: str | None = None
    run: RunState = field(default_factory=RunState)
    log: deque[str] = field(default_factory=lambda: deque(maxlen=2000))
    explained: dict[str, Any] | None = None
    explain_error: str | None = None
    stored_cursor: Cursor | None = None
    stored_error: str | None = None
    status: str = ""
    status_error: bool = False

    @property
    def preview_stale(self) -> bool:
        return self.preview is not None and self.preview_version != self.version
