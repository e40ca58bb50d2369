"""Log: what happened in this session (opens, saves, previews, runs, library warnings)."""

from __future__ import annotations

from textual.widgets import Log

from tui.workspace import Workspace

__all__ = ["LogPane"]


class LogPane(Log):
    """A `Log` that starts with the session's lines so far."""

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(max_lines=2000, id=id)
        self.workspace = workspace

    def on_mount(self) -> None:
        self.write_lines(list(self.workspace.log))
