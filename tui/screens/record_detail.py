"""One preview record as its full JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.keys import bindings

__all__ = ["RecordDetail"]


class RecordDetail(ModalScreen[None]):
    BINDINGS = bindings("dialog")

    DEFAULT_CSS = """
    RecordDetail { align: center middle; }
    RecordDetail #record { width: 90%; height: 90%; border: round $accent; padding: 0 1;
                           background: $surface; }
    RecordDetail .hint { color: $text-muted; }
    """

    def __init__(self, title: str, record: dict[str, Any]) -> None:
        super().__init__()
        self.record_title = title
        self.record = record

    def compose(self) -> ComposeResult:
        with Vertical(id="record") as box:
            box.border_title = self.record_title
            text = json.dumps(self.record, indent=2, ensure_ascii=False)
            with VerticalScroll(id="record-body"):
                yield Static(Syntax(text, "json", theme="ansi_dark", word_wrap=True))
            yield Label("Esc close · arrows / PgUp / PgDn scroll", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#record-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
