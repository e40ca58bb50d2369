"""An in-memory connector for pipeline tests: a sink that records every write, and a source
that serves pages from a list (sorted or not, with faults on demand). Test fixture only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel

from hrtech_etl.core.connector import BaseConnector, Page, ReadRequest, WriteResult
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import UnifiedJob, UnifiedJobEvent, UnifiedProfile, UnifiedProfileEvent
from hrtech_etl.core.params import QueryPlan
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Resource,
    SortOrder,
    parse_timestamp,
)


class MemoryConnector(BaseConnector):
    """Stores unified records by id. As a source it serves ``records`` in pages.

    ``sorted_source``: the pages come sorted by the cursor (and `is_sorted` says so).
    ``serve_same_page``: a broken paginator that hands page one back forever.
    ``fail_ids``: writes of these ids raise, to test per-record isolation.
    """

    name: ClassVar[str] = "memory"
    job_native_cls: ClassVar[type[BaseModel] | None] = UnifiedJob
    profile_native_cls: ClassVar[type[BaseModel] | None] = UnifiedProfile

    def __init__(self, records: Sequence[BaseModel] = (), *, sorted_source: bool = True) -> None:
        super().__init__()
        self.records: list[BaseModel] = list(records)
        self.sorted_source = sorted_source
        self.serve_same_page = False
        self.fail_ids: set[str] = set()
        self.stored: dict[str, BaseModel] = {}
        self.write_calls: list[list[str]] = []
        self.deleted: list[str] = []
        self.archived: list[str] = []
        self.pages_served = 0

    # source --------------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return self.sorted_source

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        return QueryPlan(memory_where=list(where or []))

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        meta = model_meta(self.native_cls(resource)).cursor_field(request.cursor.mode)
        records = list(self.records)
        if self.sorted_source:

            def key(record: BaseModel) -> Any:
                value = getattr(record, meta.name)
                return parse_timestamp(value) if request.cursor.mode.is_time else value

            records.sort(key=key, reverse=request.cursor.sort_by is SortOrder.DESC)
        size = request.page_size
        if self.serve_same_page:
            while True:
                self.pages_served += 1
                yield Page(records=records[:size])
        for offset in range(0, len(records), size):
            self.pages_served += 1
            yield Page(records=records[offset : offset + size], token=str(offset))

    # sink ----------------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        ids = [self.get_resource_id(resource, r) for r in resources]
        self.write_calls.append(ids)
        bad = [i for i in ids if i in self.fail_ids]
        if bad:
            raise ValueError(f"refused {bad[0]}")
        for record_id, record in zip(ids, resources, strict=True):
            self.stored[record_id] = record
        return WriteResult(written=len(resources))

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        self.deleted.extend(ids)
        for record_id in ids:
            self.stored.pop(record_id, None)
        return WriteResult(written=len(ids))

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        self.archived.extend(ids)
        return WriteResult(written=len(ids))

    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        wanted = {e.resource_id for e in events}
        return [r for r in self.records if self.get_resource_id(resource, r) in wanted]

    # unified: the native models are the unified ones -------------------------------------------
    def to_unified_job(self, native: Any) -> UnifiedJob:
        return native  # type: ignore[no-any-return]

    def from_unified_job(self, unified: UnifiedJob) -> BaseModel:
        return unified

    def to_unified_profile(self, native: Any) -> UnifiedProfile:
        return native  # type: ignore[no-any-return]

    def from_unified_profile(self, unified: UnifiedProfile) -> BaseModel:
        return unified
