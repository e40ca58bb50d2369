"""Ask for a file (Open, Save as, Export) and do the disk work in a worker.

The dialog stays open until the action succeeds, showing its one-line error next to the
field; it closes with the action's result, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from tui.errors import one_line
from tui.keys import bindings
from tui.widgets.field_error import FieldError

__all__ = ["PathDialog"]

T = TypeVar("T")


class PathDialog(ModalScreen[T | None], Generic[T]):
    BINDINGS = bindings("dialog")

    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog #dialog { width: 72; max-width: 100%; height: auto; border: round $accent;
                         background: $surface; padding: 0 1; }
    PathDialog Input { margin: 1 0 0 0; }
    PathDialog .hint { color: $text-muted; height: auto; }
    PathDialog .buttons { height: auto; align-horizontal: right; margin-top: 1; }
    PathDialog .buttons Button { margin-left: 1; min-width: 8; width: auto; }
    """

    class Accepted(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    class Listed(Message):
        def __init__(self, names: list[str]) -> None:
            super().__init__()
            self.names = names

    class Refused(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        title: str,
        value: str,
        action: Callable[[str], T],
        *,
        hint: str = "",
        ok: str = "OK",
        known: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.dialog_title = title
        self.value = value
        self.action = action
        self.hint = hint
        self.ok = ok
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.dialog_title
            yield Input(self.value, id="path")
            yield FieldError(id="path-error")
            if self.hint:
                yield Static(self.hint, classes="hint", markup=False)
            yield Static("", id="known", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.ok, variant="primary", id="ok", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("Enter confirms · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        if self.known is not None:
            self._list_known(self.known)

    @work(thread=True, exclusive=True, exit_on_error=False, group="known")
    def _list_known(self, known: Callable[[], Sequence[str]]) -> None:
        try:
            names = list(known())
        except Exception:  # only a convenience: no list, no suggestions
            return
        self.post_message(self.Listed(names))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        if event.names:
            self.query_one("#path", Input).suggester = SuggestFromList(event.names)
            self.query_one("#known", Static).update("Found: " + ", ".join(event.names))

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.query_one("#path-error", FieldError).show_error("give a file name")
            return
        self.query_one("#path-error", FieldError).show_info("working…")
        self._attempt(path)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _attempt(self, path: str) -> None:
        try:
            result = self.action(path)
        except Exception as exc:  # shown as one line; the dialog stays open
            self.post_message(self.Refused(one_line(exc)))
            return
        self.post_message(self.Accepted(result))

    @on(Accepted)
    def _accepted(self, event: Accepted) -> None:
        self.dismiss(event.result)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one("#path-error", FieldError).show_error(event.error)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
