"""Warehouse A over real HTTP against its fake: params on the wire, pagination, auth, errors,
writes, events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from hrtech_etl.connectors.warehouse_a import WarehouseAConnector, WarehouseAJob
from hrtech_etl.core.auth import ApiKeyAuth
from hrtech_etl.core.errors import AuthError, ConfigError, RateLimitError
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.pipeline import push, run_pull
from hrtech_etl.core.types import Condition, Cursor, EventType, PushMode, Resource
from tests.fakes.memory import MemoryConnector
from tests.fakes.warehouse_a import API_KEY, FakeWarehouseA, make_job, make_profile


def connector(fake: FakeWarehouseA, key: str = API_KEY, **options: object) -> WarehouseAConnector:
    return WarehouseAConnector(
        auth=ApiKeyAuth(base_url=fake.base_url, api_key=key, extra_headers={"X-Tenant-ID": "t1"}),
        **options,
    )


def test_ten_thousand_records_in_twenty_pages_each_read_once(fake_a: FakeWarehouseA) -> None:
    fake_a.add_jobs(*[make_job(i) for i in range(10_000)])
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB, connector(fake_a), target, Cursor(mode="updated_at"), batch_size=500
    )
    pages = [int(r.arg("page") or 0) for r in fake_a.list_requests()]
    assert pages == list(range(1, 21))
    assert report.stats.read == 10_000 and report.stats.written == 10_000
    assert len(target.stored) == 10_000

    # Change 37 records; the next pull from the returned cursor moves exactly those.
    later = datetime(2025, 1, 1, tzinfo=UTC)
    changed = [make_job(i, updated=later + timedelta(seconds=i)) for i in range(0, 3700, 100)]
    fake_a.add_jobs(*changed)
    second = MemoryConnector()
    report2 = run_pull(Resource.JOB, connector(fake_a), second, report.cursor, batch_size=500)
    assert sorted(second.stored) == sorted(str(job["job_id"]) for job in changed)
    assert sum(len(c) for c in second.write_calls) == 37
    assert report2.cursor.end == "2025-01-01T01:00:00Z"


def test_where_params_on_the_wire(fake_a: FakeWarehouseA) -> None:
    fake_a.add_jobs(*[make_job(i) for i in range(60)])
    where = [
        Prefilter(WarehouseAJob, "title").contains("data"),
        Prefilter(WarehouseAJob, "skills").contains(["java", "figma"]),
        Prefilter(WarehouseAJob, "board_key").in_(["board-0", "board-1"]),
        Prefilter(WarehouseAJob, "location_city").eq("Paris"),
        Prefilter(WarehouseAJob, "salary_min").gte(35000),
        Prefilter(WarehouseAJob, "status").not_in(["closed"]),
    ]
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB,
        connector(fake_a),
        target,
        Cursor(mode="created_at", start="2024-01-01T00:10:00Z"),
        where,
        until="2024-01-01T00:50:00Z",
    )
    [request] = fake_a.list_requests()
    assert request.arg("keywords") == "(data) AND (java OR figma)"
    assert json.loads(request.arg("board_keys") or "") == ["board-0", "board-1"]
    assert request.arg("city") == "Paris"
    assert request.arg("salary_from") == "35000.0"
    assert request.arg("created_at_min") == "2024-01-01T00:10:00Z"
    assert request.arg("created_at_max") == "2024-01-01T00:50:00Z"
    assert (request.arg("sort_by"), request.arg("order_by")) == ("created_at", "asc")
    assert request.header("x-api-key") == API_KEY and request.header("x-tenant-id") == "t1"
    assert "status_not" not in request.query  # not_in has no param: applied in memory
    # What arrived matches the same conditions evaluated locally.
    expected = {
        str(job["job_id"])
        for job in fake_a.jobs.values()
        if "2024-01-01T00:10:00Z" <= str(job["created_at"]) <= "2024-01-01T00:50:00Z"
        and "data" in str(job["title"]).lower() + str(job["description"]).lower()
        and {"java", "figma"} & set(job["skills"])  # type: ignore[arg-type]
        and job["board_key"] in ("board-0", "board-1")
        and job["location_city"] == "Paris"
        and float(job["salary_min"]) >= 35000  # type: ignore[arg-type]
        and job["status"] != "closed"
    }
    assert expected  # the data set does exercise the filters
    assert set(target.stored) == expected
    assert report.stats.written == len(expected)


def test_having_filters_native_records_in_memory(fake_a: FakeWarehouseA) -> None:
    fake_a.add_jobs(*[make_job(i) for i in range(30)])
    having = [Condition(field="remote", op="eq", value="true")]
    target = MemoryConnector()
    report = run_pull(Resource.JOB, connector(fake_a), target, Cursor(mode="id"), having=having)
    assert sorted(target.stored) == [f"J{i:06d}" for i in range(0, 30, 2)]
    assert report.stats.filtered_having == 15


def test_wrong_key_is_an_auth_error(fake_a: FakeWarehouseA) -> None:
    with pytest.raises(AuthError) as info:
        run_pull(Resource.JOB, connector(fake_a, "nope"), MemoryConnector(), Cursor(mode="id"))
    assert "nope" not in str(info.value)


def test_retry_after_beyond_the_cap_is_a_temporary_failure(fake_a: FakeWarehouseA) -> None:
    fake_a.add_jobs(make_job(1))
    fake_a.server.fail_next(429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimitError):
        run_pull(Resource.JOB, connector(fake_a), MemoryConnector(), Cursor(mode="id"))


def test_unknown_option_is_a_config_error_with_a_suggestion(fake_a: FakeWarehouseA) -> None:
    with pytest.raises(ConfigError, match="did you mean 'timeout'"):
        connector(fake_a, timout=3)


def test_profiles_round_trip_a_to_a(fake_a: FakeWarehouseA, fake_a2: FakeWarehouseA) -> None:
    fake_a.add_profiles(*[make_profile(i) for i in range(40)])
    cursor = run_pull(
        Resource.PROFILE, connector(fake_a), connector(fake_a2), Cursor(mode="updated_at")
    ).cursor
    assert sorted(fake_a2.profiles) == sorted(fake_a.profiles)
    copied = fake_a2.profiles["P000007"]
    assert copied["email"] == "candidate7@mail.example"
    assert copied["resume_url"] == "https://files.example/cv/7.pdf"  # via the unified model
    assert cursor.end == "2024-01-01T00:39:00Z"


def test_per_record_write_failures_are_reported_and_the_rest_lands(
    fake_a: FakeWarehouseA, fake_a2: FakeWarehouseA
) -> None:
    fake_a.add_jobs(*[make_job(i) for i in range(10)])
    fake_a2.reject_ids = {"J000004"}
    report = run_pull(Resource.JOB, connector(fake_a), connector(fake_a2), Cursor(mode="id"))
    assert len(fake_a2.jobs) == 9 and "J000004" not in fake_a2.jobs
    assert [(e.stage, e.resource_id) for e in report.errors] == [("write", "J000004")]


def test_invalid_records_from_the_source_are_rejected_not_fatal(fake_a: FakeWarehouseA) -> None:
    fake_a.add_jobs(*[make_job(i) for i in range(5)])
    fake_a.add_jobs(make_job(9, salary_min="lots"))
    report = run_pull(Resource.JOB, connector(fake_a), MemoryConnector(), Cursor(mode="id"))
    assert report.stats.written == 5
    [error] = report.errors
    assert error.stage == "validate" and "salary_min" in error.error
    assert (error.resource_id, error.cursor_value) == ("J000009", "2024-01-01T00:09:00Z")


def test_events_push_deletes_archives_and_upserts(
    fake_a: FakeWarehouseA, fake_a2: FakeWarehouseA
) -> None:
    fake_a.add_jobs(make_job(1), make_job(2))
    fake_a2.add_jobs(make_job(3), make_job(4))
    origin = connector(fake_a)
    raw = [
        {"event": "job.updated", "id": "J000001", "occurred_at": "2024-06-01T00:00:00Z"},
        {"event": "job.created", "id": "J000002", "occurred_at": "2024-06-01T00:00:00+02:00"},
        {"event": "job.deleted", "id": "J000003", "occurred_at": 1717200000000},
        {"event": "job.archived", "id": "J000004", "occurred_at": "2024-06-01T00:00:00Z"},
        {"event": "profile.updated", "id": "P1", "occurred_at": "2024-06-01T00:00:00Z"},
        {"nonsense": True},
    ]
    events = [e for e in (origin.parse_resource_event(Resource.JOB, r) for r in raw) if e]
    assert [e.event_type for e in events] == [
        EventType.UPDATED,
        EventType.CREATED,
        EventType.DELETED,
        EventType.ARCHIVED,
    ]
    assert events[1].occurred_at == datetime(2024, 5, 31, 22, tzinfo=UTC)
    result = push(Resource.JOB, origin, connector(fake_a2), PushMode.EVENTS, events=events)
    assert result.total_resources_pushed == 2 and result.deleted == 1 and result.archived == 1
    assert sorted(fake_a2.jobs) == ["J000001", "J000002", "J000004"]
    assert fake_a2.jobs["J000004"]["status"] == "archived"
    fetch = [r for r in fake_a.list_requests() if r.arg("ids")]
    assert fetch and fetch[0].arg("ids") == "J000001,J000002"
