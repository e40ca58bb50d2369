"""`GreenhouseBoardConnector`: a company's public job board (Greenhouse Job Board API).

No auth, no pagination, no filters: ``GET /v1/boards/{board_token}/jobs?content=true`` returns
every live post at once. So every WHERE condition and the cursor run in memory, the read is
unsorted (the cursor moves when the run completes) and the connector is read only.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from hrtech_etl.connectors.greenhouse import events
from hrtech_etl.connectors.greenhouse.actions import BoardActions, RateLimitResetTransport
from hrtech_etl.connectors.greenhouse.connector import SYSTEM, external_id
from hrtech_etl.connectors.greenhouse.models import (
    GreenhouseBoardDepartment,
    GreenhouseBoardJob,
    GreenhouseBoardOffice,
    GreenhouseLocation,
)
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.errors import ConnectorError
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.models import (
    Board,
    ExternalId,
    JobStatus,
    Location,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfileEvent,
)
from hrtech_etl.core.params import ExplainEntry, QueryPlan, validate_where
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    Resource,
    SortOrder,
    WarehouseType,
)

__all__ = ["GreenhouseBoardConnector", "GreenhouseBoardSettings", "plan_in_memory"]

BOARD_SYSTEM = "greenhouse_board"


class GreenhouseBoardSettings(HttpSettings):
    board_token: str = Field(
        ...,
        min_length=1,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="The board's slug: boards.greenhouse.io/<board_token>",
    )


def plan_in_memory(
    model: type[BaseModel],
    where: Sequence[Condition] | None,
    cursor: Cursor | None,
    window_end: str | None = None,
) -> QueryPlan:
    """A plan for a source with no filters: nothing is sent, everything runs in memory."""
    meta = model_meta(model)
    plan = QueryPlan(memory_where=validate_where(meta, where))
    if cursor is not None:
        fmeta = meta.cursor_field(cursor.mode)
        plan.cursor_field = fmeta
        ascending = cursor.sort_by is SortOrder.ASC
        subject = f"cursor {fmeta.name} {'>=' if ascending else '<='} {cursor.resume_value}"
        if window_end is not None:
            subject += f" and {'<=' if ascending else '>='} {window_end}"
        plan.entries.append(
            ExplainEntry(subject, "memory", {}, "the Job Board API has no filters; reads all")
        )
    for cond in plan.memory_where:
        plan.entries.append(
            ExplainEntry(str(cond), "memory", {}, "the Job Board API has no filters")
        )
    return plan


class GreenhouseBoardConnector(HttpConnector):
    name: ClassVar[str] = BOARD_SYSTEM
    label: ClassVar[str] = "Greenhouse Job Board (public, read only)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.JOBBOARD
    job_native_cls: ClassVar[type[BaseModel] | None] = GreenhouseBoardJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = None
    settings_cls: ClassVar[type[ConnectorSettings]] = GreenhouseBoardSettings
    default_base_url: ClassVar[str] = "https://boards-api.greenhouse.io/v1"
    settings: GreenhouseBoardSettings

    # The board is served from a cache and documents no rate limit: one request a run.
    rate_limit: ClassVar[RateLimit | None] = None

    def http_transport(self) -> httpx.BaseTransport | None:
        return RateLimitResetTransport()

    @property
    def actions(self) -> BoardActions:
        return BoardActions(self.client)

    # -- reading ----------------------------------------------------------------------------------
    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        return "(in memory)"

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        return plan_in_memory(self.native_cls(resource), where, cursor, window_end)

    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return False  # the board comes in the API's own order, sorted by nothing we can rely on

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        yield self.actions.list_jobs(self.settings.board_token, self.native_cls(resource))

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        raise ConnectorError(
            "greenhouse_board is read only: the Job Board API publishes posts, it does not take "
            "them (use the greenhouse connector for Harvest)"
        )

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError("greenhouse_board is read only: it cannot delete posts")

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError("greenhouse_board is read only: it cannot archive posts")

    # -- events -----------------------------------------------------------------------------------
    def parse_resource_event(
        self, resource: Resource, raw: Mapping[str, Any]
    ) -> UnifiedJobEvent | UnifiedProfileEvent | None:
        """``job_post_created|updated|deleted`` webhooks as events about the post (unverified:
        use the greenhouse connector's ``webhook_secret`` to check signatures first)."""
        return events.parse_board_event(Resource(resource), raw)

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        wanted = {e.resource_id for e in events}
        page = self.actions.list_jobs(self.settings.board_token, self.native_cls(resource))
        return [post for post in page.records if str(post.id) in wanted]

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: GreenhouseBoardJob) -> UnifiedJob:
        source_ids = [ExternalId(system=BOARD_SYSTEM, id=str(native.id))]
        if native.internal_job_id is not None:
            source_ids.append(ExternalId(system=SYSTEM, id=str(native.internal_job_id)))
        metadata = {
            str(item.get("name")): item.get("value")
            for item in native.metadata or []
            if isinstance(item, Mapping) and item.get("name")
        }
        extra: dict[str, Any] = {
            **(native.model_extra or {}),
            "internal_job_id": native.internal_job_id,
            "language": native.language,
            "metadata": metadata,
            "departments": [d.model_dump(exclude_none=True) for d in native.departments],
            "offices": [o.model_dump(exclude_none=True) for o in native.offices],
        }
        location = native.location.name if native.location else None
        return UnifiedJob(
            id=str(native.id),
            reference=native.requisition_id,
            source_ids=source_ids,
            board=Board(key=self.settings.board_token),
            title=native.title,
            description=html.unescape(native.content) if native.content else None,
            url=native.absolute_url,
            apply_url=native.absolute_url,
            location=Location(text=location) if location else None,
            department=next((d.name for d in native.departments if d.name), None),
            status=JobStatus.OPEN,  # the board lists live posts only
            updated_at=native.updated_at,
            extra={k: v for k, v in extra.items() if v not in (None, [], {})},
        )

    def from_unified_job(self, unified: UnifiedJob) -> GreenhouseBoardJob:
        extra = dict(unified.extra)
        post_id = external_id(unified.source_ids, BOARD_SYSTEM) or (
            unified.id if unified.id.isdigit() else None
        )
        if post_id is None:
            raise ValueError(f"job {unified.id!r} has no Greenhouse job post id")
        metadata = extra.pop("metadata", None) or {}
        location = unified.location.text if unified.location else None
        departments = extra.pop("departments", None) or (
            [{"name": unified.department}] if unified.department else []
        )
        fields: dict[str, Any] = {
            "id": int(post_id),
            "internal_job_id": extra.pop("internal_job_id", None)
            or external_id(unified.source_ids, SYSTEM),
            "title": unified.title or "",
            "updated_at": unified.updated_at or unified.created_at,
            "requisition_id": unified.reference,
            "location": GreenhouseLocation(name=location) if location else None,
            "absolute_url": unified.url or unified.apply_url,
            "language": extra.pop("language", None),
            "metadata": [{"name": k, "value": v} for k, v in metadata.items()] or None,
            "content": html.escape(unified.description, quote=True)
            if unified.description
            else None,
            "departments": [GreenhouseBoardDepartment.model_validate(d) for d in departments],
            "offices": [
                GreenhouseBoardOffice.model_validate(o) for o in extra.pop("offices", None) or []
            ],
        }
        return GreenhouseBoardJob.model_validate({**extra, **fields})
