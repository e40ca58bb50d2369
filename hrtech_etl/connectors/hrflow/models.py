"""HrFlow.ai's native records and the metadata that drives its Storing API list params.

Jobs live in **Boards** (``board_key``) and profiles in **Sources** (``source_key``); every
object has an HrFlow-generated ``key`` (40 lowercase hex) and may carry your own ``reference``
(unique inside its board/source), which is what upserts from another system key on.

The shapes follow the HrFlow Job and Profile objects (official SDK ``Riminder/python-hrflow-api``:
its indexing docstrings and test schemas). Every object keeps the keys it does not declare
(``extra="allow"``), so a record read from HrFlow and written back loses nothing.

What the list endpoints (``GET /storing/jobs`` and ``/storing/profiles``) can filter, and how
the fields below declare it:

- ``created_at``: the created_at cursor, bounded by ``created_at_min`` / ``created_at_max``;
- ``updated_at``: the API sorts by it (``sort_by=updated_at``, ``order_by=asc|desc``) but has no
  updated_at range param, so this cursor declares no bound: the engine checks it in memory (and
  the connector reads newest first and stops at the cursor, see ``connector.py``);
- ``key``, ``reference`` and the job ``name``: EQ params of the same name;
- ``board_key`` / ``source_key``: IN as ``board_keys`` / ``source_keys``, a JSON array string.

There is no id order in HrFlow (keys are random hex), so no id cursor is offered.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from hrtech_etl.core.types import parse_timestamp

__all__ = [
    "KEY_PATTERN",
    "HrFlowAttachment",
    "HrFlowEducation",
    "HrFlowEntity",
    "HrFlowExperience",
    "HrFlowInfo",
    "HrFlowJob",
    "HrFlowLocation",
    "HrFlowProfile",
    "HrFlowRangeDate",
    "HrFlowRangeFloat",
    "HrFlowSection",
    "HrFlowSkill",
    "HrFlowUrl",
    "HrFlowWebhook",
    "is_key",
]

# The SDK's KEY_REGEX: board, source, job and profile keys are 40 lowercase hex characters.
KEY_PATTERN = re.compile(r"^[0-9a-f]{40}$")


def is_key(value: object) -> bool:
    """Whether ``value`` has the shape of an HrFlow key (40 lowercase hex characters)."""
    return isinstance(value, str) and KEY_PATTERN.match(value) is not None


def _none_as_empty(value: object) -> object:
    # HrFlow sends ``null`` for an empty list as often as ``[]``.
    return [] if value is None else value


def _none_as_object(value: object) -> object:
    return {} if value is None else value


def _utc_or_none(value: object) -> object:
    # ISO 8601 with ``Z``, ``+00:00`` or ``+0000``; naive times are UTC.
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return value  # let pydantic report it


_T = TypeVar("_T")
_List = Annotated[list[_T], BeforeValidator(_none_as_empty)]
_Time = Annotated[datetime | None, BeforeValidator(_utc_or_none)]


class _Open(BaseModel):
    """A nested HrFlow object: declared keys typed, the others kept as they came."""

    model_config = ConfigDict(extra="allow")


class HrFlowLocation(_Open):
    text: str | None = None
    lat: float | None = None
    lng: float | None = None
    # Parsed address parts (city, country, postcode, state, ...); HrFlow sends [] when none.
    fields: dict[str, Any] | list[Any] | None = None


class HrFlowSection(_Open):
    name: str | None = None
    title: str | None = None
    description: str | None = None


class HrFlowEntity(_Open):
    """``{name, value}``: languages, certifications, courses, tasks, interests, tags, metadatas."""

    name: str | None = None
    value: Any = None


class HrFlowSkill(HrFlowEntity):
    type: str | None = Field(None, description="'hard' or 'soft'")


class HrFlowRangeFloat(_Open):
    """A numeric range: ``{name: "salary", value_min: 50000, value_max: 60000, unit: "EUR"}``."""

    name: str | None = None
    value_min: float | None = None
    value_max: float | None = None
    unit: str | None = None


class HrFlowRangeDate(_Open):
    name: str | None = None
    value_min: str | None = None
    value_max: str | None = None


class HrFlowUrl(_Open):
    type: str | None = Field(None, description="'linkedin', 'github', 'twitter', 'facebook', ...")
    url: str | None = None


class HrFlowInfo(_Open):
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    date_birth: str | None = None
    location: HrFlowLocation | None = None
    urls: _List[HrFlowUrl] = Field(default_factory=list)
    picture: str | None = None
    gender: str | None = None
    summary: str | None = None


class _Period(_Open):
    key: str | None = None
    title: str | None = None
    description: str | None = None
    location: HrFlowLocation | None = None
    date_start: str | None = Field(None, description="ISO 8601 date (YYYY-MM-DD)")
    date_end: str | None = None
    skills: _List[HrFlowSkill] = Field(default_factory=list)
    tasks: _List[HrFlowEntity] = Field(default_factory=list)
    certifications: _List[HrFlowEntity] = Field(default_factory=list)
    courses: _List[HrFlowEntity] = Field(default_factory=list)


class HrFlowExperience(_Period):
    company: str | None = None


class HrFlowEducation(_Period):
    school: str | None = None


class HrFlowAttachment(_Open):
    """A file HrFlow keeps with a profile (it manages these itself when it parses a file)."""

    type: str | None = Field(None, description="e.g. 'original', 'resume'")
    file_name: str | None = None
    original_file_name: str | None = None
    extension: str | None = None
    public_url: str | None = None


def _eq(param: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"prefilter": {"operators": ["eq"]}}
    if param:
        extra["param"] = param
    return extra


def _container(param: str) -> dict[str, Any]:
    # board_keys / source_keys: the API takes a JSON array serialised as a string.
    return {
        "prefilter": {"operators": ["in"]},
        "in_binding": {"query_field": param, "formatter": "array_string"},
    }


_TIME_RANGE: dict[str, Any] = {"prefilter": {"operators": ["gte", "lte", "gt", "lt"]}}
_CREATED_AT: dict[str, Any] = {
    "cursor": "created_at",
    "cursor_start_min": "created_at_min",
    "cursor_end_max": "created_at_max",
    "cursor_order_up": "asc",
    "cursor_order_down": "desc",
    **_TIME_RANGE,
}
# No updated_at_min / _max exists in the Storing API: the cursor is sorted on, never bounded.
_UPDATED_AT: dict[str, Any] = {
    "cursor": "updated_at",
    "cursor_order_up": "asc",
    "cursor_order_down": "desc",
    **_TIME_RANGE,
}
# archived_at eq null keeps the live records (in memory: the list has no such param).
_ARCHIVED_AT: dict[str, Any] = {
    "prefilter": {"operators": ["eq", "ne"], "params": {"eq": None, "ne": None}}
}


class HrFlowJob(_Open):
    """An HrFlow Job, as ``GET /storing/jobs?return_job=True`` returns it."""

    key: str | None = Field(
        None, description="HrFlow's 40-hex job key (set by HrFlow)", json_schema_extra=_eq()
    )
    reference: str | None = Field(
        None, description="Your id, unique in the board: upserts key on it", json_schema_extra=_eq()
    )
    board_key: str | None = Field(None, json_schema_extra=_container("board_keys"))
    name: str = Field(
        ...,
        description="The job title (required by HrFlow)",
        json_schema_extra={"prefilter": {"operators": ["eq", "contains"]}},
    )
    url: str | None = None
    summary: str | None = Field(None, json_schema_extra={"prefilter": {"operators": ["contains"]}})
    location: HrFlowLocation | None = None
    sections: _List[HrFlowSection] = Field(default_factory=list)
    culture: str | None = None
    benefits: str | None = None
    responsibilities: str | None = None
    requirements: str | None = None
    interviews: str | None = None
    skills: _List[HrFlowSkill] = Field(default_factory=list)
    languages: _List[HrFlowEntity] = Field(default_factory=list)
    certifications: _List[HrFlowEntity] = Field(default_factory=list)
    courses: _List[HrFlowEntity] = Field(default_factory=list)
    tasks: _List[HrFlowEntity] = Field(default_factory=list)
    tags: _List[HrFlowEntity] = Field(
        default_factory=list, description="Searchable {name, value} pairs"
    )
    metadatas: _List[HrFlowEntity] = Field(
        default_factory=list, description="Non-searchable {name, value} pairs"
    )
    ranges_float: _List[HrFlowRangeFloat] = Field(default_factory=list)
    ranges_date: _List[HrFlowRangeDate] = Field(default_factory=list)
    created_at: _Time = Field(None, json_schema_extra=_CREATED_AT)
    updated_at: _Time = Field(None, json_schema_extra=_UPDATED_AT)
    archived_at: _Time = Field(None, json_schema_extra=_ARCHIVED_AT)


class HrFlowProfile(_Open):
    """An HrFlow Profile, as ``GET /storing/profiles?return_profile=True`` returns it."""

    key: str | None = Field(
        None, description="HrFlow's 40-hex profile key (set by HrFlow)", json_schema_extra=_eq()
    )
    reference: str | None = Field(
        None,
        description="Your id, unique in the source: upserts key on it",
        json_schema_extra=_eq(),
    )
    source_key: str | None = Field(None, json_schema_extra=_container("source_keys"))
    info: Annotated[HrFlowInfo, BeforeValidator(_none_as_object)] = Field(
        default_factory=HrFlowInfo
    )
    text: str | None = None
    text_language: str | None = Field(None, description="ISO 639-1 code")
    experiences: _List[HrFlowExperience] = Field(default_factory=list)
    educations: _List[HrFlowEducation] = Field(default_factory=list)
    experiences_duration: float | None = Field(None, description="Years")
    educations_duration: float | None = Field(None, description="Years")
    skills: _List[HrFlowSkill] = Field(default_factory=list)
    languages: _List[HrFlowEntity] = Field(default_factory=list)
    certifications: _List[HrFlowEntity] = Field(default_factory=list)
    courses: _List[HrFlowEntity] = Field(default_factory=list)
    tasks: _List[HrFlowEntity] = Field(default_factory=list)
    interests: _List[HrFlowEntity] = Field(default_factory=list)
    tags: _List[HrFlowEntity] = Field(default_factory=list)
    metadatas: _List[HrFlowEntity] = Field(default_factory=list)
    labels: _List[Any] = Field(default_factory=list, description="Job-related ratings/stages")
    attachments: _List[HrFlowAttachment] = Field(
        default_factory=list, description="Managed by HrFlow (never sent on writes)"
    )
    created_at: _Time = Field(None, json_schema_extra=_CREATED_AT)
    updated_at: _Time = Field(None, json_schema_extra=_UPDATED_AT)
    archived_at: _Time = Field(None, json_schema_extra=_ARCHIVED_AT)


class HrFlowWebhook(BaseModel):
    """An HrFlow webhook body: ``{type, origin, message, profile | job}``.

    ``type`` is the event name (``profile.storing.success``, ``job.storing.update``, ...);
    the object is the profile or job the event is about (its ``key`` names it).
    """

    model_config = ConfigDict(extra="allow")

    type: str = Field(..., min_length=3)
    origin: str | None = None
    message: str | None = None
    profile: dict[str, Any] | None = None
    job: dict[str, Any] | None = None
