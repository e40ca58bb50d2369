"""Each Quick Start snippet of the seed README, run as written against the reference
connectors pointed at their fake servers (the example URLs replaced by the fakes')."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from hrtech_etl.connectors.warehouse_a import WarehouseAConnector
from hrtech_etl.connectors.warehouse_a.models import WarehouseAJob, WarehouseAProfile
from hrtech_etl.connectors.warehouse_b import WarehouseBConnector
from hrtech_etl.connectors.warehouse_b.models import WarehouseBJob, WarehouseBProfile
from hrtech_etl.core.auth import ApiKeyAuth, BearerAuth
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.models import UnifiedJobEvent
from hrtech_etl.core.pipeline import pull, push, run_pull
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    PushMode,
    Resource,
)
from hrtech_etl.formatters import a_to_b
from hrtech_etl.formatters.base import build_mapping_formatter
from tests.fakes.warehouse_a import FakeWarehouseA, make_job, make_profile
from tests.fakes.warehouse_b import FakeWarehouseB


@pytest.fixture
def fakes() -> Iterator[tuple[FakeWarehouseA, FakeWarehouseB]]:
    with FakeWarehouseA(api_key="AAA") as fake_a, FakeWarehouseB(token="bbb") as fake_b:
        fake_a.add_jobs(*[make_job(i) for i in range(120)])
        fake_a.add_profiles(*[make_profile(i) for i in range(80)])
        yield fake_a, fake_b


def connectors(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> tuple[Any, Any]:
    fake_a, fake_b = fakes
    # --- Instantiate connectors --- (as in the README, base URLs pointed at the fakes)
    origin = WarehouseAConnector(
        auth=ApiKeyAuth(
            base_url=fake_a.base_url,
            header_name="X-API-Key",
            api_key="AAA",
            extra_headers={"X-Tenant-ID": "tenant-123"},
        )
    )
    target = WarehouseBConnector(auth=BearerAuth(base_url=fake_b.base_url, token="bbb"))
    return origin, target


def test_2_1_pull_jobs_and_profiles(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    fake_a, fake_b = fakes

    # start from scratch (no cursor yet)
    cursor = Cursor(mode=CursorMode.UPDATED_AT, start=None, sort_by="asc")

    # --- PULL JOBS: A -> B ---
    cursor_jobs = pull(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        cursor=cursor,
        formatter=a_to_b.format_job,  # JOB formatter (optional)
        batch_size=5000,
    )
    # --- PULL PROFILES: A -> B ---
    cursor_profiles = pull(
        resource=Resource.PROFILE,
        origin=origin,
        target=target,
        cursor=cursor,
        formatter=a_to_b.format_profile,  # PROFILE formatter (optional)
        batch_size=5000,
    )

    assert cursor_jobs.start is None
    assert cursor_jobs.end == "2024-01-01T01:59:00Z"
    assert cursor_profiles.end == "2024-01-01T01:19:00Z"
    assert len(fake_b.jobs) == 120 and len(fake_b.profiles) == 80
    assert fake_b.jobs["J000007"]["title"] == fake_a.jobs["J000007"]["title"]
    assert fake_b.profiles["P000003"]["email"] == "candidate3@mail.example"
    # Store cursor_jobs.end to resume on next run: nothing new, nothing moves.
    again = pull(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        cursor=cursor_jobs,
        formatter=a_to_b.format_job,
    )
    assert again.end == cursor_jobs.end
    assert len(fake_b.requests_to("/api/jobs/bulk")) == 1  # 120 jobs, one write, none again


def test_2_2_push_native_resources(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    _, fake_b = fakes
    jobs_to_push = [WarehouseAJob.model_validate(make_job(i)) for i in range(5)]

    result = push(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        mode=PushMode.RESOURCES,
        resources=jobs_to_push,
        events=None,
        having=None,  # optional postfilters on native origin objects
        formatter=a_to_b.format_job,
        batch_size=1000,
        dry_run=False,
    )

    assert result.total_resources_pushed == 5
    assert result.skipped_missing == 0 and result.skipped_having == 0 and result.errors == []
    assert sorted(fake_b.jobs) == [f"J{i:06d}" for i in range(5)]


def test_2_3_push_events_to_resources(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    _, fake_b = fakes
    fake_b.add_job(job_id="J000002", title="stale", created_at="2023-01-01T00:00:00Z")

    def read_raw_events_somewhere() -> list[dict[str, Any]]:
        return [
            {"event": "job.created", "id": "J000001", "occurred_at": "2024-06-01T00:00:00Z"},
            {"event": "job.updated", "id": "J000004", "occurred_at": "2024-06-01T00:00:00Z"},
            {"event": "job.deleted", "id": "J000002", "occurred_at": "2024-06-01T00:00:00Z"},
            {"event": "job.updated", "id": "J999999", "occurred_at": "2024-06-01T00:00:00Z"},
        ]

    raw_events = read_raw_events_somewhere()

    events: list[UnifiedJobEvent] = []
    for raw in raw_events:
        ev = origin.parse_resource_event(Resource.JOB, raw)
        if ev is not None:
            events.append(ev)

    result = push(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        mode=PushMode.EVENTS,
        events=events,
        resources=None,
        having=None,  # optional postfilters on native origin jobs
        formatter=a_to_b.format_job,
        batch_size=1000,
        dry_run=False,
    )

    assert result.total_events == 4
    assert result.total_resources_fetched == 2
    assert result.total_resources_pushed == 2
    assert result.skipped_missing == 1 and result.deleted == 1
    assert sorted(fake_b.jobs) == ["J000001", "J000004"]


def test_2_4_custom_formatters(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    _, fake_b = fakes
    cursor = Cursor(mode=CursorMode.UPDATED_AT, start=None, sort_by="asc")

    def format_job(job: WarehouseAJob) -> WarehouseBJob:
        return WarehouseBJob(
            job_id=job.job_id,
            title=job.title,
            created_at=job.created_at,
            updated_at=job.updated_at,
            payload=job.payload,
        )

    def format_profile(profile: WarehouseAProfile) -> WarehouseBProfile:
        return WarehouseBProfile(
            profile_id=profile.profile_id,
            full_name=profile.full_name,
            created_at=profile.created_at,
            updated_at=profile.updated_at,
            payload=profile.payload,
        )

    cursor_jobs = pull(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        cursor=cursor,
        formatter=format_job,
    )
    pull(
        resource=Resource.PROFILE,
        origin=origin,
        target=target,
        cursor=cursor,
        formatter=format_profile,
    )

    assert len(fake_b.jobs) == 120 and len(fake_b.profiles) == 80
    assert fake_b.jobs["J000010"]["payload"] == {"n": 10}
    assert cursor_jobs.end == "2024-01-01T01:59:00Z"


def test_2_5_prefilters_and_postfilters(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    fake_a, fake_b = fakes

    prefilters = [
        Prefilter(WarehouseAJob, "title").contains("engineer"),
        Prefilter(WarehouseAJob, "created_at").gte(datetime(2024, 1, 1)),
    ]
    cursor = Cursor(mode=CursorMode.UPDATED_AT, start=None, sort_by="asc")
    postfilters = [
        Condition(field="title", op=Operator.CONTAINS, value="Data"),
    ]

    cursor_jobs = pull(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        cursor=cursor,
        where=prefilters or None,
        having=postfilters or None,
        formatter=None,
    )

    [request] = fake_a.list_requests()
    assert request.arg("keywords") == "(engineer)"
    assert request.arg("created_at_min") == "2024-01-01T00:00:00Z"
    expected = sorted(
        str(j["job_id"]) for j in fake_a.jobs.values() if j["title"] == "Data Engineer"
    )
    assert expected and sorted(fake_b.jobs) == expected  # unified fallback A → B
    assert cursor_jobs.end is not None


def test_2_6_mapping_formatter(fakes: tuple[FakeWarehouseA, FakeWarehouseB]) -> None:
    origin, target = connectors(fakes)
    _, fake_b = fakes
    cursor = Cursor(mode=CursorMode.UPDATED_AT, start=None, sort_by="asc")

    mapping = [
        {"from": "job_id", "to": "id"},
        {"from": "title", "to": "name"},
    ]
    formatter = build_mapping_formatter(mapping)

    # As written, the mapping targets fields Warehouse B does not have: every record is
    # rejected with the reason (nothing half-written), and the run still completes.
    report = run_pull(Resource.JOB, origin, target, cursor, formatter=formatter)
    assert fake_b.jobs == {}
    assert report.stats.rejected == 120
    assert report.errors[0].stage == "format" and "job_id" in report.errors[0].error

    # The same spec with B's field names lands every job.
    mapping_for_b = [
        {"from": "job_id", "to": "job_id"},
        {"from": "title", "to": "title"},
        {"from": "created_at", "to": "created_at"},
        {"from": "updated_at", "to": "updated_at"},
        {"value": ["imported"], "to": "tags"},
    ]
    cursor_jobs = pull(
        resource=Resource.JOB,
        origin=origin,
        target=target,
        cursor=cursor,
        formatter=build_mapping_formatter(mapping_for_b),
    )
    assert len(fake_b.jobs) == 120 and fake_b.jobs["J000001"]["tags"] == ["imported"]
    assert cursor_jobs.end == "2024-01-01T01:59:00Z"
