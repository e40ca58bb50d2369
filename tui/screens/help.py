"""F1: every key, read from the same table as the footer and the command palette."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.keys import KEYS, SCOPES, bindings

__all__ = ["HelpScreen", "keys_table"]


def keys_table() -> Group:
    """One table per scope, with the same column widths."""
    key_width = max(len(k.display) for k in KEYS)
    name_width = max(len(k.description) for k in KEYS)
    parts: list[RenderableType] = []
    for scope, title in SCOPES.items():
        rows = [k for k in KEYS if k.scope == scope]
        if not rows:
            continue
        table = Table(box=None, expand=True, show_header=False, pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True, width=key_width)
        table.add_column("action", no_wrap=True, width=name_width)
        table.add_column("what it does", ratio=1)
        for k in rows:
            table.add_row(k.display, k.description, Text(k.help, style="dim"))
        parts.extend([Text(title, style="bold underline"), table, Text("")])
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [*bindings("dialog"), ("f1", "close", "Close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 96; max-width: 100%; height: 90%; border: round $accent;
                       background: $surface; padding: 0 1; }
    HelpScreen .hint { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as box:
            box.border_title = "Keys"
            yield Label(
                "Tab moves between fields · Enter opens a picker: type to search · Esc closes",
                classes="hint",
            )
            with VerticalScroll(id="help-body"):
                yield Static(keys_table())

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
