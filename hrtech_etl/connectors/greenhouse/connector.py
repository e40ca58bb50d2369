"""`GreenhouseConnector`: Greenhouse Harvest v3 (OAuth2 client credentials), jobs and candidates.

What differs from the metadata-driven defaults, and why:

- `plan_read`: v3 writes time filters as operators in the value (``updated_at=gte|T1|lte|T2``),
  which the engine's one-param-per-bound bindings cannot express; `plan_harvest_read` builds
  them, pushes only what Greenhouse documents (``ids``, ``status``, the time operators) and
  leaves every other WHERE condition in memory, saying so in ``hrtech-etl params``.
- `is_sorted`: lists come ordered by id only, so only the id cursor in the API's own direction
  may checkpoint mid-run; time cursors move when their window completes.
- Writes: v3 creates candidates (``POST /v3/candidates``); it creates jobs only from a template
  and this connector does not update or delete, so those raise `ConnectorError` (see the docs).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import httpx
from pydantic import BaseModel, Field, SecretStr

from hrtech_etl.connectors.greenhouse import events
from hrtech_etl.connectors.greenhouse.actions import HarvestActions, RateLimitResetTransport
from hrtech_etl.connectors.greenhouse.models import (
    MAX_IDS_PER_REQUEST,
    GreenhouseAttachment,
    GreenhouseCandidate,
    GreenhouseDepartment,
    GreenhouseJob,
    GreenhouseLocation,
    GreenhouseOffice,
    GreenhouseTypedValue,
)
from hrtech_etl.core.auth import BaseAuth
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.errors import ConnectorError, HrtechEtlError, HttpError
from hrtech_etl.core.http import HttpPolicy, RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.metadata import FieldMeta, ModelMeta, model_meta
from hrtech_etl.core.models import (
    Attachment,
    EmploymentType,
    Experience,
    ExternalId,
    JobStatus,
    Link,
    Location,
    SalaryRange,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.params import ExplainEntry, QueryPlan, format_param_value, validate_where
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    RecordError,
    Resource,
    SortOrder,
    WarehouseType,
    format_timestamp,
    parse_timestamp,
)

__all__ = [
    "GreenhouseConnector",
    "GreenhouseSettings",
    "custom_field_values",
    "external_id",
    "plan_harvest_read",
]

logger = logging.getLogger("hrtech_etl.connectors.greenhouse")

SYSTEM = "greenhouse"
_PATHS = {Resource.JOB: "/jobs", Resource.PROFILE: "/candidates"}
_SOCIAL_HOSTS = ("linkedin.", "twitter.", "x.com", "github.", "facebook.", "instagram.")


class GreenhouseSettings(HttpSettings):
    # v3 counts requests in fixed 30-second windows and publishes no ceiling; 50 stays under
    # the limits integrations report (the server's 429 + Retry-After is honoured anyway).
    rate_limit_requests: int = Field(50, ge=1, description="Requests per rate_limit_window")
    rate_limit_window: float = Field(30.0, gt=0, description="Seconds")
    id_order: Literal["desc", "asc"] = Field(
        "desc", description="The order v3 lists records in (by id); decides is_sorted"
    )
    resolve_names: bool = Field(
        True, description="Read /departments and /offices once to name a job's department/office"
    )
    webhook_secret: SecretStr | None = Field(
        None, description="The webhook's secret key; deliveries are then verified"
    )
    apply_to_job_id: int | None = Field(
        None, description="Created candidates get an application on this job"
    )


# -- query planning -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Bounds:
    """The tightest lower and upper bound asked of one operator-syntax time filter."""

    lower: tuple[Operator, datetime] | None = None
    upper: tuple[Operator, datetime] | None = None

    def add(self, op: Operator, value: datetime) -> None:
        if op in (Operator.GT, Operator.GTE):
            if self.lower is None or (value, op is Operator.GT) > (
                self.lower[1],
                self.lower[0] is Operator.GT,
            ):
                self.lower = (op, value)
        elif self.upper is None or (value, op is not Operator.LT) < (
            self.upper[1],
            self.upper[0] is not Operator.LT,
        ):
            self.upper = (op, value)

    def render(self) -> str:
        """``gte|2024-01-01T00:00:00Z|lte|2024-02-01T00:00:00Z`` (lower bound first).

        Times go out in whole seconds, widened outwards (lower bounds rounded down, upper ones
        up): never narrower than asked, and the engine re-checks the exact bounds in memory.
        """
        parts: list[str] = []
        if self.lower is not None:
            op, value = self.lower
            parts += [op.value, format_timestamp(value.replace(microsecond=0))]
        if self.upper is not None:
            op, value = self.upper
            if value.microsecond:
                value = value.replace(microsecond=0) + timedelta(seconds=1)
            parts += [op.value, format_timestamp(value)]
        return "|".join(parts)


@dataclass(slots=True)
class _Pending:
    """An explain entry whose params are known once every bound is merged."""

    subject: str
    field_name: str
    note: str = ""


@dataclass(slots=True)
class _Planner:
    meta: ModelMeta
    operator_fields: frozenset[str]
    plan: QueryPlan = field(default_factory=QueryPlan)
    bounds: dict[str, _Bounds] = field(default_factory=dict)
    entries: list[ExplainEntry | _Pending] = field(default_factory=list)

    def memory(self, subject: str, note: str) -> None:
        self.entries.append(ExplainEntry(subject, "memory", {}, note))

    def bound(self, name: str, op: Operator, value: Any) -> None:
        self.bounds.setdefault(name, _Bounds()).add(op, parse_timestamp(value))

    def finish(self) -> QueryPlan:
        for name, bounds in self.bounds.items():
            self.plan.params[name] = bounds.render()
        for entry in self.entries:
            if isinstance(entry, _Pending):
                params = {entry.field_name: self.plan.params[entry.field_name]}
                entry = ExplainEntry(entry.subject, "pushed+memory", params, entry.note)
            self.plan.entries.append(entry)
        return self.plan


def plan_harvest_read(
    model: type[BaseModel],
    where: Sequence[Condition] | None,
    cursor: Cursor | None,
    window_end: str | None = None,
) -> QueryPlan:
    """What a Harvest v3 list request sends, and what runs in memory.

    Pushed: the cursor window and range conditions on the model's ``operator_filters`` (merged
    into one ``op|time[|op|time]`` value per field, the tightest bound on each side), EQ on
    fields with a declared ``param`` (``ids``, ``status``) and IN on fields with an
    ``in_binding`` (``ids``, csv, at most 50 values). Everything else runs in memory; pushed
    ranges are re-checked in memory too.
    """
    meta = model_meta(model)
    operator_fields: frozenset[str] = getattr(model, "operator_filters", frozenset())
    planner = _Planner(meta, operator_fields)
    conditions = validate_where(meta, where)

    if cursor is not None:
        fmeta = meta.cursor_field(cursor.mode)
        planner.plan.cursor_field = fmeta
        ascending = cursor.sort_by is SortOrder.ASC
        start = cursor.resume_value
        lower, upper = (start, window_end) if ascending else (window_end, start)
        subject = f"cursor {fmeta.name} {'>=' if ascending else '<='} {start}"
        if window_end is not None:
            subject += f" and {'<=' if ascending else '>='} {window_end}"
        note = f"order {cursor.sort_by.value}"
        if lower is None and upper is None:
            planner.memory(subject, "no bound yet: reads all; " + note)
        elif fmeta.name in operator_fields:
            if lower is not None:
                planner.bound(fmeta.name, Operator.GTE, lower)
            if upper is not None:
                planner.bound(fmeta.name, Operator.LTE, upper)
            planner.entries.append(_Pending(subject, fmeta.name, note))
        else:
            planner.memory(
                subject, "Harvest v3 cannot filter ids by range: reads every page; " + note
            )

    for cond in conditions:
        _plan_condition(planner, meta.fields[cond.field], cond)
    return planner.finish()


def _plan_condition(planner: _Planner, fmeta: FieldMeta, cond: Condition) -> None:
    plan, subject = planner.plan, str(cond)
    if cond.op.is_range and fmeta.name in planner.operator_fields:
        planner.bound(fmeta.name, cond.op, cond.value)
        plan.memory_where.append(cond)
        planner.entries.append(_Pending(subject, fmeta.name))
        return
    param: str | None = None
    value: Any = None
    why = "Greenhouse has no filter for it"
    if cond.op is Operator.EQ and Operator.EQ in fmeta.params and cond.value is not None:
        param, value = fmeta.params[Operator.EQ], format_param_value(fmeta, cond.value)
    elif cond.op is Operator.IN and fmeta.in_binding is not None:
        values = list(cond.value) if isinstance(cond.value, list | tuple | set) else [cond.value]
        if None in values:
            why = "Greenhouse cannot filter on a null value"
        elif len(values) > MAX_IDS_PER_REQUEST:
            why = f"more than {MAX_IDS_PER_REQUEST} values, Greenhouse's cap for one request"
        else:
            param = fmeta.in_binding.query_field
            value = ",".join(str(format_param_value(fmeta, v)) for v in dict.fromkeys(values))
    if param is not None and param in plan.params:
        why, param = f"{param} already set by another condition", None
    if param is None:
        plan.memory_where.append(cond)
        planner.memory(subject, why)
        return
    plan.params[param] = value
    note = "as csv" if cond.op is Operator.IN else ""
    planner.entries.append(ExplainEntry(subject, "pushed", {param: value}, note))


# -- the connector --------------------------------------------------------------------------------


@dataclass(slots=True)
class _OrgNames:
    departments: dict[int, GreenhouseDepartment] = field(default_factory=dict)
    offices: dict[int, GreenhouseOffice] = field(default_factory=dict)


class GreenhouseConnector(HttpConnector):
    name: ClassVar[str] = SYSTEM
    label: ClassVar[str] = "Greenhouse Harvest v3 (OAuth2 client credentials)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.ATS
    job_native_cls: ClassVar[type[BaseModel] | None] = GreenhouseJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = GreenhouseCandidate
    settings_cls: ClassVar[type[ConnectorSettings]] = GreenhouseSettings
    default_base_url: ClassVar[str] = "https://harvest.greenhouse.io/v3"
    settings: GreenhouseSettings

    def __init__(self, auth: BaseAuth | Mapping[str, Any] | None = None, **options: Any) -> None:
        super().__init__(auth, **options)
        self._names: _OrgNames | None = None
        self._names_lock = threading.Lock()

    def http_policy(self) -> HttpPolicy:
        settings = self.settings
        if settings.requests_per_second is not None:
            return super().http_policy()
        # Greenhouse counts requests in windows: a bucket of one window's worth, refilled evenly.
        limit = RateLimit(
            settings.rate_limit_requests / settings.rate_limit_window,
            burst=settings.rate_limit_requests,
        )
        return replace(super().http_policy(), rate_limit=limit)

    def http_transport(self) -> httpx.BaseTransport | None:
        return RateLimitResetTransport()  # X-RateLimit-Reset → Retry-After

    @property
    def actions(self) -> HarvestActions:
        return HarvestActions(self.client)

    # -- reading ----------------------------------------------------------------------------------
    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        model = cls.native_cls(resource)
        if op.is_range and field.name in getattr(model, "operator_filters", frozenset()):
            return f"{field.name}={op.value}|<time>"
        if op is Operator.EQ and Operator.EQ in field.params:
            return field.params[Operator.EQ]
        if op is Operator.IN and field.in_binding is not None:
            return f"{field.in_binding.query_field} (csv, ≤{MAX_IDS_PER_REQUEST})"
        return "(in memory)"

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        return plan_harvest_read(self.native_cls(resource), where, cursor, window_end)

    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        # Lists come by id only, whatever the filters: only the id cursor read in the API's own
        # direction arrives in order; time cursors checkpoint when their window completes.
        listed = SortOrder.DESC if self.settings.id_order == "desc" else SortOrder.ASC
        return CursorMode(mode) is CursorMode.UID and SortOrder(order) is listed

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        resource = Resource(resource)
        return self.actions.iter_pages(
            _PATHS[resource], self.native_cls(resource), request.params, request.page_size
        )

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Create candidates (``POST /v3/candidates``); jobs cannot be written.

        A candidate that already has a Greenhouse id is reported as failed: v3 updates are not
        supported by this connector. Greenhouse assigns ids, so a retried batch may create a
        candidate twice; dedupe upstream (e.g. HAVING on a field) when that matters.
        """
        resource = Resource(resource)
        if resource is Resource.JOB:
            raise ConnectorError(
                "greenhouse: writing jobs is not supported: Harvest v3 creates jobs only from a "
                "template job, and this connector does not edit jobs"
            )
        result = WriteResult()
        for record in resources:
            candidate = (
                record
                if isinstance(record, GreenhouseCandidate)
                else GreenhouseCandidate.model_validate(record)
            )
            if candidate.id is not None:
                result.failed.append(
                    RecordError(
                        stage="write",
                        resource_id=str(candidate.id),
                        error="greenhouse: updating an existing candidate is not supported "
                        "(only new candidates are created)",
                        record=candidate.model_dump(mode="json"),
                    )
                )
                continue
            try:
                self.actions.create_candidate(self.create_body(candidate))
            except HttpError as exc:
                if exc.status != 422:
                    raise
                result.failed.append(
                    RecordError(
                        stage="write",
                        error=f"greenhouse refused the candidate: {exc.detail or exc}",
                        record=candidate.model_dump(mode="json"),
                    )
                )
                continue
            result.written += 1
        return result

    def create_body(self, candidate: GreenhouseCandidate) -> dict[str, Any]:
        """The ``POST /v3/candidates`` body for ``candidate`` (empty fields left out)."""
        body: dict[str, Any] = {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "company": candidate.company,
            "title": candidate.title,
        }
        for name in (
            "email_addresses",
            "phone_numbers",
            "addresses",
            "website_addresses",
            "social_media_addresses",
        ):
            values: list[GreenhouseTypedValue] = getattr(candidate, name)
            body[name] = [v.model_dump(exclude_none=True) for v in values]
        body["tags"] = list(candidate.tags)
        if self.settings.apply_to_job_id is not None:
            body["application"] = {"job_id": self.settings.apply_to_job_id}
        return {k: v for k, v in body.items() if v not in (None, [], "")}

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError(
            f"greenhouse: deleting {Resource(resource).value}s is not supported by this connector"
        )

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError(
            f"greenhouse: archiving {Resource(resource).value}s is not supported by this connector"
        )

    # -- events -----------------------------------------------------------------------------------
    def verify_signature(self, body: bytes, header: str) -> bool:
        """Whether ``header`` (``Signature: sha256 <hex>``) signs ``body`` with the secret."""
        secret = self._webhook_secret()
        if secret is None:
            raise ConnectorError("greenhouse: set the webhook_secret option to verify webhooks")
        return events.verify_signature(body, header, secret)

    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        """A Harvest webhook as a unified event (see `events` for the two accepted forms).

        With ``webhook_secret`` set, only verified deliveries are accepted; a wrong signature
        raises `events.InvalidSignatureError`.
        """
        return events.parse_harvest_event(Resource(resource), raw, self._webhook_secret())

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        resource = Resource(resource)
        ids = [int(e.resource_id) for e in events if e.resource_id.isdigit()]
        wanted = list(dict.fromkeys(ids))
        return self.actions.get_by_ids(_PATHS[resource], self.native_cls(resource), wanted)

    def _webhook_secret(self) -> str | None:
        secret = self.settings.webhook_secret
        return secret.get_secret_value() if secret is not None else None

    # -- unified: jobs ----------------------------------------------------------------------------
    def to_unified_job(self, native: GreenhouseJob) -> UnifiedJob:
        departments = native.departments or self._lookup_departments(native.department_id)
        offices = native.offices or self._lookup_offices(native.office_ids)
        custom = custom_field_values(native.custom_fields, native.keyed_custom_fields)
        office = offices[0] if offices else None
        location_text = (office.location_name or office.name) if office else None
        extra: dict[str, Any] = {
            **(native.model_extra or {}),
            "custom_fields": native.custom_fields,
            "keyed_custom_fields": native.keyed_custom_fields,
            "confidential": native.confidential,
            "is_template": native.is_template,
            "copied_from_id": native.copied_from_id,
            "notes": native.notes,
            "department_id": native.department_id
            if native.department_id is not None
            else next((d.id for d in departments), None),
            "office_ids": native.office_ids or [o.id for o in offices if o.id is not None],
            "offices": [o.name for o in offices if o.name],
        }
        return UnifiedJob(
            id=str(native.id),
            reference=native.requisition_id,
            source_ids=[ExternalId(system=SYSTEM, id=str(native.id))],
            title=native.name,
            location=Location(text=location_text) if location_text else None,
            department=next((d.name for d in departments if d.name), None),
            employment_type=_employment_type(custom.get("employment_type")),
            salary=_salary(custom.get("salary_range")),
            status=JobStatus(native.status) if native.status else None,
            created_at=native.created_at,
            updated_at=native.updated_at,
            published_at=native.opened_at,
            closed_at=native.closed_at,
            extra={k: v for k, v in extra.items() if v not in (None, [], {})},
        )

    def from_unified_job(self, unified: UnifiedJob) -> GreenhouseJob:
        extra = _extra_fields(GreenhouseJob, unified)
        job_id = external_id(unified.source_ids, SYSTEM) or (
            unified.id if unified.id.isdigit() else None
        )
        if job_id is None:
            raise ValueError(f"job {unified.id!r} has no Greenhouse id")
        department_id = extra.pop("department_id", None)
        office_ids: list[int] = extra.pop("office_ids", None) or []
        office_names: list[str] = extra.pop("offices", None) or []
        location = unified.location.text if unified.location else None
        # Embedded like webhook payloads, so names survive without a lookup; the first office
        # carries the job's location.
        offices = [
            GreenhouseOffice(
                id=office_ids[i] if i < len(office_ids) else None,
                name=office_names[i] if i < len(office_names) else None,
                location=GreenhouseLocation(name=location) if i == 0 and location else None,
            )
            for i in range(max(len(office_ids), len(office_names), 1 if location else 0))
        ]
        custom = dict(extra.pop("custom_fields", None) or {})
        if unified.employment_type is not None:
            custom.setdefault("employment_type", unified.employment_type.value)
        if unified.salary is not None:
            custom.setdefault(
                "salary_range",
                {
                    "min_value": unified.salary.min,
                    "max_value": unified.salary.max,
                    "unit": unified.salary.currency,
                },
            )
        status = unified.status.value if unified.status else None
        now = datetime.now(UTC)
        fields: dict[str, Any] = {
            "id": int(job_id),
            "name": unified.title or "",
            "requisition_id": unified.reference,
            "status": "closed" if status == JobStatus.ARCHIVED.value else status,
            "department_id": department_id,
            "office_ids": office_ids,
            "departments": [GreenhouseDepartment(id=department_id, name=unified.department)]
            if unified.department
            else [],
            "offices": offices,
            "opened_at": unified.published_at,
            "closed_at": unified.closed_at or unified.archived_at,
            "created_at": unified.created_at or unified.updated_at or now,
            "updated_at": unified.updated_at or unified.created_at or now,
            "custom_fields": custom,
        }
        return GreenhouseJob.model_validate({**extra, **fields})

    # -- unified: candidates ----------------------------------------------------------------------
    def to_unified_profile(self, native: GreenhouseCandidate) -> UnifiedProfile:
        if native.id is None:
            raise ValueError("a candidate without a Greenhouse id cannot be read as a profile")
        experiences = (
            [Experience(company=native.company, title=native.title, is_current=True)]
            if native.company or native.title
            else []
        )
        urls = [Link(url=w.value, type=w.type or "website") for w in native.website_addresses]
        urls += [
            Link(url=s.value, type=s.type or _social_kind(s.value))
            for s in native.social_media_addresses
        ]
        extra: dict[str, Any] = {
            **(native.model_extra or {}),
            "custom_fields": native.custom_fields,
            "keyed_custom_fields": native.keyed_custom_fields,
            "private": native.private,
            "company": native.company,
            "recruiter": _dump(native.recruiter),
            "coordinator": _dump(native.coordinator),
            "application_ids": native.application_ids,
            "applications": native.applications,
            "last_activity_at": format_timestamp(native.last_activity_at)
            if native.last_activity_at
            else None,
            # Kinds of each contact (work e-mail, mobile phone...), for the way back.
            "contact_types": _contact_types(native),
        }
        return UnifiedProfile(
            id=str(native.id),
            source_ids=[ExternalId(system=SYSTEM, id=str(native.id))],
            first_name=native.first_name,
            last_name=native.last_name,
            emails=[e.value for e in native.email_addresses],
            phones=[p.value for p in native.phone_numbers],
            location=Location(text=native.addresses[0].value) if native.addresses else None,
            headline=native.title,
            experiences=experiences,
            tags=native.tags,
            attachments=[
                Attachment(type=a.type, url=a.url, filename=a.filename) for a in native.attachments
            ],
            urls=urls,
            created_at=native.created_at,
            updated_at=native.updated_at,
            extra={k: v for k, v in extra.items() if v not in (None, [], {})},
        )

    def from_unified_profile(self, unified: UnifiedProfile) -> GreenhouseCandidate:
        extra = _extra_fields(GreenhouseCandidate, unified)
        types: dict[str, dict[str, str]] = extra.pop("contact_types", None) or {}
        candidate_id = external_id(unified.source_ids, SYSTEM)
        first, last = unified.first_name, unified.last_name
        if not (first and last) and unified.full_name:
            split_first, _, split_last = unified.full_name.strip().rpartition(" ")
            first = first or split_first or None
            last = last or split_last or None
        current = next((e for e in unified.experiences if e.is_current), None)
        current = current or (unified.experiences[0] if unified.experiences else None)
        social = [u for u in unified.urls if _social_kind(u.url) != "website"]
        websites = [u for u in unified.urls if _social_kind(u.url) == "website"]

        def typed(kind: str, values: Sequence[str], default: str) -> list[dict[str, str]]:
            known = types.get(kind, {})
            return [{"value": v, "type": known.get(v, default)} for v in values]

        fields: dict[str, Any] = {
            "id": int(candidate_id) if candidate_id else None,
            "first_name": first,
            "last_name": last,
            "company": (current.company if current else None) or extra.pop("company", None),
            "title": unified.headline or (current.title if current else None),
            "private": extra.pop("private", None),
            "email_addresses": typed("email_addresses", unified.emails, "personal"),
            "phone_numbers": typed("phone_numbers", unified.phones, "mobile"),
            "addresses": typed(
                "addresses",
                [unified.location.text] if unified.location and unified.location.text else [],
                "home",
            ),
            "website_addresses": typed("website_addresses", [u.url for u in websites], "personal"),
            "social_media_addresses": [{"value": u.url} for u in social],
            "tags": unified.tags,
            "attachments": [
                GreenhouseAttachment(type=a.type, url=a.url, filename=a.filename)
                for a in unified.attachments
            ],
            "custom_fields": extra.pop("custom_fields", None) or {},
            "created_at": unified.created_at,
            "updated_at": unified.updated_at,
        }
        extra.pop("company", None)
        return GreenhouseCandidate.model_validate({**extra, **fields})

    # -- department and office names --------------------------------------------------------------
    def _lookup_departments(self, department_id: int | None) -> list[GreenhouseDepartment]:
        if department_id is None:
            return []
        found = self._org_names().departments.get(department_id)
        return [found or GreenhouseDepartment(id=department_id)]

    def _lookup_offices(self, office_ids: Sequence[int]) -> list[GreenhouseOffice]:
        if not office_ids:
            return []
        known = self._org_names().offices
        return [known.get(i) or GreenhouseOffice(id=i) for i in office_ids]

    def _org_names(self) -> _OrgNames:
        """Departments and offices by id, read once per connector (when ``resolve_names``)."""
        with self._names_lock:
            if self._names is None:
                self._names = _OrgNames()
                if self.settings.resolve_names:
                    try:
                        departments = self.actions.list_all("/departments", GreenhouseDepartment)
                        offices = self.actions.list_all("/offices", GreenhouseOffice)
                    except HrtechEtlError as exc:
                        # Names are a convenience: jobs keep their ids in ``extra`` without them.
                        logger.warning(
                            "greenhouse: department/office names unavailable (%s); "
                            "jobs keep their ids only",
                            exc,
                        )
                    else:
                        self._names.departments = {d.id: d for d in departments if d.id}
                        self._names.offices = {o.id: o for o in offices if o.id}
            return self._names


# -- helpers --------------------------------------------------------------------------------------


def external_id(source_ids: Sequence[ExternalId], system: str) -> str | None:
    """The id a record has in ``system``, if the unified record carries it."""
    return next((s.id for s in source_ids if s.system == system), None)


def _extra_fields(model: type[BaseModel], unified: UnifiedJob | UnifiedProfile) -> dict[str, Any]:
    """``unified.extra`` to merge into a native record.

    A record that came from Greenhouse keeps every key (they are Greenhouse's own fields); one
    from another system loses the keys that would land on a Greenhouse field of the same name
    with some other meaning.
    """
    if external_id(unified.source_ids, SYSTEM) is not None:
        return dict(unified.extra)
    return {k: v for k, v in unified.extra.items() if k not in model.model_fields}


def custom_field_values(
    custom_fields: Mapping[str, Any], keyed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``{key: value}`` from Greenhouse custom fields, plain or ``{name, type, value}`` shaped."""
    values: dict[str, Any] = {}
    for source in (keyed or {}, custom_fields):
        for key, item in source.items():
            if isinstance(item, Mapping) and "value" in item and "type" in item:
                item = item["value"]
            values.setdefault(str(key), item)
    return values


def _employment_type(value: Any) -> EmploymentType | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return EmploymentType(value)
    except ValueError:
        return None  # the raw value stays in extra.custom_fields


def _salary(value: Any) -> SalaryRange | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return SalaryRange(
            min=_number(value.get("min_value")),
            max=_number(value.get("max_value")),
            currency=value.get("unit"),
        )
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _social_kind(url: str) -> str:
    lowered = url.lower()
    for host in _SOCIAL_HOSTS:
        if host in lowered:
            return host.rstrip(".").split(".")[0] if host != "x.com" else "twitter"
    return "website"


def _contact_types(native: GreenhouseCandidate) -> dict[str, dict[str, str]]:
    kinds: dict[str, dict[str, str]] = {}
    for name in ("email_addresses", "phone_numbers", "addresses", "website_addresses"):
        values: list[GreenhouseTypedValue] = getattr(native, name)
        typed = {v.value: v.type for v in values if v.type}
        if typed:
            kinds[name] = typed
    return kinds


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    return model.model_dump(mode="json", exclude_none=True) if model is not None else None
