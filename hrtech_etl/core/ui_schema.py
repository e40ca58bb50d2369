"""Schema export for the CLI, TUI and REPL: one declaration, rendered everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from hrtech_etl.core.metadata import FieldMeta, leaf_type, model_meta
from hrtech_etl.core.types import Operator

__all__ = ["export_model_fields", "field_entry"]


Pushdown = Callable[[FieldMeta, Operator], str]


def _metadata_pushdown(meta: FieldMeta, op: Operator) -> str:
    param, _ = meta.param_for(op)
    return param if param else "(in memory)"


def field_entry(meta: FieldMeta, pushdown: Pushdown | None = None) -> dict[str, Any]:
    """One field as a plain dict: name, type, cursor, prefilter operators and their params.

    ``pushdown`` says how each operator reaches the source (default: the metadata's params);
    connectors pass their own (`BaseConnector.describe_pushdown`).
    """
    operators = [op for op in Operator if op in meta.operators]
    describe = pushdown or _metadata_pushdown
    params = {op.value: describe(meta, op) for op in operators}
    entry: dict[str, Any] = {
        "name": meta.name,
        "type": meta.type_name,
        "required": meta.required,
        "cursor": meta.cursor.value if meta.cursor else None,
        "prefilter": {"operators": [op.value for op in operators]} if operators else None,
        "params": params,
        "description": meta.description,
    }
    if meta.cursor is not None:
        entry["cursor_params"] = {
            "start_min": meta.cursor_start_min,
            "end_max": meta.cursor_end_max,
            "order_up": meta.cursor_order_up,
            "order_down": meta.cursor_order_down,
        }
    if meta.in_binding is not None:
        entry["in_binding"] = {
            "query_field": meta.in_binding.query_field,
            "formatter": meta.in_binding.formatter,
        }
    if meta.search_binding is not None:
        entry["search_binding"] = {
            "search_field": meta.search_binding.search_field,
            "field_join": meta.search_binding.field_join.value,
            "value_join": meta.search_binding.value_join.value,
        }
    return entry


def _children(annotation: Any, depth: int) -> list[dict[str, Any]]:
    value_type, _ = leaf_type(annotation)
    if depth <= 0 or not (isinstance(value_type, type) and issubclass(value_type, BaseModel)):
        return []
    return export_model_fields(value_type, only_prefilterable=False, _depth=depth - 1)


def export_model_fields(
    model_cls: type[BaseModel],
    only_prefilterable: bool = False,
    *,
    pushdown: Pushdown | None = None,
    _depth: int = 3,
) -> list[dict[str, Any]]:
    """The model's fields with cursor and prefilter metadata, nested models as ``children``.

    With ``only_prefilterable`` only fields that allow at least one WHERE operator are listed.
    """
    fields: list[dict[str, Any]] = []
    for meta in model_meta(model_cls).fields.values():
        if only_prefilterable and not meta.prefilterable:
            continue
        entry = field_entry(meta, pushdown)
        children = _children(meta.annotation, _depth)
        if children:
            entry["children"] = children
        fields.append(entry)
    return fields
