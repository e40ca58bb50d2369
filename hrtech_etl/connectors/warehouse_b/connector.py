"""`WarehouseBConnector`: the reference bearer-token connector (keyset pages, id-sorted lists)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel

from hrtech_etl.connectors.warehouse_b import events
from hrtech_etl.connectors.warehouse_b.actions import WarehouseBActions
from hrtech_etl.connectors.warehouse_b.models import WarehouseBJob, WarehouseBProfile
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.models import (
    EmploymentType,
    JobStatus,
    Location,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.types import CursorMode, Resource, SortOrder, WarehouseType

_PATHS = {Resource.JOB: "/api/jobs", Resource.PROFILE: "/api/profiles"}
_BODY_KEYS = {Resource.JOB: "jobs", Resource.PROFILE: "profiles"}
# Where an employment type B spells in a way the unified enum does not know is kept.
_RAW_EMPLOYMENT_TYPE = "warehouse_b_employment_type"


class WarehouseBSettings(HttpSettings):
    """Warehouse B takes only the common HTTP options."""


class WarehouseBConnector(HttpConnector):
    name: ClassVar[str] = "warehouse_b"
    label: ClassVar[str] = "Warehouse B (reference, bearer token)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.JOBBOARD
    job_native_cls: ClassVar[type[BaseModel] | None] = WarehouseBJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = WarehouseBProfile
    settings_cls: ClassVar[type[ConnectorSettings]] = WarehouseBSettings
    default_base_url: ClassVar[str] = "https://api.warehouse-b.example"
    rate_limit: ClassVar[RateLimit | None] = RateLimit(10.0, burst=10)  # B's documented limit
    # B has no sort param: lists always come sorted by id ascending.
    sort_param_name: ClassVar[str | None] = None
    order_param_name: ClassVar[str | None] = None

    @property
    def actions(self) -> WarehouseBActions:
        return WarehouseBActions(self.client)

    # -- reading ----------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        # Lists come by id ascending whatever the cursor, so only (id, asc) reads are in order;
        # time cursors checkpoint at the end of their window (DESIGN §4).
        return CursorMode(mode) is CursorMode.UID and SortOrder(order) is SortOrder.ASC

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
        return self.actions.upsert(_PATHS[resource], _BODY_KEYS[resource], items, ids)

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        return self.actions.delete(_PATHS[Resource(resource)], ids)

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        return self.actions.archive(_PATHS[Resource(resource)], ids)

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
        return self.actions.get_by_ids(_PATHS[resource], self.native_cls(resource), ids)

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: WarehouseBJob) -> UnifiedJob:
        extra = dict(native.payload)
        employment_type = _employment_type(native.employment_type)
        if native.employment_type and employment_type is EmploymentType.OTHER:
            extra[_RAW_EMPLOYMENT_TYPE] = native.employment_type
        return UnifiedJob(
            id=native.job_id,
            reference=native.job_id,
            title=native.title,
            department=native.department,
            location=Location(text=native.location) if native.location else None,
            tags=native.tags,
            employment_type=employment_type,
            status=JobStatus.ARCHIVED if native.archived else None,
            created_at=native.created_at,
            updated_at=native.updated_at,
            extra=extra,
        )

    def from_unified_job(self, unified: UnifiedJob) -> WarehouseBJob:
        payload = dict(unified.extra)
        raw_type = payload.pop(_RAW_EMPLOYMENT_TYPE, None)
        employment_type = unified.employment_type.value if unified.employment_type else None
        if unified.employment_type is EmploymentType.OTHER and isinstance(raw_type, str):
            employment_type = raw_type
        return WarehouseBJob(
            job_id=unified.reference or unified.id,
            title=unified.title or "",
            department=unified.department,
            location=_location_text(unified.location),
            tags=unified.tags,
            employment_type=employment_type,
            archived=unified.status is JobStatus.ARCHIVED or unified.archived_at is not None,
            created_at=unified.created_at or unified.updated_at,
            updated_at=unified.updated_at or unified.created_at,
            payload=payload,
        )

    def to_unified_profile(self, native: WarehouseBProfile) -> UnifiedProfile:
        return UnifiedProfile(
            id=native.profile_id,
            reference=native.profile_id,
            full_name=native.full_name,
            emails=[native.email] if native.email else [],
            headline=native.headline,
            tags=native.tags,
            created_at=native.created_at,
            updated_at=native.updated_at,
            # B keeps a flag, not a date: its last update is the latest the archiving can be.
            archived_at=native.updated_at if native.archived else None,
            extra=native.payload,
        )

    def from_unified_profile(self, unified: UnifiedProfile) -> WarehouseBProfile:
        return WarehouseBProfile(
            profile_id=unified.reference or unified.id,
            full_name=unified.full_name or "",
            email=unified.emails[0] if unified.emails else None,
            headline=unified.headline,
            tags=unified.tags,
            archived=unified.archived_at is not None,
            created_at=unified.created_at or unified.updated_at,
            updated_at=unified.updated_at or unified.created_at,
            payload=unified.extra,
        )


def _employment_type(value: str | None) -> EmploymentType | None:
    if not value:
        return None
    try:
        return EmploymentType(value)
    except ValueError:
        return EmploymentType.OTHER


def _location_text(location: Location | None) -> str | None:
    if location is None:
        return None
    if location.text:
        return location.text
    parts = [location.city, location.region, location.country]
    return ", ".join(p for p in parts if p) or None
