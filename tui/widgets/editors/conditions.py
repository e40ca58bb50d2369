"""WHERE and HAVING editors: rows of field / operator / value.

WHERE offers the fields and operators the origin's metadata allows (what the source can be
asked for, or what runs in memory when it cannot); HAVING offers every field and operator.
The Draft validates and coerces the value exactly as a profile file would.
"""

from __future__ import annotations

from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.types import Condition, Operator
from tui.fields import dotted_names
from tui.keys import bindings
from tui.messages import DraftEdited
from tui.session import Draft
from tui.widgets.draft_view import DraftView
from tui.widgets.field_error import FieldError

__all__ = ["ConditionsEditor"]

Kind = Literal["where", "having"]

TITLES = {
    "where": "WHERE  sent to the source when it can express it, else applied in memory",
    "having": "HAVING  applied in memory on the origin's records",
}


class ConditionsEditor(DraftView, Vertical):
    BINDINGS = bindings("conditions")

    DEFAULT_CSS = """
    ConditionsEditor { height: auto; }
    ConditionsEditor .title { color: $text-accent; text-style: bold; }
    ConditionsEditor .row { height: 1; margin: 1 0 0 0; }
    ConditionsEditor .row Select { width: 1fr; }
    ConditionsEditor .row .op { width: 14; margin: 0 1; }
    ConditionsEditor .row Input { width: 1fr; }
    ConditionsEditor .row Button { margin-left: 1; min-width: 7; }
    ConditionsEditor OptionList { height: auto; max-height: 8; margin-top: 1; }
    """

    def __init__(self, draft: Draft, kind: Kind, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft = draft
        self.kind: Kind = kind
        self._signature: tuple[Any, ...] | None = None

    def key_scope(self, focused: Widget) -> str | None:
        """The footer shows the list's keys while the list has the focus."""
        return "conditions" if focused.id == f"{self.kind}-list" else None

    def compose(self) -> ComposeResult:
        kind = self.kind
        yield Static(TITLES[kind], classes="title", markup=False)
        with Horizontal(classes="row"):
            yield Select[str]([], prompt="field", id=f"{kind}-field", compact=True)
            yield Select[str]([], prompt="operator", id=f"{kind}-op", classes="op", compact=True)
            yield Input(placeholder="value (IN: a, b)", id=f"{kind}-value", compact=True)
            yield Button("Add", id=f"{kind}-add", compact=True)
        yield FieldError(id=f"{kind}-error")
        yield OptionList(id=f"{kind}-list", compact=True)

    def on_mount(self) -> None:
        self.sync_from_draft()

    # -- rendering the Draft --
    @property
    def conditions(self) -> list[Condition]:
        return self.draft.where if self.kind == "where" else self.draft.having

    def _field_names(self) -> list[str]:
        try:
            names = dotted_names(self.draft.fields("origin"))
        except ConfigError:
            return []
        if self.kind == "having":
            return names
        return [name for name in names if self._operators(name)]

    def _operators(self, field: str) -> list[Operator]:
        if self.kind == "having":
            return list(Operator)
        try:
            return self.draft.where_operators(field)
        except ConfigError:
            return []

    def sync_from_draft(self) -> None:
        signature = (self.draft.resource, self.draft.origin)
        if signature != self._signature:
            self._signature = signature
            picker: Select[str] = self.query_one(f"#{self.kind}-field", Select)
            with picker.prevent(Select.Changed):
                picker.set_options((name, name) for name in self._field_names())
            self._fill_operators(None)
        listing = self.query_one(f"#{self.kind}-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(str(c) for c in self.conditions)
        if self.conditions:
            listing.highlighted = min(highlighted or 0, len(self.conditions) - 1)
        listing.display = bool(self.conditions)

    def _fill_operators(self, field: str | None) -> None:
        picker: Select[str] = self.query_one(f"#{self.kind}-op", Select)
        previous = picker.value
        operators = [op.value for op in self._operators(field)] if field else []
        with picker.prevent(Select.Changed):
            picker.set_options((op, op) for op in operators)
            if previous in operators:
                picker.value = previous
            elif operators:
                picker.value = operators[0]

    # -- input --
    @on(Select.Changed)
    def _field_picked(self, event: Select.Changed) -> None:
        if event.select.id == f"{self.kind}-field":
            value = event.value
            self._fill_operators(None if value is Select.NULL else str(value))

    @on(Input.Submitted)
    @on(Button.Pressed)
    def _add(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        field = self.query_one(f"#{self.kind}-field", Select).value
        op = self.query_one(f"#{self.kind}-op", Select).value
        value_input = self.query_one(f"#{self.kind}-value", Input)
        error = self.query_one(f"#{self.kind}-error", FieldError)
        if field is Select.NULL or op is Select.NULL:
            error.show_error("pick a field and an operator first")
            return
        add = self.draft.add_where if self.kind == "where" else self.draft.add_having
        try:
            added = add(str(field), str(op), value_input.value)
        except ConfigError as exc:
            error.show_error(str(exc))
            return
        error.show_info(f"added: {added}")
        value_input.value = ""
        self.sync_from_draft()
        self.post_message(DraftEdited(self.kind, self))

    def action_remove(self) -> None:
        listing = self.query_one(f"#{self.kind}-list", OptionList)
        index = listing.highlighted
        if not listing.has_focus or index is None or index >= len(self.conditions):
            return
        remove = self.draft.remove_where if self.kind == "where" else self.draft.remove_having
        removed = remove(index)
        self.query_one(f"#{self.kind}-error", FieldError).show_info(f"removed: {removed}")
        self.sync_from_draft()
        if self.conditions:
            listing.focus()
        self.post_message(DraftEdited(self.kind, self))
