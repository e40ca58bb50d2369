"""Metadata-driven query params: WHERE conditions + cursor → what the source receives.

`plan_query` decides, per condition, whether it is pushed to the source (and as which params)
or applied in memory, and keeps that decision as an *explain* list the CLI and UIs show.
Nothing is ever dropped: a condition the source cannot express runs in memory instead.
The ``build_*_query_params`` functions are the seed's public builders; each is pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

from hrtech_etl.core.filters import coerce_value
from hrtech_etl.core.metadata import FieldMeta, InBinding, ModelMeta, model_meta
from hrtech_etl.core.types import (
    BoolJoin,
    Condition,
    Cursor,
    Operator,
    SortOrder,
    parse_timestamp,
)

__all__ = [
    "ExplainEntry",
    "QueryPlan",
    "build_connector_params",
    "build_cursor_query_params",
    "build_eq_query_params",
    "build_in_query_params",
    "build_search_query_params",
    "format_param_value",
    "plan_query",
    "validate_where",
]

Placement = Literal["pushed", "memory", "pushed+memory"]


@dataclass(frozen=True, slots=True)
class ExplainEntry:
    """Where one condition (or the cursor) runs."""

    subject: str  # "title contains 'x'" or "cursor updated_at >= ..."
    placement: Placement
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def describe(self) -> str:
        if self.placement == "memory":
            text = "applied in memory"
        else:
            shown = ", ".join(f"{k}={_show(v)}" for k, v in self.params.items())
            text = f"pushed as {shown}"
            if self.placement == "pushed+memory":
                text += " (re-checked in memory)"
        return f"{text}; {self.note}" if self.note else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "placement": self.placement,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "note": self.note,
            "description": self.describe(),
        }


@dataclass(slots=True)
class QueryPlan:
    """What a read sends (`params`), what runs in memory (`memory_where`), and why (`entries`)."""

    params: dict[str, Any] = field(default_factory=dict)
    memory_where: list[Condition] = field(default_factory=list)
    entries: list[ExplainEntry] = field(default_factory=list)
    cursor_field: FieldMeta | None = None

    def explain(self) -> list[dict[str, Any]]:
        return [entry.as_dict() for entry in self.entries]


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "&".join(str(v) for v in value) if value else "[]"
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def format_param_value(meta: FieldMeta, value: Any) -> Any:
    """A coerced filter/cursor value in the form the source expects for this field."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime) or (
        meta.value_type is not None
        and issubclass(meta.value_type, datetime)
        and value is not None
        and not isinstance(value, date)
    ):
        moment = parse_timestamp(value)
        if meta.param_format == "epoch_ms":
            return int(moment.timestamp() * 1000)
        if meta.param_format == "epoch_s":
            return int(moment.timestamp())
        if meta.param_format == "date":
            return moment.date().isoformat()
        text = moment.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    return value


def _format_in(binding: InBinding, meta: FieldMeta, values: Sequence[Any]) -> Any:
    items = [format_param_value(meta, v) for v in values]
    if binding.formatter == "csv":
        return ",".join(str(v) for v in items)
    if binding.formatter == "array_string":
        return json.dumps(items, separators=(",", ":"), default=str)
    return items


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _meta_of(resource_cls: type[BaseModel] | ModelMeta) -> ModelMeta:
    return resource_cls if isinstance(resource_cls, ModelMeta) else model_meta(resource_cls)


# -- the seed's pure builders -------------------------------------------------------------------


def build_eq_query_params(
    resource_cls: type[BaseModel], where: Iterable[Condition] | None
) -> dict[str, Any]:
    """EQ conditions → ``{param: value}`` (a field may rename its param)."""
    meta = _meta_of(resource_cls)
    params: dict[str, Any] = {}
    for cond in where or ():
        if cond.op is Operator.EQ and cond.field in meta.fields:
            fmeta = meta.fields[cond.field]
            params[fmeta.eq_param] = format_param_value(fmeta, cond.value)
    return params


def build_in_query_params(
    resource_cls: type[BaseModel], where: Iterable[Condition] | None
) -> dict[str, Any]:
    """IN conditions → ``{query_field: formatted values}`` (array / csv / array_string)."""
    meta = _meta_of(resource_cls)
    grouped: dict[str, tuple[InBinding, FieldMeta, list[Any]]] = {}
    for cond in where or ():
        if cond.op is not Operator.IN or cond.field not in meta.fields:
            continue
        fmeta = meta.fields[cond.field]
        binding = fmeta.in_binding or InBinding(query_field=f"{fmeta.name}__in")
        _, _, values = grouped.setdefault(binding.query_field, (binding, fmeta, []))
        for value in _as_list(cond.value):
            if value not in values:
                values.append(value)
    return {name: _format_in(b, m, vals) for name, (b, m, vals) in grouped.items()}


def build_search_query_params(
    resource_cls: type[BaseModel], where: Iterable[Condition] | None
) -> dict[str, str]:
    """CONTAINS conditions on fields with a ``search_binding`` → one boolean query per param.

    Each field's values form a group ``(v1 J v2)`` joined by its ``value_join``. Groups whose
    ``field_join`` is OR are OR-ed (parenthesised when more than one), groups whose
    ``field_join`` is AND are AND-ed, and the result is ``OR-part AND AND-part``.
    """
    meta = _meta_of(resource_cls)
    # search_field -> field name -> (binding, values), in first-seen order
    per_param: dict[str, dict[str, tuple[BoolJoin, BoolJoin, list[str]]]] = {}
    for cond in where or ():
        if cond.op is not Operator.CONTAINS or cond.field not in meta.fields:
            continue
        binding = meta.fields[cond.field].search_binding
        if binding is None:
            continue
        fields = per_param.setdefault(binding.search_field, {})
        _, _, values = fields.setdefault(
            cond.field, (BoolJoin(binding.field_join), BoolJoin(binding.value_join), [])
        )
        for value in _as_list(cond.value):
            text = str(value).strip()
            if text and text not in values:
                values.append(text)

    params: dict[str, str] = {}
    for search_field, fields in per_param.items():
        or_groups: list[str] = []
        and_groups: list[str] = []
        for field_join, value_join, values in fields.values():
            if not values:
                continue
            group = "(" + f" {value_join.value} ".join(values) + ")"
            (or_groups if field_join is BoolJoin.OR else and_groups).append(group)
        parts: list[str] = []
        if or_groups:
            joined = " OR ".join(or_groups)
            parts.append(f"({joined})" if len(or_groups) > 1 else joined)
        parts.extend(and_groups)
        if parts:
            params[search_field] = " AND ".join(parts)
    return params


def build_cursor_query_params(
    resource_cls: type[BaseModel],
    cursor: Cursor | None,
    *,
    window_end: Any = None,
    sort_param_name: str | None = None,
    order_param_name: str | None = None,
    sort_value: str | None = None,
) -> dict[str, Any]:
    """Cursor → bound, sort and order params.

    asc: the resume value → ``cursor_start_min``, the window end → ``cursor_end_max``.
    desc: the resume value → ``cursor_end_max``, the window end → ``cursor_start_min``.
    The sort param gets ``sort_value`` (default: the field's ``cursor_sort_value`` or its name);
    the order param gets ``cursor_order_up`` / ``cursor_order_down``.
    """
    if cursor is None:
        return {}
    fmeta = _meta_of(resource_cls).cursor_field(cursor.mode)
    ascending = cursor.sort_by is SortOrder.ASC
    params: dict[str, Any] = {}
    start = cursor.resume_value
    lower, upper = (start, window_end) if ascending else (window_end, start)
    if lower is not None and fmeta.cursor_start_min:
        params[fmeta.cursor_start_min] = _cursor_param(fmeta, cursor, lower)
    if upper is not None and fmeta.cursor_end_max:
        params[fmeta.cursor_end_max] = _cursor_param(fmeta, cursor, upper)
    if sort_param_name:
        params[sort_param_name] = sort_value or fmeta.cursor_sort_value or fmeta.name
    if order_param_name:
        params[order_param_name] = fmeta.cursor_order_up if ascending else fmeta.cursor_order_down
    return params


def _cursor_param(fmeta: FieldMeta, cursor: Cursor, value: Any) -> Any:
    if cursor.mode.is_time:
        return format_param_value(fmeta, parse_timestamp(value))
    if fmeta.value_type is int:
        return int(value)
    return value


def build_connector_params(
    resource_cls: type[BaseModel],
    where: Sequence[Condition] | None,
    cursor: Cursor | None,
    *,
    sort_by_unified: str | None = None,
    sort_param_name: str | None = None,
    order_param_name: str | None = None,
    window_end: Any = None,
) -> dict[str, Any]:
    """All params a read sends: eq + in + search + range + cursor (see `plan_query`)."""
    return plan_query(
        resource_cls,
        where,
        cursor,
        window_end=window_end,
        sort_param_name=sort_param_name,
        order_param_name=order_param_name,
        sort_value=sort_by_unified,
    ).params


# -- validation and planning --------------------------------------------------------------------


def validate_where(
    resource_cls: type[BaseModel] | ModelMeta, where: Iterable[Condition] | None
) -> list[Condition]:
    """Check each WHERE condition against the field's metadata; return them with coerced values.

    Raises `UnknownFieldError` (with a "did you mean"), `UnsupportedOperatorError` (listing the
    allowed operators) or `CoercionError` (naming field, value and expected type).
    """
    meta = _meta_of(resource_cls)
    checked: list[Condition] = []
    for cond in where or ():
        meta.check_operator(cond.field, cond.op)
        value = coerce_value(meta.model, cond.field, cond.op, cond.value)
        checked.append(cond if value is cond.value else cond.model_copy(update={"value": value}))
    return checked


def plan_query(
    resource_cls: type[BaseModel] | ModelMeta,
    where: Sequence[Condition] | None,
    cursor: Cursor | None,
    *,
    window_end: Any = None,
    sort_param_name: str | None = None,
    order_param_name: str | None = None,
    sort_value: str | None = None,
) -> QueryPlan:
    """Decide where each WHERE condition runs and build the params that are pushed."""
    meta = _meta_of(resource_cls)
    conditions = validate_where(meta, where)
    plan = QueryPlan()
    # Range bounds per param: (is_lower, value). Two bounds on one param keep the tighter one.
    bounds: dict[str, tuple[bool, Any, FieldMeta]] = {}

    def add_bound(param: str, is_lower: bool, value: Any, fmeta: FieldMeta) -> None:
        if param in bounds:
            _, old, _ = bounds[param]
            value = max(old, value) if is_lower else min(old, value)
        bounds[param] = (is_lower, value, fmeta)

    if cursor is not None:
        fmeta = meta.cursor_field(cursor.mode)
        plan.cursor_field = fmeta
        cursor_params = build_cursor_query_params(
            meta.model,
            cursor,
            window_end=window_end,
            sort_param_name=sort_param_name,
            order_param_name=order_param_name,
            sort_value=sort_value,
        )
        ascending = cursor.sort_by is SortOrder.ASC
        start = cursor.resume_value
        lower, upper = (start, window_end) if ascending else (window_end, start)
        pushed_bounds: dict[str, Any] = {}
        for bound, param, is_lower in (
            (lower, fmeta.cursor_start_min, True),
            (upper, fmeta.cursor_end_max, False),
        ):
            if bound is not None and param:
                typed = parse_timestamp(bound) if cursor.mode.is_time else _id_value(fmeta, bound)
                add_bound(param, is_lower, typed, fmeta)
                pushed_bounds[param] = cursor_params.pop(param)
        plan.params.update(cursor_params)  # sort / order
        bounds_text = []
        if start is not None:
            bounds_text.append(f"{'>=' if ascending else '<='} {start}")
        if window_end is not None:
            bounds_text.append(f"{'<=' if ascending else '>='} {window_end}")
        subject = f"cursor {fmeta.name} " + (
            " and ".join(bounds_text) if bounds_text else "(from the beginning)"
        )
        note = f"order {cursor.sort_by.value}"
        if lower is None and upper is None:
            plan.entries.append(
                ExplainEntry(subject, "memory", {}, "no bound yet: reads all; " + note)
            )
        elif pushed_bounds:
            plan.entries.append(ExplainEntry(subject, "pushed+memory", pushed_bounds, note))
        else:
            plan.entries.append(
                ExplainEntry(subject, "memory", {}, "the source has no bound param; " + note)
            )

    cursor_entries = len(plan.entries)
    eq_seen: set[str] = set()
    in_conditions: list[Condition] = []
    search_conditions: list[Condition] = []
    for cond in conditions:
        fmeta = meta.fields[cond.field]
        param, exact = fmeta.param_for(cond.op)
        subject = str(cond)
        if param is None:
            plan.memory_where.append(cond)
            plan.entries.append(
                ExplainEntry(subject, "memory", {}, "the source has no param for it")
            )
        elif cond.op is Operator.EQ:
            if param in eq_seen:
                plan.memory_where.append(cond)
                plan.entries.append(ExplainEntry(subject, "memory", {}, f"{param} already set"))
                continue
            eq_seen.add(param)
            value = format_param_value(fmeta, cond.value)
            plan.params[param] = value
            plan.entries.append(ExplainEntry(subject, "pushed", {param: value}))
        elif cond.op is Operator.IN:
            in_conditions.append(cond)
        elif cond.op is Operator.CONTAINS:
            search_conditions.append(cond)
        elif cond.op.is_range:
            # Ranges are re-checked in memory even when pushed exactly: APIs round bounds and
            # some ignore them, and the comparison costs next to nothing.
            add_bound(param, cond.op in (Operator.GT, Operator.GTE), cond.value, fmeta)
            plan.memory_where.append(cond)
            note = "" if exact else "sent as an inclusive bound"
            plan.entries.append(
                ExplainEntry(
                    subject, "pushed+memory", {param: format_param_value(fmeta, cond.value)}, note
                )
            )
        else:  # ne / not_in with a declared param
            value = (
                format_param_value(fmeta, cond.value)
                if cond.op is Operator.NE
                else [format_param_value(fmeta, v) for v in _as_list(cond.value)]
            )
            plan.params[param] = value
            plan.entries.append(ExplainEntry(subject, "pushed", {param: value}))

    for param, (_, value, fmeta) in bounds.items():
        plan.params[param] = format_param_value(fmeta, value)

    if in_conditions:
        in_params = build_in_query_params(meta.model, in_conditions)
        plan.params.update(in_params)
        for cond in in_conditions:
            fmeta = meta.fields[cond.field]
            binding = fmeta.in_binding or InBinding(query_field=f"{fmeta.name}__in")
            plan.entries.append(
                ExplainEntry(
                    str(cond),
                    "pushed",
                    {binding.query_field: in_params[binding.query_field]},
                    f"as {binding.formatter}",
                )
            )
    if search_conditions:
        search_params = build_search_query_params(meta.model, search_conditions)
        plan.params.update(search_params)
        for cond in search_conditions:
            search = meta.fields[cond.field].search_binding
            assert search is not None
            plan.entries.append(
                ExplainEntry(
                    str(cond),
                    "pushed",
                    {search.search_field: search_params[search.search_field]},
                    "full-text search",
                )
            )
    # Show conditions in the order they were written (IN and search entries were built last).
    order = {str(cond): index for index, cond in enumerate(conditions)}
    head, tail = plan.entries[:cursor_entries], plan.entries[cursor_entries:]
    plan.entries = head + sorted(tail, key=lambda entry: order.get(entry.subject, len(order)))
    return plan


def _id_value(fmeta: FieldMeta, value: Any) -> Any:
    return int(value) if fmeta.value_type is int else str(value)
