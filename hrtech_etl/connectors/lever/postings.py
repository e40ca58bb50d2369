"""`LeverPostingsConnector`: the public Lever Postings API v0 (read-only, no auth).

One company's published postings, by its Lever site name (``jobs.lever.co/<site>``). Pages
are plain ``skip`` / ``limit``; the five category filters are pushed as repeated keys; there is
no date filter and no updated time, so the only cursor is ``created_at``, checked in memory
(every run lists the site's postings; a career site holds hundreds, not millions).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from hrtech_etl.connectors.lever.actions import LeverPublicActions
from hrtech_etl.connectors.lever.connector import (
    job_from_unified_parts,
    plan_with_memory_fields,
    unified_job_parts,
)
from hrtech_etl.connectors.lever.models import LeverList, LeverPublicPosting
from hrtech_etl.core.auth import NoAuth
from hrtech_etl.core.connector import (
    ConnectorSettings,
    Page,
    ReadRequest,
    WriteResult,
)
from hrtech_etl.core.errors import ConfigError, ConnectorError
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.http_connector import HttpConnector, HttpSettings
from hrtech_etl.core.metadata import FieldMeta
from hrtech_etl.core.models import (
    ExternalId,
    JobStatus,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfileEvent,
)
from hrtech_etl.core.params import QueryPlan
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    Resource,
    SortOrder,
    WarehouseType,
)

__all__ = ["LeverPostingsConnector", "LeverPostingsSettings"]

# v0 has no workplace filter: conditions on it run in memory.
_MEMORY_ONLY = frozenset({"workplace_type"})


class LeverPostingsSettings(HttpSettings):
    site: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="The Lever site name, as in jobs.lever.co/<site>",
    )


class LeverPostingsConnector(HttpConnector):
    name: ClassVar[str] = "lever_postings"
    label: ClassVar[str] = "Lever Postings API (public, read-only)"
    warehouse_type: ClassVar[WarehouseType] = WarehouseType.JOBBOARD
    job_native_cls: ClassVar[type[BaseModel] | None] = LeverPublicPosting
    profile_native_cls: ClassVar[type[BaseModel] | None] = None
    settings_cls: ClassVar[type[ConnectorSettings]] = LeverPostingsSettings
    # EU accounts: https://api.eu.lever.co/v0/postings
    default_base_url: ClassVar[str] = "https://api.lever.co/v0/postings"
    settings: LeverPostingsSettings

    # Lever publishes no GET limit for v0 (requests_per_second sets one to be gentler).
    rate_limit: ClassVar[RateLimit | None] = None

    @property
    def actions(self) -> LeverPublicActions:
        if not isinstance(self.auth, NoAuth):
            raise ConfigError(
                "connector 'lever_postings' reads the public Postings API and takes no "
                f"credentials: use auth type 'none' (or only base_url), not {self.auth.kind!r}"
            )
        return LeverPublicActions(self.client, self.settings.site)

    # -- reading ----------------------------------------------------------------------------------
    @classmethod
    def describe_pushdown(cls, resource: Resource, field: FieldMeta, op: Operator) -> str:
        if field.name in _MEMORY_ONLY:
            return "(in memory)"
        return super().describe_pushdown(resource, field, op)

    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return False  # v0 documents no order

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        plan = plan_with_memory_fields(
            self.native_cls(resource),
            where,
            cursor,
            window_end,
            _MEMORY_ONLY,
            "the Postings API has no filter for it",
        )
        plan.params["mode"] = "json"
        return plan

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        return self.actions.iter_pages(self.native_cls(resource), request.params, request.page_size)

    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        raise ConnectorError(
            "connector 'lever_postings' is read-only: the public Postings API only lists "
            "published postings"
        )

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        return self.write_resources_batch(resource, [])

    # -- events -----------------------------------------------------------------------------------
    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        """Postings by id (``GET /{site}/{id}``); unpublished ones are missing."""
        model = self.native_cls(resource)
        found: list[Any] = []
        for posting_id in dict.fromkeys(event.resource_id for event in events):
            posting = self.actions.get_posting(model, posting_id)
            if posting is not None:
                found.append(posting)
        return found

    # -- unified ----------------------------------------------------------------------------------
    def to_unified_job(self, native: LeverPublicPosting) -> UnifiedJob:
        parts = unified_job_parts(
            native.categories, native.salary_range, native.workplace_type, native.country, []
        )
        lever = {
            key: value
            for key, value in {
                **parts.pop("extra"),
                "opening": native.opening,
                "description_html": native.description,
                "description_body": native.description_body_plain,
                "description_body_html": native.description_body,
                "lists": [item.model_dump() for item in native.lists],
                "additional": native.additional_plain,
                "additional_html": native.additional,
                "salary_description": native.salary_description_plain,
            }.items()
            if value not in (None, [], "")
        }
        return UnifiedJob(
            id=native.id,
            source_ids=[ExternalId(system="lever", id=native.id)],
            title=native.text,
            summary=native.opening_plain,
            description=native.description_plain,
            url=native.hosted_url,
            apply_url=native.apply_url,
            status=JobStatus.OPEN,  # v0 only serves published postings
            created_at=native.created_at,
            extra={"lever": lever} if lever else {},
            **parts,
        )

    def from_unified_job(self, unified: UnifiedJob) -> LeverPublicPosting:
        extra = unified.extra.get("lever")
        lever: Mapping[str, Any] = extra if isinstance(extra, Mapping) else {}
        parts = job_from_unified_parts(unified, lever)
        parts.pop("tags")  # v0 postings carry no tags
        lists = lever.get("lists")

        def text(key: str) -> str | None:
            value = lever.get(key)
            return value if isinstance(value, str) and value else None

        lever_id = next((s.id for s in unified.source_ids if s.system == "lever"), None)
        return LeverPublicPosting(
            id=lever_id or unified.id,
            text=unified.title,
            opening=text("opening"),
            opening_plain=unified.summary,
            description=text("description_html"),
            description_plain=unified.description,
            description_body=text("description_body_html"),
            description_body_plain=text("description_body"),
            lists=[LeverList.model_validate(item) for item in lists]
            if isinstance(lists, list)
            else [],
            additional=text("additional_html"),
            additional_plain=text("additional"),
            hosted_url=unified.url,
            apply_url=unified.apply_url,
            salary_description_plain=text("salary_description"),
            created_at=unified.created_at or unified.updated_at or datetime.now(UTC),
            **parts,
        )
