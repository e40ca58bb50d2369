"""The live params view: the query the source would receive, and what runs in memory.

It renders `Draft.explain()` (the same service as `hrtech-etl params`); the app recomputes it
in a worker after every edit.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.workspace import Workspace

__all__ = ["ParamsView", "render_explained"]


def _table(*headers: str) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def render_explained(explained: dict[str, Any]) -> RenderableType:
    cursor = explained.get("cursor") or {}
    start = cursor.get("end") or cursor.get("start") or "the beginning"
    parts: list[RenderableType] = [
        Text.assemble(
            ("Query sent to ", "bold"),
            (f"{explained['origin']}", "bold cyan"),
            f" ({explained['resource']}s), cursor {cursor.get('mode')} "
            f"{cursor.get('sort_by')} from {start}",
        )
    ]
    params = explained.get("params") or {}
    if params:
        table = _table("param", "value")
        for name, value in params.items():
            table.add_row(
                name, ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            )
        parts.append(table)
    else:
        parts.append(Text("  no query params: the source is read whole", style="dim"))
    conditions = _table("condition", "how")
    for row in [*explained.get("where", []), *explained.get("having", [])]:
        style = "green" if row["placement"].startswith("pushed") else "yellow"
        conditions.add_row(row["subject"], Text(row["description"], style=style))
    parts.extend([Text(""), conditions])
    return Group(*parts)


class ParamsView(VerticalScroll):
    DEFAULT_CSS = """
    ParamsView #params-body { height: auto; }
    ParamsView .-error { color: $text-error; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Static("Working out the query…", id="params-body")

    def on_mount(self) -> None:
        self.show_state()

    def show_state(self) -> None:
        """Render the workspace's latest explanation (or why there is none)."""
        body = self.query_one("#params-body", Static)
        error, explained = self.workspace.explain_error, self.workspace.explained
        body.set_class(error is not None, "-error")
        if error is not None:
            body.update(Text(error))
        elif explained is not None:
            body.update(render_explained(explained))
