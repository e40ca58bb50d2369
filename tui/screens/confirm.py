"""A yes/no question (quit with unsaved changes, quit during a run)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.keys import bindings

__all__ = ["Confirm"]


class Confirm(ModalScreen[bool]):
    BINDINGS = bindings("dialog")

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm #confirm { width: 60; max-width: 100%; height: auto; border: round $warning;
                       background: $surface; padding: 1 2 0 2; }
    Confirm .buttons { height: auto; align-horizontal: right; margin: 1 0; }
    Confirm .buttons Button { margin-left: 1; min-width: 8; width: auto; }
    """

    def __init__(self, question: str, yes: str, no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="warning", id="yes", compact=True)
                yield Button(self.no, id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_close(self) -> None:
        self.dismiss(False)
