"""Mapping editor: origin field → target field pairs (suggested by name), or no formatter at
all, in which case records go through the unified job/profile models."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Label, OptionList, Select, Static

from hrtech_etl.core.errors import ConfigError
from tui.fields import dotted_names
from tui.keys import bindings
from tui.messages import DraftEdited
from tui.session import Draft
from tui.widgets.draft_view import DraftView
from tui.widgets.field_error import FieldError

__all__ = ["MappingEditor", "pair_text"]


def pair_text(item: dict[str, Any]) -> str:
    source = item["from"] if "from" in item else f"= {item.get('value')!r}"
    default = f"  (default {item['default']!r})" if "default" in item else ""
    return f"{source} → {item['to']}{default}"


class MappingEditor(DraftView, Vertical):
    BINDINGS = bindings("mapping")

    DEFAULT_CSS = """
    MappingEditor { height: auto; }
    MappingEditor .row { height: 1; margin-top: 1; }
    MappingEditor .row Select { width: 1fr; }
    MappingEditor .row Label { width: 3; content-align: center middle; }
    MappingEditor .row Button { margin-left: 1; min-width: 7; }
    MappingEditor #mapping-note { color: $text-muted; }
    MappingEditor OptionList { height: auto; max-height: 12; margin-top: 1; }
    """

    def __init__(self, draft: Draft, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft = draft
        self._signature: tuple[Any, ...] | None = None
        # Kept while the formatter is off, so switching it back on restores the pairs.
        self._pairs: list[dict[str, Any]] = list(draft.mapping or [])

    def key_scope(self, focused: Widget) -> str | None:
        """The footer shows the list's keys while the list has the focus."""
        return "mapping" if focused.id == "mapping-list" else None

    def compose(self) -> ComposeResult:
        yield Checkbox(
            "Map fields with a mapping formatter",
            value=self.draft.mapping is not None,
            id="mapping-on",
            compact=True,
        )
        yield Static("", id="mapping-note", markup=False)
        with Horizontal(classes="row"):
            yield Select[str]([], prompt="origin field", id="mapping-from", compact=True)
            yield Label("→")
            yield Select[str]([], prompt="target field", id="mapping-to", compact=True)
            yield Button("Add", id="mapping-add", compact=True)
            yield Button("Suggest", id="mapping-suggest", compact=True)
        yield FieldError(id="mapping-error")
        yield OptionList(id="mapping-list", compact=True)

    def on_mount(self) -> None:
        self.sync_from_draft()

    def sync_from_draft(self) -> None:
        draft = self.draft
        signature = (draft.resource, draft.origin, draft.target)
        if signature != self._signature:
            self._signature = signature
            for side, picker_id in (("origin", "#mapping-from"), ("target", "#mapping-to")):
                picker: Select[str] = self.query_one(picker_id, Select)
                try:
                    names = dotted_names(draft.fields(side))
                except ConfigError:
                    names = []
                with picker.prevent(Select.Changed):
                    picker.set_options((n, n) for n in names)
        if draft.mapping is not None:
            self._pairs = list(draft.mapping)
        on = self.query_one("#mapping-on", Checkbox)
        with on.prevent(Checkbox.Changed):
            on.value = draft.mapping is not None
        note = self.query_one("#mapping-note", Static)
        if draft.formatter_callable:
            note.update(f"Formatter: the function {draft.formatter_callable}. Mapping replaces it.")
        elif draft.mapping is None:
            note.update("No formatter: records go through the unified models.")
        else:
            note.update(f"{len(draft.mapping)} pairs; unmapped target fields stay empty.")
        listing = self.query_one("#mapping-list", OptionList)
        listing.clear_options()
        listing.add_options(pair_text(p) for p in self._pairs)
        listing.display = bool(self._pairs)

    def _set(self, pairs: list[dict[str, Any]] | None, done: str) -> None:
        error = self.query_one("#mapping-error", FieldError)
        try:
            self.draft.set_mapping(pairs)
        except ConfigError as exc:
            error.show_error(str(exc))
            return
        if pairs is not None:
            self._pairs = list(pairs)
        error.show_info(done)
        self.sync_from_draft()
        self.post_message(DraftEdited("mapping", self))

    @on(Checkbox.Changed, "#mapping-on")
    def _toggled(self, event: Checkbox.Changed) -> None:
        if not event.value:
            self._set(None, "no formatter: records go through the unified models")
            return
        pairs = self._pairs
        if not pairs:
            try:
                pairs = list(self.draft.suggest_mapping())
            except ConfigError as exc:
                self.query_one("#mapping-error", FieldError).show_error(str(exc))
                return
        self._set(pairs, f"mapping on: {len(pairs)} pairs")

    @on(Button.Pressed, "#mapping-suggest")
    def suggest(self) -> None:
        try:
            pairs = list(self.draft.suggest_mapping())
        except ConfigError as exc:
            self.query_one("#mapping-error", FieldError).show_error(str(exc))
            return
        self._set(pairs, f"suggested {len(pairs)} pairs by field name")

    @on(Button.Pressed, "#mapping-add")
    def _add(self) -> None:
        source = self.query_one("#mapping-from", Select).value
        target = self.query_one("#mapping-to", Select).value
        if source is Select.NULL or target is Select.NULL:
            self.query_one("#mapping-error", FieldError).show_error(
                "pick an origin field and a target field"
            )
            return
        pair = {"from": str(source), "to": str(target)}
        self._set([*self._pairs, pair], f"added: {pair_text(pair)}")

    def action_remove(self) -> None:
        listing = self.query_one("#mapping-list", OptionList)
        index = listing.highlighted
        if not listing.has_focus or index is None or index >= len(self._pairs):
            return
        removed = self._pairs[index]
        pairs = self._pairs[:index] + self._pairs[index + 1 :]
        self._set(pairs or None, f"removed: {pair_text(removed)}")
        if not pairs:
            self._pairs = []
            self.sync_from_draft()
