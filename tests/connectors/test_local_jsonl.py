"""The jsonl connector on tmp files: incremental pulls into sqlite, bad lines reported with
file:line, gzip, folders, append/overwrite writes, file modes, events."""

from __future__ import annotations

import gzip
import json
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from hrtech_etl.connectors.local import JsonlConnector, LocalJob, SqliteConnector
from hrtech_etl.core.connector import ReadRequest
from hrtech_etl.core.errors import ConfigError, ConnectorError
from hrtech_etl.core.models import UnifiedJobEvent
from hrtech_etl.core.pipeline import push, run_pull
from hrtech_etl.core.types import Condition, Cursor, CursorMode, PushMode, Resource, SortOrder
from tests.fakes.memory import MemoryConnector

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
OFFSETS = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]


def unified_line(n: int, minutes: float, **fields: Any) -> dict[str, Any]:
    """A unified job as a JSON dict, its times written in one of several offsets."""
    moment = (T0 + timedelta(minutes=minutes)).astimezone(OFFSETS[n % len(OFFSETS)])
    return {
        "id": f"J{n:05d}",
        "title": f"Engineer {n}",
        "tags": ["python"] if n % 2 else [],
        "created_at": moment.isoformat(),
        "updated_at": moment.isoformat(),
        **fields,
    }


def write_lines(path: Path, rows: list[Any], *, append: bool = False) -> None:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    with path.open("a" if append else "w") as handle:
        handle.write(text)


def pull_all(source: JsonlConnector, where: list[Condition] | None = None) -> Any:
    return run_pull(Resource.JOB, source, MemoryConnector(), Cursor(mode="updated_at"), where)


def test_incremental_pull_from_jsonl_into_sqlite(tmp_path: Path) -> None:
    source_file = tmp_path / "jobs.jsonl"
    # 3000 jobs, four per minute (ties), in shuffled order, with mixed UTC offsets.
    rows = [unified_line(n, minutes=n // 4) for n in range(3000)]
    rows = rows[1::2] + rows[::2]
    write_lines(source_file, rows)
    source = JsonlConnector(path=str(source_file))
    with SqliteConnector(path=str(tmp_path / "hr.db")) as target:
        first = run_pull(Resource.JOB, source, target, Cursor(mode="updated_at"), batch_size=500)
        assert first.stats.read == 3000 and first.stats.written == 3000
        assert target.count(Resource.JOB) == 3000
        assert first.cursor.end == "2024-03-01T21:29:00Z"  # minute 749
        assert len(first.cursor.boundary_ids) == 4
        assert target.read_all(Resource.JOB)[1] == LocalJob.model_validate(unified_line(1, 0))

        again = run_pull(Resource.JOB, source, target, first.cursor, batch_size=500)
        assert again.stats.written == 0
        assert again.stats.already_delivered + again.stats.out_of_window == 3000

        # Ten later records (two of them tied at the old bound), appended with the connector.
        later = [LocalJob.model_validate(unified_line(3000 + n, 749 + n // 2)) for n in range(10)]
        JsonlConnector(path=str(source_file)).write_resources_batch(Resource.JOB, later)
        third = run_pull(Resource.JOB, source, target, again.cursor, batch_size=500)
        assert third.stats.written == 10
        assert target.count(Resource.JOB) == 3010
        assert run_pull(Resource.JOB, source, target, third.cursor).stats.written == 0


def test_a_bad_line_is_reported_with_file_and_line_and_the_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    rows: list[Any] = [unified_line(n, n) for n in range(20)]
    rows[16] = {**rows[16], "created_at": "yesterday"}  # line 19, after the inserts below
    rows.insert(5, "")  # a blank line is skipped, not an error
    rows.insert(9, "{not json")
    write_lines(path, rows)
    report = pull_all(JsonlConnector(path=str(path)))
    assert report.stats.written == 19 and report.stats.invalid == 2
    bad_json, bad_date = report.errors
    assert bad_json.stage == "validate" and bad_json.error.startswith("jobs.jsonl:10: ")
    assert bad_json.resource_id is None
    assert bad_date.error.startswith("jobs.jsonl:19: LocalJob.created_at: ")
    assert bad_date.resource_id == "J00016" and bad_date.record is not None


def test_gzip_files_are_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        for n in range(30):
            handle.write(json.dumps(unified_line(n, n)) + "\n")
    report = pull_all(JsonlConnector(path=str(path)))
    assert report.stats.written == 30 and report.errors == []


def test_a_folder_is_read_file_by_file_in_name_order(tmp_path: Path) -> None:
    write_lines(tmp_path / "b.jsonl", [unified_line(n, n) for n in range(3, 6)])
    write_lines(tmp_path / "a.jsonl", [unified_line(n, n) for n in range(3)])
    write_lines(tmp_path / "notes.txt", ["not a record"])
    source = JsonlConnector(path=str(tmp_path))
    cursor = Cursor(mode="id")
    request = ReadRequest(Resource.JOB, cursor, source.plan_read(Resource.JOB, None, cursor), 2)
    pages = list(source.read_pages(Resource.JOB, request))
    assert [p.token for p in pages] == ["a.jsonl:1", "a.jsonl:3", "b.jsonl:2"]
    assert [r.id for p in pages for r in p.records] == [f"J{n:05d}" for n in range(6)]
    assert not source.is_sorted(Resource.JOB, CursorMode.UID, SortOrder.ASC)
    gz_only = JsonlConnector(path=str(tmp_path), pattern="*.gz")
    assert pull_all(gz_only).stats.read == 0  # an empty selection is zero records


def test_a_missing_path_is_an_error_not_zero_records(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        pull_all(JsonlConnector(path=str(tmp_path / "typo.jsonl")))


def test_where_runs_in_memory_and_the_plan_says_so(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    write_lines(path, [unified_line(n, n) for n in range(10)])
    source = JsonlConnector(path=str(path))
    where = [
        Condition(field="tags", op="contains", value="PY"),
        Condition(field="title", op="gte", value="Engineer 5"),
    ]
    plan = source.plan_read(Resource.JOB, where, Cursor(mode="updated_at"))
    assert [e.describe().split(";")[0] for e in plan.entries] == ["applied in memory"] * 3
    assert [c.field for c in plan.memory_where] == ["tags", "title"]
    report = pull_all(source, where)
    assert report.stats.written == 3  # 5, 7, 9
    assert report.stats.filtered_where == 7


def test_append_writes_every_record_and_creates_private_files(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "jobs"
    target = JsonlConnector(path=str(folder))
    records = [LocalJob.model_validate(unified_line(n, n)) for n in range(3)]
    assert target.write_resources_batch(Resource.JOB, records).written == 3
    target.write_resources_batch(Resource.JOB, records[:1])  # a re-run appends again
    written = folder / "jobs.jsonl"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    lines = written.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["J00000", "J00001", "J00002", "J00000"]
    assert json.loads(lines[0])["created_at"] == "2024-03-01T09:00:00.000000Z"


def test_overwrite_truncates_at_the_first_write_of_a_run_only(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    write_lines(path, [unified_line(n, n) for n in range(5)])
    records = [LocalJob.model_validate(unified_line(n, n)) for n in range(10, 14)]
    run = JsonlConnector(path=str(path), mode="overwrite")
    run.write_resources_batch(Resource.JOB, records[:2])
    run.write_resources_batch(Resource.JOB, records[2:])
    ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert ids == ["J00010", "J00011", "J00012", "J00013"]


def test_written_gzip_files_read_back(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl.gz"
    connector = JsonlConnector(path=str(path))
    connector.write_resources_batch(Resource.JOB, [LocalJob(id="J1", created_at=T0)])
    connector.write_resources_batch(Resource.JOB, [LocalJob(id="J2", created_at=T0)])
    assert pull_all(connector).stats.written == 2


def test_jsonl_cannot_delete_or_archive(tmp_path: Path) -> None:
    target = JsonlConnector(path=str(tmp_path / "jobs.jsonl"))
    with pytest.raises(ConnectorError, match=r"jsonl cannot delete .*use sqlite"):
        target.delete_resources(Resource.JOB, ["J1"])
    with pytest.raises(ConnectorError, match=r"jsonl cannot archive .*use sqlite"):
        target.archive_resources(Resource.JOB, ["J1"])


def test_events_fetch_the_last_line_for_each_id(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    write_lines(
        path,
        [
            unified_line(1, 0),
            unified_line(2, 0),
            "{broken",
            unified_line(1, 5, title="Engineer 1 (edited)"),
        ],
    )
    origin = JsonlConnector(path=str(path))
    raw = [
        {"event_type": "updated", "resource_id": "J00001", "occurred_at": "2024-03-01T10:00:00Z"},
        {"event_type": "created", "resource_id": "J00404", "occurred_at": "2024-03-01T10:00:00Z"},
        {"event_type": "updated", "resource_id": "J00001"},  # no time: not an event
    ]
    events = [origin.parse_resource_event(Resource.JOB, e) for e in raw]
    assert events[2] is None
    parsed = [e for e in events if isinstance(e, UnifiedJobEvent)]
    with SqliteConnector(path=str(tmp_path / "hr.db")) as target:
        result = push(Resource.JOB, origin, target, PushMode.EVENTS, events=parsed)
        assert result.total_resources_pushed == 1 and result.skipped_missing == 1
        assert [r.title for r in target.read_all(Resource.JOB)] == ["Engineer 1 (edited)"]
