"""The local connectors' native models, their WHERE rules, and what both connectors share.

`LocalJob` / `LocalProfile` *are* the unified models (subclasses, same fields, same
validators), with two differences that come from storing them ourselves:

- every top-level field allows each WHERE operator that makes sense for its type (a local
  store can evaluate anything), derived from the type rather than listed by hand;
- datetimes serialise to JSON as fixed-width UTC (``2024-01-01T00:00:00.000000Z``), so the
  text order of a stored value is its time order (SQLite compares the text).

WHERE conditions may also use dotted paths (``location.city``, ``salary.min``,
``skills.name``); `check_local_where` validates them with the same per-type rules.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

from pydantic import BaseModel, PlainSerializer, ValidationError, create_model

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import UnsupportedOperatorError
from hrtech_etl.core.filters import FieldPath, coerce_value, resolve_path
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.models import (
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.types import (
    Condition,
    Operator,
    Resource,
    WarehouseType,
    parse_timestamp,
)

__all__ = [
    "LocalConnectorBase",
    "LocalJob",
    "LocalProfile",
    "check_local_where",
    "local_operators",
    "sortable_timestamp",
]

_RANGE = frozenset({Operator.GT, Operator.GTE, Operator.LT, Operator.LTE})
_ORDERED = frozenset(Operator) - {Operator.CONTAINS}
_BOOL = frozenset({Operator.EQ, Operator.NE, Operator.IN})
_ORDERED_TYPES = (datetime, date, int, float, Enum)


def sortable_timestamp(value: datetime | str) -> str:
    """A time as fixed-width ISO-8601 UTC text: ``2024-01-01T00:00:00.000000Z``.

    Fixed width (microseconds always written) makes text order equal time order.
    """
    moment = parse_timestamp(value)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _json_time(value: datetime | None) -> str | None:
    return None if value is None else sortable_timestamp(value)


def local_operators(path: FieldPath) -> frozenset[Operator]:
    """The WHERE operators a local store allows on ``path``, from the type at its end.

    Text: all of them. Numbers, dates, datetimes, enums: all but ``contains`` (text enums keep
    it: it is a substring test on the value). Booleans: ``eq``, ``ne``, ``in``. Through a list
    the operators test elements, so range operators are left out. A nested model or a dict
    cannot be compared as a whole; a free key inside one (``extra.source``) is untyped and
    allows everything (it runs in memory).
    """
    leaf = path.leaf_type
    if leaf is bool:
        ops = _BOOL
    elif path.is_text:
        ops = frozenset(Operator)
    elif isinstance(leaf, type) and issubclass(leaf, _ORDERED_TYPES):
        ops = _ORDERED
    elif leaf is object and len(path.steps) > 1:
        ops = frozenset(Operator)
    else:
        ops = frozenset()
    return ops - _RANGE if path.through_list else ops


def _widen(base: type[BaseModel], name: str, doc: str) -> type[BaseModel]:
    """``base`` re-declared with each field's operators widened to `local_operators`.

    Every other piece of metadata (cursor, params, defaults, descriptions, constraints) is
    kept, and the validators are inherited because the result subclasses ``base``.
    """
    fields: dict[str, Any] = {}
    for field_name, info in base.model_fields.items():
        declared_extra: Any = info.json_schema_extra
        extra: dict[str, Any] = dict(declared_extra) if isinstance(declared_extra, dict) else {}
        prefilter: dict[str, Any] = dict(extra.get("prefilter") or {})
        declared = {Operator(op) for op in prefilter.get("operators", [])}
        path = resolve_path(base, field_name)
        allowed = declared | local_operators(path)
        if allowed:
            prefilter["operators"] = [op.value for op in Operator if op in allowed]
            extra["prefilter"] = prefilter
        widened = copy.copy(info)
        widened.json_schema_extra = extra or None
        annotation: Any = info.annotation
        if path.leaf_type is datetime and not path.through_list:
            annotation = Annotated[
                annotation, PlainSerializer(_json_time, return_type=str | None, when_used="json")
            ]
        fields[field_name] = (annotation, widened)
    model: type[BaseModel] = create_model(
        name, __base__=base, __module__=__name__, __doc__=doc, **fields
    )
    model_meta(model)  # validate the metadata now: a bad declaration fails at import
    return model


if TYPE_CHECKING:

    class LocalJob(UnifiedJob):
        """A `UnifiedJob` stored by a local connector."""

    class LocalProfile(UnifiedProfile):
        """A `UnifiedProfile` stored by a local connector."""

else:
    LocalJob = _widen(
        UnifiedJob,
        "LocalJob",
        "A `UnifiedJob` stored by a local connector: every field filterable in WHERE.",
    )
    LocalProfile = _widen(
        UnifiedProfile,
        "LocalProfile",
        "A `UnifiedProfile` stored by a local connector: every field filterable in WHERE.",
    )


def check_local_where(
    model: type[BaseModel], where: Sequence[Condition] | None
) -> list[tuple[Condition, FieldPath]]:
    """Validate WHERE conditions for a local store; each with its resolved path.

    A top-level field is checked against its metadata (as everywhere else); a dotted path
    against `local_operators` of the type it ends on. Values come back coerced.
    Raises `UnknownFieldError`, `UnsupportedOperatorError` or `CoercionError`.
    """
    meta = model_meta(model)
    checked: list[tuple[Condition, FieldPath]] = []
    for cond in where or ():
        if "." in cond.field:
            path = resolve_path(model, cond.field)
            allowed = local_operators(path)
            if cond.op not in allowed:
                raise UnsupportedOperatorError(
                    model.__name__,
                    path.path,
                    cond.op.value,
                    [o.value for o in Operator if o in allowed],
                )
        else:
            meta.check_operator(cond.field, cond.op)
            path = resolve_path(model, cond.field)
        value = coerce_value(model, path, cond.op, cond.value)
        checked.append((cond.model_copy(update={"field": path.path, "value": value}), path))
    return checked


class LocalConnectorBase(BaseConnector):
    """What the sqlite and jsonl connectors share: their models are the unified ones, so the
    unified mapping is the identity, and events are unified event dicts."""

    warehouse_type: ClassVar[WarehouseType] = WarehouseType.DATABASE
    job_native_cls: ClassVar[type[BaseModel] | None] = LocalJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = LocalProfile

    # How WHERE reaches the store, for schema views ("SQL" for sqlite, memory for files).
    pushdown_label: ClassVar[str] = "(in memory)"

    def __enter__(self) -> Self:
        return self

    @classmethod
    def check_where(cls, resource: Resource, where: Sequence[Condition]) -> list[Condition]:
        """Top-level fields by their metadata, dotted paths (``location.city``) by their type."""
        return [cond for cond, _ in check_local_where(cls.native_cls(resource), where)]

    @classmethod
    def where_operators(cls, resource: Resource, field: str) -> list[Operator]:
        if "." not in field:
            return super().where_operators(resource, field)
        allowed = local_operators(resolve_path(cls.native_cls(resource), field))
        return [op for op in Operator if op in allowed]

    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        return cls.pushdown_label

    def as_native(self, resource: Resource, record: Any) -> BaseModel:
        """``record`` as this connector's native model (validated when it is not one yet)."""
        model = self.native_cls(resource)
        if isinstance(record, model):
            return record
        unified = UnifiedJob if Resource(resource) is Resource.JOB else UnifiedProfile
        if type(record) is unified:
            # The local models are the unified ones with wider WHERE metadata: same fields,
            # same validators, and this record already passed them. Skip a dump + revalidate
            # (the hot path of every unified-fallback pull into a local store): a shallow copy
            # of the validated state into the subclass, as `model_construct` would build it.
            native = model.__new__(model)
            object.__setattr__(native, "__dict__", record.__dict__.copy())
            object.__setattr__(native, "__pydantic_fields_set__", set(record.model_fields_set))
            object.__setattr__(native, "__pydantic_extra__", None)
            object.__setattr__(native, "__pydantic_private__", None)
            return native
        if isinstance(record, BaseModel):
            record = record.model_dump()
        return model.model_validate(record)

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        """A unified event dict (``{"event_type", "resource_id", "occurred_at", ...}``), or None
        when it is malformed or about the other resource."""
        cls = UnifiedJobEvent if Resource(resource) is Resource.JOB else UnifiedProfileEvent
        try:
            return cls.model_validate(raw)
        except ValidationError:
            return None

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: Any) -> UnifiedJob:
        if isinstance(native, UnifiedJob):
            return native
        return UnifiedJob.model_validate(native.model_dump())

    def from_unified_job(self, unified: UnifiedJob) -> BaseModel:
        return self.as_native(Resource.JOB, unified)

    def to_unified_profile(self, native: Any) -> UnifiedProfile:
        if isinstance(native, UnifiedProfile):
            return native
        return UnifiedProfile.model_validate(native.model_dump())

    def from_unified_profile(self, unified: UnifiedProfile) -> BaseModel:
        return self.as_native(Resource.PROFILE, unified)
