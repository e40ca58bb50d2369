"""Cursor controls: mode (only the modes the origin's model declares), start, order, and the
cursor the state store holds (where the next run resumes)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.types import Cursor, SortOrder
from tui.messages import DraftEdited
from tui.widgets.draft_view import DraftView
from tui.widgets.field_error import FieldError
from tui.workspace import Workspace

__all__ = ["CursorControls", "describe_stored"]


def describe_stored(cursor: Cursor | None, start: str | None) -> str:
    if cursor is None:
        first = f"from {start}" if start else "from the beginning"
        return f"Stored state: none yet. The first run reads {first}."
    count = len(cursor.boundary_ids)
    ids = f" ({count} id{'s' if count != 1 else ''} already delivered there)" if count else ""
    return (
        f"Stored state: {cursor.mode.value} {cursor.sort_by.value}; "
        f"the next run resumes from {cursor.resume_value or 'the beginning'}{ids}."
    )


class CursorControls(DraftView, Vertical):
    DEFAULT_CSS = """
    CursorControls { height: auto; }
    CursorControls .field { height: 1; margin-bottom: 1; }
    CursorControls .field Label { width: 8; }
    CursorControls .field Select { width: 22; }
    CursorControls .field Input { width: 1fr; }
    CursorControls #stored-cursor { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.draft = workspace.draft
        self._signature: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Mode")
            yield Select(
                [(m, m) for m in self._modes()],
                value=self.draft.cursor.mode.value,
                allow_blank=False,
                id="cursor-mode",
                compact=True,
            )
        with Horizontal(classes="field"):
            yield Label("Order")
            yield Select(
                [(o.value, o.value) for o in SortOrder],
                value=self.draft.cursor.sort_by.value,
                allow_blank=False,
                id="cursor-order",
                compact=True,
            )
        with Horizontal(classes="field"):
            yield Label("Start")
            yield Input(
                self.draft.cursor.start or "",
                placeholder="first run only, e.g. 2024-01-01T00:00:00Z (empty: the beginning)",
                id="cursor-start",
                compact=True,
            )
        yield FieldError(id="cursor-error")
        yield Static("Stored state: …", id="stored-cursor", markup=False)

    def on_mount(self) -> None:
        self.sync_from_draft()
        self.show_stored()

    def _modes(self) -> list[str]:
        """The origin model's cursor modes (the current one alone until an origin is picked)."""
        try:
            modes = [m.value for m in self.draft.cursor_modes()]
        except ConfigError:
            modes = []
        current = self.draft.cursor.mode.value
        return modes if current in modes else [*modes, current]

    def sync_from_draft(self) -> None:
        cursor = self.draft.cursor
        mode: Select[str] = self.query_one("#cursor-mode", Select)
        signature = (
            self.draft.resource,
            self.draft.origin.connector if self.draft.origin else None,
        )
        with mode.prevent(Select.Changed):
            if signature != self._signature:
                self._signature = signature
                mode.set_options((m, m) for m in self._modes())
            mode.value = cursor.mode.value
        order: Select[str] = self.query_one("#cursor-order", Select)
        with order.prevent(Select.Changed):
            order.value = cursor.sort_by.value
        start = self.query_one("#cursor-start", Input)
        if not start.has_focus:
            start.value = cursor.start or ""

    def show_stored(self) -> None:
        """Render the stored cursor the app last read from the state store."""
        cursor, error = self.workspace.stored_cursor, self.workspace.stored_error
        start = self.draft.cursor.start
        text = f"Stored state: {error}" if error else describe_stored(cursor, start)
        self.query_one("#stored-cursor", Static).update(text)

    def _apply(self, **change: Any) -> None:
        error = self.query_one("#cursor-error", FieldError)
        try:
            self.draft.set_cursor(**change)
        except ConfigError as exc:
            error.show_error(str(exc))
            self.sync_from_draft()
            return
        error.clear()
        self.post_message(DraftEdited("cursor", self))

    @on(Select.Changed, "#cursor-mode")
    def _mode_picked(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.draft.cursor.mode.value:
            self._apply(mode=str(event.value))

    @on(Select.Changed, "#cursor-order")
    def _order_picked(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.draft.cursor.sort_by.value:
            self._apply(sort_by=str(event.value))

    @on(Input.Submitted, "#cursor-start")
    @on(Input.Blurred, "#cursor-start")
    def _start_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        text = event.value.strip()
        if text == (self.draft.cursor.start or ""):
            return
        if text:
            self._apply(start=text)
        else:
            self._apply(clear_start=True)
