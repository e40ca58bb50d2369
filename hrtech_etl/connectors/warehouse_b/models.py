"""Warehouse B's native records and the metadata that drives its query params.

Warehouse B is the reference bearer-token connector, shaped like the keyset APIs of Greenhouse
Harvest v3: lists always come back sorted by id (whatever the cursor), pages are chained by an
opaque ``Link: rel="next"`` URL, and time filters take epoch milliseconds while records carry
ISO-8601 strings. There are no id range params, so the id cursor is checked in memory only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hrtech_etl.core.types import EventType, Resource


def _time_cursor(mode: str, since: str, until: str) -> dict[str, Any]:
    return {
        "cursor": mode,
        "cursor_start_min": since,  # inclusive
        "cursor_end_max": until,  # inclusive
        "param_format": "epoch_ms",  # B's params take epoch ms; its records carry ISO strings
        "prefilter": {"operators": ["gte", "lte", "gt", "lt"]},
    }


class WarehouseBJob(BaseModel):
    job_id: str = Field(
        ...,
        description="Warehouse B's job id",
        json_schema_extra={
            # No cursor_start_min / cursor_end_max: B cannot bound ids, so the engine applies
            # the id cursor in memory.
            "cursor": "id",
            "prefilter": {"operators": ["eq", "in"]},
            "in_binding": {"query_field": "ids", "formatter": "csv"},
        },
    )
    title: str = Field(
        ...,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "contains"]},
            "search_binding": {"search_field": "q", "field_join": "OR", "value_join": "AND"},
        },
    )
    department: str | None = Field(
        None,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "in"]},
            "in_binding": {"query_field": "departments", "formatter": "csv"},
        },
    )
    location: str | None = Field(None, description="Free text, as the employer wrote it")
    tags: list[str] = Field(
        default_factory=list,
        json_schema_extra={
            # IN is pushed as ?tag=a&tag=b; CONTAINS has no param, so it runs in memory.
            "prefilter": {"operators": ["in", "contains"]},
            "in_binding": {"query_field": "tag", "formatter": "array"},
        },
    )
    employment_type: str | None = Field(
        None,
        description="full_time, part_time, contract, internship, ...",
        json_schema_extra={"prefilter": {"operators": ["eq"]}},
    )
    archived: bool = False
    created_at: datetime = Field(
        ..., json_schema_extra=_time_cursor("created_at", "created_since", "created_until")
    )
    updated_at: datetime = Field(
        ..., json_schema_extra=_time_cursor("updated_at", "updated_since", "updated_until")
    )
    payload: dict[str, Any] = Field(default_factory=dict)


class WarehouseBProfile(BaseModel):
    profile_id: str = Field(
        ...,
        description="Warehouse B's profile id",
        json_schema_extra={
            "cursor": "id",
            "prefilter": {"operators": ["eq", "in"]},
            "in_binding": {"query_field": "ids", "formatter": "csv"},
        },
    )
    full_name: str = Field(
        ...,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "contains"]},
            "search_binding": {"search_field": "q", "field_join": "OR", "value_join": "AND"},
        },
    )
    email: str | None = Field(None, json_schema_extra={"prefilter": {"operators": ["eq"]}})
    headline: str | None = None
    tags: list[str] = Field(
        default_factory=list,
        json_schema_extra={
            "prefilter": {"operators": ["in", "contains"]},
            "in_binding": {"query_field": "tag", "formatter": "array"},
        },
    )
    archived: bool = False
    created_at: datetime = Field(
        ..., json_schema_extra=_time_cursor("created_at", "created_since", "created_until")
    )
    updated_at: datetime = Field(
        ..., json_schema_extra=_time_cursor("updated_at", "updated_since", "updated_until")
    )
    payload: dict[str, Any] = Field(default_factory=dict)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WarehouseBEvent(BaseModel):
    """Warehouse B's webhook body.

    ``{"resource": "job", "action": "deleted", "id": "J-1", "timestamp": 1704067200000}``;
    ``timestamp`` is epoch milliseconds (read as such even when small enough to pass for
    seconds, which a generic timestamp parser would guess).
    """

    model_config = ConfigDict(coerce_numbers_to_str=True)

    resource: Literal["job", "profile"]
    action: Literal["created", "updated", "deleted", "archived"]
    id: str = Field(..., min_length=1)
    timestamp: int = Field(..., ge=0, strict=True)

    @property
    def resource_kind(self) -> Resource:
        return Resource(self.resource)

    @property
    def event_type(self) -> EventType:
        return EventType(self.action)

    @property
    def occurred_at(self) -> datetime:
        return _EPOCH + timedelta(milliseconds=self.timestamp)
