"""`pull` and `push`: the two ways records move.

pull (incremental, DESIGN §4)
    Read every page the origin serves from the cursor's resume value (inclusive), drop what the
    cursor window or WHERE-in-memory/HAVING excludes, skip records already delivered at the
    boundary value, format, write one batch at a time, checkpoint after each batch the target
    confirmed (sorted sources) and return ``Cursor(mode, start=<input start>, end=<resume>)``.
    The resume point is the max (asc) / min (desc) cursor value over every in-window record read,
    before filters, so filtered-out records are never re-read.

push
    Resources given by the caller, or events: the last event per id wins; deletions and
    archivals go to the target as such, the rest are fetched from the origin by id and upserted.

Memory stays flat: one page is held at a time, and only the ids at the boundary value are kept.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from hrtech_etl.core.connector import BaseConnector, Page, ReadRequest, WriteResult
from hrtech_etl.core.errors import (
    CursorOrderError,
    HrtechEtlError,
    HttpError,
    PaginationLoopError,
    TooManyRejectedError,
)
from hrtech_etl.core.filters import compile_conditions
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.params import QueryPlan
from hrtech_etl.core.progress import (
    BatchFiltered,
    BatchRead,
    BatchWritten,
    CheckpointSaved,
    ProgressCallback,
    RecordsRejected,
)
from hrtech_etl.core.types import (
    BOUNDARY_IDS_CAP,
    Condition,
    Cursor,
    CursorMode,
    EventType,
    Formatter,
    PushMode,
    PushResult,
    RecordError,
    Resource,
    SortOrder,
    format_timestamp,
    parse_timestamp,
)

__all__ = [
    "Checkpoint",
    "PullReport",
    "PullStats",
    "pull",
    "push",
    "run_pull",
    "safe_format_resources",
]

CheckpointCallback = Callable[["Checkpoint"], None]
RejectCallback = Callable[[RecordError], None]
KEPT_ERRORS = 1000  # errors kept on the report; all of them go to on_reject


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A safe resume point: every record up to ``cursor.end`` reached the target."""

    cursor: Cursor
    complete: bool
    stats: PullStats


@dataclass(slots=True)
class PullStats:
    pages: int = 0
    read: int = 0
    invalid: int = 0
    out_of_window: int = 0
    already_delivered: int = 0
    filtered_where: int = 0
    filtered_having: int = 0
    formatted: int = 0
    written: int = 0
    would_write: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class PullReport:
    cursor: Cursor
    stats: PullStats
    plan: QueryPlan
    dry_run: bool = False
    errors: list[RecordError] = field(default_factory=list)
    # Stopped early by ``should_stop``: ``cursor`` is then the last safe checkpoint.
    interrupted: bool = False


# -- cursor arithmetic ----------------------------------------------------------------------------


def _comparable_factory(mode: CursorMode, fmeta: FieldMeta) -> Callable[[Any], Any]:
    """A function turning a record's (or the cursor's) value into a comparable one."""
    if mode.is_time:

        def as_time(value: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value
            return None if value is None else parse_timestamp(value)

        return as_time
    if fmeta.value_type is int:
        return lambda value: None if value is None else int(value)
    return lambda value: None if value is None else str(value)


def _cursor_text(mode: CursorMode, value: Any) -> str | None:
    if value is None:
        return None
    return format_timestamp(value) if mode.is_time else str(value)


class _ResumeTracker:
    """The best cursor value seen so far and the ids delivered at exactly that value."""

    __slots__ = ("ascending", "ids", "value")

    def __init__(self, ascending: bool, value: Any, ids: Iterable[str]) -> None:
        self.ascending = ascending
        self.value = value
        self.ids: set[str] = set(ids) if value is not None else set()

    def observe(self, value: Any, record_id: str) -> None:
        current = self.value
        if current is None or (value > current if self.ascending else value < current):
            self.value = value
            self.ids = {record_id}
        elif value == current and len(self.ids) < BOUNDARY_IDS_CAP:
            self.ids.add(record_id)

    def cursor(self, template: Cursor) -> Cursor:
        return Cursor(
            mode=template.mode,
            start=template.start,
            end=_cursor_text(template.mode, self.value),
            sort_by=template.sort_by,
            boundary_ids=sorted(self.ids),
        )


# -- formatting and writing -----------------------------------------------------------------------


def _as_target(out: Any, target_cls: type[BaseModel]) -> BaseModel:
    if isinstance(out, target_cls):
        return out
    if isinstance(out, dict):
        return target_cls.model_validate(out)
    if isinstance(out, BaseModel):
        return target_cls.model_validate(out.model_dump())
    raise TypeError(
        f"formatter returned {type(out).__name__}, expected {target_cls.__name__} or dict"
    )


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        return f"{exc.title}.{loc}: {first['msg']}" if loc else f"{exc.title}: {first['msg']}"
    return str(exc) or type(exc).__name__


def safe_format_resources(
    resource: Resource,
    origin: BaseConnector,
    target: BaseConnector,
    formatter: Formatter | None,
    native_resources: Sequence[Any],
) -> tuple[list[BaseModel], list[RecordError]]:
    """Format each record for the target; collect failures per record instead of raising.

    With no ``formatter`` the unified fallback runs: origin-native → unified → target-native.
    Output is validated against the target's native model.
    """
    resource = Resource(resource)
    target_cls = target.native_cls(resource)
    formatted: list[BaseModel] = []
    errors: list[RecordError] = []
    for native in native_resources:
        try:
            if formatter is None:
                out: Any = target.from_unified(resource, origin.to_unified(resource, native))
            else:
                out = formatter(native)
            formatted.append(_as_target(out, target_cls))
        except HrtechEtlError:
            raise  # a missing mapping or a config problem is not about one record
        except Exception as exc:
            errors.append(
                RecordError(
                    stage="format",
                    resource_id=_safe_id(origin, resource, native),
                    error=_error_text(exc),
                    record=_dump(native),
                )
            )
    return formatted, errors


def _safe_id(connector: BaseConnector, resource: Resource, native: Any) -> str | None:
    try:
        return connector.get_resource_id(resource, native)
    except Exception:
        return None


def _dump(record: Any) -> dict[str, Any] | None:
    if isinstance(record, BaseModel):
        return record.model_dump(mode="json")
    return dict(record) if isinstance(record, dict) else None


def _isolatable(exc: Exception) -> bool:
    """Errors that may be caused by one bad record (so writing records one by one helps)."""
    if isinstance(exc, HttpError):
        return exc.status not in (401, 403) and exc.status != 429
    return not isinstance(exc, HrtechEtlError)


def _write_batch(
    target: BaseConnector, resource: Resource, records: Sequence[BaseModel]
) -> WriteResult:
    """Write a batch; if it fails, retry it once, then write record by record to isolate."""
    try:
        return target.write_resources_batch(resource, records)
    except Exception as exc:
        if not _isolatable(exc):
            raise
        first_error = exc
    if len(records) > 1:
        try:
            return target.write_resources_batch(resource, records)
        except Exception as exc:
            if not _isolatable(exc):
                raise
    result = WriteResult()
    if len(records) == 1:
        result.failed.append(
            RecordError(
                stage="write",
                resource_id=_safe_id(target, resource, records[0]),
                error=_error_text(first_error),
                record=_dump(records[0]),
            )
        )
        return result
    for record in records:
        single = _write_batch(target, resource, [record])
        result.written += single.written
        result.failed.extend(single.failed)
    return result


class _Rejections:
    """Collects rejected records: report (capped), callback (all), threshold."""

    def __init__(self, on_reject: RejectCallback | None, limit: int | None) -> None:
        self.on_reject = on_reject
        self.limit = limit
        self.kept: list[RecordError] = []
        self.count = 0

    def add(self, errors: Iterable[RecordError]) -> list[RecordError]:
        added = list(errors)
        for error in added:
            self.count += 1
            if len(self.kept) < KEPT_ERRORS:
                self.kept.append(error)
            if self.on_reject is not None:
                self.on_reject(error)
        if self.limit is not None and self.count > self.limit:
            raise TooManyRejectedError(self.count, self.limit)
        return added


# -- reading ahead --------------------------------------------------------------------------------

_DONE = object()


class _Prefetch:
    """Reads pages in a background thread while the caller formats and writes the previous ones.

    At most ``depth`` pages wait in the queue, so memory stays bounded. The source's generator
    runs, and is closed, in the worker thread only; errors reach the caller at the page where
    they happened. ``close()`` (also on early exit) stops the worker after its current page.
    """

    def __init__(self, pages: Iterator[Page], depth: int = 2) -> None:
        self._pages = pages
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="hrtech-etl-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            for page in self._pages:
                if not self._put(page):
                    break
            else:
                self._put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            self._put(exc)
        finally:
            close = getattr(self._pages, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> Iterator[Page]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


# -- pull -----------------------------------------------------------------------------------------


def run_pull(
    resource: Resource,
    origin: BaseConnector,
    target: BaseConnector,
    cursor: Cursor,
    where: Sequence[Condition] | None = None,
    having: Sequence[Condition] | None = None,
    formatter: Formatter | None = None,
    batch_size: int = 1000,
    *,
    dry_run: bool = False,
    until: Any = None,
    on_checkpoint: CheckpointCallback | None = None,
    on_progress: ProgressCallback | None = None,
    on_reject: RejectCallback | None = None,
    max_rejected: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PullReport:
    """`pull` with the full report: stats, rejected records, the query plan.

    ``until`` bounds the window from above (asc) or below (desc); ascending time cursors default
    to the moment the run starts. Checkpoints are passed to ``on_checkpoint`` after each batch
    the target confirmed (sorted sources) and once at the end; a dry run writes nothing and
    checkpoints nothing. ``should_stop`` is asked after each batch; when it says yes the run
    stops there and reports ``interrupted`` with the last safe cursor (the last checkpoint of
    a sorted source, the input cursor of an unsorted one).
    """
    if batch_size < 1:
        raise HrtechEtlError("batch_size must be at least 1")
    run = _PullRun(
        Resource(resource),
        origin,
        target,
        cursor,
        where,
        having,
        formatter,
        batch_size,
        dry_run=dry_run,
        until=until,
        on_checkpoint=on_checkpoint,
        on_progress=on_progress,
        on_reject=on_reject,
        max_rejected=max_rejected,
        should_stop=should_stop,
    )
    return run.execute()


class _PullRun:
    """One pull: the window, the filters, the resume tracker, and the page loop."""

    def __init__(
        self,
        resource: Resource,
        origin: BaseConnector,
        target: BaseConnector,
        cursor: Cursor,
        where: Sequence[Condition] | None,
        having: Sequence[Condition] | None,
        formatter: Formatter | None,
        batch_size: int,
        *,
        dry_run: bool,
        until: Any,
        on_checkpoint: CheckpointCallback | None,
        on_progress: ProgressCallback | None,
        on_reject: RejectCallback | None,
        max_rejected: int | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.resource = resource
        self.origin = origin
        self.target = target
        self.cursor = cursor
        self.formatter = formatter
        self.batch_size = batch_size
        self.dry_run = dry_run
        self.on_checkpoint = on_checkpoint
        self.emit: ProgressCallback = on_progress or (lambda event: None)
        self.should_stop = should_stop

        native_cls = origin.native_cls(resource)
        fmeta = model_meta(native_cls).cursor_field(cursor.mode)
        self.cursor_name = fmeta.name
        self.ascending = cursor.sort_by is SortOrder.ASC
        self.comparable = _comparable_factory(cursor.mode, fmeta)
        start_text = cursor.resume_value
        self.start_value = self.comparable(start_text)
        if until is None and cursor.mode.is_time and self.ascending:
            # Bound the window at "now": records changed while this run reads are left for the
            # next run instead of shifting offset-paginated pages under us (could skip records).
            until = datetime.now(UTC)
        self.window_end = (
            None if until is None else _cursor_text(cursor.mode, self.comparable(until))
        )
        self.end_value = self.comparable(self.window_end)
        self.delivered = (
            frozenset(cursor.boundary_ids) if self.start_value is not None else frozenset()
        )
        self.read_cursor = Cursor(mode=cursor.mode, start=start_text, sort_by=cursor.sort_by)
        self.plan = origin.plan_read(resource, where, self.read_cursor, self.window_end)
        self.where_ok = compile_conditions(native_cls, self.plan.memory_where)
        self.having_ok = compile_conditions(native_cls, having or [])
        self.sorted_source = origin.is_sorted(resource, cursor.mode, cursor.sort_by)
        self.get_id = origin.resource_id_getter(resource)

        self.stats = PullStats()
        self.rejections = _Rejections(on_reject, max_rejected)
        self.tracker = _ResumeTracker(self.ascending, self.start_value, self.delivered)
        self.safe_cursor = cursor  # where a stopped run may resume from
        self.seen_tokens: set[str] = set()
        self.previous_ids: list[str] | None = None
        self.last_value: Any = None

    def report(self, cursor: Cursor, *, interrupted: bool = False) -> PullReport:
        self.stats.rejected = self.rejections.count
        return PullReport(
            cursor=cursor,
            stats=self.stats,
            plan=self.plan,
            dry_run=self.dry_run,
            errors=self.rejections.kept,
            interrupted=interrupted,
        )

    def execute(self) -> PullReport:
        request = ReadRequest(
            resource=self.resource,
            cursor=self.read_cursor,
            plan=self.plan,
            page_size=self.batch_size,
            window_end=self.window_end,
        )
        pages: Iterator[Page] = iter(self.origin.read_pages(self.resource, request))
        # HTTP sources read the next page while this one is formatted and written.
        prefetch = _Prefetch(pages) if self.origin.prefetch_pages else None
        try:
            for batch_no, page in enumerate(prefetch or pages, start=1):
                self.process(batch_no, page)
                if self.should_stop is not None and self.should_stop():
                    return self.report(self.safe_cursor, interrupted=True)
        finally:
            if prefetch is not None:
                prefetch.close()
        final = self.tracker.cursor(self.cursor)
        if not self.dry_run and self.on_checkpoint is not None:
            self.stats.rejected = self.rejections.count
            self.on_checkpoint(Checkpoint(final, complete=True, stats=replace(self.stats)))
            self.emit(CheckpointSaved(final, complete=True))
        return self.report(final)

    def check_page(self, page: Page, page_ids: list[str]) -> None:
        if page.token is not None:
            if page.token in self.seen_tokens:
                raise PaginationLoopError(
                    f"{self.origin.name}: page {page.token!r} was served twice in one run; stopping"
                )
            self.seen_tokens.add(page.token)
        if page_ids and page_ids == self.previous_ids:
            raise PaginationLoopError(
                f"{self.origin.name}: the same page of {len(page_ids)} records came back twice; "
                "stopping"
            )
        self.previous_ids = page_ids

    def select(self, page: Page, page_ids: list[str]) -> tuple[list[Any], int, int, int]:
        """The page's records to write, and how many the window, WHERE and HAVING dropped."""
        keep: list[Any] = []
        dropped_window = dropped_where = dropped_having = 0
        ascending, start_value, end_value = self.ascending, self.start_value, self.end_value
        comparable, cursor_name = self.comparable, self.cursor_name
        where_ok, having_ok = self.where_ok, self.having_ok
        for record, record_id in zip(page.records, page_ids, strict=True):
            value = comparable(getattr(record, cursor_name))
            if value is not None:
                if start_value is not None and (
                    value < start_value if ascending else value > start_value
                ):
                    dropped_window += 1
                    continue
                if end_value is not None and (
                    value > end_value if ascending else value < end_value
                ):
                    dropped_window += 1
                    continue
                if self.sorted_source:
                    self.check_order(record_id, value)
                if value == start_value and record_id in self.delivered:
                    self.stats.already_delivered += 1
                    continue
                self.tracker.observe(value, record_id)
            if where_ok is not None and not where_ok(record):
                dropped_where += 1
                continue
            if having_ok is not None and not having_ok(record):
                dropped_having += 1
                continue
            keep.append(record)
        return keep, dropped_window, dropped_where, dropped_having

    def check_order(self, record_id: str, value: Any) -> None:
        last = self.last_value
        if last is not None and (value < last if self.ascending else value > last):
            raise CursorOrderError(
                f"{self.origin.name}: record {record_id} ({self.cursor_name}={value}) came after "
                f"{last} although the source is declared sorted {self.cursor.sort_by.value}; "
                "stopping so no record is skipped"
            )
        self.last_value = value

    def process(self, batch_no: int, page: Page) -> None:
        stats, emit = self.stats, self.emit
        stats.pages += 1
        stats.read += len(page.records) + len(page.errors)
        emit(BatchRead(batch_no, len(page.records), stats.read))
        if page.errors:
            stats.invalid += len(page.errors)
            emit(RecordsRejected(batch_no, tuple(self.rejections.add(page.errors))))

        page_ids = [self.get_id(record) for record in page.records]
        self.check_page(page, page_ids)
        keep, dropped_window, dropped_where, dropped_having = self.select(page, page_ids)
        stats.out_of_window += dropped_window
        stats.filtered_where += dropped_where
        stats.filtered_having += dropped_having
        emit(BatchFiltered(batch_no, len(keep), dropped_window, dropped_where, dropped_having))

        formatted, format_errors = safe_format_resources(
            self.resource, self.origin, self.target, self.formatter, keep
        )
        stats.formatted += len(formatted)
        if format_errors:
            emit(RecordsRejected(batch_no, tuple(self.rejections.add(format_errors))))

        if self.dry_run:
            stats.would_write += len(formatted)
            emit(BatchWritten(batch_no, len(formatted), stats.would_write, True))
        elif formatted:
            result = _write_batch(self.target, self.resource, formatted)
            stats.written += result.written
            if result.failed:
                emit(RecordsRejected(batch_no, tuple(self.rejections.add(result.failed))))
            emit(BatchWritten(batch_no, result.written, stats.written, False))
        stats.rejected = self.rejections.count
        if self.sorted_source and not self.dry_run:
            self.safe_cursor = self.tracker.cursor(self.cursor)
            if self.on_checkpoint is not None:
                self.on_checkpoint(
                    Checkpoint(self.safe_cursor, complete=False, stats=replace(stats))
                )
                emit(CheckpointSaved(self.safe_cursor, complete=False))


def pull(
    resource: Resource,
    origin: BaseConnector,
    target: BaseConnector,
    cursor: Cursor,
    where: Sequence[Condition] | None = None,
    having: Sequence[Condition] | None = None,
    formatter: Formatter | None = None,
    batch_size: int = 1000,
    dry_run: bool = False,
    **options: Any,
) -> Cursor:
    """Move every record changed since ``cursor`` from origin to target; return the new cursor.

    The returned ``Cursor(mode, start=<input start>, end=<resume point>)`` also carries the ids
    delivered at ``end``: pass it to the next `pull` to continue with nothing lost or repeated.
    Options: ``until``, ``on_checkpoint``, ``on_progress``, ``on_reject``, ``max_rejected``
    (see `run_pull`, which also returns stats and rejected records).
    """
    return run_pull(
        resource,
        origin,
        target,
        cursor,
        where,
        having,
        formatter,
        batch_size,
        dry_run=dry_run,
        **options,
    ).cursor


# -- push -----------------------------------------------------------------------------------------

UnifiedEvent = UnifiedJobEvent | UnifiedProfileEvent


def _last_event_per_id(events: Iterable[UnifiedEvent]) -> list[UnifiedEvent]:
    """One event per resource id: the latest by ``occurred_at`` (input order breaks ties)."""
    latest: dict[str, UnifiedEvent] = {}
    for event in events:
        kept = latest.get(event.resource_id)
        if kept is None or event.occurred_at >= kept.occurred_at:
            latest[event.resource_id] = event
    return list(latest.values())


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for offset in range(0, len(items), size):
        yield items[offset : offset + size]


def push(
    resource: Resource,
    origin: BaseConnector,
    target: BaseConnector,
    mode: PushMode = PushMode.RESOURCES,
    resources: Sequence[Any] | None = None,
    events: Sequence[UnifiedEvent] | None = None,
    having: Sequence[Condition] | None = None,
    formatter: Formatter | None = None,
    batch_size: int = 1000,
    dry_run: bool = False,
    *,
    on_progress: ProgressCallback | None = None,
    on_reject: RejectCallback | None = None,
    max_rejected: int | None = None,
) -> PushResult:
    """Push native resources, or the resources events point at, to the target.

    In events mode the latest event per id decides: DELETED deletes and ARCHIVED archives on
    the target (never an upsert); the others are fetched from the origin by id and upserted.
    """
    resource = Resource(resource)
    mode = PushMode(mode)
    if batch_size < 1:
        raise HrtechEtlError("batch_size must be at least 1")
    native_cls = origin.native_cls(resource)
    having_ok = compile_conditions(native_cls, having or [])
    result = PushResult(dry_run=dry_run)
    rejections = _Rejections(on_reject, max_rejected)
    emit = on_progress or (lambda event: None)
    natives: list[Any] = []

    if mode is PushMode.RESOURCES:
        for item in resources or []:
            if isinstance(item, native_cls):
                natives.append(item)
                continue
            try:
                natives.append(
                    native_cls.model_validate(_dump(item) if isinstance(item, BaseModel) else item)
                )
            except ValidationError as exc:
                rejections.add(
                    [RecordError(stage="validate", error=_error_text(exc), record=_dump(item))]
                )
        result.total_resources_fetched = len(natives)
    else:
        all_events = list(events or [])
        result.total_events = len(all_events)
        wanted_type = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
        relevant: list[UnifiedEvent] = []
        for event in all_events:
            if isinstance(event, wanted_type):
                relevant.append(event)
            else:
                rejections.add(
                    [
                        RecordError(
                            stage="fetch",
                            resource_id=event.resource_id,
                            error=f"a {type(event).__name__} is not a {resource.value} event",
                        )
                    ]
                )
        latest = _last_event_per_id(relevant)
        deletions = [e.resource_id for e in latest if e.event_type is EventType.DELETED]
        archivals = [e.resource_id for e in latest if e.event_type is EventType.ARCHIVED]
        to_fetch = [e for e in latest if not e.event_type.removes]
        for ids, action, counter in (
            (deletions, target.delete_resources, "deleted"),
            (archivals, target.archive_resources, "archived"),
        ):
            for chunk in _chunks(ids, batch_size):
                if dry_run:
                    continue
                outcome = action(resource, list(chunk))
                setattr(result, counter, getattr(result, counter) + outcome.written)
                rejections.add(outcome.failed)
        for chunk in _chunks(to_fetch, batch_size):
            fetched = origin.fetch_resources_by_events(resource, list(chunk))
            natives.extend(fetched)
            found = {origin.get_resource_id(resource, n) for n in fetched}
            result.skipped_missing += sum(1 for e in chunk if e.resource_id not in found)
        result.total_resources_fetched = len(natives)

    for batch_no, chunk in enumerate(_chunks(natives, batch_size), start=1):
        kept = [n for n in chunk if having_ok is None or having_ok(n)]
        result.skipped_having += len(chunk) - len(kept)
        emit(BatchFiltered(batch_no, len(kept), 0, 0, len(chunk) - len(kept)))
        formatted, format_errors = safe_format_resources(resource, origin, target, formatter, kept)
        if format_errors:
            emit(RecordsRejected(batch_no, tuple(rejections.add(format_errors))))
        if dry_run:
            result.would_push += len(formatted)
            emit(BatchWritten(batch_no, len(formatted), result.would_push, True))
            continue
        if not formatted:
            continue
        outcome = _write_batch(target, resource, formatted)
        result.total_resources_pushed += outcome.written
        if outcome.failed:
            emit(RecordsRejected(batch_no, tuple(rejections.add(outcome.failed))))
        emit(BatchWritten(batch_no, outcome.written, result.total_resources_pushed, False))

    result.errors = rejections.kept
    return result
