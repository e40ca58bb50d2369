"""`LeverConnector`: the Lever v1 data API — opportunities as profiles, postings as jobs.

Contract decisions (see docs/connectors/lever.md for the user-facing version):

- Reads follow ``limit`` + opaque ``offset`` tokens. Lever documents no order for its lists, so
  `is_sorted` is False in every mode: the cursor moves when a run's window completes.
- Incremental filters are Lever's ``created_at_*`` / ``updated_at_*`` params in epoch ms, both
  ends inclusive. Postings only get an ``updated_at_start`` lower bound (the one param seen in
  use); their other bounds and their category / tag filters are applied in memory, because
  Lever's support for them on ``/postings`` is unconfirmed and a pushed EQ/IN is trusted.
- Writes create opportunities (Lever has no generic update): ``perform_as`` is required; a
  profile whose email an opportunity already has is left alone (``if_exists = "skip"``) so a
  retried batch does not duplicate candidates. Deletes archive (Lever's API cannot delete) with
  ``archive_reason_id``. Postings are read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from hrtech_etl.connectors.lever import events
from hrtech_etl.connectors.lever.actions import MAX_PAGE_SIZE, LeverActions
from hrtech_etl.connectors.lever.models import (
    LeverArchived,
    LeverCategories,
    LeverDeletedOpportunity,
    LeverList,
    LeverOpportunity,
    LeverPhone,
    LeverPosting,
    LeverPostingContent,
    LeverSalaryRange,
    LeverUrls,
    epoch_ms,
)
from hrtech_etl.core.auth import BasicAuth, BearerAuth
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.errors import ConfigError, ConnectorError, HttpError
from hrtech_etl.core.http import HttpPolicy, RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.metadata import FieldMeta
from hrtech_etl.core.models import (
    EmploymentType,
    ExternalId,
    JobStatus,
    Link,
    Location,
    SalaryPeriod,
    SalaryRange,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
    WorkplaceType,
)
from hrtech_etl.core.params import ExplainEntry, QueryPlan, plan_query, validate_where
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    EventType,
    Operator,
    RecordError,
    Resource,
    SortOrder,
    WarehouseType,
    format_timestamp,
    parse_timestamp,
)

__all__ = [
    "LeverConnector",
    "LeverSettings",
    "job_from_unified_parts",
    "plan_with_memory_fields",
    "unified_job_parts",
]

logger = logging.getLogger("hrtech_etl.connectors.lever")

_PATHS = {Resource.JOB: "/postings", Resource.PROFILE: "/opportunities"}
# Fields whose Lever v1 filter is unconfirmed: their WHERE conditions run in memory.
_MEMORY_ONLY: dict[Resource, frozenset[str]] = {
    Resource.JOB: frozenset(
        {"team", "department", "location", "commitment", "level", "tags", "workplace_type"}
    ),
    Resource.PROFILE: frozenset(),
}
_UNCONFIRMED_NOTE = "Lever's v1 /postings filter for it is unconfirmed"
_ORIGINS = frozenset({"agency", "applied", "internal", "referred", "sourced", "university"})
_SAFE_ID = r"^[^\s/?#&]+$"  # ids go into query strings and paths


class LeverSettings(HttpSettings):
    perform_as: str | None = Field(
        None,
        pattern=_SAFE_ID,
        description="Lever user id that writes act as (required for writes and archives)",
    )
    archive_reason_id: str | None = Field(
        None,
        pattern=_SAFE_ID,
        description="Archive reason id used when archiving (and for deletes, which archive)",
    )
    expand_applications: bool = Field(
        True, description="Ask for applications expanded (fills the 'postings' field)"
    )
    confidentiality: Literal["non-confidential", "confidential", "all"] | None = Field(
        None, description="Sent unless WHERE sets it; Lever's default is non-confidential only"
    )
    if_exists: Literal["skip", "create"] = Field(
        "skip",
        description="Writes: 'skip' leaves a profile whose email Lever already has; "
        "'create' adds an opportunity anyway (Lever attaches it to the same contact)",
    )
    webhook_signature_token: SecretStr | None = Field(
        None, description="Verify webhook signatures with this token (use ${VAR})"
    )
    requests_per_second: float | None = Field(10.0, gt=0, description="Lever: ~10/s per key")
    burst: int = Field(20, ge=1, description="Lever: bursts to 20")

    @field_validator("perform_as", "archive_reason_id", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def plan_with_memory_fields(
    model: type[BaseModel],
    where: Sequence[Condition] | None,
    cursor: Cursor,
    window_end: str | None,
    memory_fields: frozenset[str],
    note: str,
) -> QueryPlan:
    """`plan_query`, except that conditions on ``memory_fields`` always run in memory.

    For fields whose metadata describes a param the API may not honour: an EQ/IN that is
    pushed is trusted and never re-checked, so an ignored param would let everything through.
    """
    conditions = validate_where(model, where)
    pushable = [c for c in conditions if c.field not in memory_fields]
    held = [c for c in conditions if c.field in memory_fields]
    plan = plan_query(model, pushable, cursor, window_end=window_end)
    if not held:
        return plan
    plan.memory_where.extend(held)
    plan.entries.extend(ExplainEntry(str(c), "memory", {}, note) for c in held)
    order = {str(c): index for index, c in enumerate(conditions)}
    head = [e for e in plan.entries if e.subject not in order]  # the cursor entry
    tail = [e for e in plan.entries if e.subject in order]
    plan.entries = head + sorted(tail, key=lambda e: order[e.subject])
    return plan


class LeverConnector(HttpConnector):
    name: ClassVar[str] = "lever"
    label: ClassVar[str] = "Lever (v1 data API)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.ATS
    job_native_cls: ClassVar[type[BaseModel] | None] = LeverPosting
    profile_native_cls: ClassVar[type[BaseModel] | None] = LeverOpportunity
    settings_cls: ClassVar[type[ConnectorSettings]] = LeverSettings
    default_base_url: ClassVar[str] = "https://api.lever.co/v1"
    settings: LeverSettings

    def http_policy(self) -> HttpPolicy:
        policy = super().http_policy()
        rate = self.settings.requests_per_second or 10.0
        return replace(policy, rate_limit=RateLimit(rate, burst=self.settings.burst))

    @property
    def actions(self) -> LeverActions:
        if not isinstance(self.auth, BasicAuth | BearerAuth):
            raise ConfigError(
                "connector 'lever' needs auth type 'basic' (the API key as username, blank "
                f"password) or 'bearer' (an OAuth token), not {self.auth.kind!r}"
            )
        return LeverActions(self.client)

    # -- reading ----------------------------------------------------------------------------------
    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        if field.name in _MEMORY_ONLY[Resource(resource)]:
            return "(in memory)"
        return super().describe_pushdown(resource, field, op)

    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return False  # Lever documents no order for its lists

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        resource = Resource(resource)
        plan = plan_with_memory_fields(
            self.native_cls(resource),
            where,
            cursor,
            window_end,
            _MEMORY_ONLY[resource],
            _UNCONFIRMED_NOTE,
        )
        if resource is Resource.PROFILE and self.settings.expand_applications:
            plan.params["expand"] = "applications"
        if self.settings.confidentiality and "confidentiality" not in plan.params:
            plan.params["confidentiality"] = self.settings.confidentiality
        return plan

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        resource = Resource(resource)
        return self.actions.iter_pages(
            _PATHS[resource], self.native_cls(resource), request.params, request.page_size
        )

    def deleted_profile_events(
        self, since: datetime | str | None = None, until: datetime | str | None = None
    ) -> list[UnifiedProfileEvent]:
        """DELETED events for opportunities deleted in ``[since, until]`` (inclusive).

        Pulls never see hard deletes; push these events to a target to remove them there.
        """
        params: dict[str, Any] = {}
        if since is not None:
            params["deleted_at_start"] = epoch_ms(parse_timestamp(since))
        if until is not None:
            params["deleted_at_end"] = epoch_ms(parse_timestamp(until))
        found: list[UnifiedProfileEvent] = []
        pages = self.actions.iter_pages(
            "/opportunities/deleted", LeverDeletedOpportunity, params, MAX_PAGE_SIZE
        )
        for page in pages:
            if page.errors:
                raise ConnectorError(f"lever: invalid deleted entry: {page.errors[0].error}")
            for record in page.records:
                found.append(
                    UnifiedProfileEvent(
                        event_type=EventType.DELETED,
                        resource_id=record.id,
                        occurred_at=record.deleted_at or datetime.now(UTC),
                        source=self.name,
                        payload=record.model_dump(mode="json", by_alias=True),
                    )
                )
        return found

    # -- writing ----------------------------------------------------------------------------------
    def _perform_as(self, action: str) -> str:
        if not self.settings.perform_as:
            raise ConfigError(
                f"connector 'lever': {action} needs the perform_as option (the Lever user id "
                "the change is made as)"
            )
        return self.settings.perform_as

    def _archive_reason(self) -> str:
        if not self.settings.archive_reason_id:
            raise ConfigError(
                "connector 'lever': archiving needs the archive_reason_id option (Lever requires "
                "a reason; list them with GET /v1/archive_reasons)"
            )
        return self.settings.archive_reason_id

    @staticmethod
    def _read_only_jobs(action: str) -> ConnectorError:
        return ConnectorError(
            f"connector 'lever' cannot {action} postings: Lever documents creating a posting but "
            "no update, so an upsert by id cannot be honoured; postings are read-only here"
        )

    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Create opportunities; profiles Lever already has (same email) are left unchanged."""
        if Resource(resource) is Resource.JOB:
            raise self._read_only_jobs("write")
        perform_as = self._perform_as("writing profiles")
        opportunities: list[LeverOpportunity] = list(resources)
        existing: dict[str, str] = {}
        if self.settings.if_exists == "skip":
            emails = [e for opp in opportunities for e in opp.emails]
            existing = self.actions.opportunity_ids_by_email(emails) if emails else {}
        result = WriteResult()
        skipped: list[str] = []
        for opp in opportunities:
            known = next((existing[e.lower()] for e in opp.emails if e.lower() in existing), None)
            if known is not None:
                skipped.append(f"{opp.id} (as {known})")
                continue
            try:
                created = self.actions.create_opportunity(create_body(opp), perform_as)
            except HttpError as exc:
                if exc.status in (401, 403, 429) or exc.status >= 500:
                    raise
                result.failed.append(
                    RecordError(
                        stage="write",
                        resource_id=opp.id,
                        error=f"Lever refused the opportunity: HTTP {exc.status} {exc.detail}",
                        record=opp.model_dump(mode="json", by_alias=True),
                    )
                )
                continue
            result.written += 1
            if self.settings.if_exists == "skip":
                for email in opp.emails:  # a later record of this batch is now a duplicate
                    existing.setdefault(email.lower(), str(created["id"]))
            if opp.is_archived and self.settings.archive_reason_id:
                self.actions.archive_opportunity(
                    str(created["id"]), self.settings.archive_reason_id, perform_as
                )
        if skipped:
            logger.warning(
                "lever: %d profiles already in Lever (same email) were left unchanged, Lever has "
                "no update for opportunity fields: %s",
                len(skipped),
                ", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else ""),
            )
        return result

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        if Resource(resource) is Resource.JOB:
            raise self._read_only_jobs("archive")
        perform_as = self._perform_as("archiving")
        reason = self._archive_reason()
        result = WriteResult()
        for record_id in ids:
            # An unknown id is not an error: there is nothing left to archive.
            self.actions.archive_opportunity(record_id, reason, perform_as)
            result.written += 1
        return result

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        """Lever's API cannot delete an opportunity: this archives them, and logs it."""
        if Resource(resource) is Resource.JOB:
            raise self._read_only_jobs("delete")
        result = self.archive_resources(resource, ids)
        logger.warning(
            "lever: the API cannot delete opportunities; archived %d instead", result.written
        )
        return result

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        return events.parse_event(
            Resource(resource),
            raw,
            signature_token=self.settings.webhook_signature_token,
            source=self.name,
        )

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        resource = Resource(resource)
        params: dict[str, Any] = {}
        if resource is Resource.PROFILE and self.settings.expand_applications:
            params["expand"] = "applications"
        found: list[Any] = []
        for record_id in dict.fromkeys(e.resource_id for e in events):
            record = self.actions.get_one(
                _PATHS[resource], record_id, self.native_cls(resource), params
            )
            if record is not None:
                found.append(record)
        return found

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_profile(self, native: LeverOpportunity) -> UnifiedProfile:
        lever = _compact(
            {
                "contact": native.contact,
                "stage": native.stage,
                "origin": native.origin,
                "sources": native.sources,
                "owner": native.owner,
                "followers": native.followers,
                "sourced_by": native.sourced_by,
                "postings": native.postings,
                "applications": native.application_ids,
                "confidentiality": native.confidentiality,
                "archive_reason": native.archive_reason,
                "is_anonymized": native.is_anonymized or None,
                "snoozed_until": _iso(native.snoozed_until),
                "last_interaction_at": _iso(native.last_interaction_at),
                "last_advanced_at": _iso(native.last_advanced_at),
                "phone_types": {p.value: p.type for p in native.phones if p.type},
                "url": native.urls.show if native.urls else None,
            }
        )
        return UnifiedProfile(
            id=native.id,
            source_ids=[ExternalId(system="lever", id=native.id)],
            full_name=native.name,
            emails=native.emails,
            phones=[p.value for p in native.phones],
            location=Location(text=native.location) if native.location else None,
            headline=native.headline,
            tags=native.tags,
            urls=[Link(url=url, type=_link_type(url)) for url in native.links],
            created_at=native.created_at,
            updated_at=native.updated_at,
            archived_at=native.archived_at if native.is_archived else None,
            extra={"lever": lever} if lever else {},
        )

    def from_unified_profile(self, unified: UnifiedProfile) -> LeverOpportunity:
        lever = _lever_extra(unified.extra)
        created = unified.created_at or unified.updated_at or datetime.now(UTC)
        phone_types = lever.get("phone_types")
        types: Mapping[str, Any] = phone_types if isinstance(phone_types, Mapping) else {}
        origin = _text(lever, "origin")
        archived = None
        if unified.archived_at is not None:
            archived = LeverArchived(
                reason=_text(lever, "archive_reason"), archived_at=unified.archived_at
            )
        name = unified.full_name or " ".join(
            part for part in (unified.first_name, unified.last_name) if part
        )
        return LeverOpportunity(
            id=_lever_id(unified.source_ids) or unified.id,
            name=name or None,
            headline=unified.headline,
            contact=_text(lever, "contact"),
            emails=unified.emails,
            phones=[LeverPhone(type=_str_or_none(types.get(p)), value=p) for p in unified.phones],
            location=_location_text(unified.location),
            links=[link.url for link in unified.urls],
            stage=_text(lever, "stage"),
            tags=unified.tags,
            sources=_texts(lever, "sources"),
            origin=origin if origin in _ORIGINS else None,
            owner=_text(lever, "owner"),
            followers=_texts(lever, "followers"),
            postings=_texts(lever, "postings"),
            confidentiality=_text(lever, "confidentiality"),
            archived=archived,
            created_at=created,
            updated_at=unified.updated_at or created,
        )

    def to_unified_job(self, native: LeverPosting) -> UnifiedJob:
        content = native.content or LeverPostingContent()
        urls = native.urls or LeverUrls()
        parts = unified_job_parts(
            native.categories,
            native.salary_range,
            native.workplace_type,
            native.country,
            native.tags,
        )
        lever = _compact(
            {
                **parts.pop("extra"),
                "state": native.state,
                "confidentiality": native.confidentiality,
                "description_html": content.description_html,
                "lists": [item.model_dump() for item in content.lists],
                "closing": content.closing,
                "closing_html": content.closing_html,
                "owner": native.owner,
                "hiring_manager": native.hiring_manager,
                "user": native.user,
                "followers": native.followers,
                "distribution_channels": native.distribution_channels,
                "requisition_codes": native.requisition_codes,
                "salary_description": native.salary_description,
                "list_url": urls.list,
            }
        )
        return UnifiedJob(
            id=native.id,
            reference=native.req_code or next(iter(native.requisition_codes), None),
            source_ids=[ExternalId(system="lever", id=native.id)],
            title=native.text,
            description=content.description,
            url=urls.show,
            apply_url=urls.apply,
            status=_job_status(native.state),
            created_at=native.created_at,
            updated_at=native.updated_at,
            extra={"lever": lever} if lever else {},
            **parts,
        )

    def from_unified_job(self, unified: UnifiedJob) -> LeverPosting:
        lever = _lever_extra(unified.extra)
        parts = job_from_unified_parts(unified, lever)
        created = unified.created_at or unified.updated_at or datetime.now(UTC)
        lists = lever.get("lists")
        return LeverPosting(
            id=_lever_id(unified.source_ids) or unified.id,
            text=unified.title,
            state=_posting_state(unified.status, _text(lever, "state")),
            confidentiality=_text(lever, "confidentiality"),
            distribution_channels=_texts(lever, "distribution_channels"),
            content=LeverPostingContent(
                description=unified.description,
                description_html=_text(lever, "description_html"),
                lists=[LeverList.model_validate(item) for item in lists]
                if isinstance(lists, list)
                else [],
                closing=_text(lever, "closing"),
                closing_html=_text(lever, "closing_html"),
            ),
            owner=_text(lever, "owner"),
            hiring_manager=_text(lever, "hiring_manager"),
            user=_text(lever, "user"),
            followers=_texts(lever, "followers"),
            req_code=unified.reference,
            requisition_codes=_texts(lever, "requisition_codes"),
            salary_description=_text(lever, "salary_description"),
            urls=LeverUrls(
                list=_text(lever, "list_url"), show=unified.url, apply=unified.apply_url
            ),
            created_at=created,
            updated_at=unified.updated_at or created,
            **parts,
        )


# -- create body ----------------------------------------------------------------------------------


def create_body(opp: LeverOpportunity) -> dict[str, Any]:
    """The ``POST /opportunities`` body for an opportunity: the fields Lever takes on create."""
    body: dict[str, Any] = {
        "name": opp.name,
        "headline": opp.headline,
        "location": opp.location,
        "emails": opp.emails,
        "phones": [p.model_dump(exclude_none=True) for p in opp.phones],
        "links": opp.links,
        "tags": opp.tags,
        "sources": opp.sources,
        "origin": opp.origin if opp.origin in _ORIGINS else None,
        "postings": opp.postings,
    }
    return {key: value for key, value in body.items() if value not in (None, [], "")}


# -- posting mapping shared with the public postings connector ------------------------------------

_COMMITMENTS = {
    EmploymentType.FULL_TIME: "Full-time",
    EmploymentType.PART_TIME: "Part-time",
    EmploymentType.CONTRACT: "Contract",
    EmploymentType.TEMPORARY: "Temporary",
    EmploymentType.INTERNSHIP: "Internship",
    EmploymentType.FREELANCE: "Freelance",
}
_WORKPLACES = {
    WorkplaceType.ONSITE: "on-site",
    WorkplaceType.REMOTE: "remote",
    WorkplaceType.HYBRID: "hybrid",
}
_PERIODS = (
    ("hour", SalaryPeriod.HOUR),
    ("day", SalaryPeriod.DAY),
    ("week", SalaryPeriod.WEEK),
    ("month", SalaryPeriod.MONTH),
    ("year", SalaryPeriod.YEAR),
    ("annual", SalaryPeriod.YEAR),
)
_INTERVALS = {
    SalaryPeriod.HOUR: "per-hour-wage",
    SalaryPeriod.DAY: "per-day-wage",
    SalaryPeriod.WEEK: "per-week-salary",
    SalaryPeriod.MONTH: "per-month-salary",
    SalaryPeriod.YEAR: "per-year-salary",
}


def unified_job_parts(
    categories: LeverCategories | None,
    salary: LeverSalaryRange | None,
    workplace: str | None,
    country: str | None,
    tags: Sequence[str],
) -> dict[str, Any]:
    """The `UnifiedJob` fields both Lever posting shapes share, plus an ``extra`` dict."""
    categories = categories or LeverCategories()
    employment = _employment_type(categories.commitment)
    return {
        "location": (
            Location(text=categories.location, country=country)
            if categories.location or country
            else None
        ),
        "workplace_type": _workplace(workplace),
        "employment_type": employment,
        "department": categories.department,
        "team": categories.team,
        "seniority": categories.level,
        "salary": _salary(salary),
        "tags": list(tags),
        "extra": {
            "commitment": categories.commitment,
            "all_locations": categories.all_locations,
            "workplace_type": workplace,
            "salary_interval": salary.interval if salary else None,
            "country": country,
        },
    }


def job_from_unified_parts(unified: UnifiedJob, lever: Mapping[str, Any]) -> dict[str, Any]:
    """The posting fields both Lever posting shapes build from a `UnifiedJob`."""
    commitment = _text(lever, "commitment")
    if _employment_type(commitment) is not unified.employment_type:
        commitment = _COMMITMENTS.get(unified.employment_type) if unified.employment_type else None
    workplace = _text(lever, "workplace_type")
    if _workplace(workplace) is not unified.workplace_type:
        workplace = _WORKPLACES.get(unified.workplace_type) if unified.workplace_type else None
    salary = None
    if unified.salary is not None:
        interval = _text(lever, "salary_interval")
        if _period(interval) is not unified.salary.period:
            interval = _INTERVALS.get(unified.salary.period) if unified.salary.period else None
        salary = LeverSalaryRange(
            min=unified.salary.min,
            max=unified.salary.max,
            currency=unified.salary.currency,
            interval=interval,
        )
    location = unified.location
    return {
        "categories": LeverCategories(
            team=unified.team,
            department=unified.department,
            location=_location_text(location),
            commitment=commitment,
            level=unified.seniority,
            all_locations=_texts(lever, "all_locations"),
        ),
        "salary_range": salary,
        "workplace_type": workplace,
        "country": (location.country if location else None) or _text(lever, "country"),
        "tags": unified.tags,
    }


def _employment_type(commitment: str | None) -> EmploymentType | None:
    if not commitment:
        return None
    try:
        return EmploymentType(commitment)
    except ValueError:
        return EmploymentType.OTHER


def _workplace(value: str | None) -> WorkplaceType | None:
    if not value:
        return None
    try:
        return WorkplaceType(value)
    except ValueError:
        return None  # "unspecified"


def _period(interval: str | None) -> SalaryPeriod | None:
    text = (interval or "").lower()
    return next((period for key, period in _PERIODS if key in text), None)


def _salary(salary: LeverSalaryRange | None) -> SalaryRange | None:
    if salary is None or (salary.min is None and salary.max is None):
        return None
    return SalaryRange(
        min=salary.min, max=salary.max, currency=salary.currency, period=_period(salary.interval)
    )


_STATUSES = {
    "published": JobStatus.OPEN,
    "internal": JobStatus.OPEN,
    "closed": JobStatus.CLOSED,
    "rejected": JobStatus.CLOSED,
    "draft": JobStatus.DRAFT,
    "pending": JobStatus.DRAFT,
}
_STATES = {
    JobStatus.OPEN: "published",
    JobStatus.CLOSED: "closed",
    JobStatus.ARCHIVED: "closed",
    JobStatus.DRAFT: "draft",
}


def _job_status(state: str | None) -> JobStatus | None:
    return _STATUSES.get((state or "").lower())


def _posting_state(status: JobStatus | None, original: str | None) -> str | None:
    if status is None:
        return original
    if _job_status(original) is status:
        return original  # keeps 'internal' / 'pending' through a round trip
    return _STATES[status]


# -- small helpers --------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return format_timestamp(value) if value is not None else None


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, [], {}, "")}


def _lever_extra(extra: Mapping[str, Any]) -> Mapping[str, Any]:
    lever = extra.get("lever")
    return lever if isinstance(lever, Mapping) else {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _text(data: Mapping[str, Any], key: str) -> str | None:
    return _str_or_none(data.get(key))


def _texts(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


def _lever_id(source_ids: Sequence[ExternalId]) -> str | None:
    return next((s.id for s in source_ids if s.system == "lever"), None)


def _location_text(location: Location | None) -> str | None:
    if location is None:
        return None
    if location.text:
        return location.text
    parts = [location.city, location.region, location.country]
    return ", ".join(p for p in parts if p) or None


_LINK_HOSTS = (
    ("linkedin.com", "linkedin"),
    ("github.com", "github"),
    ("twitter.com", "twitter"),
    ("x.com", "twitter"),
)


def _link_type(url: str) -> str | None:
    host = url.lower().split("://", 1)[-1].split("/", 1)[0]
    return next(
        (kind for name, kind in _LINK_HOSTS if host == name or host.endswith("." + name)), None
    )
