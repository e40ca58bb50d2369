"""HrFlow.ai over real HTTP against its fake: params on the wire, pagination, upserts by
reference, archiving, webhooks, the unified mapping and errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hrtech_etl.connectors.hrflow import HrFlowConnector, HrFlowJob, HrFlowProfile
from hrtech_etl.connectors.hrflow.connector import (
    job_from_unified,
    job_to_unified,
    profile_from_unified,
    profile_to_unified,
)
from hrtech_etl.connectors.warehouse_a import WarehouseAConnector
from hrtech_etl.core.auth import ApiKeyAuth
from hrtech_etl.core.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    HttpError,
    RateLimitError,
)
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import (
    JobStatus,
    SalaryRange,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
)
from hrtech_etl.core.pipeline import push, run_pull
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    EventType,
    Operator,
    PushMode,
    Resource,
    SortOrder,
)
from tests.fakes.hrflow import (
    BOARD_KEY,
    SOURCE_KEY,
    T0,
    USER_EMAIL,
    FakeHrFlow,
    hrflow_key,
    make_job,
    make_profile,
    stamp,
)
from tests.fakes.memory import MemoryConnector
from tests.fakes.warehouse_a import API_KEY as A_KEY
from tests.fakes.warehouse_a import FakeWarehouseA
from tests.fakes.warehouse_a import make_job as make_a_job

SECRET = "hrflow-unit-secret"


@pytest.fixture
def fake() -> Iterator[FakeHrFlow]:
    with FakeHrFlow(api_key=SECRET) as server:
        yield server


def connector(fake: FakeHrFlow, key: str = SECRET, **options: Any) -> HrFlowConnector:
    auth = ApiKeyAuth(
        base_url=fake.base_url,
        header_name="X-API-KEY",
        api_key=key,
        extra_headers={"X-USER-EMAIL": USER_EMAIL},
    )
    settings: dict[str, Any] = {
        "board_key": BOARD_KEY,
        "source_key": SOURCE_KEY,
        "requests_per_second": 1000.0,
        **options,
    }
    return HrFlowConnector(auth=auth, **settings)


def keys_written(target: MemoryConnector) -> list[str]:
    return [record_id for call in target.write_calls for record_id in call]


# -- reading --------------------------------------------------------------------------------


def test_created_at_window_and_where_params_on_the_wire(fake: FakeHrFlow) -> None:
    fake.put_jobs(*[make_job(i) for i in range(30)])
    other = hrflow_key("board-other")
    fake.store["jobs"][other] = {}
    where = [
        Prefilter(HrFlowJob, "name").eq("Data Engineer"),
        Prefilter(HrFlowJob, "board_key").in_([BOARD_KEY, other]),
        Prefilter(HrFlowJob, "summary").contains("number 1"),
    ]
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB,
        connector(fake),
        target,
        Cursor(mode="created_at", start=T0 + timedelta(minutes=5)),
        where,
        until=T0 + timedelta(minutes=20),
    )
    [request] = fake.list_requests()
    assert json.loads(request.arg("board_keys") or "") == [BOARD_KEY, other]
    assert request.arg("return_job") == "True"
    # Bounds are sent one second wider (inclusivity unconfirmed) and re-checked in memory.
    assert request.arg("created_at_min") == "2024-01-01T00:04:59Z"
    assert request.arg("created_at_max") == "2024-01-01T00:20:01Z"
    assert (request.arg("sort_by"), request.arg("order_by")) == ("created_at", "asc")
    assert request.arg("name") == "Data Engineer"
    assert "summary" not in request.query  # no such param: in memory
    assert request.header("x-api-key") == SECRET and request.header("x-user-email") == USER_EMAIL
    expected = [hrflow_key(f"job-{i}") for i in (12, 15, 18)]  # Data Engineers 5..20, "1" in it
    assert sorted(target.stored) == sorted(expected)
    assert report.cursor.end == "2024-01-01T00:18:00Z"
    placements = {e["subject"]: e["placement"] for e in report.plan.explain()}
    assert placements["name eq 'Data Engineer'"] == "pushed+memory"
    assert placements["summary contains 'number 1'"] == "memory"


def test_conditions_without_a_param_run_in_memory_and_never_reach_the_wire(
    fake: FakeHrFlow,
) -> None:
    fake.put_jobs(make_job(1), make_job(2, archived_at=stamp(T0)), make_job(3))
    where = [Condition(field="archived_at", op="eq", value=None)]
    target = MemoryConnector()
    hrflow = connector(fake)
    report = run_pull(Resource.JOB, hrflow, target, Cursor(mode="created_at"), where)
    [request] = fake.list_requests()
    assert "archived_at" not in request.query
    assert sorted(target.stored) == sorted(hrflow_key(f"job-{i}") for i in (1, 3))
    [entry] = [e for e in report.plan.explain() if e["subject"] == "archived_at eq None"]
    assert entry["placement"] == "memory"
    fields = model_meta(HrFlowJob).fields
    assert hrflow.describe_pushdown(Resource.JOB, fields["archived_at"], Operator.EQ) == (
        "(in memory)"
    )
    assert hrflow.describe_pushdown(Resource.JOB, fields["board_key"], Operator.IN) == (
        "board_keys"
    )


def test_board_key_comes_from_the_settings_and_is_required(fake: FakeHrFlow) -> None:
    fake.put_jobs(make_job(1))
    run_pull(Resource.JOB, connector(fake), MemoryConnector(), Cursor(mode="created_at"))
    [request] = fake.list_requests()
    assert request.arg("board_keys") == f'["{BOARD_KEY}"]'
    with pytest.raises(ConfigError, match=r"options\.board_key"):
        connector(fake, board_key=None).plan_read(Resource.JOB, [], Cursor(mode="created_at"))
    with pytest.raises(ConfigError, match=r"option 'board_key'.*40 lowercase hex"):
        connector(fake, board_key="not-a-key")


def test_pages_follow_max_page_with_the_limit_capped_at_100(fake: FakeHrFlow) -> None:
    fake.put_jobs(*[make_job(i) for i in range(250)])
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB, connector(fake), target, Cursor(mode="created_at"), batch_size=500
    )
    requests = fake.list_requests()
    assert [r.arg("page") for r in requests] == ["1", "2", "3"]
    assert {r.arg("limit") for r in requests} == {"100"}
    assert report.stats.read == 250 and len(target.stored) == 250


def test_updated_at_reads_newest_first_and_stops_past_the_cursor(fake: FakeHrFlow) -> None:
    fake.put_jobs(*[make_job(i) for i in range(200)])
    first = run_pull(
        Resource.JOB, connector(fake), MemoryConnector(), Cursor(mode="updated_at"), batch_size=50
    )
    assert first.stats.written == 200 and first.cursor.end == "2024-01-01T03:19:00Z"
    later = T0 + timedelta(days=30)
    changed = [make_job(i, updated_at=stamp(later + timedelta(minutes=i))) for i in (3, 70, 150)]
    fake.put_jobs(*changed)
    fake.server.requests.clear()

    target = MemoryConnector()
    second = run_pull(Resource.JOB, connector(fake), target, first.cursor, batch_size=50)
    requests = fake.list_requests()
    # Newest first: the three changes and the records down to the cursor fit in page one.
    assert [r.arg("page") for r in requests] == ["1"]
    assert (requests[0].arg("sort_by"), requests[0].arg("order_by")) == ("updated_at", "desc")
    assert "updated_at_min" not in requests[0].query
    assert sorted(target.stored) == sorted(str(j["key"]) for j in changed)
    assert second.cursor.end == "2024-01-31T02:30:00Z"


def test_sortedness_is_declared_per_mode(fake: FakeHrFlow) -> None:
    hrflow = connector(fake)
    assert hrflow.is_sorted(Resource.JOB, CursorMode.CREATED_AT, SortOrder.ASC)
    assert hrflow.is_sorted(Resource.JOB, CursorMode.CREATED_AT, SortOrder.DESC)
    assert hrflow.is_sorted(Resource.JOB, CursorMode.UPDATED_AT, SortOrder.DESC)
    # Ascending updated_at reads come newest first: the state moves when the window completes.
    assert not hrflow.is_sorted(Resource.JOB, CursorMode.UPDATED_AT, SortOrder.ASC)
    with pytest.raises(ConfigError, match="supported cursor modes: created_at, updated_at"):
        hrflow.plan_read(Resource.JOB, [], Cursor(mode="id"))


@pytest.mark.parametrize("exclusive", [False, True])
def test_a_late_record_at_the_boundary_arrives_whatever_the_bound_semantics(
    fake: FakeHrFlow, exclusive: bool
) -> None:
    fake.exclusive_bounds = exclusive
    fake.put_jobs(*[make_job(i, created_at=stamp(T0)) for i in range(3)])
    first = run_pull(Resource.JOB, connector(fake), MemoryConnector(), Cursor(mode="created_at"))
    fake.put_jobs(make_job(9, created_at=stamp(T0)))  # same created_at, indexed later
    target = MemoryConnector()
    run_pull(Resource.JOB, connector(fake), target, first.cursor)
    assert keys_written(target) == [hrflow_key("job-9")]


def test_profiles_read_from_the_source(fake: FakeHrFlow) -> None:
    fake.put_profiles(*[make_profile(i) for i in range(5)])
    target = MemoryConnector()
    where = [Condition(field="reference", op="eq", value="CAND-00003")]
    run_pull(Resource.PROFILE, connector(fake), target, Cursor(mode="created_at"), where)
    [request] = fake.list_requests("profiles")
    assert request.arg("source_keys") == f'["{SOURCE_KEY}"]'
    assert request.arg("return_profile") == "True" and request.arg("reference") == "CAND-00003"
    [profile] = target.stored.values()
    assert isinstance(profile, UnifiedProfile)
    assert profile.full_name == "Candidate 3" and profile.emails == ["candidate3@mail.example"]


# -- errors ---------------------------------------------------------------------------------


def test_a_wrong_key_is_an_auth_error_with_http_401_or_only_in_the_body(fake: FakeHrFlow) -> None:
    wrong = connector(fake, key="wrong")
    with pytest.raises(AuthError, match="401"):
        run_pull(Resource.JOB, wrong, MemoryConnector(), Cursor(mode="created_at"))
    fake.errors_in_body = True  # HTTP 200, {"code": 401, ...}
    with pytest.raises(AuthError, match="Invalid secret key"):
        run_pull(Resource.JOB, wrong, MemoryConnector(), Cursor(mode="created_at"))


def test_a_body_code_400_under_http_200_is_an_error(fake: FakeHrFlow) -> None:
    fake.errors_in_body = True
    unknown = hrflow_key("no-such-board")
    with pytest.raises(HttpError, match="Unable to find object: board") as caught:
        run_pull(
            Resource.JOB,
            connector(fake, board_key=unknown),
            MemoryConnector(),
            Cursor(mode="created_at"),
        )
    assert caught.value.status == 400


def test_429_past_the_retry_after_cap_is_a_rate_limit_error(fake: FakeHrFlow) -> None:
    fake.put_jobs(make_job(1))
    fake.server.fail_next(429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimitError):
        run_pull(Resource.JOB, connector(fake), MemoryConnector(), Cursor(mode="created_at"))


def test_the_default_rate_limit_is_conservative() -> None:
    hrflow = HrFlowConnector(auth={"type": "api_key", "header_name": "X-API-KEY", "api_key": "k"})
    assert hrflow.http_policy().rate_limit == RateLimit(5.0, burst=5)
    assert hrflow.auth.base_url == "https://api.hrflow.ai/v1"


# -- writing --------------------------------------------------------------------------------


def unified_job(ref: str, title: str, **fields: Any) -> UnifiedJob:
    return UnifiedJob(id=ref, reference=ref, title=title, **fields)


def test_push_upserts_by_reference_create_then_edit(fake: FakeHrFlow) -> None:
    fake.put_jobs(make_job(1))  # reference REF-00001 exists already
    origin = MemoryConnector()
    jobs = [unified_job("REF-00001", "Lead Data Engineer"), unified_job("GH-7", "Nurse")]
    result = push(Resource.JOB, origin, connector(fake), PushMode.RESOURCES, resources=jobs)
    assert result.total_resources_pushed == 2 and result.errors == []
    assert [(r.method, r.path) for r in fake.write_requests()] == [
        ("PUT", "/v1/job/indexing"),
        ("POST", "/v1/job/indexing"),
    ]
    assert fake.jobs()[hrflow_key("job-1")]["name"] == "Lead Data Engineer"
    created = fake.by_reference("jobs", "GH-7")
    assert created["board_key"] == BOARD_KEY and created["name"] == "Nurse"
    put_body = fake.write_requests()[0].json()
    assert put_body["key"] == hrflow_key("job-1") and "updated_at" not in put_body

    # Pushing the same records again creates nothing new.
    push(Resource.JOB, origin, connector(fake), PushMode.RESOURCES, resources=jobs)
    assert len(fake.jobs()) == 2


def test_a_record_hrflow_refuses_is_reported_and_the_others_are_written(fake: FakeHrFlow) -> None:
    bad = HrFlowJob(reference="R-bad", name="")
    good = HrFlowJob(reference="R-good", name="Nurse")
    no_reference = HrFlowJob(name="Orphan")
    result = connector(fake).write_resources_batch(Resource.JOB, [bad, good, no_reference])
    assert result.written == 1
    failed = [(f.resource_id, f.stage) for f in result.failed]
    assert failed == [("R-bad", "write"), (None, "write")]
    assert "name is required" in result.failed[0].error
    assert "neither" in result.failed[1].error
    assert fake.by_reference("jobs", "R-good") is not None


def test_closing_archives_and_reopening_restores(fake: FakeHrFlow) -> None:
    hrflow = connector(fake)
    closed = unified_job("GH-1", "Nurse", status=JobStatus.CLOSED)
    push(Resource.JOB, MemoryConnector(), hrflow, PushMode.RESOURCES, resources=[closed])
    assert fake.by_reference("jobs", "GH-1")["archived_at"] is not None
    reopened = unified_job("GH-1", "Nurse", status=JobStatus.OPEN)
    push(Resource.JOB, MemoryConnector(), hrflow, PushMode.RESOURCES, resources=[reopened])
    assert fake.by_reference("jobs", "GH-1")["archived_at"] is None
    archive_calls = [r.json()["is_archive"] for r in fake.write_requests() if r.method == "PATCH"]
    assert archive_calls == [1, 0]


def test_delete_archives_by_key_or_reference_and_never_hard_deletes(fake: FakeHrFlow) -> None:
    fake.put_jobs(make_job(1), make_job(2))
    result = connector(fake).delete_resources(
        Resource.JOB, [hrflow_key("job-1"), "REF-00002", "NOT-THERE"]
    )
    assert result.written == 3 and result.failed == []  # a missing record is as gone as it gets
    assert len(fake.jobs()) == 2
    assert all(job["archived_at"] for job in fake.jobs().values())
    assert not any(r.method == "DELETE" for r in fake.server.requests)


def test_writing_into_a_board_that_does_not_exist_stops_the_run(fake: FakeHrFlow) -> None:
    hrflow = connector(fake, board_key=hrflow_key("missing-board"))
    with pytest.raises(ConnectorError, match="board does not exist"):
        hrflow.write_resources_batch(Resource.JOB, [HrFlowJob(reference="R1", name="Nurse")])


def test_profiles_upsert_into_the_source_without_attachments(fake: FakeHrFlow) -> None:
    fake.put_profiles(make_profile(1))
    native = profile_from_unified(profile_to_unified(HrFlowProfile.model_validate(make_profile(1))))
    native.info.summary = "Now a manager."
    result = connector(fake).write_resources_batch(Resource.PROFILE, [native])
    assert result.written == 1
    [put] = fake.write_requests()
    body = put.json()
    assert put.method == "PUT" and body["source_key"] == SOURCE_KEY
    assert "attachments" not in body  # HrFlow manages attachments itself
    assert fake.profiles()[hrflow_key("profile-1")]["info"]["summary"] == "Now a manager."


# -- the unified fallback -------------------------------------------------------------------


def test_a_pull_from_warehouse_a_lands_in_the_board_with_no_formatter(fake: FakeHrFlow) -> None:
    with FakeWarehouseA() as fake_a:
        fake_a.add_jobs(*[make_a_job(i) for i in range(6)])
        origin = WarehouseAConnector(auth=ApiKeyAuth(base_url=fake_a.base_url, api_key=A_KEY))
        report = run_pull(Resource.JOB, origin, connector(fake), Cursor(mode="updated_at"))
    assert report.stats.written == 6 and report.errors == []
    job = fake.by_reference("jobs", "J000001")
    assert job["name"] == "Backend Engineer"
    assert job["ranges_float"] == [
        {"name": "salary", "value_min": 35000.0, "value_max": 45000.0, "unit": "EUR"}
    ]
    assert {"name": "demo", "value": True} in job["tags"]
    assert job["location"]["fields"] == {"city": "Berlin", "country": "FR"}
    assert job["sections"][0]["description"] == "Role 1 in our Berlin office."
    assert job["archived_at"] is None
    assert fake.by_reference("jobs", "J000000")["archived_at"] is not None  # status closed


def test_job_round_trip_through_unified_keeps_every_field() -> None:
    native = HrFlowJob.model_validate(
        make_job(
            4,
            culture="Kind people.",
            tags=[
                {"name": "employment_type", "value": "contract"},
                {"name": "remote", "value": True},
                {"name": "hot", "value": True},
                {"name": "level", "value": "senior"},
            ],
            metadatas=[{"name": "salary_period", "value": "year"}, {"name": "ats", "value": "gh"}],
            ranges_float=[
                {"name": "salary", "value_min": 1.0, "value_max": 2.0, "unit": "euros"},
                {"name": "bonus", "value_min": 0.0, "value_max": 5.0, "unit": "%"},
            ],
            archived_at=stamp(T0 + timedelta(days=1)),
        )
    )
    unified = job_to_unified(native)
    assert unified.id == native.key and unified.reference == "REF-00004"
    assert unified.employment_type == "contract" and unified.remote is True
    assert unified.tags == ["hot", "level:senior"]
    assert unified.salary == SalaryRange(min=1.0, max=2.0, currency="EUR", period="year")
    assert unified.status is JobStatus.ARCHIVED and unified.description == "Do it."
    assert unified.extra["ats"] == "gh"
    assert unified.extra["hrflow"]["culture"] == "Kind people."

    back = job_from_unified(unified)
    assert back.reference == native.reference and back.name == native.name
    assert back.culture == "Kind people." and back.sections == native.sections
    assert {(t.name, t.value) for t in back.tags} == {(t.name, t.value) for t in native.tags}
    assert [r.name for r in back.ranges_float] == ["salary", "bonus"]
    assert back.archived_at == native.archived_at
    assert job_to_unified(back).model_dump(exclude={"id", "source_ids"}) == unified.model_dump(
        exclude={"id", "source_ids"}
    )


def test_profile_round_trip_through_unified() -> None:
    native = HrFlowProfile.model_validate(make_profile(2, text="full text"))
    unified = profile_to_unified(native)
    assert unified.full_name == "Candidate 2" and unified.phones == ["+33 1 23 45 67 89"]
    assert unified.location is not None and unified.location.city == "Lyon"
    assert unified.experiences[0].company == "Acme"
    assert str(unified.experiences[0].start_date) == "2019-03-01"
    assert unified.educations[0].degree == "MSc"
    assert unified.attachments[0].url == "https://files.example/cv/2.pdf"
    assert unified.urls[0].type == "linkedin"
    back = profile_from_unified(unified)
    assert back.text == "full text" and back.text_language == "en"
    again = profile_to_unified(back)
    assert [a.url for a in again.attachments] == ["https://files.example/cv/2.pdf"]
    assert again.model_dump(exclude={"id", "source_ids"}) == unified.model_dump(
        exclude={"id", "source_ids"}
    )


# -- events ---------------------------------------------------------------------------------


def webhook(name: str, **obj: Any) -> dict[str, Any]:
    kind = name.partition(".")[0]
    return {"type": name, "origin": "api", "message": "ok", kind: obj}


def test_webhooks_become_unified_events() -> None:
    hrflow = HrFlowConnector()
    key = hrflow_key("profile-1")
    created = hrflow.parse_resource_event(
        Resource.PROFILE,
        webhook("profile.storing.success", key=key, updated_at="2024-02-01T10:00:00+0000"),
    )
    assert created is not None and created.event_type is EventType.CREATED
    assert created.resource_id == key and created.source == "hrflow"
    assert created.occurred_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    parsed = hrflow.parse_resource_event(
        Resource.PROFILE, webhook("profile.parsing.update", key=key)
    )
    assert parsed is not None and parsed.event_type is EventType.UPDATED
    job = hrflow.parse_resource_event(Resource.JOB, webhook("job.storing.update", reference="R1"))
    assert job is not None and job.resource_id == "R1"
    for resource, raw in [
        (Resource.PROFILE, webhook("profile.storing.error", key=key)),
        (Resource.PROFILE, webhook("profile.searching.success", key=key)),
        (Resource.JOB, webhook("profile.storing.success", key=key)),
        (Resource.PROFILE, {"type": "profile.storing.success"}),
        (Resource.PROFILE, {"event": "nope"}),
    ]:
        assert hrflow.parse_resource_event(resource, raw) is None


def test_push_from_events_fetches_each_object_by_key(fake: FakeHrFlow) -> None:
    fake.put_jobs(make_job(1), make_job(2))
    hrflow = connector(fake)
    raws = [
        webhook("job.storing.update", key=hrflow_key("job-1")),
        webhook("job.storing.success", key=hrflow_key("job-404")),
        webhook("job.storing.update", reference="REF-00002"),
    ]
    events = [hrflow.parse_resource_event(Resource.JOB, raw) for raw in raws]
    target = MemoryConnector()
    result = push(
        Resource.JOB,
        hrflow,
        target,
        PushMode.EVENTS,
        events=[e for e in events if isinstance(e, UnifiedJobEvent)],
    )
    gets = [r.query for r in fake.server.requests if r.path == "/v1/job/indexing"]
    assert {"key": [hrflow_key("job-1")], "board_key": [BOARD_KEY]} in gets
    assert {"reference": ["REF-00002"], "board_key": [BOARD_KEY]} in gets
    assert hrflow_key("job-1") in target.stored and hrflow_key("job-2") in target.stored
    assert result.total_resources_fetched == 2
    assert result.errors == []
