"""Greenhouse's native records and the metadata that drives their query params.

Harvest v3 (``GreenhouseJob``, ``GreenhouseCandidate``):

- lists are bare JSON arrays ordered by id (not by any time), paginated by an opaque cursor;
- ``ids`` takes up to 50 comma-separated ids; jobs take ``status``;
- ``created_at`` / ``updated_at`` (and candidates' ``last_activity_at``) take operators in the
  value: ``updated_at=gte|2024-01-01T00:00:00Z|lte|2024-02-01T00:00:00Z``. The engine's generic
  bound params cannot say that, so these fields declare no ``cursor_start_min`` /
  ``cursor_end_max``: the connector plans them itself (see ``connector.plan_harvest_read``) and
  names them in ``OPERATOR_FILTERS``.
- v3 records are flat (a job carries ``department_id`` / ``office_ids``); webhook payloads still
  embed ``departments`` / ``offices``, so both shapes validate. Fields this module does not name
  are kept (``extra="allow"``) and land in the unified record's ``extra``.

Job Board API (``GreenhouseBoardJob``): one public list per board, no filters at all, so its
fields declare WHERE operators that always run in memory.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_IDS_PER_REQUEST",
    "GreenhouseAttachment",
    "GreenhouseBoardDepartment",
    "GreenhouseBoardJob",
    "GreenhouseBoardOffice",
    "GreenhouseCandidate",
    "GreenhouseDepartment",
    "GreenhouseJob",
    "GreenhouseLocation",
    "GreenhouseOffice",
    "GreenhouseTypedValue",
    "GreenhouseUserRef",
]

# Harvest v3 caps every ``*_ids`` filter at 50 values per request.
MAX_IDS_PER_REQUEST = 50

_RANGE_OPS: list[Any] = ["gte", "lte", "gt", "lt"]
_IDS: dict[str, Any] = {
    "param": "ids",
    "in_binding": {"query_field": "ids", "formatter": "csv"},
}


def _time_cursor(mode: str) -> dict[str, Any]:
    # No cursor_start_min / cursor_end_max on purpose: see the module docstring.
    return {"cursor": mode, "prefilter": {"operators": _RANGE_OPS}}


def _id_cursor() -> dict[str, Any]:
    """The id cursor: EQ and IN both go out as ``ids`` (csv); ids cannot be bounded."""
    return {"cursor": "id", "prefilter": {"operators": ["eq", "in"]}, **_IDS}


def _memory(*operators: str) -> dict[str, Any]:
    """WHERE operators Greenhouse cannot filter by: the engine applies them in memory."""
    return {"prefilter": {"operators": list(operators)}}


class _Record(BaseModel):
    # v3 adds fields over time; keep them rather than drop them (they go to unified ``extra``).
    model_config = ConfigDict(extra="allow")


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


# -- Harvest v3 building blocks -------------------------------------------------------------------


class GreenhouseLocation(_Part):
    name: str | None = None


class GreenhouseDepartment(_Part):
    id: int | None = None
    name: str | None = None
    parent_id: int | None = None
    external_id: str | None = None


class GreenhouseOffice(_Part):
    """An office. ``location`` is ``{name}`` in Harvest and a plain string in webhooks."""

    id: int | None = None
    name: str | None = None
    location: GreenhouseLocation | str | None = None
    parent_id: int | None = None
    external_id: str | None = None

    @property
    def location_name(self) -> str | None:
        if isinstance(self.location, GreenhouseLocation):
            return self.location.name
        return self.location


class GreenhouseTypedValue(_Part):
    """An e-mail, phone, address or URL with its kind (``personal``, ``work``, ``mobile``...)."""

    value: str
    type: str | None = None


class GreenhouseUserRef(_Part):
    id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None
    employee_id: str | None = None


class GreenhouseAttachment(_Part):
    filename: str | None = None
    url: str | None = None
    type: str | None = Field(None, description="resume, cover_letter, offer_letter, ...")
    created_at: datetime | None = None


# -- Harvest v3 resources -------------------------------------------------------------------------


class GreenhouseJob(_Record):
    """A job from ``GET /v3/jobs`` (read only: v3 creates jobs from templates only)."""

    operator_filters: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})

    id: int = Field(
        ...,
        description="Greenhouse job id; lists come ordered by it",
        json_schema_extra=_id_cursor(),
    )
    name: str = Field(
        ..., description="The internal job name", json_schema_extra=_memory("eq", "contains")
    )
    requisition_id: str | None = Field(None, json_schema_extra=_memory("eq", "in"))
    status: Literal["open", "closed", "draft"] | None = Field(
        None, json_schema_extra={"prefilter": {"operators": ["eq", "in"]}, "param": "status"}
    )
    confidential: bool | None = None
    is_template: bool | None = None
    copied_from_id: int | None = None
    notes: str | None = Field(None, description="Internal notes (HTML)")
    department_id: int | None = Field(None, json_schema_extra=_memory("eq", "in"))
    office_ids: list[int] = Field(default_factory=list, json_schema_extra=_memory("contains"))
    # Webhook payloads (and older records) embed these instead of the flat ids above.
    departments: list[GreenhouseDepartment] = Field(default_factory=list)
    offices: list[GreenhouseOffice] = Field(default_factory=list)
    opened_at: datetime | None = Field(None, json_schema_extra=_memory(*_RANGE_OPS))
    closed_at: datetime | None = None
    created_at: datetime = Field(..., json_schema_extra=_time_cursor("created_at"))
    updated_at: datetime = Field(..., json_schema_extra=_time_cursor("updated_at"))
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    keyed_custom_fields: dict[str, Any] = Field(default_factory=dict)


class GreenhouseCandidate(_Record):
    """A candidate (or prospect) from ``GET /v3/candidates``; the body of ``POST`` too.

    ``id`` and the times are empty on a candidate about to be created (Greenhouse assigns
    them). v3 moved applications and attachments to their own resources; the lists below are
    filled when a payload embeds them (webhooks, older records).
    """

    operator_filters: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "updated_at", "last_activity_at"}
    )

    id: int | None = Field(
        None,
        description="Greenhouse candidate id (empty until created)",
        json_schema_extra=_id_cursor(),
    )
    first_name: str | None = Field(None, json_schema_extra=_memory("eq", "contains"))
    last_name: str | None = Field(None, json_schema_extra=_memory("eq", "contains"))
    company: str | None = Field(None, json_schema_extra=_memory("eq", "contains"))
    title: str | None = Field(None, json_schema_extra=_memory("eq", "contains"))
    private: bool | None = Field(None, description="v3 name of v1's is_private")
    email_addresses: list[GreenhouseTypedValue] = Field(default_factory=list)
    phone_numbers: list[GreenhouseTypedValue] = Field(default_factory=list)
    addresses: list[GreenhouseTypedValue] = Field(default_factory=list)
    website_addresses: list[GreenhouseTypedValue] = Field(default_factory=list)
    social_media_addresses: list[GreenhouseTypedValue] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, json_schema_extra=_memory("contains"))
    recruiter: GreenhouseUserRef | None = None
    coordinator: GreenhouseUserRef | None = None
    application_ids: list[int] = Field(default_factory=list)
    applications: list[dict[str, Any]] = Field(default_factory=list)
    attachments: list[GreenhouseAttachment] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    keyed_custom_fields: dict[str, Any] = Field(default_factory=dict)
    last_activity_at: datetime | None = Field(
        None, json_schema_extra={"prefilter": {"operators": _RANGE_OPS}}
    )
    created_at: datetime | None = Field(None, json_schema_extra=_time_cursor("created_at"))
    updated_at: datetime | None = Field(None, json_schema_extra=_time_cursor("updated_at"))


# -- Job Board API ---------------------------------------------------------------------------------


class GreenhouseBoardDepartment(_Part):
    id: int | None = None
    name: str | None = None
    parent_id: int | None = None
    child_ids: list[int] = Field(default_factory=list)


class GreenhouseBoardOffice(_Part):
    id: int | None = None
    name: str | None = None
    location: GreenhouseLocation | str | None = None
    parent_id: int | None = None
    child_ids: list[int] = Field(default_factory=list)

    @property
    def location_name(self) -> str | None:
        if isinstance(self.location, GreenhouseLocation):
            return self.location.name
        return self.location


class GreenhouseBoardJob(_Record):
    """A job post from ``GET /v1/boards/{board_token}/jobs?content=true`` (public, read only).

    ``id`` is the *post* id, ``internal_job_id`` the Harvest job id (null for prospect posts).
    ``content`` is HTML with its entities escaped (``&lt;p&gt;``), as the API serves it.
    """

    id: int = Field(
        ...,
        description="Job post id",
        json_schema_extra={"cursor": "id", "prefilter": {"operators": ["eq", "in"]}},
    )
    internal_job_id: int | None = Field(None, json_schema_extra=_memory("eq", "in"))
    title: str = Field(..., json_schema_extra=_memory("eq", "contains"))
    updated_at: datetime = Field(
        ...,
        json_schema_extra={"cursor": "updated_at", "prefilter": {"operators": _RANGE_OPS}},
    )
    requisition_id: str | None = Field(None, json_schema_extra=_memory("eq", "in"))
    location: GreenhouseLocation | None = None
    absolute_url: str | None = None
    language: str | None = Field(None, json_schema_extra=_memory("eq", "in"))
    metadata: list[dict[str, Any]] | None = Field(
        None, description="Custom fields exposed on the board: [{id, name, value, value_type}]"
    )
    content: str | None = Field(None, json_schema_extra=_memory("contains"))
    departments: list[GreenhouseBoardDepartment] = Field(default_factory=list)
    offices: list[GreenhouseBoardOffice] = Field(default_factory=list)
