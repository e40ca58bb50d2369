"""The connector conformance kit: what every incremental source must get right.

A connector joins the kit with a `Harness` (how to start its fake, seed records at given cursor
values, inject a 429 and break pagination) and a parametrised fixture in
``test_conformance.py``. Every check goes through `hrtech_etl.core.pipeline` over real HTTP
into an in-memory sink, and asserts what reached the sink.

Checks: two incremental pulls in a row (the second sees only newer records, no id twice),
resume from each checkpoint, a future cursor gives nothing, ties at the boundary, timezone
offsets in the cursor, descending order, 429 with Retry-After, pagination loop detection.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import PaginationLoopError
from hrtech_etl.core.pipeline import Checkpoint, run_pull
from hrtech_etl.core.types import Cursor, CursorMode, Resource, SortOrder
from tests.fakes.memory import MemoryConnector

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


class Harness(ABC):
    """How the kit drives one connector and its fake server."""

    name: str
    resource: Resource = Resource.JOB
    modes: tuple[CursorMode, ...] = (CursorMode.UID, CursorMode.CREATED_AT, CursorMode.UPDATED_AT)
    desc_modes: tuple[CursorMode, ...] = ()
    future_id: str = "ZZZZZZZZ"  # sorts after every id the harness creates

    @abstractmethod
    def serve(self) -> AbstractContextManager[Any]:
        """Start the fake server (a context manager)."""

    @abstractmethod
    def connector(self) -> BaseConnector:
        """A connector pointed at the running fake."""

    @abstractmethod
    def put(self, index: int, moment: datetime) -> str:
        """Create or update record ``index`` with created_at = updated_at = ``moment``; its id.

        Called again for an existing index it keeps created_at and moves updated_at only.
        """

    @abstractmethod
    def fail_next_with_429(self, retry_after: str) -> None: ...

    @abstractmethod
    def break_pagination(self) -> None:
        """Make the server hand back a page it already served."""


def sink() -> MemoryConnector:
    return MemoryConnector()


def pull_ids(
    harness: Harness,
    cursor: Cursor,
    *,
    batch_size: int = 10,
    checkpoints: list[Checkpoint] | None = None,
) -> tuple[Cursor, list[str]]:
    """Run a pull into a fresh sink; the new cursor and every id written, in write order."""
    target = sink()
    report = run_pull(
        harness.resource,
        harness.connector(),
        target,
        cursor,
        batch_size=batch_size,
        on_checkpoint=checkpoints.append if checkpoints is not None else None,
    )
    assert report.errors == [], report.errors
    written = [record_id for call in target.write_calls for record_id in call]
    return report.cursor, written


def assert_no_id_twice(ids: list[str]) -> None:
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert not repeated, f"ids delivered twice: {repeated[:5]}"


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


# -- the checks -------------------------------------------------------------------------------


def check_two_incremental_pulls(harness: Harness, mode: CursorMode) -> None:
    ids = [harness.put(i, minutes(i)) for i in range(25)]
    first, written = pull_ids(harness, Cursor(mode=mode))
    assert sorted(written) == sorted(ids)
    assert_no_id_twice(written)

    new_ids = [harness.put(i, minutes(100 + i)) for i in (25, 26)]
    changed = [harness.put(i, minutes(200 + i)) for i in (3, 7)]
    second, written2 = pull_ids(harness, first)
    assert_no_id_twice(written2)
    expected = new_ids + (changed if mode is CursorMode.UPDATED_AT else [])
    assert sorted(written2) == sorted(expected)

    _, written3 = pull_ids(harness, second)
    assert written3 == []


def check_resume_from_each_checkpoint(harness: Harness, mode: CursorMode) -> None:
    for i in range(23):
        harness.put(i, minutes(i // 2))  # pairs share a cursor value: ties across pages
    checkpoints: list[Checkpoint] = []
    _, all_ids = pull_ids(harness, Cursor(mode=mode), batch_size=5, checkpoints=checkpoints)
    assert checkpoints and checkpoints[-1].complete
    for checkpoint in checkpoints:
        # What had reached the target when this checkpoint was taken.
        delivered = all_ids[: checkpoint.stats.written]
        _, rest = pull_ids(harness, checkpoint.cursor, batch_size=5)
        assert_no_id_twice(delivered + rest)
        assert set(delivered) | set(rest) == set(all_ids), f"lost records after {checkpoint}"


def check_future_cursor(harness: Harness, mode: CursorMode) -> None:
    for i in range(5):
        harness.put(i, minutes(i))
    start = "2999-01-01T00:00:00Z" if mode.is_time else harness.future_id
    cursor, written = pull_ids(harness, Cursor(mode=mode, start=start))
    assert written == []
    assert cursor.end == Cursor(mode=mode, start=start).start


def check_ties_at_the_boundary(harness: Harness, mode: CursorMode) -> None:
    ids = [harness.put(i, minutes(30)) for i in range(12)]
    first, written = pull_ids(harness, Cursor(mode=mode), batch_size=5)
    assert sorted(written) == sorted(ids)
    again, written2 = pull_ids(harness, first, batch_size=5)
    assert written2 == []
    late = harness.put(12, minutes(30))  # arrives later with the same cursor value
    _, written3 = pull_ids(harness, again, batch_size=5)
    assert written3 == [late]


def check_timezone_offsets(harness: Harness, mode: CursorMode) -> None:
    before = harness.put(0, minutes(-1))
    at = harness.put(1, minutes(0))
    after = harness.put(2, minutes(1))
    start = (T0.astimezone(UTC) + timedelta(hours=2)).replace(tzinfo=None).isoformat() + "+02:00"
    cursor, written = pull_ids(harness, Cursor(mode=mode, start=start))
    assert sorted(written) == sorted([at, after])
    assert before not in written
    assert cursor.start == "2024-05-01T10:00:00Z"


def check_descending_order(harness: Harness, mode: CursorMode) -> None:
    ids = [harness.put(i, minutes(i)) for i in range(15)]
    start = minutes(9).isoformat()
    cursor, written = pull_ids(harness, Cursor(mode=mode, start=start, sort_by=SortOrder.DESC))
    assert sorted(written) == sorted(ids[:10])
    assert cursor.end == "2024-05-01T10:00:00Z"  # the minimum read
    _, again = pull_ids(harness, cursor)
    assert again == []


def check_rate_limited_then_served(harness: Harness, mode: CursorMode) -> None:
    ids = [harness.put(i, minutes(i)) for i in range(12)]
    harness.fail_next_with_429("1")
    _, written = pull_ids(harness, Cursor(mode=mode), batch_size=5)
    assert sorted(written) == sorted(ids)


def check_pagination_loop_detected(harness: Harness, mode: CursorMode) -> None:
    for i in range(12):
        harness.put(i, minutes(i))
    harness.break_pagination()
    with pytest.raises(PaginationLoopError):
        pull_ids(harness, Cursor(mode=mode), batch_size=5)


CHECKS = {
    "two_incremental_pulls": check_two_incremental_pulls,
    "resume_from_each_checkpoint": check_resume_from_each_checkpoint,
    "future_cursor": check_future_cursor,
    "ties_at_the_boundary": check_ties_at_the_boundary,
    "timezone_offsets": check_timezone_offsets,
    "descending_order": check_descending_order,
    "rate_limited_then_served": check_rate_limited_then_served,
    "pagination_loop_detected": check_pagination_loop_detected,
}
TIME_ONLY = {"timezone_offsets", "descending_order"}
