"""Warehouse B end to end over loopback HTTP: pulls, params, pagination, checkpoints, faults,
webhooks and push. The fake (tests/fakes/warehouse_b.py) implements B's documented API.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hrtech_etl.connectors.warehouse_b import (
    CONNECTOR,
    WarehouseBConnector,
    WarehouseBJob,
    WarehouseBProfile,
)
from hrtech_etl.core.auth import BearerAuth
from hrtech_etl.core.errors import AuthError, ConnectorError
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.models import (
    EmploymentType,
    JobStatus,
    Location,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfileEvent,
)
from hrtech_etl.core.pipeline import Checkpoint, pull, push, run_pull
from hrtech_etl.core.registry import get_connector_instance
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    EventType,
    PushMode,
    Resource,
    SortOrder,
    WarehouseType,
    parse_timestamp,
)
from tests.fakes.base import FakeRequest
from tests.fakes.warehouse_b import BASE_TIME, FakeWarehouseB, epoch_ms, iso, parse_query


@pytest.fixture
def origin() -> Iterator[FakeWarehouseB]:
    with FakeWarehouseB() as fake:
        yield fake


@pytest.fixture
def target() -> Iterator[FakeWarehouseB]:
    with FakeWarehouseB() as fake:
        yield fake


def connect(fake: FakeWarehouseB, **options: Any) -> WarehouseBConnector:
    # B's documented 10 req/s would make the suite slow; the default policy is checked below.
    options.setdefault("requests_per_second", 1000.0)
    auth = BearerAuth(base_url=fake.base_url, token=options.pop("token", fake.token))
    return WarehouseBConnector(auth=auth, **options)


def native_jobs(fake: FakeWarehouseB) -> dict[str, WarehouseBJob]:
    return {key: WarehouseBJob.model_validate(value) for key, value in fake.jobs.items()}


def written_ids(requests: list[FakeRequest], kind: str = "jobs") -> list[str]:
    """The ids sent in bulk upserts, in order."""
    id_field = "job_id" if kind == "jobs" else "profile_id"
    return [
        item[id_field]
        for request in requests
        if request.method == "PUT" and request.path == f"/api/{kind}/bulk"
        for item in request.json()[kind]
    ]


def list_requests(fake: FakeWarehouseB, kind: str = "jobs") -> list[FakeRequest]:
    return [r for r in fake.requests if r.method == "GET" and r.path == f"/api/{kind}"]


# -- the connector as a whole ----------------------------------------------------------------------


def test_registered_with_the_documented_policy() -> None:
    assert CONNECTOR.name == "warehouse_b"
    assert CONNECTOR.warehouse_type is WarehouseType.JOBBOARD
    connector = get_connector_instance("warehouse_b", auth={"type": "bearer", "token": "t0k"})
    assert isinstance(connector, WarehouseBConnector)
    assert connector.auth.base_url == "https://api.warehouse-b.example"
    assert connector.actions.client.policy.rate_limit == RateLimit(10.0, burst=10)
    connector.close()


@pytest.mark.parametrize(
    ("mode", "order", "expected"),
    [
        (CursorMode.UID, SortOrder.ASC, True),
        (CursorMode.UID, SortOrder.DESC, False),
        (CursorMode.CREATED_AT, SortOrder.ASC, False),
        (CursorMode.UPDATED_AT, SortOrder.ASC, False),
        (CursorMode.UPDATED_AT, SortOrder.DESC, False),
    ],
)
def test_only_id_ascending_reads_are_sorted(
    mode: CursorMode, order: SortOrder, expected: bool
) -> None:
    connector = WarehouseBConnector()
    assert connector.is_sorted(Resource.JOB, mode, order) is expected
    assert connector.is_sorted(Resource.PROFILE, mode, order) is expected


# -- incremental pulls ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [CursorMode.UPDATED_AT, CursorMode.CREATED_AT, CursorMode.UID])
def test_full_pull_then_only_the_changes(
    origin: FakeWarehouseB, target: FakeWarehouseB, mode: CursorMode
) -> None:
    origin.seed_jobs(300)
    field = {CursorMode.UID: "job_id"}.get(mode, mode.value)
    with connect(origin) as source, connect(target) as sink:
        first = pull(Resource.JOB, source, sink, Cursor(mode=mode), batch_size=70)

        # Every record arrives unchanged through the unified fallback (B → unified → B).
        assert native_jobs(target) == native_jobs(origin)
        highest = max(getattr(job, field) for job in native_jobs(origin).values())
        assert first.start is None
        assert (first.end if mode is CursorMode.UID else parse_timestamp(first.end)) == highest

        # Five records change (later updated_at), ten are created (higher ids, later times).
        later = BASE_TIME + timedelta(days=400)
        changed = ["J-00007", "J-00100", "J-00150", "J-00222", "J-00299"]
        for n, job_id in enumerate(changed):
            origin.update_job(job_id, title=f"Changed {n}", updated_at=later + timedelta(minutes=n))
        added = [r["job_id"] for r in origin.seed_jobs(10, first=301)]
        for n, job_id in enumerate(added):
            origin.update_job(job_id, updated_at=later + timedelta(hours=1, minutes=n))
        read_before, written_before = len(origin.requests), len(target.requests)

        second = pull(Resource.JOB, source, sink, first, batch_size=70)

        expected = changed + added if mode is CursorMode.UPDATED_AT else added
        assert sorted(written_ids(target.requests[written_before:])) == sorted(expected)
        first_read = origin.requests[read_before]
        if mode is CursorMode.UID:
            assert set(first_read.query) == {"per_page"}  # B cannot bound ids: checked in memory
        else:
            since = f"{mode.value.removesuffix('_at')}_since"
            assert first_read.query[since] == [str(epoch_ms(first.end or ""))]
        if mode is CursorMode.UPDATED_AT:  # id and created_at cursors do not see edits
            assert native_jobs(target) == native_jobs(origin)

        # A third run from the second's cursor finds nothing: no id twice at the boundary.
        third = run_pull(Resource.JOB, source, sink, second, batch_size=70)
        assert third.stats.written == 0
        assert third.cursor.end == second.end


def test_profiles_pull_incrementally(origin: FakeWarehouseB, target: FakeWarehouseB) -> None:
    origin.seed_profiles(120)
    with connect(origin) as source, connect(target) as sink:
        first = pull(Resource.PROFILE, source, sink, Cursor(mode="updated_at"), batch_size=50)
        assert target.profiles.keys() == origin.profiles.keys()
        for key, record in origin.profiles.items():
            assert WarehouseBProfile.model_validate(target.profiles[key]) == (
                WarehouseBProfile.model_validate(record)
            )
        origin.update_profile("P-00042", headline="Staff engineer", updated_at=datetime(2025, 6, 1))
        before = len(target.requests)
        pull(Resource.PROFILE, source, sink, first, batch_size=50)
        assert written_ids(target.requests[before:], "profiles") == ["P-00042"]
        assert target.profiles["P-00042"]["headline"] == "Staff engineer"


def test_window_bounds_are_inclusive_and_sent_as_epoch_ms(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(60)
    stamps = sorted(job.updated_at for job in native_jobs(origin).values())
    start, until = stamps[10], stamps[40]
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(
            Resource.JOB, source, sink, Cursor(mode="updated_at", start=start), until=until
        )
    query = list_requests(origin)[0].query
    assert query["updated_since"] == [str(epoch_ms(start))]
    assert query["updated_until"] == [str(epoch_ms(until))]
    got = {native.updated_at for native in native_jobs(target).values()}
    assert min(got) == start and max(got) == until  # both ends kept
    assert report.stats.written == 31
    assert parse_timestamp(report.cursor.end) == until


# -- params pushed down ---------------------------------------------------------------------------


def test_where_params_follow_the_metadata(origin: FakeWarehouseB, target: FakeWarehouseB) -> None:
    origin.seed_jobs(200)
    where = [
        Prefilter(WarehouseBJob, "title").contains("data"),
        Prefilter(WarehouseBJob, "tags").in_(["python", "sql"]),
        Prefilter(WarehouseBJob, "department").in_(["Engineering", "Data"]),
    ]
    start = datetime(2024, 1, 3, 12, 0, 0, 250000, tzinfo=UTC)
    until = datetime(2024, 1, 25, tzinfo=UTC)
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(
            Resource.JOB,
            source,
            sink,
            Cursor(mode="updated_at", start=start),
            where,
            batch_size=30,
            until=until,
        )

    first = list_requests(origin)[0]
    assert first.query == {
        "updated_since": [str(epoch_ms(start))],  # epoch milliseconds
        "updated_until": [str(epoch_ms(until))],
        "q": ["(data)"],  # search_binding
        "tag": ["python", "sql"],  # array: repeated key
        "departments": ["Engineering,Data"],  # csv
        "per_page": ["30"],
    }
    assert first.query["updated_since"] == ["1704283200250"]
    expected = {
        job_id
        for job_id, job in native_jobs(origin).items()
        if "data" in job.title.lower()
        and {"python", "sql"} & set(job.tags)
        and job.department in ("Engineering", "Data")
        and start <= job.updated_at <= until
    }
    assert expected and set(target.jobs) == expected
    assert report.stats.written == len(expected)
    assert [(e["placement"], e["params"]) for e in report.plan.explain()] == [
        ("pushed+memory", {"updated_since": 1704283200250, "updated_until": 1706140800000}),
        ("pushed", {"q": "(data)"}),
        ("pushed", {"tag": ["python", "sql"]}),
        ("pushed", {"departments": "Engineering,Data"}),
    ]


def test_search_ids_and_eq_params(origin: FakeWarehouseB, target: FakeWarehouseB) -> None:
    origin.seed_jobs(80)
    where = [
        Condition(field="title", op="contains", value=["data", "engineer"]),
        Condition(field="job_id", op="in", value=["J-00002", "J-00010", "J-00011", "J-00034"]),
        Condition(field="employment_type", op="eq", value="contract"),
    ]
    with connect(origin) as source, connect(target) as sink:
        pull(Resource.JOB, source, sink, Cursor(mode="id"), where)
    query = list_requests(origin)[0].query
    assert query["q"] == ["(data AND engineer)"]
    assert query["ids"] == ["J-00002,J-00010,J-00011,J-00034"]
    assert query["employment_type"] == ["contract"]
    assert set(target.jobs) == {
        job_id
        for job_id, job in native_jobs(origin).items()
        if job_id in ("J-00002", "J-00010", "J-00011", "J-00034")
        and "data" in job.title.lower()
        and "engineer" in job.title.lower()
        and job.employment_type == "contract"
    }


@pytest.mark.parametrize(
    ("query", "title", "matches"),
    [
        ("(data) AND (science OR ml)", "Senior Data Science Lead", True),
        ("(data) AND (science OR ml)", "ML Data Engineer", True),
        ("(data) AND (science OR ml)", "Data Engineer", False),
        ("(data AND engineer)", "data platform ENGINEER", True),
        ("(sales) OR (data) AND (ml)", "Sales Executive", True),  # AND binds tighter
        ("(machine learning)", "Machine Learning Engineer", True),
        ("(machine learning)", "Learning Machine", False),
        ('("and")', "Research and Development", True),
    ],
)
def test_fake_search_language(query: str, title: str, matches: bool) -> None:
    assert parse_query(query)(title) is matches


# -- pagination and checkpoints ------------------------------------------------------------------


def test_link_cursor_is_followed_and_sent_alone(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(120)
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(
            Resource.JOB,
            source,
            sink,
            Cursor(mode="updated_at", start=BASE_TIME),
            [Prefilter(WarehouseBJob, "department").eq("Data")],
            batch_size=10,
            until=BASE_TIME + timedelta(days=365),
        )
    reads = list_requests(origin)
    assert len(reads) == 3 == report.stats.pages  # 24 "Data" jobs, 10 per page
    assert reads[0].query == {
        "updated_since": [str(epoch_ms(BASE_TIME))],
        "updated_until": [str(epoch_ms(BASE_TIME + timedelta(days=365)))],
        "department": ["Data"],
        "per_page": ["10"],
    }
    cursors = [r.query for r in reads[1:]]
    assert all(set(q) == {"cursor"} for q in cursors)
    assert len({q["cursor"][0] for q in cursors}) == 2
    assert set(target.jobs) == {k for k, v in origin.jobs.items() if v["department"] == "Data"}


def test_fake_refuses_a_cursor_with_other_params_or_tampered(origin: FakeWarehouseB) -> None:
    origin.seed_jobs(5)
    headers = {"Authorization": f"Bearer {origin.token}"}
    with httpx.Client(base_url=origin.base_url, headers=headers) as client:
        first = client.get("/api/jobs", params={"per_page": 2})
        next_url = first.links["next"]["url"]
        assert client.get(next_url).status_code == 200
        assert client.get(next_url + "&per_page=2").status_code == 400
        assert client.get("/api/jobs", params={"cursor": "bm90LWEtY3Vyc29y"}).status_code == 400
        assert client.get("/api/jobs", params={"updated_since": "yesterday"}).json() == {
            "error": "invalid_param",
            "param": "updated_since",
            "message": "must be epoch milliseconds",
        }
        assert client.get("/api/jobs", params={"sort": "updated_at"}).status_code == 400
        assert client.get("/api/jobs", params={"q": "(data AND"}).status_code == 400


def test_a_next_link_to_another_host_is_refused(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(30)
    origin.link_base = "http://127.0.0.2:9"
    with (
        connect(origin) as source,
        connect(target) as sink,
        pytest.raises(ConnectorError, match="another host"),
    ):
        pull(Resource.JOB, source, sink, Cursor(mode="id"), batch_size=10)


@pytest.mark.parametrize("mode", [CursorMode.UPDATED_AT, CursorMode.UID])
def test_mid_run_checkpoints_only_for_id_order(
    origin: FakeWarehouseB, target: FakeWarehouseB, mode: CursorMode
) -> None:
    origin.seed_jobs(100)
    checkpoints: list[Checkpoint] = []
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(
            Resource.JOB,
            source,
            sink,
            Cursor(mode=mode),
            batch_size=25,
            on_checkpoint=checkpoints.append,
        )
    assert report.stats.pages == 4
    mid_run = [c.cursor.end for c in checkpoints if not c.complete]
    assert [c.complete for c in checkpoints][-1] is True
    assert checkpoints[-1].cursor == report.cursor
    if mode is CursorMode.UID:
        # Each page confirmed by the target moves the cursor to its last (highest) id.
        assert mid_run == ["J-00025", "J-00050", "J-00075", "J-00100"]
    else:
        # updated_at values come jumbled (B lists by id): the cursor moves once, at the end.
        assert mid_run == []
        assert len(checkpoints) == 1


# -- faults ---------------------------------------------------------------------------------------


def test_429_with_retry_after_mid_pagination_then_success(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(60)
    # Throttle the request after page 1 (pages are read ahead, so set it up front).
    origin.fail_next(
        429,
        times=2,
        headers={"Retry-After": "0"},
        body={"error": "slow"},
        path_prefix="/api/jobs",
        after=1,
    )
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(Resource.JOB, source, sink, Cursor(mode="id"), batch_size=20)
    assert report.stats.written == 60 and not report.errors
    reads = list_requests(origin)
    # page 1, then the page-2 cursor three times (429, 429, 200), then page 3.
    assert len(reads) == 5
    assert reads[1].query == reads[2].query == reads[3].query
    assert set(reads[1].query) == {"cursor"}


def test_wrong_token_is_an_auth_error(origin: FakeWarehouseB, target: FakeWarehouseB) -> None:
    origin.seed_jobs(3)
    with (
        connect(origin, token="stolen-and-wrong") as source,
        connect(target) as sink,
        pytest.raises(AuthError) as caught,
    ):
        pull(Resource.JOB, source, sink, Cursor(mode="id"))
    assert "401" in str(caught.value) and "invalid_token" in str(caught.value)
    assert "stolen-and-wrong" not in str(caught.value)
    assert origin.requests[0].header("Authorization") == "Bearer stolen-and-wrong"
    assert target.jobs == {}


def test_rejected_records_are_reported_and_the_rest_written(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(30)
    for job_id in ("J-00003", "J-00017", "J-00029"):
        origin.update_job(job_id, title="  ")
    origin.add_job(job_id="J-00031", title="Broken", tags="not a list")
    with connect(origin) as source, connect(target) as sink:
        report = run_pull(Resource.JOB, source, sink, Cursor(mode="updated_at"), batch_size=12)
    assert sorted(target.jobs) == sorted(
        set(origin.jobs) - {"J-00003", "J-00017", "J-00029", "J-00031"}
    )
    assert report.stats.written == 27
    writes = sorted((e.resource_id, e.error) for e in report.errors if e.stage == "write")
    assert writes == [(i, "title is required") for i in ("J-00003", "J-00017", "J-00029")]
    assert all(e.record is not None for e in report.errors if e.stage == "write")
    invalid = [e for e in report.errors if e.stage == "validate"]
    assert len(invalid) == 1 and "tags" in invalid[0].error


# -- webhooks and push ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "raw", "expected"),
    [
        (
            Resource.JOB,
            {"resource": "job", "action": "deleted", "id": "J-1", "timestamp": 1704067200123},
            (UnifiedJobEvent, EventType.DELETED, "J-1", "2024-01-01T00:00:00.123Z"),
        ),
        (
            Resource.PROFILE,
            {"resource": "profile", "action": "created", "id": "P-9", "timestamp": 5000},
            (UnifiedProfileEvent, EventType.CREATED, "P-9", "1970-01-01T00:00:05Z"),
        ),
        (
            Resource.JOB,
            {"resource": "job", "action": "archived", "id": 42, "timestamp": 0, "x": 1},
            (UnifiedJobEvent, EventType.ARCHIVED, "42", "1970-01-01T00:00:00Z"),
        ),
        (
            Resource.JOB,
            {"resource": "profile", "action": "updated", "id": "P-1", "timestamp": 1},
            None,
        ),
        (Resource.JOB, {"resource": "job", "action": "moved", "id": "J-1", "timestamp": 1}, None),
        (Resource.JOB, {"resource": "job", "action": "updated", "id": "J-1"}, None),
        (Resource.JOB, {"resource": "job", "action": "updated", "id": "", "timestamp": 1}, None),
        (Resource.JOB, {"resource": "job", "action": "updated", "id": "J", "timestamp": "1"}, None),
        (Resource.JOB, {"event": "job.updated", "id": "J-1"}, None),
    ],
)
def test_webhooks_become_unified_events(
    resource: Resource, raw: dict[str, Any], expected: tuple[Any, ...] | None
) -> None:
    event = WarehouseBConnector().parse_resource_event(resource, raw)
    if expected is None:
        assert event is None
        return
    cls, event_type, resource_id, occurred_at = expected
    assert isinstance(event, cls)
    assert (event.event_type, event.resource_id) == (event_type, resource_id)
    assert iso(event.occurred_at).replace(".000Z", "Z") == occurred_at
    assert event.source == "warehouse_b" and event.payload == raw


def test_push_events_upserts_deletes_and_archives(
    origin: FakeWarehouseB, target: FakeWarehouseB
) -> None:
    origin.seed_jobs(5)
    target.seed_jobs(6)
    target.add_job(job_id="J-00777", title="To be deleted")
    target.update_job("J-00004", title="Old title")
    ms = 1735689600000
    raw_events = [
        {"resource": "job", "action": "created", "id": "J-00001", "timestamp": ms},
        {"resource": "job", "action": "updated", "id": "J-00004", "timestamp": ms},
        {"resource": "job", "action": "deleted", "id": "J-00777", "timestamp": ms},
        {"resource": "job", "action": "deleted", "id": "J-00006", "timestamp": ms},
        {"resource": "job", "action": "deleted", "id": "J-00002", "timestamp": ms - 1},
        {"resource": "job", "action": "updated", "id": "J-00002", "timestamp": ms},  # wins
        {"resource": "job", "action": "archived", "id": "J-00003", "timestamp": ms},
        {"resource": "job", "action": "updated", "id": "J-00404", "timestamp": ms},  # not in B
        {"resource": "profile", "action": "deleted", "id": "J-00005", "timestamp": ms},
    ]
    with connect(origin) as source, connect(target) as sink:
        events = [e for raw in raw_events if (e := source.parse_resource_event(Resource.JOB, raw))]
        result = push(Resource.JOB, source, sink, PushMode.EVENTS, events=events)

    assert len(events) == 8
    assert (result.deleted, result.archived, result.skipped_missing) == (2, 1, 1)
    assert result.total_resources_fetched == 3 and result.total_resources_pushed == 3
    assert not result.errors
    assert "J-00777" not in target.jobs and "J-00006" not in target.jobs
    assert target.jobs["J-00003"]["archived"] is True
    assert target.jobs["J-00004"]["title"] == origin.jobs["J-00004"]["title"]
    assert sorted(written_ids(target.requests)) == ["J-00001", "J-00002", "J-00004"]
    deletes = [r for r in target.requests if r.method == "DELETE"]
    assert len(deletes) == 1 and set(deletes[0].query) == {"ids"}
    assert sorted(deletes[0].query["ids"][0].split(",")) == ["J-00006", "J-00777"]
    fetches = list_requests(origin)  # one GET ?ids=... (csv) for everything to upsert
    assert len(fetches) == 1 and set(fetches[0].query) == {"ids", "per_page"}
    assert sorted(fetches[0].query["ids"][0].split(",")) == [
        "J-00001",
        "J-00002",
        "J-00004",
        "J-00404",
    ]


def test_archiving_a_missing_record_counts_as_done(target: FakeWarehouseB) -> None:
    with connect(target) as sink:
        result = sink.archive_resources(Resource.PROFILE, ["P/1?", "P-2"])
    assert result.written == 2 and not result.failed
    assert [r.path for r in target.requests] == ["/api/profiles/P%2F1%3F", "/api/profiles/P-2"]


# -- unified mapping ------------------------------------------------------------------------------


def test_unified_job_mapping_both_ways() -> None:
    connector = WarehouseBConnector()
    native = WarehouseBJob(
        job_id="J-1",
        title="Data Engineer",
        department="Data",
        location="Paris, France",
        tags=["python", "sql"],
        employment_type="Full-Time",
        archived=True,
        created_at=BASE_TIME,
        updated_at=BASE_TIME + timedelta(days=1),
        payload={"requisition": "REQ-1"},
    )
    unified = connector.to_unified_job(native)
    assert unified.department == "Data"
    assert unified.location == Location(text="Paris, France")
    assert unified.employment_type is EmploymentType.FULL_TIME
    assert unified.status is JobStatus.ARCHIVED
    assert unified.tags == ["python", "sql"] and unified.extra == {"requisition": "REQ-1"}
    back = connector.from_unified_job(unified)
    assert back == native.model_copy(update={"employment_type": "full_time"})

    odd = native.model_copy(update={"employment_type": "seasonal", "archived": False})
    unified_odd = connector.to_unified_job(odd)
    assert unified_odd.employment_type is EmploymentType.OTHER and unified_odd.status is None
    assert connector.from_unified_job(unified_odd) == odd

    other = UnifiedJob(
        id="x-9",
        reference="J-9",
        title="Chef",
        location=Location(city="Lyon", country="FR"),
        updated_at=BASE_TIME,
        archived_at=BASE_TIME,
    )
    mapped = connector.from_unified_job(other)
    assert (mapped.job_id, mapped.location, mapped.archived) == ("J-9", "Lyon, FR", True)
    assert mapped.created_at == mapped.updated_at == BASE_TIME


def test_unified_profile_mapping_both_ways() -> None:
    connector = WarehouseBConnector()
    native = WarehouseBProfile(
        profile_id="P-1",
        full_name="Ada Lovelace",
        email="ada@example.org",
        headline="Analyst",
        tags=["math"],
        archived=True,
        created_at=BASE_TIME,
        updated_at=BASE_TIME + timedelta(hours=3),
    )
    unified = connector.to_unified_profile(native)
    assert unified.emails == ["ada@example.org"] and unified.headline == "Analyst"
    assert unified.archived_at == native.updated_at
    assert connector.from_unified_profile(unified) == native
