"""Field metadata: what each native model field means to the engine.

Connector models annotate fields with ``json_schema_extra`` (DESIGN §3). This module parses that
once per model into typed, validated objects (`ModelMeta` / `FieldMeta`) so nothing downstream
reads raw dicts. A bad declaration raises `MetadataError` naming the model and the field.

Recognised keys::

    cursor               "id" | "created_at" | "updated_at"
    cursor_start_min     query param for the cursor's lower bound
    cursor_end_max       query param for the cursor's upper bound
    cursor_order_up      value sent in the connector's order param for ascending order
    cursor_order_down    ... for descending order
    cursor_sort_value    value sent in the connector's sort param (default: the param name)
    prefilter            {"operators": [...], "params": {op: param_name | None}}
                         (None: allowed in WHERE but applied in memory)
    param                the query param for EQ (default: the field name)
    param_format         how datetimes are sent: "iso" (default), "epoch_ms", "epoch_s", "date"
    in_binding           {"query_field": ..., "formatter": "array" | "csv" | "array_string"}
    search_binding       {"search_field": ..., "field_join": "AND"|"OR", "value_join": ...}
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from hrtech_etl.core.errors import (
    ConfigError,
    MetadataError,
    UnknownFieldError,
    UnsupportedOperatorError,
    did_you_mean,
)
from hrtech_etl.core.types import BoolJoin, CursorMode, Operator

__all__ = [
    "FieldMeta",
    "InBinding",
    "InFormat",
    "ModelMeta",
    "ParamFormat",
    "SearchBinding",
    "model_meta",
]

InFormat = Literal["array", "csv", "array_string"]
ParamFormat = Literal["iso", "epoch_ms", "epoch_s", "date"]

_KNOWN_KEYS = frozenset(
    {
        "cursor",
        "cursor_start_min",
        "cursor_end_max",
        "cursor_order_up",
        "cursor_order_down",
        "cursor_sort_value",
        "prefilter",
        "param",
        "param_format",
        "in_binding",
        "search_binding",
    }
)
_IN_FORMATS: dict[str, InFormat] = {
    "array": "array",
    "csv": "csv",
    "array_string": "array_string",
    "string_array": "array_string",
}
_PARAM_FORMATS: frozenset[str] = frozenset({"iso", "epoch_ms", "epoch_s", "date"})


@dataclass(frozen=True, slots=True)
class InBinding:
    query_field: str
    formatter: InFormat = "array"


@dataclass(frozen=True, slots=True)
class SearchBinding:
    search_field: str
    field_join: BoolJoin = BoolJoin.AND
    value_join: BoolJoin = BoolJoin.OR


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """Everything the engine knows about one top-level field of a native model."""

    name: str
    annotation: Any
    type_name: str
    value_type: type | None  # the leaf python type (Optional/list unwrapped), if simple
    is_list: bool
    required: bool
    description: str | None = None
    cursor: CursorMode | None = None
    cursor_start_min: str | None = None
    cursor_end_max: str | None = None
    cursor_order_up: str = "asc"
    cursor_order_down: str = "desc"
    cursor_sort_value: str | None = None
    operators: frozenset[Operator] = frozenset()
    params: Mapping[Operator, str] = field(default_factory=dict)
    # Operators WHERE allows that the source cannot express (``prefilter.params: {op: None}``).
    memory_only: frozenset[Operator] = frozenset()
    param_format: ParamFormat = "iso"
    in_binding: InBinding | None = None
    search_binding: SearchBinding | None = None

    @property
    def prefilterable(self) -> bool:
        return bool(self.operators)

    @property
    def eq_param(self) -> str:
        return self.params.get(Operator.EQ, self.name)

    def range_param(self, op: Operator) -> tuple[str | None, bool]:
        """The param a range operator is pushed as, and whether it is exact.

        A strict bound (gt/lt) pushed as an inclusive param (start_min/end_max) is not exact:
        the pipeline re-checks it in memory.
        """
        if op in self.params:
            return self.params[op], True
        lower = op in (Operator.GT, Operator.GTE)
        inclusive = op in (Operator.GTE, Operator.LTE)
        # A declared inclusive param also serves the strict operator on the same side.
        sibling = Operator.GTE if lower else Operator.LTE
        if sibling in self.params:
            return self.params[sibling], inclusive
        cursor_param = self.cursor_start_min if lower else self.cursor_end_max
        if cursor_param:
            return cursor_param, inclusive
        return None, False

    def param_for(self, op: Operator) -> tuple[str | None, bool]:
        """The query param ``op`` on this field becomes, and whether pushing it is exact."""
        if op in self.memory_only:
            return None, False
        if op is Operator.EQ:
            return self.eq_param, True
        if op is Operator.IN:
            binding = self.in_binding or InBinding(query_field=f"{self.name}__in")
            return binding.query_field, True
        if op is Operator.CONTAINS:
            # Full-text search is the API's own notion of "contains": trusted, not re-checked.
            return (
                (self.search_binding.search_field, True) if self.search_binding else (None, False)
            )
        if op.is_range:
            return self.range_param(op)
        return self.params.get(op), op in self.params


@dataclass(frozen=True, slots=True)
class ModelMeta:
    model: type[BaseModel]
    fields: Mapping[str, FieldMeta]

    @property
    def name(self) -> str:
        return self.model.__name__

    @property
    def cursor_modes(self) -> tuple[CursorMode, ...]:
        return tuple(f.cursor for f in self.fields.values() if f.cursor is not None)

    def field(self, name: str) -> FieldMeta:
        try:
            return self.fields[name]
        except KeyError:
            raise UnknownFieldError(self.name, name, self.fields) from None

    def cursor_field(self, mode: CursorMode | str) -> FieldMeta:
        mode = CursorMode(mode)
        for meta in self.fields.values():
            if meta.cursor is mode:
                return meta
        modes = ", ".join(m.value for m in self.cursor_modes) or "none"
        raise ConfigError(
            f"{self.name} has no cursor for mode {mode.value!r}; supported cursor modes: {modes}"
        )

    def id_field(self) -> FieldMeta | None:
        for meta in self.fields.values():
            if meta.cursor is CursorMode.UID:
                return meta
        return self.fields.get("id")

    def check_operator(self, name: str, op: Operator | str) -> FieldMeta:
        """The field's metadata if ``op`` is allowed on it in WHERE; raise otherwise."""
        meta = self.field(name)
        op = _operator(op, self.name, name)
        if op not in meta.operators:
            raise UnsupportedOperatorError(
                self.name, name, op.value, [o.value for o in Operator if o in meta.operators]
            )
        return meta

    def prefilterable(self) -> list[FieldMeta]:
        return [f for f in self.fields.values() if f.prefilterable]


def _operator(value: object, model: str, field_name: str) -> Operator:
    try:
        return Operator(str(value.value) if isinstance(value, Operator) else str(value))
    except ValueError:
        known = [o.value for o in Operator]
        raise ConfigError(
            f"{model}.{field_name}: unknown operator {value!r}{did_you_mean(str(value), known)}; "
            f"operators: {', '.join(known)}"
        ) from None


def describe_type(annotation: Any) -> str:
    """A short readable type name: ``str``, ``datetime | None``, ``list[Skill]``."""
    if annotation is None or annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return describe_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(describe_type(arg) for arg in typing.get_args(annotation))
    if origin is typing.Literal:
        return " | ".join(repr(arg) for arg in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(describe_type(arg) for arg in typing.get_args(annotation))
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{args}]" if args else name
    return getattr(annotation, "__name__", str(annotation))


def leaf_type(annotation: Any) -> tuple[type | None, bool]:
    """The value type under Optional/Annotated/list, and whether a list was unwrapped."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None, is_list
            annotation = args[0]
        elif origin in (list, tuple, set, frozenset):
            item_args = typing.get_args(annotation)
            if not item_args:
                return None, True
            annotation, is_list = item_args[0], True
        elif origin is typing.Literal:
            values = typing.get_args(annotation)
            return (type(values[0]) if values else None), is_list
        elif origin is not None:
            return None, is_list
        else:
            break
    if isinstance(annotation, type):
        return annotation, is_list
    return None, is_list


_CURSOR_TYPES = (datetime, date, str, int)


@cache
def model_meta(model: type[BaseModel]) -> ModelMeta:
    """Parse and validate a model's field metadata (cached: parsed once per model)."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise MetadataError(f"{model!r} is not a pydantic model")
    parsed: dict[str, FieldMeta] = {}
    seen_cursors: dict[CursorMode, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if callable(extra):
            raise MetadataError(f"{model.__name__}.{name}: json_schema_extra must be a dict")
        meta = _parse_field(
            model.__name__,
            name,
            info.annotation,
            info.is_required(),
            info.description,
            dict(extra or {}),
        )
        if meta.cursor is not None:
            if meta.cursor in seen_cursors:
                raise MetadataError(
                    f"{model.__name__}: fields {seen_cursors[meta.cursor]!r} and {name!r} are both "
                    f"the {meta.cursor.value!r} cursor"
                )
            seen_cursors[meta.cursor] = name
        parsed[name] = meta
    return ModelMeta(model=model, fields=parsed)


def _parse_field(
    model: str,
    name: str,
    annotation: Any,
    required: bool,
    description: str | None,
    extra: dict[str, Any],
) -> FieldMeta:
    where = f"{model}.{name}"

    def fail(message: str) -> MetadataError:
        return MetadataError(f"{where}: {message}")

    unknown = sorted(set(extra) - _KNOWN_KEYS)
    if unknown:
        key = unknown[0]
        raise fail(f"unknown metadata key {key!r}{did_you_mean(key, _KNOWN_KEYS)}")

    value_type, is_list = leaf_type(annotation)
    kwargs: dict[str, Any] = {}

    if "cursor" in extra:
        try:
            cursor = CursorMode(extra["cursor"])
        except ValueError:
            raise fail(
                f"cursor must be one of id, created_at, updated_at, not {extra['cursor']!r}"
            ) from None
        if is_list or (value_type is not None and not issubclass(value_type, _CURSOR_TYPES)):
            raise fail(f"a cursor field must hold a datetime, date, int or str, not {annotation!r}")
        kwargs["cursor"] = cursor
    for key in (
        "cursor_start_min",
        "cursor_end_max",
        "cursor_order_up",
        "cursor_order_down",
        "cursor_sort_value",
        "param",
    ):
        if key in extra:
            if not isinstance(extra[key], str) or not extra[key]:
                raise fail(f"{key} must be a non-empty string")
            if key.startswith("cursor_") and "cursor" not in extra:
                raise fail(f"{key} is set but the field declares no cursor")
            if key != "param":  # `param` lands in params[EQ] below
                kwargs[key] = extra[key]

    operators: set[Operator] = set()
    params: dict[Operator, str] = {}
    memory_only: set[Operator] = set()
    if "prefilter" in extra:
        spec = extra["prefilter"]
        if not isinstance(spec, Mapping):
            raise fail("prefilter must be a table like {'operators': ['eq']}")
        bad = sorted(set(spec) - {"operators", "params"})
        if bad:
            raise fail(
                f"unknown prefilter key {bad[0]!r}{did_you_mean(bad[0], ['operators', 'params'])}"
            )
        for raw in spec.get("operators", []):
            try:
                operators.add(Operator(raw))
            except ValueError:
                known = [o.value for o in Operator]
                raise fail(f"unknown operator {raw!r}{did_you_mean(str(raw), known)}") from None
        for raw_op, param in dict(spec.get("params", {})).items():
            try:
                op = Operator(raw_op)
            except ValueError:
                raise fail(f"prefilter.params has unknown operator {raw_op!r}") from None
            if param is None:  # allowed in WHERE, but the source has no param: in memory
                memory_only.add(op)
                continue
            if not isinstance(param, str) or not param:
                raise fail(f"prefilter.params[{raw_op!r}] must be a non-empty string or None")
            params[op] = param
    if "param" in extra:
        params.setdefault(Operator.EQ, extra["param"])
    kwargs["operators"] = frozenset(operators)
    kwargs["params"] = params
    kwargs["memory_only"] = frozenset(memory_only)

    if "param_format" in extra:
        if extra["param_format"] not in _PARAM_FORMATS:
            raise fail(f"param_format must be one of {', '.join(sorted(_PARAM_FORMATS))}")
        kwargs["param_format"] = extra["param_format"]

    if "in_binding" in extra:
        spec = extra["in_binding"]
        if not isinstance(spec, Mapping):
            raise fail("in_binding must be a table like {'query_field': 'ids', 'formatter': 'csv'}")
        bad = sorted(set(spec) - {"query_field", "formatter"})
        if bad:
            raise fail(f"unknown in_binding key {bad[0]!r}")
        fmt = str(spec.get("formatter", "array"))
        if fmt not in _IN_FORMATS:
            raise fail(f"in_binding.formatter must be array, csv or array_string, not {fmt!r}")
        kwargs["in_binding"] = InBinding(
            query_field=str(spec.get("query_field") or f"{name}__in"), formatter=_IN_FORMATS[fmt]
        )

    if "search_binding" in extra:
        spec = extra["search_binding"]
        if not isinstance(spec, Mapping) or not spec.get("search_field"):
            raise fail("search_binding needs a search_field")
        bad = sorted(set(spec) - {"search_field", "field_join", "value_join"})
        if bad:
            raise fail(f"unknown search_binding key {bad[0]!r}")
        try:
            kwargs["search_binding"] = SearchBinding(
                search_field=str(spec["search_field"]),
                field_join=BoolJoin(spec.get("field_join", BoolJoin.AND)),
                value_join=BoolJoin(spec.get("value_join", BoolJoin.OR)),
            )
        except ValueError:
            raise fail("search_binding joins must be AND or OR") from None

    return FieldMeta(
        name=name,
        annotation=annotation,
        type_name=describe_type(annotation),
        value_type=value_type,
        is_list=is_list,
        required=required,
        description=description,
        **kwargs,
    )


def coerce_enum(value: Any) -> Any:
    """Plain value of an enum member, for sending as a param."""
    return value.value if isinstance(value, Enum) else value
