"""Pickers: the resource, and the origin and target connectors with their options and auth."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import Resource
from tui.inline_toml import dumps_inline, loads_inline, mask_secrets, unmask_secrets
from tui.messages import DraftEdited
from tui.session import Draft
from tui.widgets.draft_view import DraftView
from tui.widgets.field_error import FieldError

__all__ = ["Pickers"]

SIDES = ("origin", "target")


class Pickers(DraftView, VerticalScroll):
    """Type to search in a picker; options and auth apply on Enter or when leaving the field."""

    DEFAULT_CSS = """
    Pickers { height: auto; max-height: 100%; }
    Pickers .field { height: 1; margin-bottom: 1; }
    Pickers .field Label { width: 10; }
    Pickers .field.sub { margin-bottom: 0; }
    Pickers .field.sub Label { color: $text-muted; }
    Pickers .field Select, Pickers .field Input { width: 1fr; }
    Pickers .gap { height: 1; }
    """

    def __init__(
        self, draft: Draft, connectors: list[ConnectorMeta] | None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.draft = draft
        self.connectors = connectors

    def _connector_options(self) -> list[tuple[str, str]]:
        if self.connectors is not None:
            return [(f"{m.name} · {m.label}", m.name) for m in self.connectors]
        # Until the registry is listed: the connectors the Draft already names.
        names = {e.connector for e in (self.draft.origin, self.draft.target) if e is not None}
        return [(name, name) for name in sorted(names)]

    def set_connectors(self, connectors: list[ConnectorMeta]) -> None:
        """Every registered connector, once a worker has listed them."""
        self.connectors = connectors
        for side in SIDES:
            picker: Select[str] = self.query_one(f"#{side}-connector", Select)
            with picker.prevent(Select.Changed):
                picker.set_options(self._connector_options())
        self.sync_from_draft()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Resource")
            yield Select(
                [(r.value, r.value) for r in Resource],
                value=self.draft.resource.value,
                allow_blank=False,
                id="resource",
                compact=True,
            )
        yield FieldError(id="resource-error")
        for side in SIDES:
            endpoint = getattr(self.draft, side)
            with Horizontal(classes="field sub"):
                yield Label(side.title())
                yield Select(
                    self._connector_options(),
                    prompt=f"pick the {side} connector",
                    value=endpoint.connector if endpoint else Select.NULL,
                    id=f"{side}-connector",
                    compact=True,
                )
            with Horizontal(classes="field sub"):
                yield Label(" options")
                yield Input(
                    self._options_text(side),
                    placeholder='none, e.g. { path = "jobs.jsonl" }',
                    id=f"{side}-options",
                    compact=True,
                )
            with Horizontal(classes="field sub"):
                yield Label(" auth")
                yield Input(
                    self._auth_text(side),
                    placeholder='none, e.g. { type = "bearer", token = "${TOKEN}" }',
                    id=f"{side}-auth",
                    compact=True,
                    tooltip="Secrets as ${ENV_VAR} references; literal secrets are never saved",
                )
            yield FieldError(id=f"{side}-error")
            yield Label("", classes="gap")

    # -- rendering the Draft --
    def _options_text(self, side: str) -> str:
        endpoint = getattr(self.draft, side)
        return dumps_inline(endpoint.options) if endpoint else ""

    def _auth_text(self, side: str) -> str:
        endpoint = getattr(self.draft, side)
        return dumps_inline(mask_secrets(endpoint.auth)) if endpoint else ""

    def sync_from_draft(self) -> None:
        resource = self.query_one("#resource", Select)
        with resource.prevent(Select.Changed):
            resource.value = self.draft.resource.value
        for side in SIDES:
            endpoint = getattr(self.draft, side)
            picker: Select[str] = self.query_one(f"#{side}-connector", Select)
            with picker.prevent(Select.Changed):
                if endpoint is None:
                    picker.clear()
                else:
                    picker.value = endpoint.connector
            for part, text in (("options", self._options_text), ("auth", self._auth_text)):
                field = self.query_one(f"#{side}-{part}", Input)
                if not field.has_focus:
                    field.value = text(side)

    # -- input --
    @on(Select.Changed, "#resource")
    def _resource_picked(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.draft.resource.value:
            return
        self.draft.set_resource(str(event.value))
        self.query_one("#resource-error", FieldError).clear()
        self.sync_from_draft()
        self.post_message(DraftEdited("resource", self))

    @on(Select.Changed, "#origin-connector")
    @on(Select.Changed, "#target-connector")
    def _connector_picked(self, event: Select.Changed) -> None:
        side = (event.select.id or "").split("-")[0]
        current = getattr(self.draft, side)
        if event.value is Select.NULL or (current and current.connector == event.value):
            return
        error = self.query_one(f"#{side}-error", FieldError)
        try:
            self.draft.set_connector(side, str(event.value))
        except ConfigError as exc:
            error.show_error(str(exc))
            self.sync_from_draft()
            return
        error.clear()
        self.sync_from_draft()
        self.post_message(DraftEdited(side, self))

    @on(Input.Submitted, "#origin-options, #origin-auth, #target-options, #target-auth")
    @on(Input.Blurred, "#origin-options, #origin-auth, #target-options, #target-auth")
    def _settings_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        side = (event.input.id or "").split("-")[0]
        endpoint = getattr(self.draft, side)
        error = self.query_one(f"#{side}-error", FieldError)
        options_text = self.query_one(f"#{side}-options", Input).value
        auth_text = self.query_one(f"#{side}-auth", Input).value
        if options_text == self._options_text(side) and auth_text == self._auth_text(side):
            return
        if endpoint is None:
            error.show_error(f"pick the {side} connector first")
            return
        try:
            options = loads_inline(options_text, f"{side} options")
            auth: dict[str, Any] | None = unmask_secrets(
                loads_inline(auth_text, f"{side} auth"), endpoint.auth
            )
            self.draft.set_connector(
                side, endpoint.connector, options=options, auth=auth or None, clear_auth=not auth
            )
        except ConfigError as exc:
            error.show_error(str(exc))
            return
        error.clear()
        # Show what the Draft now holds: literal secrets turn into the mask right away.
        self.query_one(f"#{side}-options", Input).value = self._options_text(side)
        self.query_one(f"#{side}-auth", Input).value = self._auth_text(side)
        self.post_message(DraftEdited(side, self))
