"""Lever's native records and the metadata that drives their query params.

Two APIs, three record types:

- `LeverOpportunity` — a candidate in one hiring pipeline (v1 data API, ``/v1/opportunities``).
- `LeverPosting` — a job posting as the v1 data API lists it (``/v1/postings``).
- `LeverPublicPosting` — a published posting as the public Postings API v0 serves it.

Lever spells its fields in camelCase and carries every time as **epoch milliseconds**; the
models use snake_case names (the names WHERE / HAVING conditions use) with the API's spelling as
alias, and read times as aware UTC datetimes. Filters go out as epoch milliseconds too
(``param_format = "epoch_ms"``), and list filters repeat their key (``tag=a&tag=b``), as Lever
documents.

A few fields are *derived* when a record is read, so that a WHERE condition on them has a field
to be re-checked against and a pushed param has a field to describe: ``postings`` (from the
expanded applications), ``is_archived`` / ``archived_at`` / ``archive_reason`` (from the
``archived`` object) and, on postings, ``team`` / ``department`` / ``location`` / ``commitment`` /
``level`` (from ``categories``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

__all__ = [
    "EpochMs",
    "LeverApplication",
    "LeverArchived",
    "LeverCategories",
    "LeverDeletedOpportunity",
    "LeverList",
    "LeverOpportunity",
    "LeverPhone",
    "LeverPosting",
    "LeverPostingContent",
    "LeverPublicPosting",
    "LeverSalaryRange",
    "LeverUrls",
    "LeverWebhook",
    "LeverWebhookData",
    "epoch_ms",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_epoch_ms(value: object) -> object:
    # Lever's numbers are always milliseconds; a generic parser would guess seconds for small
    # ones, so read them explicitly. Datetimes and ISO text pass through to pydantic.
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return _EPOCH + timedelta(milliseconds=value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return _EPOCH + timedelta(milliseconds=int(value))
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def epoch_ms(moment: datetime) -> int:
    """A datetime as Lever writes it: integer epoch milliseconds (naive is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


# A Lever time: epoch ms on the wire and in JSON dumps, an aware UTC datetime in Python.
EpochMs = Annotated[
    datetime,
    BeforeValidator(_from_epoch_ms),
    PlainSerializer(epoch_ms, return_type=int, when_used="json"),
]


def _present(data: Mapping[str, Any], *keys: str) -> bool:
    return any(data.get(key) is not None for key in keys)


def _ref_id(value: Any) -> str | None:
    """An id given as a plain string or as an expanded object with an ``id``."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return None if value is None or value == "" else str(value)


class _Lever(BaseModel):
    """Records: API spelling in, Python names usable too; unknown keys are kept (``extra``)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")


class _LeverPart(BaseModel):
    """Nested objects: API spelling in, unknown keys ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


# -- shared pieces ------------------------------------------------------------------------------


class LeverPhone(_LeverPart):
    type: str | None = None
    value: str


class LeverArchived(_LeverPart):
    reason: str | None = Field(None, description="Archive reason id")
    archived_at: EpochMs | None = Field(None, alias="archivedAt")


class LeverUrls(_LeverPart):
    list: str | None = None
    show: str | None = None
    apply: str | None = None


class LeverApplication(_LeverPart):
    """One application of an opportunity, as ``expand=applications`` returns it."""

    id: str
    posting: str | None = None
    type: str | None = None
    created_at: EpochMs | None = Field(None, alias="createdAt")

    @model_validator(mode="before")
    @classmethod
    def _posting_id(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("posting"), Mapping):
            return {**data, "posting": _ref_id(data["posting"])}
        return data


class LeverCategories(_LeverPart):
    team: str | None = None
    department: str | None = None
    location: str | None = None
    commitment: str | None = None
    level: str | None = None
    all_locations: list[str] = Field(default_factory=list, alias="allLocations")


class LeverList(_LeverPart):
    """A titled list of a posting ('Requirements', ...); ``content`` is HTML ``<li>`` items."""

    text: str | None = None
    content: str | None = None


class LeverSalaryRange(_LeverPart):
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    interval: str | None = Field(None, description="e.g. 'per-year-salary', 'per-hour-wage'")


class LeverPostingContent(_LeverPart):
    description: str | None = None
    description_html: str | None = Field(None, alias="descriptionHtml")
    lists: list[LeverList] = Field(default_factory=list)
    closing: str | None = None
    closing_html: str | None = Field(None, alias="closingHtml")


# -- metadata helpers ---------------------------------------------------------------------------

_TIME_OPS = ["gte", "lte", "gt", "lt"]


def _time_cursor(mode: str, start: str | None, end: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "cursor": mode,
        "param_format": "epoch_ms",  # Lever takes and returns epoch milliseconds
        "prefilter": {"operators": _TIME_OPS},
    }
    if start:
        meta["cursor_start_min"] = start  # inclusive, as documented
    if end:
        meta["cursor_end_max"] = end  # inclusive, as documented
    return meta


def _time_range(start: str, end: str) -> dict[str, Any]:
    return {
        "param_format": "epoch_ms",
        "prefilter": {"operators": _TIME_OPS, "params": {"gte": start, "lte": end}},
    }


def _repeated(param: str, *extra_ops: str) -> dict[str, Any]:
    """EQ as ``param=v``, IN as ``param=a&param=b`` (Lever: the union of the values)."""
    return {
        "prefilter": {"operators": ["eq", "in", *extra_ops]},
        "param": param,
        "in_binding": {"query_field": param, "formatter": "array"},
    }


_CONTAINS: dict[str, Any] = {"prefilter": {"operators": ["contains"]}}
_CATEGORIES = ("team", "department", "location", "commitment", "level")


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    """A nested object as given: raw JSON (a dict) or an already-built model."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    return value if isinstance(value, Mapping) else None


def _categories_up(data: Any) -> Any:
    """Copy ``categories.team`` (and the rest) to top-level fields for WHERE / HAVING."""
    if not isinstance(data, Mapping):
        return data
    categories = _as_mapping(data.get("categories"))
    if categories is None:
        return data
    out = dict(data)
    for key in _CATEGORIES:
        if out.get(key) is None and categories.get(key) is not None:
            out[key] = categories[key]
    return out


# -- v1: opportunities --------------------------------------------------------------------------


class LeverOpportunity(_Lever):
    """A Lever opportunity (``GET /v1/opportunities``): one candidate in one pipeline."""

    id: str = Field(..., description="Opportunity id (UUID); Lever has no id filter or order")
    name: str | None = Field(None, json_schema_extra=_CONTAINS)
    headline: str | None = Field(None, json_schema_extra=_CONTAINS)
    contact: str | None = Field(
        None,
        description="Contact id: the person across opportunities",
        json_schema_extra={"prefilter": {"operators": ["eq"]}, "param": "contact_id"},
    )
    emails: list[str] = Field(default_factory=list, json_schema_extra=_repeated("email"))
    phones: list[LeverPhone] = Field(default_factory=list)
    location: str | None = Field(None, json_schema_extra=_CONTAINS)
    links: list[str] = Field(default_factory=list)
    stage: str | None = Field(None, description="Stage id", json_schema_extra=_repeated("stage_id"))
    tags: list[str] = Field(default_factory=list, json_schema_extra=_repeated("tag", "contains"))
    sources: list[str] = Field(default_factory=list, json_schema_extra=_repeated("source"))
    origin: str | None = Field(
        None,
        description="agency, applied, internal, referred, sourced or university",
        json_schema_extra=_repeated("origin"),
    )
    owner: str | None = Field(None, description="User id")
    followers: list[str] = Field(default_factory=list)
    sourced_by: str | None = Field(None, alias="sourcedBy")
    applications: list[LeverApplication | str] = Field(default_factory=list)
    postings: list[str] = Field(
        default_factory=list,
        description="Posting ids of the applications (derived from expanded applications)",
        json_schema_extra=_repeated("posting_id"),
    )
    confidentiality: str | None = Field(
        None,
        description="'non-confidential' or 'confidential'",
        json_schema_extra={"prefilter": {"operators": ["eq"]}},
    )
    is_anonymized: bool = Field(False, alias="isAnonymized")
    archived: LeverArchived | None = None
    is_archived: bool = Field(
        False,
        description="Derived from 'archived'",
        json_schema_extra={"prefilter": {"operators": ["eq"]}, "param": "archived"},
    )
    archived_at: EpochMs | None = Field(
        None,
        alias="archivedAt",
        json_schema_extra=_time_range("archived_at_start", "archived_at_end"),
    )
    archive_reason: str | None = Field(
        None,
        alias="archiveReason",
        description="Archive reason id",
        json_schema_extra=_repeated("archive_reason_id"),
    )
    snoozed_until: EpochMs | None = Field(None, alias="snoozedUntil")
    created_at: EpochMs = Field(
        ...,
        alias="createdAt",
        json_schema_extra=_time_cursor("created_at", "created_at_start", "created_at_end"),
    )
    updated_at: EpochMs = Field(
        ...,
        alias="updatedAt",
        description="Falls back to createdAt when Lever omits it",
        json_schema_extra=_time_cursor("updated_at", "updated_at_start", "updated_at_end"),
    )
    last_interaction_at: EpochMs | None = Field(None, alias="lastInteractionAt")
    last_advanced_at: EpochMs | None = Field(
        None,
        alias="lastAdvancedAt",
        json_schema_extra=_time_range("advanced_at_start", "advanced_at_end"),
    )
    urls: LeverUrls | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        archived = _as_mapping(out.get("archived"))
        if archived is not None:
            if not _present(out, "archivedAt", "archived_at"):
                out["archivedAt"] = archived.get("archivedAt", archived.get("archived_at"))
            if not _present(out, "archiveReason", "archive_reason"):
                out["archiveReason"] = archived.get("reason")
        if not _present(out, "is_archived"):
            out["is_archived"] = bool(archived) or _present(out, "archivedAt", "archived_at")
        if not _present(out, "postings") and isinstance(out.get("applications"), list):
            out["postings"] = [
                posting
                for app in map(_as_mapping, out["applications"])
                if app is not None and (posting := _ref_id(app.get("posting")))
            ]
        if not _present(out, "updatedAt", "updated_at"):
            out["updatedAt"] = out.get("createdAt", out.get("created_at"))
        return out

    @property
    def application_ids(self) -> list[str]:
        return [a if isinstance(a, str) else a.id for a in self.applications]


class LeverDeletedOpportunity(_Lever):
    """An entry of ``GET /v1/opportunities/deleted``."""

    id: str
    deleted_at: EpochMs | None = Field(None, alias="deletedAt")
    deleted_by: str | None = Field(None, alias="deletedBy")


# -- v1: postings -------------------------------------------------------------------------------


class LeverPosting(_Lever):
    """A posting as the v1 data API lists it (``GET /v1/postings``), every state included.

    Only ``state``, ``confidentiality`` and the ``updated_at`` lower bound are pushed to Lever;
    the category fields, tags and workplace type are filtered in memory (see the connector).
    """

    id: str
    text: str | None = Field(None, description="The title", json_schema_extra=_CONTAINS)
    state: str | None = Field(
        None,
        description="published, internal, closed, draft, pending, rejected",
        json_schema_extra=_repeated("state"),
    )
    confidentiality: str | None = Field(
        None, json_schema_extra={"prefilter": {"operators": ["eq"]}}
    )
    distribution_channels: list[str] = Field(default_factory=list, alias="distributionChannels")
    categories: LeverCategories | None = None
    team: str | None = Field(None, json_schema_extra=_repeated("team", "contains"))
    department: str | None = Field(None, json_schema_extra=_repeated("department", "contains"))
    location: str | None = Field(None, json_schema_extra=_repeated("location", "contains"))
    commitment: str | None = Field(None, json_schema_extra=_repeated("commitment", "contains"))
    level: str | None = Field(None, json_schema_extra=_repeated("level", "contains"))
    content: LeverPostingContent | None = None
    tags: list[str] = Field(default_factory=list, json_schema_extra=_repeated("tag", "contains"))
    owner: str | None = None
    hiring_manager: str | None = Field(None, alias="hiringManager")
    user: str | None = None
    followers: list[str] = Field(default_factory=list)
    req_code: str | None = Field(None, alias="reqCode")
    requisition_codes: list[str] = Field(default_factory=list, alias="requisitionCodes")
    salary_range: LeverSalaryRange | None = Field(None, alias="salaryRange")
    salary_description: str | None = Field(None, alias="salaryDescription")
    workplace_type: str | None = Field(
        None,
        alias="workplaceType",
        description="unspecified, on-site, remote or hybrid",
        json_schema_extra={"prefilter": {"operators": ["eq", "in"]}},
    )
    country: str | None = None
    urls: LeverUrls | None = None
    created_at: EpochMs = Field(
        ..., alias="createdAt", json_schema_extra=_time_cursor("created_at", None, None)
    )
    updated_at: EpochMs = Field(
        ...,
        alias="updatedAt",
        json_schema_extra=_time_cursor("updated_at", "updated_at_start", None),
    )

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        out = _categories_up(data)
        if isinstance(out, Mapping) and not _present(out, "updatedAt", "updated_at"):
            out = {**out, "updatedAt": out.get("createdAt", out.get("created_at"))}
        return out


# -- v0: public postings ------------------------------------------------------------------------


class LeverPublicPosting(_Lever):
    """A published posting from the public Postings API (``GET /v0/postings/{site}``).

    The filters Lever documents for this API are the five categories (repeat the key for
    several values). There is no date filter and no updated time: the only cursor is
    ``created_at`` (``createdAt``, epoch ms), checked in memory.
    """

    id: str
    text: str | None = Field(None, description="The title", json_schema_extra=_CONTAINS)
    categories: LeverCategories | None = None
    team: str | None = Field(None, json_schema_extra=_repeated("team", "contains"))
    department: str | None = Field(None, json_schema_extra=_repeated("department", "contains"))
    location: str | None = Field(None, json_schema_extra=_repeated("location", "contains"))
    commitment: str | None = Field(None, json_schema_extra=_repeated("commitment", "contains"))
    level: str | None = Field(None, json_schema_extra=_repeated("level", "contains"))
    country: str | None = Field(None, description="ISO-3166 alpha-2")
    opening: str | None = None
    opening_plain: str | None = Field(None, alias="openingPlain")
    description: str | None = None
    description_plain: str | None = Field(
        None, alias="descriptionPlain", json_schema_extra=_CONTAINS
    )
    description_body: str | None = Field(None, alias="descriptionBody")
    description_body_plain: str | None = Field(None, alias="descriptionBodyPlain")
    lists: list[LeverList] = Field(default_factory=list)
    additional: str | None = None
    additional_plain: str | None = Field(None, alias="additionalPlain")
    hosted_url: str | None = Field(None, alias="hostedUrl")
    apply_url: str | None = Field(None, alias="applyUrl")
    workplace_type: str | None = Field(
        None,
        alias="workplaceType",
        description="unspecified, on-site, remote or hybrid",
        json_schema_extra={"prefilter": {"operators": ["eq", "in"]}},
    )
    salary_range: LeverSalaryRange | None = Field(None, alias="salaryRange")
    salary_description: str | None = Field(None, alias="salaryDescription")
    salary_description_plain: str | None = Field(None, alias="salaryDescriptionPlain")
    created_at: EpochMs | None = Field(
        None, alias="createdAt", json_schema_extra=_time_cursor("created_at", None, None)
    )

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        return _categories_up(data)


# -- webhooks -----------------------------------------------------------------------------------


class LeverWebhookData(_LeverPart):
    """The ``data`` of a Lever webhook; which keys come with which event is partly unconfirmed."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    opportunity_id: str | None = Field(None, alias="opportunityId")
    candidate_id: str | None = Field(None, alias="candidateId")
    contact_id: str | None = Field(None, alias="contactId")
    application_id: str | None = Field(None, alias="applicationId")
    to_archived: Any = Field(None, alias="toArchived")
    from_archived: Any = Field(None, alias="fromArchived")
    to_stage_id: str | None = Field(None, alias="toStageId")
    from_stage_id: str | None = Field(None, alias="fromStageId")


class LeverWebhook(_LeverPart):
    """``{"triggeredAt": ms, "event": "...", "token": "...", "signature": "...", "data": {}}``."""

    triggered_at: int = Field(..., alias="triggeredAt", ge=0, strict=True)
    event: str = Field(..., min_length=1)
    token: str | None = None
    signature: str | None = None
    data: LeverWebhookData = Field(default_factory=LeverWebhookData)

    @property
    def occurred_at(self) -> datetime:
        return _EPOCH + timedelta(milliseconds=self.triggered_at)
