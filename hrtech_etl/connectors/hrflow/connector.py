"""`HrFlowConnector`: jobs in an HrFlow.ai Board, profiles in a Source (Storing + Indexing APIs).

Reading uses the Storing list endpoints (no paid Searching module needed). Decisions the API
leaves open, and how this connector settles them (``docs/connectors/hrflow.md`` has the table):

- **created_at** windows are pushed as ``created_at_min`` / ``created_at_max``, widened by one
  second on each side: whether HrFlow's bounds are inclusive is unconfirmed, and the engine
  re-checks the exact bounds in memory, so the widening can only add records it then drops.
- **updated_at** has no range param. An ascending updated_at read is therefore sent as
  ``sort_by=updated_at&order_by=desc`` and stops at the first page that reaches below the
  cursor: only the changed records (plus one page) are read, instead of the whole board on
  every run. Newest-first pages also stay safe when records change mid-read (a changed record
  moves to page one, so later pages shift towards re-reading, never towards skipping), which
  an ascending offset read of updated_at could not promise. Those reads are not in cursor
  order, so `is_sorted` says so and the state moves when the window completes.
- **name** EQ is pushed and re-checked in memory (whether ``name`` matches exactly is
  unconfirmed). Other conditions without a param (``name contains``, ``summary contains``,
  ``archived_at eq null``) run in memory.
- **Upsert by reference**: each record is looked up with ``GET .../indexing?reference=``
  first (as HrFlow's own connectors do), then created (POST) or edited (PUT with its key).
  A record without a reference uses its key as one. Archival follows ``archived_at``.
- **Deletes archive**: HrFlow has no hard delete; ``delete_resources`` archives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator

from hrtech_etl.connectors.hrflow import events
from hrtech_etl.connectors.hrflow.actions import (
    HrFlowActions,
    container_list,
    endpoints_for,
    is_not_found,
)
from hrtech_etl.connectors.hrflow.models import (
    HrFlowAttachment,
    HrFlowEducation,
    HrFlowEntity,
    HrFlowExperience,
    HrFlowInfo,
    HrFlowJob,
    HrFlowLocation,
    HrFlowProfile,
    HrFlowRangeFloat,
    HrFlowSection,
    HrFlowSkill,
    HrFlowUrl,
    is_key,
)
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.errors import ConfigError, ConnectorError, HttpError
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import (
    Attachment,
    Board,
    Education,
    EmploymentType,
    Experience,
    ExternalId,
    JobStatus,
    Language,
    Link,
    Location,
    SalaryPeriod,
    SalaryRange,
    Skill,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
    WorkplaceType,
)
from hrtech_etl.core.params import ExplainEntry, QueryPlan, format_param_value
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    RecordError,
    Resource,
    SortOrder,
    WarehouseType,
    parse_timestamp,
)

__all__ = ["HrFlowConnector", "HrFlowSettings"]

DEFAULT_BASE_URL = "https://api.hrflow.ai/v1"
# HrFlow publishes no rate limit (the SDK only offers an opt-in client-side limiter): stay
# well under anything a shared API would tolerate. Raise it with `requests_per_second`.
DEFAULT_REQUESTS_PER_SECOND = 5.0
# created_at bounds are sent this much wider than asked (inclusivity unconfirmed).
BOUND_MARGIN = timedelta(seconds=1)

# Unified fields with no HrFlow field travel as tags (searchable) or metadatas under these
# names, so a round trip through HrFlow gives them back.
_JOB_TAG_FIELDS = ("employment_type", "workplace_type", "remote", "department", "team", "seniority")
_JOB_META_FIELDS = ("apply_url", "published_at", "closed_at", "salary_period")
_PROFILE_META_FIELDS = ("headline", "attachments", "emails", "phones")
# unified.extra["hrflow"]: HrFlow fields with no unified equivalent, restored on the way back.
HRFLOW_EXTRA = "hrflow"
# Written by HrFlow itself; never sent on a write.
_SERVER_FIELDS = frozenset(
    {"id", "key", "board", "source", "board_key", "source_key", "updated_at", "archived_at"}
)
_E = TypeVar("_E", bound=Enum)
_SALARY_UNITS = {"euro": "EUR", "euros": "EUR", "€": "EUR", "dollar": "USD", "dollars": "USD"}
_SALARY_UNITS.update({"$": "USD", "pound": "GBP", "pounds": "GBP", "£": "GBP"})


class HrFlowSettings(HttpSettings):
    """Options of the ``hrflow`` connector (auth goes in the profile's ``auth`` table)."""

    board_key: str | None = Field(
        None, description="Board the jobs are read from and written to (40 hex characters)"
    )
    source_key: str | None = Field(
        None, description="Source the profiles are read from and written to (40 hex characters)"
    )

    @field_validator("board_key", "source_key")
    @classmethod
    def _hrflow_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not is_key(value):
            raise ValueError("must be an HrFlow key: 40 lowercase hexadecimal characters")
        return value


class HrFlowConnector(HttpConnector):
    name: ClassVar[str] = "hrflow"
    label: ClassVar[str] = "HrFlow.ai"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.CRM
    job_native_cls: ClassVar[type[BaseModel] | None] = HrFlowJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = HrFlowProfile
    settings_cls: ClassVar[type[ConnectorSettings]] = HrFlowSettings
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL
    sort_param_name: ClassVar[str | None] = "sort_by"
    order_param_name: ClassVar[str | None] = "order_by"
    # HrFlow publishes no server-side limit: a conservative client-side default.
    rate_limit: ClassVar[RateLimit | None] = RateLimit(
        DEFAULT_REQUESTS_PER_SECOND, burst=max(1, int(DEFAULT_REQUESTS_PER_SECOND))
    )
    settings: HrFlowSettings

    @property
    def actions(self) -> HrFlowActions:
        return HrFlowActions(self.client, self.name)

    def container_key(self, resource: Resource) -> str:
        """The board (jobs) or source (profiles) this connector reads and writes."""
        resource = Resource(resource)
        key = self.settings.board_key if resource is Resource.JOB else self.settings.source_key
        if key is None:
            option = endpoints_for(resource).container
            raise ConfigError(
                f"connector 'hrflow': {resource.value}s need options.{option} "
                f"(the {endpoints_for(resource).container_name}'s 40-hex key)"
            )
        return key

    def resource_id_getter(self, resource: Resource) -> Callable[[Any], str]:
        # No id cursor (HrFlow keys have no order), so the id is not declared in metadata:
        # the key for records HrFlow returned, the reference for records about to be written.
        return lambda native: str(native.key or native.reference or "")

    # -- reading ----------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        # created_at: sorted as asked. updated_at asc is read newest first (see plan_read).
        mode, order = CursorMode(mode), SortOrder(order)
        if mode is CursorMode.CREATED_AT:
            return True
        return mode is CursorMode.UPDATED_AT and order is SortOrder.DESC

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        resource = Resource(resource)
        plan = super().plan_read(resource, where, cursor, window_end)
        ends = endpoints_for(resource)
        if ends.containers not in plan.params:
            plan.params[ends.containers] = container_list([self.container_key(resource)])
        plan.params[ends.return_full] = "True"  # spelled as the official SDK sends it
        _widen_created_bounds(plan, self.native_cls(resource))
        _recheck_name_eq(plan, where or [])
        if CursorMode(cursor.mode) is CursorMode.UPDATED_AT:
            _read_updated_newest_first(plan, cursor, self.order_param_name or "order_by")
        return plan

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        resource = Resource(resource)
        return self.actions.iter_pages(
            resource,
            self.native_cls(resource),
            request.params,
            request.page_size,
            stop_after=_stop_below(request, self.order_param_name or "order_by"),
        )

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Upsert each record by reference (HrFlow has no batch endpoint)."""
        resource = Resource(resource)
        container = self.container_key(resource)
        result = WriteResult()
        for record in resources:
            record_id = str(record.reference or record.key or "") or None
            try:
                self._upsert(resource, container, record)
            except HttpError as exc:
                if not _record_level(exc, resource):
                    raise
                result.failed.append(_write_error(exc, record_id, record))
                continue
            except _Rejected as exc:
                result.failed.append(_write_error(exc, record_id, record))
                continue
            result.written += 1
        return result

    def _upsert(self, resource: Resource, container: str, record: Any) -> None:
        actions = self.actions
        payload = _write_payload(record)
        reference = record.reference or record.key
        if not reference:
            raise _Rejected(
                "HrFlow upserts by reference, and this record has neither one nor a key"
            )
        existing = None
        if record.key and not record.reference:
            existing = actions.get(resource, container, key=record.key)
        if existing is None:
            existing = actions.get(resource, container, reference=reference)
        archive = record.archived_at is not None
        if existing is None:
            created = actions.create(resource, container, {**payload, "reference": reference})
            if archive:
                actions.archive(resource, container, key=created.get("key"), reference=reference)
            return
        key = str(existing.get("key") or "") or None
        was_archived = bool(existing.get("archived_at"))
        if was_archived and not archive:
            actions.archive(resource, container, key=key, reference=reference, archived=False)
        body = {**payload, "key": key} if key else {**payload, "reference": reference}
        if existing.get("reference"):
            body.setdefault("reference", existing["reference"])
        actions.edit(resource, container, body)
        if archive and not was_archived:
            actions.archive(resource, container, key=key, reference=reference)

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        """HrFlow has no hard delete: deleting archives (the record stays, with archived_at)."""
        return self.archive_resources(resource, ids)

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        resource = Resource(resource)
        container = self.container_key(resource)
        result = WriteResult()
        for record_id in dict.fromkeys(ids):
            try:
                found = False
                if is_key(record_id):
                    found = self.actions.archive(resource, container, key=record_id)
                if not found:
                    # Ids from other systems are HrFlow references; a missing record is as
                    # archived as it gets, which is the goal.
                    self.actions.archive(resource, container, reference=record_id)
            except HttpError as exc:
                if not _record_level(exc, resource):
                    raise
                result.failed.append(
                    RecordError(stage="delete", resource_id=record_id, error=str(exc))
                )
                continue
            result.written += 1
        return result

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        return events.parse_event(Resource(resource), raw)

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        """The current record of each event's object, by key (or reference); missing ones skipped.

        An event's own ``board_key`` / ``source_key`` (in its payload) wins over the settings.
        """
        resource = Resource(resource)
        model = self.native_cls(resource)
        ends = endpoints_for(resource)
        found: list[Any] = []
        seen: set[str] = set()
        for event in events:
            if event.resource_id in seen:
                continue
            seen.add(event.resource_id)
            container = _event_container(event, ends.object_name, ends.container)
            container = container or self.container_key(resource)
            data = None
            if is_key(event.resource_id):
                data = self.actions.get(resource, container, key=event.resource_id)
            if data is None:
                data = self.actions.get(resource, container, reference=event.resource_id)
            if data is None:
                continue
            try:
                found.append(model.model_validate(data))
            except ValidationError as exc:
                raise ConnectorError(
                    f"hrflow: invalid {ends.object_name}: {exc.errors()[0]}"
                ) from None
        return found

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: HrFlowJob) -> UnifiedJob:
        return job_to_unified(native)

    def from_unified_job(self, unified: UnifiedJob) -> HrFlowJob:
        return job_from_unified(unified)

    def to_unified_profile(self, native: HrFlowProfile) -> UnifiedProfile:
        return profile_to_unified(native)

    def from_unified_profile(self, unified: UnifiedProfile) -> HrFlowProfile:
        return profile_from_unified(unified)


# -- query planning (pure) ------------------------------------------------------------------------


def _widen_created_bounds(plan: QueryPlan, model: type[BaseModel]) -> None:
    """Send created_at bounds one margin wider; the engine re-checks the exact ones."""
    fmeta = model_meta(model).fields["created_at"]
    widened: dict[str, Any] = {}
    for param, step in (
        (fmeta.cursor_start_min, -BOUND_MARGIN),
        (fmeta.cursor_end_max, BOUND_MARGIN),
    ):
        if param and param in plan.params:
            moment = parse_timestamp(plan.params[param]) + step
            widened[param] = plan.params[param] = format_param_value(fmeta, moment)
    if not widened:
        return
    note = "bound widened by 1 s (HrFlow's inclusivity is unconfirmed)"
    plan.entries = [
        dataclasses.replace(
            entry,
            params={k: widened.get(k, v) for k, v in entry.params.items()},
            note=f"{entry.note}; {note}" if entry.note else note,
        )
        if widened.keys() & entry.params.keys()
        else entry
        for entry in plan.entries
    ]


def _recheck_name_eq(plan: QueryPlan, where: Sequence[Condition]) -> None:
    """``name eq`` is pushed, and re-checked in memory: exact matching is unconfirmed."""
    for cond in where:
        if cond.field != "name" or Operator(cond.op) is not Operator.EQ:
            continue
        subject = str(cond)
        for index, entry in enumerate(plan.entries):
            if entry.subject == subject and entry.placement == "pushed":
                plan.entries[index] = dataclasses.replace(
                    entry, placement="pushed+memory", note="exact match unconfirmed"
                )
                plan.memory_where.append(cond)
                break


def _read_updated_newest_first(plan: QueryPlan, cursor: Cursor, order_param: str) -> None:
    """updated_at has no range param: read newest first, stop past the cursor (asc reads)."""
    ascending = SortOrder(cursor.sort_by) is SortOrder.ASC
    if ascending:
        plan.params[order_param] = "desc"
        how = (
            "no updated_at range param in HrFlow: read newest first "
            f"(sort_by=updated_at, {order_param}=desc)"
        )
        how += ", stop past the cursor" if cursor.resume_value else ", no cursor yet: reads all"
    else:
        how = "no updated_at range param in HrFlow: sorted by updated_at desc"
    for index, entry in enumerate(plan.entries):
        if entry.subject.startswith("cursor "):
            plan.entries[index] = ExplainEntry(
                entry.subject, "memory", {}, f"{how}; bounds checked in memory"
            )
            break


def _stop_below(request: ReadRequest, order_param: str) -> Callable[[list[Any]], bool] | None:
    """For newest-first updated_at reads: stop once a page reaches below the lower bound."""
    if CursorMode(request.cursor.mode) is not CursorMode.UPDATED_AT:
        return None
    if request.params.get(order_param) != "desc":
        return None
    ascending = SortOrder(request.cursor.sort_by) is SortOrder.ASC
    lower_text = request.cursor.resume_value if ascending else request.window_end
    if lower_text is None:
        return None
    lower = parse_timestamp(lower_text)

    def below(records: list[Any]) -> bool:
        return any(r.updated_at is not None and r.updated_at < lower for r in records)

    return below


# -- writing (pure) -------------------------------------------------------------------------------


class _Rejected(Exception):
    """A record HrFlow cannot take as it is (reported per record, the batch goes on)."""


def _record_level(exc: HttpError, resource: Resource) -> bool:
    """Whether an HTTP error is about one record (else the whole write must stop)."""
    if exc.status in (401, 403, 408, 429) or exc.status >= 500:
        return False
    if is_not_found(exc, endpoints_for(resource).container_name):
        name = endpoints_for(resource).container_name
        raise ConnectorError(
            f"hrflow: the {name} does not exist, this key cannot see it, or base_url is not "
            f"the API's: {exc}"
        ) from None
    return True


def _write_error(exc: Exception, record_id: str | None, record: Any) -> RecordError:
    dumped = record.model_dump(mode="json") if isinstance(record, BaseModel) else None
    return RecordError(stage="write", resource_id=record_id, error=str(exc), record=dumped)


def _write_payload(record: BaseModel) -> dict[str, Any]:
    """What a write sends: the object without the fields HrFlow sets itself.

    Unset (None) values are left out, so a PUT never blanks a field by accident; lists are
    always sent (an empty list clears the stored one).
    """
    data = record.model_dump(mode="json", exclude_none=True)
    payload = {k: v for k, v in data.items() if k not in _SERVER_FIELDS}
    payload.pop("attachments", None)  # profiles: HrFlow manages attachments itself
    return payload


def _event_container(event: Any, object_name: str, container: str) -> str | None:
    payload = event.payload or {}
    obj = payload.get(object_name) if isinstance(payload, Mapping) else None
    value = obj.get(container) if isinstance(obj, Mapping) else None
    return value if is_key(value) else None


# -- unified mapping (pure) -----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _location_to_unified(location: HrFlowLocation | None) -> Location | None:
    if location is None:
        return None
    fields = location.fields if isinstance(location.fields, dict) else {}
    unified = Location(
        text=location.text,
        address=_text(fields.get("road")),
        city=_text(fields.get("city")),
        region=_text(fields.get("state")),
        postal_code=_text(fields.get("postcode")),
        country=_text(fields.get("country")),
        lat=location.lat if location.lat is not None and -90 <= location.lat <= 90 else None,
        lon=location.lng if location.lng is not None and -180 <= location.lng <= 180 else None,
    )
    return None if unified == Location() else unified


def _location_from_unified(
    location: Location | None, raw_fields: Any = None
) -> HrFlowLocation | None:
    if location is None:
        return None
    parts = (location.address, location.city, location.region, location.country)
    text = location.text or ", ".join(p for p in parts if p) or None
    fields: dict[str, Any] | None = dict(raw_fields) if isinstance(raw_fields, dict) else None
    if fields is None:
        named = {
            "road": location.address,
            "city": location.city,
            "state": location.region,
            "postcode": location.postal_code,
            "country": location.country,
        }
        fields = {k: v for k, v in named.items() if v} or None
    return HrFlowLocation(text=text, lat=location.lat, lng=location.lon, fields=fields)


def _tag_text(tag: HrFlowEntity) -> str | None:
    """``{name: "x", value: True}`` → "x"; ``{name: "k", value: "v"}`` → "k:v"."""
    if not tag.name:
        return None
    if tag.value in (None, "", True):
        return tag.name
    return f"{tag.name}:{tag.value}"


def _tag_from_text(text: str) -> HrFlowEntity:
    name, sep, value = text.partition(":")
    return (
        HrFlowEntity(name=name, value=value)
        if sep and name
        else HrFlowEntity(name=text, value=True)
    )


def _split_named(
    entities: Sequence[HrFlowEntity], reserved: Sequence[str]
) -> tuple[dict[str, Any], list[HrFlowEntity]]:
    """The entities whose name is reserved (as a dict) and the others, in order."""
    named: dict[str, Any] = {}
    rest: list[HrFlowEntity] = []
    for entity in entities:
        name = entity.name
        if name is not None and name in reserved and name not in named:
            named[name] = entity.value
        else:
            rest.append(entity)
    return named, rest


def _metadatas_to_extra(metadatas: Sequence[HrFlowEntity]) -> dict[str, Any]:
    return {m.name: m.value for m in metadatas if m.name}


def _extra_to_metadatas(extra: Mapping[str, Any]) -> list[HrFlowEntity]:
    return [HrFlowEntity(name=k, value=v) for k, v in extra.items() if k != HRFLOW_EXTRA]


def _named_entities(values: Mapping[str, Any]) -> list[HrFlowEntity]:
    return [HrFlowEntity(name=k, value=v) for k, v in values.items() if v is not None]


def _skills_to_unified(skills: Sequence[HrFlowSkill]) -> list[Skill]:
    return [Skill(name=s.name, type=s.type, level=_text(s.value)) for s in skills if s.name]


def _skills_from_unified(skills: Sequence[Skill]) -> list[HrFlowSkill]:
    return [HrFlowSkill(name=s.name, type=s.type, value=s.level) for s in skills]


def _languages_to_unified(languages: Sequence[HrFlowEntity]) -> list[Language]:
    return [Language(name=lang.name, level=_text(lang.value)) for lang in languages if lang.name]


def _languages_from_unified(languages: Sequence[Language]) -> list[HrFlowEntity]:
    return [HrFlowEntity(name=lang.name, value=lang.level) for lang in languages]


def _currency(unit: str | None) -> str | None:
    if not unit:
        return None
    return _SALARY_UNITS.get(unit.strip().lower(), unit)


def _hrflow_only(native: BaseModel, names: Sequence[str]) -> dict[str, Any]:
    """The listed fields and the undeclared ones (minus those HrFlow sets), JSON-ready."""
    dumped = native.model_dump(mode="json", include=set(names), exclude_none=True)
    kept = {k: v for k, v in dumped.items() if v not in ([], {}, "")}
    for key, value in (native.model_extra or {}).items():
        if key not in _SERVER_FIELDS and value is not None:
            kept[key] = value
    return kept


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _maybe_time(value: Any) -> datetime | None:
    try:
        return None if value in (None, "") else parse_timestamp(value)
    except ValueError:
        return None


def _calendar(value: str | None) -> str | None:
    """An HrFlow period date the unified models can read, or None (e.g. "present")."""
    if not value:
        return None
    try:
        Experience(start_date=value)
    except ValidationError:
        return None
    return value


_JOB_ONLY = (
    "sections",
    "culture",
    "benefits",
    "responsibilities",
    "requirements",
    "interviews",
    "certifications",
    "courses",
    "tasks",
    "ranges_date",
)


def job_to_unified(native: HrFlowJob) -> UnifiedJob:
    """An HrFlow job as a `UnifiedJob` (fields with no unified home go to ``extra``)."""
    tag_fields, tags = _split_named(native.tags, _JOB_TAG_FIELDS)
    meta_fields, metadatas = _split_named(native.metadatas, _JOB_META_FIELDS)
    extra = _metadatas_to_extra(metadatas)
    salary_range = next(
        (r for r in native.ranges_float if (r.name or "").lower() == "salary"), None
    )
    hrflow = _hrflow_only(native, _JOB_ONLY)
    other_ranges = [r for r in native.ranges_float if r is not salary_range]
    if other_ranges:
        hrflow["ranges_float"] = [r.model_dump(mode="json") for r in other_ranges]
    if native.location is not None and isinstance(native.location.fields, dict):
        hrflow["location_fields"] = native.location.fields
    if hrflow:
        extra[HRFLOW_EXTRA] = hrflow
    salary = None
    if salary_range is not None:
        try:
            salary = SalaryRange(
                min=salary_range.value_min,
                max=salary_range.value_max,
                currency=_currency(salary_range.unit),
                period=_enum(SalaryPeriod, meta_fields.get("salary_period")),
            )
        except ValidationError:  # e.g. min above max: keep the raw range instead
            hrflow.setdefault("ranges_float", []).insert(0, salary_range.model_dump(mode="json"))
            extra[HRFLOW_EXTRA] = hrflow
    return UnifiedJob(
        id=native.key or native.reference or "",
        reference=native.reference,
        source_ids=[ExternalId(system="hrflow", id=native.key)] if native.key else [],
        board=Board(key=native.board_key) if native.board_key else None,
        title=native.name,
        summary=native.summary,
        description=_description(native.sections),
        url=native.url,
        apply_url=_text(meta_fields.get("apply_url")),
        location=_location_to_unified(native.location),
        remote=_bool(tag_fields.get("remote")),
        workplace_type=_enum(WorkplaceType, tag_fields.get("workplace_type")),
        employment_type=_enum(EmploymentType, tag_fields.get("employment_type"))
        or (EmploymentType.OTHER if tag_fields.get("employment_type") else None),
        department=_text(tag_fields.get("department")),
        team=_text(tag_fields.get("team")),
        seniority=_text(tag_fields.get("seniority")),
        salary=salary,
        skills=_skills_to_unified(native.skills),
        languages=_languages_to_unified(native.languages),
        tags=[t for t in (_tag_text(tag) for tag in tags) if t],
        status=JobStatus.ARCHIVED if native.archived_at else JobStatus.OPEN,
        created_at=native.created_at,
        updated_at=native.updated_at,
        published_at=_maybe_time(meta_fields.get("published_at")),
        closed_at=_maybe_time(meta_fields.get("closed_at")),
        archived_at=native.archived_at,
        extra=extra,
    )


def job_from_unified(unified: UnifiedJob) -> HrFlowJob:
    """A `UnifiedJob` as an HrFlow job ready to index (upserted by its ``reference``)."""
    if not unified.title:
        raise ValueError("HrFlow jobs need a name: the unified job has no title")
    hrflow = dict(unified.extra.get(HRFLOW_EXTRA) or {})
    location_fields = hrflow.pop("location_fields", None)
    ranges = list(hrflow.pop("ranges_float", None) or [])
    salary = unified.salary
    if salary is not None and (salary.min is not None or salary.max is not None):
        ranges.insert(
            0,
            HrFlowRangeFloat(
                name="salary", value_min=salary.min, value_max=salary.max, unit=salary.currency
            ),
        )
    tag_fields = {
        "employment_type": unified.employment_type,
        "workplace_type": unified.workplace_type,
        "remote": unified.remote,
        "department": unified.department,
        "team": unified.team,
        "seniority": unified.seniority,
    }
    meta_fields = {
        "apply_url": unified.apply_url,
        "published_at": _iso(unified.published_at),
        "closed_at": _iso(unified.closed_at),
        "salary_period": salary.period if salary is not None else None,
    }
    archived_at = unified.archived_at
    if archived_at is None and unified.status in (JobStatus.ARCHIVED, JobStatus.CLOSED):
        archived_at = unified.closed_at or unified.updated_at or datetime.now(UTC)
    fields: dict[str, Any] = {
        **hrflow,
        "reference": unified.reference or unified.id,
        "board_key": unified.board.key if unified.board and is_key(unified.board.key) else None,
        "name": unified.title,
        "url": unified.url,
        "summary": unified.summary,
        "location": _location_from_unified(unified.location, location_fields),
        "sections": _sections_with_description(hrflow.get("sections"), unified.description),
        "skills": _skills_from_unified(unified.skills),
        "languages": _languages_from_unified(unified.languages),
        "tags": [*_named_entities(_plain(tag_fields)), *map(_tag_from_text, unified.tags)],
        "metadatas": [*_named_entities(_plain(meta_fields)), *_extra_to_metadatas(unified.extra)],
        "ranges_float": ranges,
        "created_at": unified.created_at or unified.updated_at,
        "updated_at": unified.updated_at,
        "archived_at": archived_at,
    }
    return HrFlowJob.model_validate(fields)


_PROFILE_ONLY = (
    "text",
    "text_language",
    "experiences_duration",
    "educations_duration",
    "certifications",
    "courses",
    "tasks",
    "interests",
    "labels",
)
_INFO_MAPPED = frozenset(
    {"full_name", "first_name", "last_name", "email", "phone", "location", "urls", "summary"}
)


def profile_to_unified(native: HrFlowProfile) -> UnifiedProfile:
    """An HrFlow profile as a `UnifiedProfile` (fields with no unified home go to ``extra``)."""
    info = native.info
    meta_fields, metadatas = _split_named(native.metadatas, _PROFILE_META_FIELDS)
    extra = _metadatas_to_extra(metadatas)
    hrflow = _hrflow_only(native, _PROFILE_ONLY)
    info_rest = {
        k: v
        for k, v in info.model_dump(mode="json", exclude_none=True).items()
        if k not in _INFO_MAPPED
    }
    if info_rest:
        hrflow["info"] = info_rest
    if info.location is not None and isinstance(info.location.fields, dict):
        hrflow["location_fields"] = info.location.fields
    if hrflow:
        extra[HRFLOW_EXTRA] = hrflow
    attachments = [
        Attachment(
            type=a.type,
            url=a.public_url,
            filename=a.original_file_name or a.file_name,
        )
        for a in native.attachments
    ]
    # Links carried from other systems (see profile_from_unified), minus HrFlow's own again.
    seen = {a.url for a in attachments}
    for raw in _list(meta_fields.get("attachments")):
        if isinstance(raw, dict) and raw.get("url") not in seen:
            try:
                attachments.append(Attachment.model_validate(raw))
            except ValidationError:
                continue
            seen.add(raw.get("url"))
    return UnifiedProfile(
        id=native.key or native.reference or "",
        reference=native.reference,
        source_ids=[ExternalId(system="hrflow", id=native.key)] if native.key else [],
        first_name=info.first_name,
        last_name=info.last_name,
        full_name=info.full_name,
        emails=[e for e in (info.email, *_list(meta_fields.get("emails"))) if e],
        phones=[p for p in (info.phone, *_list(meta_fields.get("phones"))) if p],
        location=_location_to_unified(info.location),
        headline=_text(meta_fields.get("headline")),
        summary=info.summary,
        experiences=[
            Experience(
                company=e.company,
                title=e.title,
                description=e.description,
                location=_location_to_unified(e.location),
                start_date=_calendar(e.date_start),
                end_date=_calendar(e.date_end),
            )
            for e in native.experiences
        ],
        educations=[
            Education(
                school=e.school,
                degree=e.title,
                description=e.description,
                location=_location_to_unified(e.location),
                start_date=_calendar(e.date_start),
                end_date=_calendar(e.date_end),
            )
            for e in native.educations
        ],
        skills=_skills_to_unified(native.skills),
        languages=_languages_to_unified(native.languages),
        tags=[t for t in (_tag_text(tag) for tag in native.tags) if t],
        attachments=attachments,
        urls=[Link(url=u.url, type=u.type) for u in info.urls if u.url],
        created_at=native.created_at,
        updated_at=native.updated_at,
        archived_at=native.archived_at,
        extra=extra,
    )


def profile_from_unified(unified: UnifiedProfile) -> HrFlowProfile:
    """A `UnifiedProfile` as an HrFlow profile ready to index (upserted by its ``reference``)."""
    hrflow = dict(unified.extra.get(HRFLOW_EXTRA) or {})
    info_rest = dict(hrflow.pop("info", None) or {})
    location_fields = hrflow.pop("location_fields", None)
    info = HrFlowInfo.model_validate(
        {
            **info_rest,
            "full_name": unified.full_name,
            "first_name": unified.first_name,
            "last_name": unified.last_name,
            "email": unified.emails[0] if unified.emails else None,
            "phone": unified.phones[0] if unified.phones else None,
            "location": _location_from_unified(unified.location, location_fields),
            "urls": [HrFlowUrl(type=u.type, url=u.url) for u in unified.urls],
            "summary": unified.summary,
        }
    )
    meta_fields = {
        "headline": unified.headline,
        "attachments": [a.model_dump(mode="json", exclude_none=True) for a in unified.attachments]
        or None,
        "emails": unified.emails[1:] or None,
        "phones": unified.phones[1:] or None,
    }
    fields: dict[str, Any] = {
        **hrflow,
        "reference": unified.reference or unified.id,
        "info": info,
        "experiences": [
            HrFlowExperience(
                company=e.company,
                title=e.title,
                description=e.description,
                location=_location_from_unified(e.location),
                date_start=_iso(e.start_date),
                date_end=_iso(e.end_date),
            )
            for e in unified.experiences
        ],
        "educations": [
            HrFlowEducation(
                school=e.school,
                title=e.degree or e.field_of_study,
                description=e.description,
                location=_location_from_unified(e.location),
                date_start=_iso(e.start_date),
                date_end=_iso(e.end_date),
            )
            for e in unified.educations
        ],
        "skills": _skills_from_unified(unified.skills),
        "languages": _languages_from_unified(unified.languages),
        "tags": [_tag_from_text(t) for t in unified.tags],
        "metadatas": [*_named_entities(meta_fields), *_extra_to_metadatas(unified.extra)],
        "attachments": [
            HrFlowAttachment(type=a.type, public_url=a.url, file_name=a.filename)
            for a in unified.attachments
        ],
        "created_at": unified.created_at or unified.updated_at,
        "updated_at": unified.updated_at,
        "archived_at": unified.archived_at,
    }
    return HrFlowProfile.model_validate(fields)


def _description(sections: Sequence[HrFlowSection]) -> str | None:
    """The section named "description", else every section's text, else None."""
    for section in sections:
        if (section.name or "").lower() == "description" and section.description:
            return section.description
    texts = ["\n".join(t for t in (s.title, s.description) if t) for s in sections]
    return "\n\n".join(t for t in texts if t) or None


def _sections_with_description(raw: Any, description: str | None) -> list[HrFlowSection]:
    sections = [HrFlowSection.model_validate(s) for s in _list(raw) if isinstance(s, dict)]
    if description is None:
        return sections
    for index, section in enumerate(sections):
        if (section.name or "").lower() == "description":
            sections[index] = section.model_copy(update={"description": description})
            return sections
    if sections and _description(sections) == description:
        return sections  # the description was these sections joined: nothing new
    return [
        HrFlowSection(name="description", title="Description", description=description),
        *sections,
    ]


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in values.items()}


def _enum(cls: type[_E], value: Any) -> _E | None:
    if value is None or value == "":
        return None
    try:
        return cls(str(value))
    except ValueError:
        return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
