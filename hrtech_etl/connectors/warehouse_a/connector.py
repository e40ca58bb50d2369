"""`WarehouseAConnector`: the reference API-key connector (the template CONTRIBUTING walks)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel

from hrtech_etl.connectors.warehouse_a import events
from hrtech_etl.connectors.warehouse_a.actions import WarehouseAActions
from hrtech_etl.connectors.warehouse_a.models import WarehouseAJob, WarehouseAProfile
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.models import (
    Location,
    SalaryRange,
    Skill,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.types import CursorMode, Resource, SortOrder, WarehouseType

_PATHS = {Resource.JOB: "/v1/jobs", Resource.PROFILE: "/v1/profiles"}


class WarehouseASettings(HttpSettings):
    """Warehouse A takes only the common HTTP options."""


class WarehouseAConnector(HttpConnector):
    name: ClassVar[str] = "warehouse_a"
    label: ClassVar[str] = "Warehouse A (reference, API key)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.ATS
    job_native_cls: ClassVar[type[BaseModel] | None] = WarehouseAJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = WarehouseAProfile
    settings_cls: ClassVar[type[ConnectorSettings]] = WarehouseASettings
    default_base_url: ClassVar[str] = "https://api.warehouse-a.example"
    rate_limit: ClassVar[RateLimit | None] = RateLimit(50.0, burst=10)  # A's documented limit
    sort_param_name: ClassVar[str | None] = "sort_by"
    order_param_name: ClassVar[str | None] = "order_by"

    @property
    def actions(self) -> WarehouseAActions:
        return WarehouseAActions(self.client)

    # -- reading ----------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return True  # the API sorts by the field named in sort_by, in order_by direction

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        resource = Resource(resource)
        return self.actions.iter_pages(
            _PATHS[resource], self.native_cls(resource), request.params, request.page_size
        )

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        resource = Resource(resource)
        items = [r.model_dump(mode="json") for r in resources]
        ids = [self.get_resource_id(resource, r) for r in resources]
        return self.actions.upsert(_PATHS[resource], items, ids)

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        return self.actions.remove(_PATHS[Resource(resource)], ids, archive=False)

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        return self.actions.remove(_PATHS[Resource(resource)], ids, archive=True)

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        return events.parse_event(Resource(resource), raw)

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        resource = Resource(resource)
        ids = list(dict.fromkeys(e.resource_id for e in events))
        found: list[Any] = []
        for offset in range(0, len(ids), 100):
            found.extend(
                self.actions.get_by_ids(
                    _PATHS[resource], self.native_cls(resource), ids[offset : offset + 100], "ids"
                )
            )
        return found

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: WarehouseAJob) -> UnifiedJob:
        salary = None
        if native.salary_min is not None or native.salary_max is not None:
            salary = SalaryRange(
                min=native.salary_min, max=native.salary_max, currency=native.salary_currency
            )
        return UnifiedJob(
            id=native.job_id,
            reference=native.job_id,
            board={"key": native.board_key} if native.board_key else None,
            title=native.title,
            description=native.description,
            url=native.url,
            location=Location(city=native.location_city, country=native.location_country),
            remote=native.remote,
            salary=salary,
            skills=[Skill(name=s) for s in native.skills],
            tags=native.tags,
            status=native.status,
            created_at=native.created_at,
            updated_at=native.updated_at,
            archived_at=native.archived_at,
            extra=native.payload,
        )

    def from_unified_job(self, unified: UnifiedJob) -> WarehouseAJob:
        location = unified.location or Location()
        salary = unified.salary or SalaryRange()
        return WarehouseAJob(
            job_id=unified.reference or unified.id,
            title=unified.title or "",
            description=unified.description,
            skills=[s.name for s in unified.skills],
            board_key=unified.board.key if unified.board else None,
            status=unified.status.value if unified.status else "open",
            location_city=location.city,
            location_country=location.country,
            remote=unified.remote,
            salary_min=salary.min,
            salary_max=salary.max,
            salary_currency=salary.currency,
            tags=unified.tags,
            url=unified.url,
            created_at=unified.created_at or unified.updated_at,
            updated_at=unified.updated_at or unified.created_at,
            archived_at=unified.archived_at,
            payload=unified.extra,
        )

    def to_unified_profile(self, native: WarehouseAProfile) -> UnifiedProfile:
        return UnifiedProfile(
            id=native.profile_id,
            reference=native.profile_id,
            first_name=native.first_name,
            last_name=native.last_name,
            full_name=native.full_name,
            emails=[native.email] if native.email else [],
            phones=[native.phone] if native.phone else [],
            headline=native.headline,
            location=Location(city=native.location_city, country=native.location_country),
            skills=[Skill(name=s) for s in native.skills],
            tags=native.tags,
            attachments=[{"type": "resume", "url": native.resume_url}] if native.resume_url else [],
            created_at=native.created_at,
            updated_at=native.updated_at,
            archived_at=native.archived_at,
            extra=native.payload,
        )

    def from_unified_profile(self, unified: UnifiedProfile) -> WarehouseAProfile:
        location = unified.location or Location()
        resume = next((a.url for a in unified.attachments if a.type == "resume"), None)
        return WarehouseAProfile(
            profile_id=unified.reference or unified.id,
            full_name=unified.full_name or "",
            first_name=unified.first_name,
            last_name=unified.last_name,
            email=unified.emails[0] if unified.emails else None,
            phone=unified.phones[0] if unified.phones else None,
            headline=unified.headline,
            location_city=location.city,
            location_country=location.country,
            skills=[s.name for s in unified.skills],
            tags=unified.tags,
            resume_url=resume,
            created_at=unified.created_at or unified.updated_at,
            updated_at=unified.updated_at or unified.created_at,
            archived_at=unified.archived_at,
            payload=unified.extra,
        )
