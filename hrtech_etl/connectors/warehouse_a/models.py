"""Warehouse A's native records and the metadata that drives its query params.

Warehouse A is the reference API-key connector: page/limit pagination with ``meta.maxPage``,
server-side sort (``sort_by`` + ``order_by``), and one field for every kind of binding:
cursor params for id / created_at / updated_at, renamed EQ params, declared range params,
``search_binding`` into ``keywords``, and ``in_binding`` as csv, array and array_string.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hrtech_etl.core.types import BoolJoin, EventType

_ID_PARAMS = {"cursor_start_min": "id_min", "cursor_end_max": "id_max"}


def _time_cursor(mode: str) -> dict[str, Any]:
    return {
        "cursor": mode,
        "cursor_start_min": f"{mode}_min",
        "cursor_end_max": f"{mode}_max",
        "cursor_order_up": "asc",
        "cursor_order_down": "desc",
        "prefilter": {"operators": ["gte", "lte", "gt", "lt"]},
    }


class WarehouseAJob(BaseModel):
    job_id: str = Field(
        ...,
        description="Warehouse A's job id (sortable string)",
        json_schema_extra={
            "cursor": "id",
            **_ID_PARAMS,
            "prefilter": {"operators": ["eq", "in"]},
            "param": "job_id",
            "in_binding": {"query_field": "ids", "formatter": "csv"},
        },
    )
    title: str = Field(
        ...,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "contains"]},
            "search_binding": {
                "search_field": "keywords",
                "field_join": BoolJoin.OR,
                "value_join": BoolJoin.AND,
            },
        },
    )
    description: str | None = Field(
        None,
        json_schema_extra={
            "prefilter": {"operators": ["contains"]},
            "search_binding": {
                "search_field": "keywords",
                "field_join": BoolJoin.AND,
                "value_join": BoolJoin.OR,
            },
        },
    )
    skills: list[str] = Field(
        default_factory=list,
        json_schema_extra={
            "prefilter": {"operators": ["contains", "in"]},
            "search_binding": {"search_field": "keywords", "field_join": "and", "value_join": "or"},
            "in_binding": {"query_field": "skills", "formatter": "array"},
        },
    )
    board_key: str | None = Field(
        None,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "in"]},
            "in_binding": {"query_field": "board_keys", "formatter": "array_string"},
        },
    )
    status: str = Field(
        "open",
        json_schema_extra={
            "prefilter": {
                "operators": ["eq", "ne", "in", "not_in"],
                "params": {"ne": "status_not"},
            },
        },
    )
    location_city: str | None = Field(
        None, json_schema_extra={"prefilter": {"operators": ["eq"]}, "param": "city"}
    )
    location_country: str | None = None
    remote: bool | None = Field(None, json_schema_extra={"prefilter": {"operators": ["eq"]}})
    salary_min: float | None = Field(
        None,
        json_schema_extra={
            "prefilter": {
                "operators": ["gte", "lte", "gt", "lt"],
                "params": {"gte": "salary_from", "lte": "salary_to"},
            }
        },
    )
    salary_max: float | None = None
    salary_currency: str | None = None
    tags: list[str] = Field(default_factory=list)
    url: str | None = None
    created_at: datetime = Field(..., json_schema_extra=_time_cursor("created_at"))
    updated_at: datetime = Field(..., json_schema_extra=_time_cursor("updated_at"))
    archived_at: datetime | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class WarehouseAProfile(BaseModel):
    profile_id: str = Field(
        ...,
        json_schema_extra={
            "cursor": "id",
            **_ID_PARAMS,
            "prefilter": {"operators": ["eq", "in"]},
            "param": "profile_id",
            "in_binding": {"query_field": "ids", "formatter": "csv"},
        },
    )
    full_name: str = Field(
        ...,
        json_schema_extra={
            "prefilter": {"operators": ["contains"]},
            "search_binding": {"search_field": "keywords", "field_join": "or", "value_join": "and"},
        },
    )
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = Field(None, json_schema_extra={"prefilter": {"operators": ["eq"]}})
    phone: str | None = None
    headline: str | None = None
    location_city: str | None = Field(
        None, json_schema_extra={"prefilter": {"operators": ["eq"]}, "param": "city"}
    )
    location_country: str | None = None
    skills: list[str] = Field(
        default_factory=list,
        json_schema_extra={
            "prefilter": {"operators": ["contains", "in"]},
            "search_binding": {"search_field": "keywords", "field_join": "and", "value_join": "or"},
            "in_binding": {"query_field": "skills", "formatter": "array"},
        },
    )
    source_key: str | None = Field(
        None,
        json_schema_extra={
            "prefilter": {"operators": ["eq", "in"]},
            "in_binding": {"query_field": "source_keys", "formatter": "array_string"},
        },
    )
    resume_url: str | None = None
    tags: list[str] = Field(default_factory=list)
    created_at: datetime = Field(..., json_schema_extra=_time_cursor("created_at"))
    updated_at: datetime = Field(..., json_schema_extra=_time_cursor("updated_at"))
    archived_at: datetime | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class WarehouseAEvent(BaseModel):
    """Warehouse A's webhook body: ``{"event": "job.updated", "id": "...", "occurred_at": ...}``."""

    event: str
    id: str
    occurred_at: datetime

    @property
    def resource_name(self) -> str:
        return self.event.partition(".")[0]

    @property
    def event_type(self) -> EventType | None:
        try:
            return EventType(self.event.partition(".")[2])
        except ValueError:
            return None


class WarehouseAJobEvent(WarehouseAEvent):
    pass


class WarehouseAProfileEvent(WarehouseAEvent):
    pass
