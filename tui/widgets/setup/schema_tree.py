"""The schema tree: the origin's native fields (type, cursor badge, WHERE operators and the
param each becomes, bindings) and the target's fields, for the mapping editor."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from hrtech_etl.core.errors import ConfigError
from tui.session import Draft
from tui.widgets.draft_view import DraftView

__all__ = ["SchemaTree"]


def field_label(field: dict[str, Any]) -> Text:
    label = Text.assemble((field["name"], "bold"), "  ", (field["type"], "dim"))
    if field.get("cursor"):
        label.append("  ")
        label.append(f" cursor:{field['cursor']} ", style="reverse")
    operators = (field.get("prefilter") or {}).get("operators", [])
    if operators:
        label.append("  " + " ".join(operators), style="green")
    return label


def detail_lines(field: dict[str, Any]) -> list[str]:
    """What a filter on this field becomes, and how the field is bound."""
    lines = [f"{op} → {param}" for op, param in field.get("params", {}).items()]
    cursor = field.get("cursor_params")
    if cursor:
        lines.append(
            f"cursor bounds → {cursor.get('start_min') or '(in memory)'} / "
            f"{cursor.get('end_max') or '(in memory)'}"
        )
    binding = field.get("in_binding")
    if binding:
        lines.append(f"IN binding → {binding['query_field']} ({binding['formatter']})")
    search = field.get("search_binding")
    if search:
        lines.append(
            f"search binding → {search['search_field']} "
            f"(fields {search['field_join']}, values {search['value_join']})"
        )
    if field.get("description"):
        lines.append(str(field["description"]))
    return lines


class SchemaTree(DraftView, Tree[str]):
    """Rebuilt when the origin, target or resource changes; Enter or a click expands a field."""

    def __init__(self, draft: Draft, *, id: str | None = None) -> None:
        super().__init__("fields", id=id)
        self.draft = draft
        self.show_root = False
        self._signature: tuple[Any, ...] | None = None

    def on_mount(self) -> None:
        self.sync_from_draft()

    def sync_from_draft(self) -> None:
        draft = self.draft
        signature = (
            draft.resource,
            draft.origin.connector if draft.origin else None,
            draft.target.connector if draft.target else None,
        )
        if signature == self._signature:
            return
        self._signature = signature
        self.clear()
        for side in ("origin", "target"):
            self._add_side(side)

    def _add_side(self, side: str) -> None:
        endpoint = getattr(self.draft, side)
        if endpoint is None:
            self.root.add_leaf(Text(f"{side}: pick a connector (Connect pane)", style="dim"))
            return
        try:
            model = (
                self.draft.origin_model() if side == "origin" else self.draft.target_model()
            ).__name__
            fields = self.draft.fields(side)
        except ConfigError as exc:
            self.root.add_leaf(Text(f"{side}: {exc}", style="red"))
            return
        title = Text.assemble(
            (f"{side} ", "bold"), f"{endpoint.connector} · {model} ({len(fields)} fields)"
        )
        node = self.root.add(title, expand=side == "origin")
        self._add_fields(node, fields, prefix="")

    def _add_fields(self, parent: TreeNode[str], fields: list[dict[str, Any]], prefix: str) -> None:
        for field in fields:
            name = prefix + field["name"]
            node = parent.add(field_label(field), data=name)
            for line in detail_lines(field):
                node.add_leaf(Text(line, style="dim"), data=name)
            self._add_fields(node, field.get("children", []), prefix=name + ".")
            if not node.children:
                node.allow_expand = False
