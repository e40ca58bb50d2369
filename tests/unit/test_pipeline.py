"""Pipeline semantics (DESIGN §4) on an in-memory connector: resume points, boundary ties,
desc order, windows, filters, checkpoints, dry runs, per-record failures, events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hrtech_etl.core.connector import Page, ReadRequest
from hrtech_etl.core.errors import CursorOrderError, PaginationLoopError, TooManyRejectedError
from hrtech_etl.core.models import UnifiedJob, UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.pipeline import Checkpoint, pull, push, run_pull
from hrtech_etl.core.progress import BatchRead, BatchWritten, CheckpointSaved
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    EventType,
    Operator,
    PushMode,
    Resource,
)
from tests.fakes.memory import MemoryConnector

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def job(n: int, minutes: int | None = None, **fields: object) -> UnifiedJob:
    moment = T0 + timedelta(minutes=n if minutes is None else minutes)
    data: dict[str, object] = {
        "id": f"J{n:05d}",
        "title": f"Engineer {n}" if n % 2 else f"Designer {n}",
        "created_at": moment,
        "updated_at": moment,
        **fields,
    }
    return UnifiedJob.model_validate(data)


def run(
    origin: MemoryConnector, cursor: Cursor, **kwargs: object
) -> tuple[Cursor, MemoryConnector]:
    target = MemoryConnector()
    result = pull(Resource.JOB, origin, target, cursor, **kwargs)  # type: ignore[arg-type]
    return result, target


def test_every_record_once_and_resume_point_is_the_max() -> None:
    origin = MemoryConnector([job(n) for n in range(250)])
    cursor, target = run(origin, Cursor(mode=CursorMode.UPDATED_AT), batch_size=40)
    assert len(target.stored) == 250
    assert sum(len(call) for call in target.write_calls) == 250  # no id written twice
    assert cursor.start is None
    assert cursor.end == "2024-03-01T04:09:00Z"  # minute 249
    assert cursor.boundary_ids == ("J00249",)
    assert origin.pages_served == 7


def test_second_pull_from_returned_cursor_gets_only_changes() -> None:
    records = [job(n) for n in range(100)]
    origin = MemoryConnector(records)
    first, _ = run(origin, Cursor(mode="updated_at"), batch_size=30)
    origin.records.append(job(5, minutes=500, title="Engineer 5 (edited)"))
    origin.records.append(job(100, minutes=501))
    second, target = run(origin, first, batch_size=30)
    assert sorted(target.stored) == ["J00005", "J00100"]
    assert target.stored["J00005"].title == "Engineer 5 (edited)"  # type: ignore[attr-defined]
    assert second.start == first.start
    assert second.end == "2024-03-01T08:21:00Z"
    third, target3 = run(origin, second)
    assert target3.stored == {}
    assert third.end == second.end


def test_ties_at_the_boundary_are_neither_lost_nor_repeated() -> None:
    tied = [job(n, minutes=10) for n in range(7)]
    origin = MemoryConnector([job(100, minutes=1), *tied])
    first, target = run(origin, Cursor(mode="updated_at"), batch_size=3)
    assert len(target.stored) == 8
    assert set(first.boundary_ids) == {f"J{n:05d}" for n in range(7)}
    # Another record arrives at exactly the boundary value: only it moves next time.
    origin.records.append(job(7, minutes=10))
    second, target2 = run(origin, first, batch_size=3)
    assert list(target2.stored) == ["J00007"]
    assert len(second.boundary_ids) == 8
    _, target3 = run(origin, second)
    assert target3.stored == {}


def test_cursor_resume_builds_the_next_cursor_with_its_boundary_ids() -> None:
    origin = MemoryConnector([job(n, minutes=3) for n in range(4)])
    first, _ = run(origin, Cursor(mode="updated_at"))
    resumed = first.resume()
    assert resumed.start == first.end and resumed.end is None
    assert resumed.boundary_ids == first.boundary_ids
    _, target = run(origin, resumed)
    assert target.stored == {}


def test_start_only_cursor_includes_the_bound_and_excludes_earlier_records() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    start = "2024-03-01T02:05:00+02:00"  # 00:05Z: minute 5, written with an offset
    cursor, target = run(origin, Cursor(mode="updated_at", start=start))
    assert sorted(target.stored) == [f"J{n:05d}" for n in range(5, 10)]
    assert cursor.start == "2024-03-01T00:05:00Z"


def test_future_cursor_moves_nothing() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    cursor, target = run(origin, Cursor(mode="updated_at", start="2999-01-01T00:00:00Z"))
    assert target.stored == {}
    assert cursor.end == "2999-01-01T00:00:00Z"


def test_desc_order_resumes_from_the_minimum() -> None:
    origin = MemoryConnector([job(n) for n in range(20)])
    start = (T0 + timedelta(minutes=15)).isoformat()
    cursor, target = run(
        origin, Cursor(mode="updated_at", start=start, sort_by="desc"), batch_size=4
    )
    assert sorted(target.stored) == [f"J{n:05d}" for n in range(16)]
    assert cursor.end == "2024-03-01T00:00:00Z"
    assert cursor.boundary_ids == ("J00000",)
    again, target2 = run(origin, cursor, batch_size=4)
    assert target2.stored == {}
    assert again.end == cursor.end


def test_until_bounds_the_window_and_the_rest_comes_next_run() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    first, target = run(origin, Cursor(mode="updated_at"), until="2024-03-01T00:04:00Z")
    assert sorted(target.stored) == [f"J{n:05d}" for n in range(5)]
    assert first.end == "2024-03-01T00:04:00Z"
    _, target2 = run(origin, first)
    assert sorted(target2.stored) == [f"J{n:05d}" for n in range(5, 10)]


def test_records_from_the_future_wait_for_the_next_run_by_default() -> None:
    future = datetime.now(UTC) + timedelta(days=1)
    origin = MemoryConnector([job(1), job(2, updated_at=future, created_at=future)])
    cursor, target = run(origin, Cursor(mode="updated_at"))
    assert list(target.stored) == ["J00001"]
    assert cursor.end == "2024-03-01T00:01:00Z"


def test_id_cursor() -> None:
    origin = MemoryConnector([job(n) for n in range(30)])
    cursor, target = run(origin, Cursor(mode="uid", start="J00010"), batch_size=7)
    assert len(target.stored) == 20
    assert cursor.mode is CursorMode.UID
    assert cursor.end == "J00029"


def test_resume_point_counts_records_dropped_by_filters() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    having = [Condition(field="title", op=Operator.CONTAINS, value="designer")]
    cursor, target = run(origin, Cursor(mode="updated_at"), having=having)
    assert sorted(target.stored) == [f"J{n:05d}" for n in range(0, 10, 2)]
    assert cursor.end == "2024-03-01T00:09:00Z"  # J00009 was filtered out but was read


def test_where_applied_in_memory_when_the_source_cannot() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    where = [Condition(field="title", op="contains", value="engineer")]
    report = run_pull(Resource.JOB, origin, MemoryConnector(), Cursor(mode="updated_at"), where)
    assert report.stats.filtered_where == 5
    assert report.stats.written == 5


def test_sorted_source_checkpoints_after_each_confirmed_batch() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    seen: list[Checkpoint] = []
    run_pull(
        Resource.JOB,
        origin,
        MemoryConnector(),
        Cursor(mode="updated_at"),
        batch_size=4,
        on_checkpoint=seen.append,
    )
    assert [c.cursor.end for c in seen] == [
        "2024-03-01T00:03:00Z",
        "2024-03-01T00:07:00Z",
        "2024-03-01T00:09:00Z",
        "2024-03-01T00:09:00Z",
    ]
    assert [c.complete for c in seen] == [False, False, False, True]


def test_resume_from_each_checkpoint_delivers_the_rest_exactly_once() -> None:
    records = [job(n, minutes=n // 3) for n in range(30)]  # ties across page boundaries
    origin = MemoryConnector(records)
    checkpoints: list[Checkpoint] = []
    delivered_before: list[set[str]] = []
    target = MemoryConnector()

    def keep(checkpoint: Checkpoint) -> None:
        checkpoints.append(checkpoint)
        delivered_before.append(set(target.stored))

    run_pull(
        Resource.JOB, origin, target, Cursor(mode="updated_at"), batch_size=4, on_checkpoint=keep
    )
    for checkpoint, before in zip(checkpoints, delivered_before, strict=True):
        rest = MemoryConnector()
        pull(Resource.JOB, origin, rest, checkpoint.cursor, batch_size=4)
        assert set(rest.stored).isdisjoint(before)
        assert set(rest.stored) | before == set(target.stored)


def test_unsorted_source_only_checkpoints_when_the_window_completes() -> None:
    records = [job(n) for n in range(10)]
    origin = MemoryConnector(list(reversed(records)), sorted_source=False)
    seen: list[Checkpoint] = []
    cursor = pull(
        Resource.JOB,
        origin,
        MemoryConnector(),
        Cursor(mode="updated_at"),
        batch_size=3,
        on_checkpoint=seen.append,
    )
    assert len(seen) == 1 and seen[0].complete
    assert cursor.end == "2024-03-01T00:09:00Z"


def test_sorted_source_out_of_order_fails_loudly() -> None:
    class Unordered(MemoryConnector):
        def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
            yield Page(records=[job(2), job(1)])

    with pytest.raises(CursorOrderError, match="declared sorted asc"):
        run(Unordered(), Cursor(mode="updated_at"))


def test_a_page_served_twice_stops_the_run() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    origin.serve_same_page = True
    with pytest.raises(PaginationLoopError, match="came back twice"):
        run(origin, Cursor(mode="updated_at"), batch_size=4)
    assert origin.pages_served == 2


def test_dry_run_writes_nothing_checkpoints_nothing_and_counts_what_it_would_write() -> None:
    origin = MemoryConnector([job(n) for n in range(12)])
    target = MemoryConnector()
    seen: list[Checkpoint] = []
    report = run_pull(
        Resource.JOB,
        origin,
        target,
        Cursor(mode="updated_at"),
        batch_size=5,
        dry_run=True,
        on_checkpoint=seen.append,
    )
    assert target.write_calls == [] and seen == []
    assert report.dry_run and report.stats.would_write == 12 and report.stats.written == 0
    assert report.cursor.end == "2024-03-01T00:11:00Z"


def test_a_failing_record_is_isolated_and_the_rest_is_written() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    target = MemoryConnector()
    target.fail_ids = {"J00003"}
    rejected: list[str] = []
    report = run_pull(
        Resource.JOB,
        origin,
        target,
        Cursor(mode="updated_at"),
        batch_size=5,
        on_reject=lambda error: rejected.append(str(error.resource_id)),
    )
    assert sorted(target.stored) == [f"J{n:05d}" for n in range(10) if n != 3]
    assert rejected == ["J00003"]
    assert report.stats.rejected == 1 and report.errors[0].stage == "write"
    assert "refused J00003" in report.errors[0].error


def test_rejections_past_the_threshold_stop_the_run() -> None:
    origin = MemoryConnector([job(n) for n in range(10)])
    target = MemoryConnector()
    target.fail_ids = {"J00001", "J00002"}
    with pytest.raises(TooManyRejectedError, match="2 records rejected"):
        run_pull(Resource.JOB, origin, target, Cursor(mode="updated_at"), max_rejected=1)


def test_formatter_output_is_validated_per_record() -> None:
    origin = MemoryConnector([job(n) for n in range(4)])
    target = MemoryConnector()

    def formatter(record: UnifiedJob) -> dict[str, object]:
        data = record.model_dump()
        if record.id == "J00002":
            data["created_at"] = "not a date"
        return data

    report = run_pull(Resource.JOB, origin, target, Cursor(mode="updated_at"), formatter=formatter)
    assert sorted(target.stored) == ["J00000", "J00001", "J00003"]
    assert [e.resource_id for e in report.errors] == ["J00002"]
    assert report.errors[0].stage == "format" and "created_at" in report.errors[0].error


def test_progress_events_describe_the_run() -> None:
    origin = MemoryConnector([job(n) for n in range(5)])
    events: list[object] = []
    pull(
        Resource.JOB,
        origin,
        MemoryConnector(),
        Cursor(mode="updated_at"),
        batch_size=2,
        on_progress=events.append,
        on_checkpoint=lambda checkpoint: None,
    )
    reads = [e for e in events if isinstance(e, BatchRead)]
    writes = [e for e in events if isinstance(e, BatchWritten)]
    assert [e.count for e in reads] == [2, 2, 1]
    assert writes[-1].total_written == 5
    assert isinstance(events[-1], CheckpointSaved) and events[-1].complete


# -- push -----------------------------------------------------------------------------------------


def test_push_resources_counts_and_having() -> None:
    target = MemoryConnector()
    result = push(
        Resource.JOB,
        MemoryConnector(),
        target,
        PushMode.RESOURCES,
        resources=[job(n) for n in range(6)],
        having=[Condition(field="title", op="contains", value="engineer")],
    )
    assert result.total_resources_pushed == 3 and result.skipped_having == 3
    assert sorted(target.stored) == ["J00001", "J00003", "J00005"]


def test_push_dry_run_pushes_nothing_and_says_so() -> None:
    target = MemoryConnector()
    result = push(Resource.JOB, MemoryConnector(), target, resources=[job(1), job(2)], dry_run=True)
    assert result.dry_run and result.would_push == 2 and result.total_resources_pushed == 0
    assert target.write_calls == []


def test_push_events_fetches_by_id_and_deletes_or_archives() -> None:
    origin = MemoryConnector([job(1), job(2), job(3)])
    target = MemoryConnector()
    target.stored["J00002"] = job(2)

    def event(kind: EventType, rid: str, minute: int) -> UnifiedJobEvent:
        return UnifiedJobEvent(
            event_type=kind, resource_id=rid, occurred_at=T0 + timedelta(minutes=minute)
        )

    events = [
        event(EventType.CREATED, "J00001", 1),
        event(EventType.UPDATED, "J00002", 1),
        event(EventType.DELETED, "J00002", 2),  # the last event per id wins: a delete
        event(EventType.ARCHIVED, "J00003", 1),
        event(EventType.UPDATED, "J00404", 1),  # missing at the origin
    ]
    result = push(Resource.JOB, origin, target, PushMode.EVENTS, events=events)
    assert result.total_events == 5
    assert result.total_resources_fetched == 1 and result.total_resources_pushed == 1
    assert result.deleted == 1 and result.archived == 1 and result.skipped_missing == 1
    assert sorted(target.stored) == ["J00001"]
    assert target.deleted == ["J00002"] and target.archived == ["J00003"]


def test_push_events_of_the_wrong_resource_are_rejected_not_pushed() -> None:
    result = push(
        Resource.JOB,
        MemoryConnector([job(1)]),
        MemoryConnector(),
        PushMode.EVENTS,
        events=[UnifiedProfileEvent(event_type="updated", resource_id="J00001", occurred_at=T0)],
    )
    assert result.total_resources_pushed == 0
    assert result.errors[0].stage == "fetch"


def test_should_stop_ends_after_the_current_batch_with_the_last_safe_cursor() -> None:
    origin = MemoryConnector([job(n) for n in range(20)])
    target = MemoryConnector()
    calls = iter([False, True])
    report = run_pull(
        Resource.JOB,
        origin,
        target,
        Cursor(mode="updated_at"),
        batch_size=5,
        should_stop=lambda: next(calls),
    )
    assert report.interrupted and len(target.stored) == 10
    assert report.cursor.end == "2024-03-01T00:09:00Z"
    rest = MemoryConnector()
    pull(Resource.JOB, origin, rest, report.cursor, batch_size=5)
    assert sorted(rest.stored) == [f"J{n:05d}" for n in range(10, 20)]


def test_a_stopped_unsorted_run_does_not_move_the_cursor() -> None:
    origin = MemoryConnector([job(n) for n in range(20)], sorted_source=False)
    start = Cursor(mode="updated_at", start="2024-03-01T00:00:00Z")
    report = run_pull(
        Resource.JOB, origin, MemoryConnector(), start, batch_size=5, should_stop=lambda: True
    )
    assert report.interrupted and report.cursor == start


class _Prefetching(MemoryConnector):
    """A source read ahead in a background thread, that can fail at a given page."""

    prefetch_pages = True

    def __init__(self, records: list[UnifiedJob], fail_at: int | None = None) -> None:
        super().__init__(records)
        self.fail_at = fail_at
        self.closed = False
        self.served: list[int] = []

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        try:
            for number, page in enumerate(super().read_pages(resource, request), start=1):
                if number == self.fail_at:
                    raise RuntimeError(f"page {number} broke")
                self.served.append(number)
                yield page
        finally:
            self.closed = True


def test_prefetched_pages_arrive_in_order_and_all_of_them() -> None:
    origin = _Prefetching([job(n) for n in range(53)])
    target = MemoryConnector()
    cursor = pull(Resource.JOB, origin, target, Cursor(mode="updated_at"), batch_size=5)
    assert [i for call in target.write_calls for i in call] == [f"J{n:05d}" for n in range(53)]
    assert cursor.end == "2024-03-01T00:52:00Z" and origin.closed


def test_a_prefetch_error_surfaces_after_the_pages_before_it() -> None:
    origin = _Prefetching([job(n) for n in range(50)], fail_at=4)
    target = MemoryConnector()
    seen: list[Checkpoint] = []
    with pytest.raises(RuntimeError, match="page 4 broke"):
        run_pull(
            Resource.JOB,
            origin,
            target,
            Cursor(mode="updated_at"),
            batch_size=5,
            on_checkpoint=seen.append,
        )
    assert len(target.stored) == 15 and seen[-1].cursor.end == "2024-03-01T00:14:00Z"
    assert origin.closed


def test_stopping_early_stops_the_read_ahead() -> None:
    origin = _Prefetching([job(n) for n in range(500)])
    report = run_pull(
        Resource.JOB,
        origin,
        MemoryConnector(),
        Cursor(mode="updated_at"),
        batch_size=5,
        should_stop=lambda: True,
    )
    assert report.interrupted and origin.closed
    assert len(origin.served) <= 4  # one processed, at most a bounded queue read ahead


def test_rejected_records_of_models_without_an_id_cursor_still_name_their_key() -> None:
    from pydantic import BaseModel

    from hrtech_etl.core.connector import validate_records

    class Thing(BaseModel):
        key: str
        size: int

    good, bad = validate_records(Thing, b'[{"key": "a", "size": 1}, {"key": "b", "size": "x"}]')
    assert [t.key for t in good] == ["a"]
    assert [(e.stage, e.resource_id) for e in bad] == [("validate", "b")]
