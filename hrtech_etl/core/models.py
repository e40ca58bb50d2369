"""Unified models: the normalised layer between HR systems.

A connector maps its native records to `UnifiedJob` / `UnifiedProfile` (and its webhooks to
`UnifiedJobEvent` / `UnifiedProfileEvent`); when a sync has no explicit formatter, records travel
origin-native → unified → target-native. Anything a system carries that has no unified field
goes in ``extra`` rather than being lost.

Conventions:

- Every field but ``id`` (and an event's type, resource id and time) is optional and has a
  default, so a sparse source still validates.
- Timestamps are aware UTC datetimes: naive input is taken as UTC, offsets are converted (via
  `parse_timestamp`, which also reads ``...Z`` strings and epoch numbers).
- Calendar dates (a job held from 2019-03 to 2021) are `date`s and are *not* shifted to UTC:
  ``2019-03-01T00:00:00+02:00`` is the 1st of March where it was written.
- Unknown keys are rejected (``extra="forbid"``) so a mapping typo fails loudly instead of
  silently dropping a value; numbers given for text fields (integer ids) become strings.
- The three cursor fields (``id``, ``created_at``, ``updated_at``) and a few filterable fields
  carry ``json_schema_extra`` metadata (DESIGN §3) that drives WHERE validation and the UIs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hrtech_etl.core.types import EventType, Resource, parse_timestamp

__all__ = [
    "Attachment",
    "Board",
    "Education",
    "EmploymentType",
    "Experience",
    "ExternalId",
    "JobStatus",
    "Language",
    "Link",
    "Location",
    "SalaryPeriod",
    "SalaryRange",
    "Skill",
    "UnifiedEvent",
    "UnifiedJob",
    "UnifiedJobEvent",
    "UnifiedProfile",
    "UnifiedProfileEvent",
    "WorkplaceType",
    "parse_event",
]


# --- field metadata ------------------------------------------------------------------------------

_TIME_RANGE_OPS = ["gte", "lte", "gt", "lt"]


def _cursor(mode: str, operators: list[str]) -> dict[str, Any]:
    return {"cursor": mode, "prefilter": {"operators": operators}}


def _prefilter(*operators: str) -> dict[str, Any]:
    return {"prefilter": {"operators": list(operators)}}


# --- enums ---------------------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """``"Full-Time"``, ``"full_time"`` and ``"FullTime"`` all fold to ``"fulltime"``."""
    return _NOT_ALNUM.sub("", text.casefold())


class _FlexibleEnum(StrEnum):
    """A str enum that reads vendor spellings: any case, ignoring ``-``, ``_`` and spaces.

    Subclasses may add synonyms in `_aliases` (folded spelling → member value).
    """

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        key = _fold(value)
        for member in cls:
            if _fold(member.value) == key or _fold(member.name) == key:
                return member
        alias = cls._aliases().get(key)
        return cls(alias) if alias is not None else None


class WorkplaceType(_FlexibleEnum):
    ONSITE = "onsite"
    REMOTE = "remote"
    HYBRID = "hybrid"


class EmploymentType(_FlexibleEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"
    FREELANCE = "freelance"
    OTHER = "other"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "intern": "internship",
            "temp": "temporary",
            "contractor": "contract",
            "freelancer": "freelance",
        }


class JobStatus(_FlexibleEnum):
    OPEN = "open"
    CLOSED = "closed"
    DRAFT = "draft"
    ARCHIVED = "archived"


class SalaryPeriod(_FlexibleEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {
            "hourly": "hour",
            "daily": "day",
            "weekly": "week",
            "monthly": "month",
            "yearly": "year",
            "annual": "year",
            "annually": "year",
        }


# --- shared parsing ------------------------------------------------------------------------------


def _utc_or_none(value: object) -> datetime | None:
    return None if value is None else parse_timestamp(value)


_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _calendar_date(value: object) -> object:
    """Read a calendar date as written: ``2019``, ``2019-03``, ``2019-03-01``, or a datetime.

    A datetime keeps its own calendar day (no shift to UTC). Anything else is left for pydantic
    to reject with its usual message.
    """
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _YEAR.match(text):
            return date(int(text), 1, 1)
        month = _YEAR_MONTH.match(text)
        if month:
            return date(int(month.group(1)), int(month.group(2)), 1)
        if len(text) > 10 and text[10] in "Tt ":
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                return datetime.fromisoformat(text).date()
            except ValueError:
                return value
        return text
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_timestamp(value).date()
    return value


def _text_list(value: object) -> object:
    """One string or a list of strings → a list without blanks or duplicates, order kept."""
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list | tuple | set | frozenset):
        seen: dict[str, None] = {}
        for item in value:
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                return value  # let pydantic report the bad item
            text = str(item).strip()
            if text:
                seen.setdefault(text, None)
        return list(seen)
    return value


class _Unified(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


# --- small building blocks -----------------------------------------------------------------------


class Location(_Unified):
    """A place. ``text`` is the location as the source wrote it; the rest is parsed when known."""

    text: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = Field(None, description="ISO-3166 alpha-2 code when known, e.g. 'FR'")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)

    @field_validator("country")
    @classmethod
    def _country_code_upper(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if len(value) == 2 and value.isalpha():
            return value.upper()
        return value or None


class SalaryRange(_Unified):
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)
    currency: str | None = Field(None, description="ISO-4217 code, e.g. 'EUR'")
    period: SalaryPeriod | None = None

    @field_validator("currency")
    @classmethod
    def _currency_upper(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip().upper() or None

    @model_validator(mode="after")
    def _min_not_above_max(self) -> SalaryRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"salary min {self.min} is above max {self.max}")
        return self


class Skill(_Unified):
    name: str
    level: str | None = None
    type: str | None = Field(None, description="e.g. 'hard' or 'soft'")


class Language(_Unified):
    name: str
    level: str | None = None


class ExternalId(_Unified):
    """The id a record has in one system (``system`` is a connector name such as 'greenhouse')."""

    system: str
    id: str


class Board(_Unified):
    """Where a job is published: a job board, career site or HrFlow board."""

    key: str | None = None
    name: str | None = None


class Link(_Unified):
    """A URL about a person, with its kind ('linkedin', 'github', 'website', ...)."""

    url: str
    type: str | None = None


class Attachment(_Unified):
    type: str | None = Field(None, description="e.g. 'resume', 'cover_letter'")
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None


class Experience(_Unified):
    company: str | None = None
    title: str | None = None
    description: str | None = None
    location: Location | None = None
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool | None = None

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _calendar_dates(cls, value: object) -> object:
        return _calendar_date(value)


class Education(_Unified):
    school: str | None = None
    degree: str | None = None
    field_of_study: str | None = None
    description: str | None = None
    location: Location | None = None
    start_date: date | None = None
    end_date: date | None = None

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _calendar_dates(cls, value: object) -> object:
        return _calendar_date(value)


# --- resources -----------------------------------------------------------------------------------


class UnifiedJob(_Unified):
    """A job posting, normalised.

    ``remote`` is derived from ``workplace_type`` when the source gives only the latter
    (remote → True, onsite → False; hybrid leaves it unknown).
    """

    id: str = Field(..., json_schema_extra=_cursor("id", ["eq", "in"]))
    reference: str | None = Field(
        None,
        description="The id the owner of the job uses (requisition code, HrFlow reference)",
        json_schema_extra=_prefilter("eq", "in"),
    )
    source_ids: list[ExternalId] = Field(default_factory=list)
    board: Board | None = None

    title: str | None = Field(None, json_schema_extra=_prefilter("eq", "contains"))
    summary: str | None = None
    description: str | None = Field(None, json_schema_extra=_prefilter("contains"))
    url: str | None = Field(None, description="The public posting")
    apply_url: str | None = None

    location: Location | None = None
    remote: bool | None = Field(None, json_schema_extra=_prefilter("eq"))
    workplace_type: WorkplaceType | None = Field(None, json_schema_extra=_prefilter("eq", "in"))
    employment_type: EmploymentType | None = Field(None, json_schema_extra=_prefilter("eq", "in"))
    department: str | None = Field(None, json_schema_extra=_prefilter("eq", "in"))
    team: str | None = None
    seniority: str | None = None
    salary: SalaryRange | None = None

    skills: list[Skill] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, json_schema_extra=_prefilter("contains"))

    status: JobStatus | None = Field(None, json_schema_extra=_prefilter("eq", "in"))
    created_at: datetime | None = Field(
        None, json_schema_extra=_cursor("created_at", _TIME_RANGE_OPS)
    )
    updated_at: datetime | None = Field(
        None, json_schema_extra=_cursor("updated_at", _TIME_RANGE_OPS)
    )
    published_at: datetime | None = Field(None, json_schema_extra=_prefilter(*_TIME_RANGE_OPS))
    closed_at: datetime | None = None
    archived_at: datetime | None = None

    extra: dict[str, Any] = Field(
        default_factory=dict, description="Source fields with no unified equivalent"
    )

    @field_validator(
        "created_at", "updated_at", "published_at", "closed_at", "archived_at", mode="before"
    )
    @classmethod
    def _aware_utc(cls, value: object) -> datetime | None:
        return _utc_or_none(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _clean_tags(cls, value: object) -> object:
        return _text_list(value)

    @model_validator(mode="after")
    def _derive_remote(self) -> UnifiedJob:
        if self.remote is None and self.workplace_type is not None:
            if self.workplace_type is WorkplaceType.REMOTE:
                self.remote = True
            elif self.workplace_type is WorkplaceType.ONSITE:
                self.remote = False
        return self


class UnifiedProfile(_Unified):
    """A candidate profile, normalised.

    ``full_name`` is derived from first and last name when the source gives no full name; it is
    never split back into parts (names do not split reliably).
    """

    id: str = Field(..., json_schema_extra=_cursor("id", ["eq", "in"]))
    reference: str | None = Field(None, json_schema_extra=_prefilter("eq", "in"))
    source_ids: list[ExternalId] = Field(default_factory=list)

    first_name: str | None = Field(None, json_schema_extra=_prefilter("eq"))
    last_name: str | None = Field(None, json_schema_extra=_prefilter("eq"))
    full_name: str | None = Field(None, json_schema_extra=_prefilter("eq", "contains"))
    emails: list[str] = Field(default_factory=list, json_schema_extra=_prefilter("eq", "contains"))
    phones: list[str] = Field(default_factory=list)
    location: Location | None = None
    headline: str | None = Field(None, json_schema_extra=_prefilter("contains"))
    summary: str | None = None

    experiences: list[Experience] = Field(default_factory=list)
    educations: list[Education] = Field(default_factory=list)
    skills: list[Skill] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, json_schema_extra=_prefilter("contains"))
    attachments: list[Attachment] = Field(default_factory=list)
    urls: list[Link] = Field(default_factory=list)

    created_at: datetime | None = Field(
        None, json_schema_extra=_cursor("created_at", _TIME_RANGE_OPS)
    )
    updated_at: datetime | None = Field(
        None, json_schema_extra=_cursor("updated_at", _TIME_RANGE_OPS)
    )
    archived_at: datetime | None = None

    extra: dict[str, Any] = Field(
        default_factory=dict, description="Source fields with no unified equivalent"
    )

    @field_validator("created_at", "updated_at", "archived_at", mode="before")
    @classmethod
    def _aware_utc(cls, value: object) -> datetime | None:
        return _utc_or_none(value)

    @field_validator("emails", "phones", "tags", mode="before")
    @classmethod
    def _clean_text_lists(cls, value: object) -> object:
        return _text_list(value)

    @model_validator(mode="after")
    def _derive_full_name(self) -> UnifiedProfile:
        if not self.full_name:
            parts = [part.strip() for part in (self.first_name, self.last_name) if part]
            derived = " ".join(part for part in parts if part)
            if derived:
                self.full_name = derived
        return self

    @property
    def resume(self) -> Attachment | None:
        """The first attachment of type 'resume', if any."""
        for attachment in self.attachments:
            if attachment.type == "resume":
                return attachment
        return None


# --- events --------------------------------------------------------------------------------------


class _UnifiedEventBase(_Unified):
    event_type: EventType
    resource_id: str
    occurred_at: datetime
    source: str | None = Field(None, description="Name of the connector the event came from")
    payload: dict[str, Any] | None = Field(
        None, repr=False, description="The raw webhook body, when kept"
    )

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _aware_utc(cls, value: object) -> datetime:
        return parse_timestamp(value)

    @field_validator("resource", mode="before", check_fields=False)
    @classmethod
    def _resource_any_case(cls, value: object) -> object:
        return Resource(value) if isinstance(value, str) else value


class UnifiedJobEvent(_UnifiedEventBase):
    """Something happened to a job (created, updated, deleted, ...)."""

    resource: Literal[Resource.JOB] = Resource.JOB


class UnifiedProfileEvent(_UnifiedEventBase):
    """Something happened to a candidate profile."""

    resource: Literal[Resource.PROFILE] = Resource.PROFILE


UnifiedEvent: TypeAlias = UnifiedJobEvent | UnifiedProfileEvent


def parse_event(data: Mapping[str, Any]) -> UnifiedEvent:
    """Read one serialised event (e.g. a JSONL line) as the job or profile event it declares.

    ``resource`` picks the class (any letter case); it defaults to ``"job"`` when absent.
    """
    fields = dict(data)
    resource = Resource(fields.get("resource") or Resource.JOB)
    if resource is Resource.PROFILE:
        return UnifiedProfileEvent.model_validate(fields)
    return UnifiedJobEvent.model_validate(fields)
