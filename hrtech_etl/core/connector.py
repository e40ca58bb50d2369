"""`BaseConnector`: what every connector implements, and the defaults it inherits.

A connector reads pages of native records (`read_pages`), writes batches
(`write_resources_batch`), deletes/archives by id, parses webhook events and converts to and
from the unified models. The pipeline owns everything generic: cursor bounds, dedup at the
boundary, filters, formatting, checkpoints.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from hrtech_etl.core.auth import BaseAuth, NoAuth, auth_from_config
from hrtech_etl.core.errors import ConfigError, ConnectorError, did_you_mean
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.models import (
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.params import QueryPlan, plan_query, validate_where
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    RecordError,
    Resource,
    SortOrder,
    WarehouseType,
)

__all__ = [
    "BaseConnector",
    "ConnectorSettings",
    "Page",
    "ReadRequest",
    "WriteResult",
    "validate_page_json",
    "validate_records",
]

UnifiedEvent = UnifiedJobEvent | UnifiedProfileEvent


class ConnectorSettings(BaseModel):
    """Base of each connector's options model. Unknown options are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One incremental read. ``cursor.start`` is the resume value (inclusive)."""

    resource: Resource
    cursor: Cursor
    plan: QueryPlan
    page_size: int
    window_end: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        return self.plan.params


@dataclass(slots=True)
class Page:
    """One page as the source served it.

    ``token`` identifies the page (page number, next-URL, opaque token) so the pipeline can
    detect a source that hands the same page back. ``errors`` are records that failed
    validation; the good ones are in ``records``.
    """

    records: list[Any]
    token: str | None = None
    errors: list[RecordError] = field(default_factory=list)


@dataclass(slots=True)
class WriteResult:
    written: int = 0
    failed: list[RecordError] = field(default_factory=list)


_ADAPTERS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def validate_records(
    model: type[BaseModel], items: bytes | str | Sequence[Any]
) -> tuple[list[Any], list[RecordError]]:
    """Validate a list of records, fast when all are good, per record when some are not.

    ``items`` is a JSON array (bytes/str, validated straight from JSON) or parsed dicts.
    """
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    try:
        if isinstance(items, bytes | str):
            return adapter.validate_json(items), []
        return adapter.validate_python(items), []
    except ValidationError:
        pass
    try:
        raw = json.loads(items) if isinstance(items, bytes | str) else items
    except ValueError as exc:
        raise ConnectorError(f"{model.__name__}: records are not JSON ({exc})") from None
    meta = model_meta(model)
    id_field = meta.id_field()
    id_name = id_field.name if id_field else "id"
    cursor_names = [f.name for f in meta.fields.values() if f.cursor and f.cursor.is_time]
    good: list[Any] = []
    bad: list[RecordError] = []
    for item in raw:
        try:
            good.append(model.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            fields = item if isinstance(item, Mapping) else {}
            # The model's id field; else the usual names, so a dead letter still says which.
            rid = next(
                (fields[k] for k in (id_name, "id", "key", "reference") if fields.get(k)), None
            )
            cursor_value = next((fields[n] for n in cursor_names if fields.get(n)), None)
            bad.append(
                RecordError(
                    stage="validate",
                    resource_id=None if rid is None else str(rid),
                    cursor_value=None if cursor_value is None else str(cursor_value),
                    error=f"{model.__name__}.{loc}: {first['msg']}",
                    record=dict(fields) if fields else None,
                )
            )
    return good, bad


_ENVELOPES: dict[tuple[type[BaseModel], str], type[BaseModel]] = {}


def validate_page_json(
    model: type[BaseModel], body: bytes, items_key: str
) -> tuple[list[Any], list[RecordError], dict[str, Any]]:
    """Validate a JSON page ``{items_key: [...], ...}`` straight from bytes.

    Returns the good records, the per-record failures and the rest of the envelope (paging
    metadata). All records valid is the fast path: one pass in pydantic-core, no dicts.
    """
    key = (model, items_key)
    envelope = _ENVELOPES.get(key)
    if envelope is None:
        envelope = _ENVELOPES[key] = create_model(
            f"{model.__name__}Page",
            __config__=ConfigDict(extra="allow"),
            items__=(list[model], Field(alias=items_key)),  # type: ignore[valid-type]
        )
    try:
        page = envelope.model_validate_json(body)
        return page.items__, [], dict(page.model_extra or {})  # type: ignore[attr-defined]
    except ValidationError:
        pass
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ConnectorError(f"{model.__name__}: the page is not JSON ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get(items_key), list):
        raise ConnectorError(f"{model.__name__}: the page has no {items_key!r} list")
    items = raw.pop(items_key)
    good, bad = validate_records(model, items)
    return good, bad, raw


class BaseConnector(ABC):
    """Subclass, set the class attributes, implement `read_pages` and what the system supports."""

    name: ClassVar[str] = "base"
    label: ClassVar[str] = "Base connector"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.ATS
    job_native_cls: ClassVar[type[BaseModel] | None] = None
    profile_native_cls: ClassVar[type[BaseModel] | None] = None
    settings_cls: ClassVar[type[ConnectorSettings]] = ConnectorSettings
    default_base_url: ClassVar[str] = ""
    # Query params naming the sort field and its direction, when the API has them.
    sort_param_name: ClassVar[str | None] = None
    order_param_name: ClassVar[str | None] = None
    # Read the next page in a background thread while the pipeline writes this one. Only for
    # sources whose reads may run on another thread (HTTP clients; not sqlite connections).
    prefetch_pages: ClassVar[bool] = False

    def __init__(self, auth: BaseAuth | Mapping[str, Any] | None = None, **options: Any) -> None:
        if auth is None:
            auth = NoAuth(base_url=self.default_base_url)
        elif isinstance(auth, Mapping):
            auth = auth_from_config({"base_url": self.default_base_url, **auth})
        if not auth.base_url and self.default_base_url:
            auth = auth.model_copy(update={"base_url": self.default_base_url})
        self.auth: BaseAuth = auth
        try:
            self.settings = self.settings_cls(**options)
        except ValidationError as exc:
            raise ConfigError(_settings_error(self.name, self.settings_cls, exc)) from None

    # -- models ---------------------------------------------------------------------------------
    @classmethod
    def native_cls(cls, resource: Resource | str) -> type[BaseModel]:
        resource = Resource(resource)
        model = cls.job_native_cls if resource is Resource.JOB else cls.profile_native_cls
        if model is None:
            raise ConfigError(f"connector {cls.name!r} does not handle {resource.value}s")
        return model

    @classmethod
    def resources(cls) -> list[Resource]:
        return [
            r
            for r, m in (
                (Resource.JOB, cls.job_native_cls),
                (Resource.PROFILE, cls.profile_native_cls),
            )
            if m is not None
        ]

    def get_resource_id(self, resource: Resource, native: Any) -> str:
        return self.resource_id_getter(resource)(native)

    def resource_id_getter(self, resource: Resource) -> Callable[[Any], str]:
        """A fast ``record -> id`` function (the pipeline calls it once per record).

        Override `get_resource_id` *and* this when ids are not a plain field.
        """
        model = self.native_cls(resource)
        id_field = model_meta(model).id_field()
        if id_field is None:
            raise ConnectorError(f"{self.name}: {model.__name__} has no id field")
        name = id_field.name
        return lambda native: str(getattr(native, name))

    def get_cursor_value(self, resource: Resource, native: Any, mode: CursorMode) -> Any:
        fmeta = model_meta(self.native_cls(resource)).cursor_field(mode)
        return getattr(native, fmeta.name)

    # -- reading ----------------------------------------------------------------------------------
    @classmethod
    def check_where(cls, resource: Resource, where: Sequence[Condition]) -> list[Condition]:
        """Validate WHERE conditions for this connector (fields, operators, value types).

        The default follows the field metadata; connectors with their own query language
        (SQL stores) may accept more, e.g. dotted paths. Returns the conditions coerced.
        """
        return validate_where(cls.native_cls(resource), where)

    @classmethod
    def where_operators(cls, resource: Resource, field: str) -> list[Operator]:
        """The operators WHERE allows on ``field`` (for editors and completion)."""
        meta = model_meta(cls.native_cls(resource)).field(field)
        return [op for op in Operator if op in meta.operators]

    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        """How ``field op ...`` reaches the source, for schema views: a param name or why not."""
        param, _ = field.param_for(op)
        return param if param else "(in memory)"

    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        """Whether reads come back ordered by this cursor (then mid-run checkpoints are safe)."""
        return False

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        """Metadata-driven plan; connectors with their own query language override this."""
        return plan_query(
            self.native_cls(resource),
            where,
            cursor,
            window_end=window_end,
            sort_param_name=self.sort_param_name,
            order_param_name=self.order_param_name,
        )

    @abstractmethod
    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        """Yield every page of records matching ``request``, following the API's pagination."""

    def read_resources_batch(
        self,
        resource: Resource,
        cursor: Cursor,
        where: Sequence[Condition] | None = None,
        batch_size: int = 100,
    ) -> list[Any]:
        """The first page of a read (seed API). Use `pipeline.pull` to read everything."""
        request = ReadRequest(
            resource=Resource(resource),
            cursor=cursor,
            plan=self.plan_read(resource, where, cursor),
            page_size=batch_size,
        )
        pages = self.read_pages(resource, request)
        try:
            return next(iter(pages)).records
        except StopIteration:
            return []
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Upsert by id. Return per-record failures instead of raising for them."""
        raise ConnectorError(f"connector {self.name!r} cannot write {Resource(resource).value}s")

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError(f"connector {self.name!r} cannot delete {Resource(resource).value}s")

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        """Archive where the system can; by default archiving deletes."""
        return self.delete_resources(resource, ids)

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedEvent | None:
        """A webhook payload as a unified event, or None when it is not about ``resource``."""
        return None

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedEvent]
    ) -> list[Any]:
        raise ConnectorError(f"connector {self.name!r} cannot fetch resources by id")

    # -- unified conversions ----------------------------------------------------------------------
    def to_unified(self, resource: Resource, native: Any) -> UnifiedJob | UnifiedProfile:
        if Resource(resource) is Resource.JOB:
            return self.to_unified_job(native)
        return self.to_unified_profile(native)

    def from_unified(self, resource: Resource, unified: Any) -> BaseModel:
        if Resource(resource) is Resource.JOB:
            return self.from_unified_job(unified)
        return self.from_unified_profile(unified)

    def to_unified_job(self, native: Any) -> UnifiedJob:
        raise ConnectorError(f"connector {self.name!r} has no unified job mapping")

    def from_unified_job(self, unified: UnifiedJob) -> BaseModel:
        raise ConnectorError(f"connector {self.name!r} has no unified job mapping")

    def to_unified_profile(self, native: Any) -> UnifiedProfile:
        raise ConnectorError(f"connector {self.name!r} has no unified profile mapping")

    def from_unified_profile(self, unified: UnifiedProfile) -> BaseModel:
        raise ConnectorError(f"connector {self.name!r} has no unified profile mapping")

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release clients and files."""

    def __enter__(self) -> BaseConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _settings_error(name: str, settings_cls: type[ConnectorSettings], exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "?"
    if first["type"] == "extra_forbidden":
        hint = did_you_mean(key, settings_cls.model_fields)
        return f"connector {name!r}: unknown option {key!r}{hint}"
    return f"connector {name!r}: option {key!r}: {first['msg']}"
