"""Greenhouse end to end over loopback HTTP: Harvest v3 (OAuth2, Link cursors, operator filters,
rate limits, writes, webhooks) and the public Job Board. The fakes (tests/fakes/greenhouse.py)
implement the contract documented in hrtech_etl/connectors/greenhouse/actions.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hrtech_etl.connectors.greenhouse import (
    BOARD_CONNECTOR,
    CONNECTOR,
    CONNECTORS,
    GreenhouseBoardConnector,
    GreenhouseBoardJob,
    GreenhouseCandidate,
    GreenhouseConnector,
    GreenhouseJob,
    InvalidSignatureError,
)
from hrtech_etl.connectors.greenhouse.actions import (
    RateLimitResetTransport,
    retry_after_from_reset,
)
from hrtech_etl.connectors.greenhouse.connector import plan_harvest_read
from hrtech_etl.connectors.greenhouse.events import sign
from hrtech_etl.core.auth import NoAuth
from hrtech_etl.core.errors import (
    ConnectorError,
    CursorOrderError,
    HttpError,
    RateLimitError,
)
from hrtech_etl.core.http import RateLimit
from hrtech_etl.core.models import (
    EmploymentType,
    JobStatus,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
)
from hrtech_etl.core.pipeline import Checkpoint, push, run_pull
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
)
from hrtech_etl.core.ui_schema import export_model_fields
from tests.fakes.greenhouse import (
    BASE_TIME,
    CURSOR_ERROR,
    FakeGreenhouseBoard,
    FakeGreenhouseHarvest,
)
from tests.fakes.memory import MemoryConnector

SECRET = "whsec-test-0123"


@pytest.fixture
def fake() -> Iterator[FakeGreenhouseHarvest]:
    with FakeGreenhouseHarvest() as server:
        yield server


@pytest.fixture
def board() -> Iterator[FakeGreenhouseBoard]:
    with FakeGreenhouseBoard(board_token="acme") as server:
        yield server


def connect(fake: FakeGreenhouseHarvest, **options: Any) -> GreenhouseConnector:
    options.setdefault("rate_limit_requests", 10_000)
    return GreenhouseConnector(auth=fake.auth(), **options)


def list_calls(fake: FakeGreenhouseHarvest, kind: str = "jobs") -> list[Any]:
    return fake.requests_to(f"/v3/{kind}")


def pull_into_memory(
    source: Any, cursor: Cursor, resource: Resource = Resource.JOB, **options: Any
) -> tuple[MemoryConnector, Any]:
    sink = MemoryConnector()
    report = run_pull(resource, source, sink, cursor, **options)
    assert report.errors == []
    return sink, report


# -- registration, policy, schema -----------------------------------------------------------------


def test_registered_with_the_documented_policy() -> None:
    assert [c.name for c in CONNECTORS] == ["greenhouse", "greenhouse_board"]
    assert CONNECTOR.warehouse_type is WarehouseType.ATS
    assert BOARD_CONNECTOR.warehouse_type is WarehouseType.JOBBOARD
    auth = {
        "type": "oauth2_client_credentials",
        "client_id": "id",
        "client_secret": "secret",
        "token_url": "https://auth.greenhouse.io/token",
    }
    connector = get_connector_instance("greenhouse", auth=auth)
    assert isinstance(connector, GreenhouseConnector)
    assert connector.auth.base_url == "https://harvest.greenhouse.io/v3"
    assert connector.actions.client.policy.rate_limit == RateLimit(50 / 30, burst=50)
    connector.close()
    board_connector = get_connector_instance("greenhouse_board", board_token="acme")
    assert board_connector.auth.base_url == "https://boards-api.greenhouse.io/v1"
    assert board_connector.resources() == [Resource.JOB]


@pytest.mark.parametrize(
    ("id_order", "mode", "order", "expected"),
    [
        ("desc", CursorMode.UID, SortOrder.DESC, True),
        ("desc", CursorMode.UID, SortOrder.ASC, False),
        ("asc", CursorMode.UID, SortOrder.ASC, True),
        ("asc", CursorMode.UID, SortOrder.DESC, False),
        ("desc", CursorMode.UPDATED_AT, SortOrder.ASC, False),
        ("asc", CursorMode.CREATED_AT, SortOrder.ASC, False),
    ],
)
def test_only_the_id_cursor_in_the_api_order_is_sorted(
    id_order: str, mode: CursorMode, order: SortOrder, expected: bool
) -> None:
    connector = GreenhouseConnector(id_order=id_order)
    for resource in (Resource.JOB, Resource.PROFILE):
        assert connector.is_sorted(resource, mode, order) is expected
    assert GreenhouseBoardConnector(board_token="x").is_sorted(Resource.JOB, mode, order) is False


def test_schema_shows_cursors_and_how_each_operator_is_sent() -> None:
    fields = {
        f["name"]: f
        for f in export_model_fields(
            GreenhouseJob,
            pushdown=lambda field, op: GreenhouseConnector.describe_pushdown(
                Resource.JOB, field, op
            ),
        )
    }
    assert fields["updated_at"]["cursor"] == "updated_at"
    assert fields["updated_at"]["params"]["gte"] == "updated_at=gte|<time>"
    assert fields["id"]["cursor"] == "id"
    assert fields["id"]["params"] == {"eq": "ids", "in": "ids (csv, ≤50)"}
    assert fields["status"]["params"] == {"eq": "status", "in": "(in memory)"}
    assert fields["name"]["params"] == {"eq": "(in memory)", "contains": "(in memory)"}


# -- params on the wire ---------------------------------------------------------------------------


def test_the_first_request_carries_the_filters_and_the_next_ones_only_the_cursor(
    fake: FakeGreenhouseHarvest,
) -> None:
    fake.seed_jobs(60)
    where = [
        Condition(field="status", op="eq", value="open"),
        Condition(field="created_at", op="lt", value="2024-01-05T00:00:00Z"),
        Condition(field="name", op="contains", value="engineer"),
    ]
    start, until = "2024-01-01T01:00:00Z", "2024-03-01T00:00:00Z"
    expected = {
        str(job["id"])
        for job in fake.jobs.values()
        if job["status"] == "open"
        and start <= job["updated_at"] <= until
        and job["created_at"] < "2024-01-05"
    }
    with connect(fake) as source:
        sink, report = pull_into_memory(
            source,
            Cursor(mode="updated_at", start=start),
            where=where,
            until=until,
            batch_size=5,
        )
    assert set(sink.stored) == expected and len(expected) > 5
    first, *rest = list_calls(fake)
    assert first.query == {
        "status": ["open"],
        "created_at": ["lt|2024-01-05T00:00:00Z"],
        "updated_at": [f"gte|{start}|lte|{until}"],
        "per_page": ["5"],
    }
    assert rest and all(set(r.query) == {"cursor"} and len(r.query["cursor"]) == 1 for r in rest)
    assert report.stats.pages == len(rest) + 1
    assert len(fake.requests_to("/token", "POST")) == 1


def test_bounds_merge_to_the_tightest_and_widen_to_whole_seconds() -> None:
    cursor = Cursor(mode="updated_at", start="2024-01-15T10:00:00.250Z")
    alone = plan_harvest_read(GreenhouseJob, [], cursor)
    assert alone.params == {"updated_at": "gte|2024-01-15T10:00:00Z"}
    where = [
        Condition(field="updated_at", op="gte", value="2024-02-01T00:00:00Z"),
        Condition(field="updated_at", op="gt", value="2024-02-01T00:00:00Z"),
        Condition(field="updated_at", op="lt", value="2024-03-01T00:00:00.500Z"),
    ]
    plan = plan_harvest_read(GreenhouseJob, where, cursor, "2024-06-01T00:00:00Z")
    assert plan.params == {"updated_at": "gt|2024-02-01T00:00:00Z|lt|2024-03-01T00:00:01Z"}
    # Pushed ranges are re-checked exactly in memory (the sent bound was widened).
    assert [(c.op.value, c.value.isoformat()) for c in plan.memory_where] == [
        ("gte", "2024-02-01T00:00:00+00:00"),
        ("gt", "2024-02-01T00:00:00+00:00"),
        ("lt", "2024-03-01T00:00:00.500000+00:00"),
    ]
    desc = Cursor(mode="created_at", start="2024-05-01T00:00:00Z", sort_by="desc")
    assert plan_harvest_read(GreenhouseJob, [], desc).params == {
        "created_at": "lte|2024-05-01T00:00:00Z"
    }


def test_the_fake_enforces_the_sole_parameter_cursor_rule(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(3)
    with connect(fake) as source:
        token_holder = source.actions  # fetches a token on first use
        response = token_holder.client.request("GET", "/jobs", params={"per_page": 1})
        link = response.links["next"]["url"]
        with pytest.raises(HttpError) as caught:
            token_holder.client.request("GET", link + "&per_page=1")
    assert caught.value.status == 422 and CURSOR_ERROR in caught.value.detail


def test_ids_are_pushed_as_csv_up_to_fifty_then_filtered_in_memory(
    fake: FakeGreenhouseHarvest,
) -> None:
    fake.seed_jobs(80)
    few = [1003, 1001, 1002]
    many = list(range(1001, 1061))
    with connect(fake) as source:
        sink, report = pull_into_memory(
            source, Cursor(mode="id"), where=[Condition(field="id", op="in", value=few)]
        )
        assert sorted(sink.stored) == ["1001", "1002", "1003"]
        assert list_calls(fake)[-1].query["ids"] == ["1003,1001,1002"]
        [entry] = [e for e in report.plan.explain() if e["subject"].startswith("id in")]
        assert entry["placement"] == "pushed"

        sink, report = pull_into_memory(
            source, Cursor(mode="id"), where=[Condition(field="id", op="in", value=many)]
        )
        assert len(sink.stored) == 60
        assert "ids" not in list_calls(fake)[-1].query
        [entry] = [e for e in report.plan.explain() if e["subject"].startswith("id in")]
        assert entry["placement"] == "memory" and "more than 50" in entry["note"]


def test_profiles_push_last_activity_and_keep_the_rest_in_memory(
    fake: FakeGreenhouseHarvest,
) -> None:
    for i in range(6):
        moment = BASE_TIME + timedelta(days=i)
        fake.add_candidate(
            2000 + i, tags=["python"] if i % 2 else [], last_activity_at=moment, updated_at=moment
        )
    where = [
        Condition(field="last_activity_at", op="gte", value="2024-01-02T00:00:00Z"),
        Condition(field="tags", op="contains", value="python"),
    ]
    with connect(fake) as source:
        sink, report = pull_into_memory(
            source, Cursor(mode="updated_at"), Resource.PROFILE, where=where, until="2025-01-01"
        )
    assert sorted(sink.stored) == ["2001", "2003", "2005"]
    query = list_calls(fake, "candidates")[0].query
    assert query["last_activity_at"] == ["gte|2024-01-02T00:00:00Z"]
    assert query["updated_at"] == ["lte|2025-01-01T00:00:00Z"]
    assert "tags" not in query
    placements = {e["subject"]: e["placement"] for e in report.plan.explain()}
    assert placements["tags contains 'python'"] == "memory"


# -- cursors and checkpoints ----------------------------------------------------------------------


def test_time_cursors_checkpoint_only_when_the_window_completes(
    fake: FakeGreenhouseHarvest,
) -> None:
    fake.seed_jobs(30)
    checkpoints: list[Checkpoint] = []
    with connect(fake) as source:
        pull_into_memory(
            source, Cursor(mode="updated_at"), batch_size=7, on_checkpoint=checkpoints.append
        )
    assert [c.complete for c in checkpoints] == [True]


def test_the_id_cursor_checkpoints_mid_run_when_the_api_lists_in_its_order() -> None:
    with FakeGreenhouseHarvest(order="asc") as fake:
        fake.seed_jobs(30)
        checkpoints: list[Checkpoint] = []
        with connect(fake, id_order="asc") as source:
            pull_into_memory(
                source, Cursor(mode="id"), batch_size=7, on_checkpoint=checkpoints.append
            )
        assert [c.complete for c in checkpoints] == [False] * 5 + [True]
        assert [c.cursor.end for c in checkpoints[:2]] == ["1007", "1014"]


def test_a_wrong_id_order_fails_loudly_instead_of_skipping(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(10)  # the fake lists id-descending, as v3 does
    with connect(fake, id_order="asc") as source, pytest.raises(CursorOrderError):
        run_pull(Resource.JOB, source, MemoryConnector(), Cursor(mode="id"), batch_size=4)


def test_a_second_run_moves_only_what_changed(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(40)
    with connect(fake) as source:
        _, first = pull_into_memory(source, Cursor(mode="updated_at"), batch_size=15)
        later = BASE_TIME + timedelta(days=30)
        fake.update_job(1005, name="Principal Engineer", updated_at=later)
        fake.add_job(1100, created_at=later, updated_at=later + timedelta(minutes=1))
        sink, second = pull_into_memory(source, first.cursor, batch_size=15)
    assert sorted(sink.stored) == ["1005", "1100"]
    assert second.cursor.end == "2024-01-31T00:01:00Z"
    job = sink.stored["1005"]
    assert isinstance(job, UnifiedJob) and job.title == "Principal Engineer"


# -- tokens and rate limits -----------------------------------------------------------------------


def test_an_expired_token_is_renewed_once_mid_sync(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(12)
    with connect(fake) as source:
        pull_into_memory(source, Cursor(mode="id"), batch_size=5)
        fake.expire_tokens()
        sink, _ = pull_into_memory(source, Cursor(mode="id"), batch_size=5)
    assert len(sink.stored) == 12
    assert len(fake.requests_to("/token", "POST")) == 2


def test_429_waits_for_retry_after_then_goes_on(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(8)
    fake.fail_next(429, headers={"Retry-After": "0"}, path_prefix="/v3/jobs")
    with connect(fake, resolve_names=False) as source:
        sink, _ = pull_into_memory(source, Cursor(mode="id"), batch_size=5)
    assert len(sink.stored) == 8
    assert len(list_calls(fake)) == 3  # the refused first page, then two pages


def test_429_past_the_cap_is_a_rate_limit_error(fake: FakeGreenhouseHarvest) -> None:
    fake.fail_next(429, headers={"Retry-After": "3600"}, path_prefix="/v3/")
    with connect(fake) as source, pytest.raises(RateLimitError, match="3600 s"):
        run_pull(Resource.JOB, source, MemoryConnector(), Cursor(mode="id"))


def test_x_ratelimit_reset_alone_becomes_a_retry_after() -> None:
    assert retry_after_from_reset("1700000010", now=1700000000.5) == 10
    assert retry_after_from_reset("1700000000", now=1700000005.0) == 0
    assert retry_after_from_reset("7", now=1700000000.0) == 7  # seconds, not a timestamp
    assert retry_after_from_reset("soon", now=0.0) is None
    assert retry_after_from_reset(None, now=0.0) is None

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"X-RateLimit-Reset": "1700000030"})

    transport = RateLimitResetTransport(httpx.MockTransport(reply), clock=lambda: 1700000000.0)
    response = transport.handle_request(httpx.Request("GET", "https://h/v3/jobs"))
    assert response.headers["Retry-After"] == "30"


# -- writes ---------------------------------------------------------------------------------------


def test_unified_profiles_are_created_as_candidates(fake: FakeGreenhouseHarvest) -> None:
    people = [
        UnifiedProfile(
            id="P-1",
            first_name="Grace",
            last_name="Hopper",
            emails=["grace@example.org"],
            phones=["+33 6 00 00 00 01"],
            headline="Rear admiral",
            tags=["cobol", "navy"],
            urls=[{"url": "https://www.linkedin.com/in/grace"}, {"url": "https://grace.dev"}],
            location={"text": "Arlington, VA"},
            extra={"recruiter": "Bob (another system's field)", "source": "lever"},
        ),
        UnifiedProfile(id="P-2", full_name="Alan Mathison Turing"),
        UnifiedProfile(id="P-3", emails=["nobody@example.org"]),  # no name: Greenhouse says 422
    ]
    origin = MemoryConnector(people)
    with connect(fake, apply_to_job_id=1001) as target:
        result = push(Resource.PROFILE, origin, target, PushMode.RESOURCES, resources=people)
    assert result.total_resources_pushed == 2
    assert [e.stage for e in result.errors] == ["write"]
    assert "first_name" in result.errors[0].error
    [first_call, second_call, _] = fake.requests_to("/v3/candidates", "POST")
    assert first_call.json() == {
        "first_name": "Grace",
        "last_name": "Hopper",
        "title": "Rear admiral",
        "email_addresses": [{"value": "grace@example.org", "type": "personal"}],
        "phone_numbers": [{"value": "+33 6 00 00 00 01", "type": "mobile"}],
        "addresses": [{"value": "Arlington, VA", "type": "home"}],
        "website_addresses": [{"value": "https://grace.dev", "type": "personal"}],
        "social_media_addresses": [{"value": "https://www.linkedin.com/in/grace"}],
        "tags": ["cobol", "navy"],
        "application": {"job_id": 1001},
    }
    assert (second_call.json()["first_name"], second_call.json()["last_name"]) == (
        "Alan Mathison",
        "Turing",
    )
    assert len(fake.candidates) == 2


def test_existing_candidates_and_jobs_are_not_written(fake: FakeGreenhouseHarvest) -> None:
    with connect(fake) as target:
        known = GreenhouseCandidate(id=77, first_name="A", last_name="B")
        result = target.write_resources_batch(Resource.PROFILE, [known])
        assert result.written == 0
        assert result.failed[0].resource_id == "77" and "not supported" in result.failed[0].error
        job = GreenhouseJob(id=1, name="x", created_at=BASE_TIME, updated_at=BASE_TIME)
        with pytest.raises(ConnectorError, match="writing jobs is not supported"):
            target.write_resources_batch(Resource.JOB, [job])
        for remove in (target.delete_resources, target.archive_resources):
            with pytest.raises(ConnectorError, match="not supported"):
                remove(Resource.PROFILE, ["77"])
    assert fake.requests_to("/v3/candidates", "POST") == []


# -- webhooks -------------------------------------------------------------------------------------


def hook(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"action": action, "payload": payload}


@pytest.mark.parametrize(
    ("raw", "resource", "expected"),
    [
        (hook("job_created", {"job": {"id": 371417}}), Resource.JOB, (EventType.CREATED, "371417")),
        (hook("job_updated", {"job": {"id": 100445}}), Resource.JOB, (EventType.UPDATED, "100445")),
        (hook("job_deleted", {"job": {"id": 209256}}), Resource.JOB, (EventType.DELETED, "209256")),
        (hook("update_candidate", {"candidate": {"id": 5}}), Resource.PROFILE, ("updated", "5")),
        (hook("delete_candidate", {"person": {"id": 6}}), Resource.PROFILE, ("deleted", "6")),
        (hook("merge_candidate", {"person": {"id": 7}}), Resource.PROFILE, ("deleted", "7")),
        (
            hook("new_prospect_application", {"application": {"candidate": {"id": 8}}}),
            Resource.PROFILE,
            ("upserted", "8"),
        ),
        (
            hook("candidate_stage_change", {"application": {"candidate": {"id": 9}}}),
            Resource.PROFILE,
            ("updated", "9"),
        ),
        (hook("job_created", {"job": {"id": 1}}), Resource.PROFILE, None),
        (hook("update_candidate", {"candidate": {"id": 1}}), Resource.JOB, None),
        (hook("offer_created", {"offer": {"id": 1}}), Resource.PROFILE, None),
        (hook("job_updated", {"job": {}}), Resource.JOB, None),
        ({"ping": True}, Resource.JOB, None),
    ],
)
def test_webhooks_become_unified_events(
    raw: dict[str, Any], resource: Resource, expected: tuple[str, str] | None
) -> None:
    event = GreenhouseConnector().parse_resource_event(resource, raw)
    if expected is None:
        assert event is None
        return
    assert event is not None
    assert (event.event_type, event.resource_id) == (EventType(expected[0]), expected[1])
    assert event.source == "greenhouse" and event.payload == raw
    cls = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
    assert isinstance(event, cls)


def test_signed_deliveries_are_verified() -> None:
    body = json.dumps(hook("job_updated", {"job": {"id": 42}}), separators=(",", ":")).encode()
    connector = GreenhouseConnector(webhook_secret=SECRET)
    header = sign(body, SECRET)
    assert header.startswith("sha256 ") and connector.verify_signature(body, header)
    assert not connector.verify_signature(body + b" ", header)
    assert not connector.verify_signature(body, "sha1 " + header.split()[1])

    delivery = {"body": body.decode(), "headers": {"signature": header}}
    event = connector.parse_resource_event(Resource.JOB, delivery)
    assert event is not None and event.resource_id == "42"

    forged = {"body": body, "headers": {"Signature": sign(body, "another-secret")}}
    with pytest.raises(InvalidSignatureError):
        connector.parse_resource_event(Resource.JOB, forged)
    with pytest.raises(InvalidSignatureError):
        connector.parse_resource_event(Resource.JOB, {"body": body, "headers": {}})
    with pytest.raises(ConnectorError, match="deliveries"):
        connector.parse_resource_event(Resource.JOB, json.loads(body))
    with pytest.raises(ConnectorError, match="webhook_secret"):
        GreenhouseConnector().verify_signature(body, header)
    # Without a secret a delivery is only unwrapped.
    assert GreenhouseConnector().parse_resource_event(Resource.JOB, delivery) is not None


def test_events_fetch_by_id_and_deletions_reach_the_target(fake: FakeGreenhouseHarvest) -> None:
    fake.seed_jobs(5)
    raw = [
        hook("job_updated", {"job": {"id": 1002}}),
        hook("job_created", {"job": {"id": 1004}}),
        hook("job_deleted", {"job": {"id": 1003}}),
        hook("job_updated", {"job": {"id": 99999}}),  # gone meanwhile
    ]
    with connect(fake) as source:
        events = [e for r in raw if (e := source.parse_resource_event(Resource.JOB, r))]
        target = MemoryConnector()
        result = push(Resource.JOB, source, target, PushMode.EVENTS, events=events)
    assert sorted(target.stored) == ["1002", "1004"]
    assert target.deleted == ["1003"]
    assert result.skipped_missing == 1
    [by_ids] = [r for r in list_calls(fake) if "ids" in r.query]
    assert by_ids.query["ids"] == ["1002,1004,99999"]


# -- unified mapping ------------------------------------------------------------------------------


def test_jobs_map_to_unified_with_names_custom_fields_and_status(
    fake: FakeGreenhouseHarvest,
) -> None:
    fake.add_job(
        1,
        name="Data Engineer",
        requisition_id="REQ-1",
        status="closed",
        department_id=11,
        office_ids=[20, 21],
        notes="<p>internal</p>",
        custom_fields={
            "employment_type": "Full-time",
            "salary_range": {"min_value": "70000.0", "max_value": "90000.0", "unit": "eur"},
            "level": "Senior",
        },
        opened_at=BASE_TIME,
        closed_at=BASE_TIME + timedelta(days=3),
        future_v3_field="kept",
    )
    with connect(fake) as source:
        sink, _ = pull_into_memory(source, Cursor(mode="id"))
        unified = sink.stored["1"]
        assert isinstance(unified, UnifiedJob)
        assert unified.title == "Data Engineer" and unified.reference == "REQ-1"
        assert unified.department == "Data"
        assert unified.location is not None and unified.location.text == "Paris, France"
        assert unified.status is JobStatus.CLOSED
        assert unified.employment_type is EmploymentType.FULL_TIME
        assert unified.salary is not None
        assert (unified.salary.min, unified.salary.max, unified.salary.currency) == (
            70000.0,
            90000.0,
            "EUR",
        )
        assert unified.extra["custom_fields"]["level"] == "Senior"
        assert unified.extra["offices"] == ["Paris", "Remote"]
        assert unified.extra["future_v3_field"] == "kept"
        assert unified.source_ids[0].system == "greenhouse"
        back = source.to_unified_job(source.from_unified_job(unified))
        assert back == unified
    assert len(fake.requests_to("/v3/departments")) == 1  # names read once per connector


def test_candidates_map_to_unified_and_back(fake: FakeGreenhouseHarvest) -> None:
    native = GreenhouseCandidate.model_validate(
        {
            "id": 35897443,
            "first_name": "Johnny",
            "last_name": "Smith",
            "company": "Greenhouse",
            "title": "Engineer",
            "private": False,
            "email_addresses": [{"value": "work@example.com", "type": "work"}],
            "phone_numbers": [{"value": "518-555-1212", "type": "work"}],
            "addresses": [{"value": "455 Broadway New York, NY 10280", "type": "home"}],
            "website_addresses": [{"value": "johnny.example.com", "type": "portfolio"}],
            "social_media_addresses": [{"value": "https://linkedin.com/in/johnny"}],
            "tags": ["Import"],
            "attachments": [{"filename": "cv.pdf", "url": "https://s3/cv.pdf", "type": "resume"}],
            "application_ids": [46194062],
            "custom_fields": {"desired_level": "Senior"},
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-02-01T00:00:00.123Z",
        }
    )
    connector = connect(fake)
    unified = connector.to_unified_profile(native)
    assert unified.full_name == "Johnny Smith"
    assert unified.emails == ["work@example.com"] and unified.phones == ["518-555-1212"]
    assert unified.resume is not None and unified.resume.filename == "cv.pdf"
    assert [u.type for u in unified.urls] == ["portfolio", "linkedin"]
    assert unified.experiences[0].company == "Greenhouse"
    assert unified.extra["application_ids"] == [46194062]
    back = connector.from_unified_profile(unified)
    assert back.email_addresses[0].type == "work" and back.phone_numbers[0].type == "work"
    assert back.id == 35897443  # a Greenhouse source id: an update, which writes refuse
    assert connector.to_unified_profile(back) == unified


# -- the Job Board --------------------------------------------------------------------------------


def board_connector(board: FakeGreenhouseBoard, token: str = "acme") -> GreenhouseBoardConnector:
    return GreenhouseBoardConnector(auth=NoAuth(base_url=board.api_url), board_token=token)


def test_the_board_is_read_in_one_request_and_filtered_in_memory(
    board: FakeGreenhouseBoard,
) -> None:
    for i in range(1, 6):
        board.add_post(i, title=f"Engineer {i}" if i % 2 else f"Designer {i}")
    where = [Condition(field="title", op="contains", value="engineer")]
    with board_connector(board) as source:
        sink, report = pull_into_memory(source, Cursor(mode="id"), where=where)
    assert sorted(sink.stored) == ["1", "3", "5"]
    [request] = board.requests
    assert request.path == "/v1/boards/acme/jobs" and request.query == {"content": ["true"]}
    assert report.plan.params == {}
    assert {e["placement"] for e in report.plan.explain()} == {"memory"}
    post = sink.stored["1"]
    assert isinstance(post, UnifiedJob)
    assert post.description == "<p>Join us &amp; build things.</p>"
    assert post.department == "Engineering" and post.status is JobStatus.OPEN
    assert [s.system for s in post.source_ids] == ["greenhouse_board", "greenhouse"]


def test_the_board_maps_back_and_forth_and_is_read_only(board: FakeGreenhouseBoard) -> None:
    board.add_post(
        9,
        metadata=[{"id": 1, "name": "Remote", "value": "yes", "value_type": "single_select"}],
    )
    with board_connector(board) as source:
        [native] = source.actions.list_jobs("acme", GreenhouseBoardJob).records
        unified = source.to_unified_job(native)
        assert unified.extra["metadata"] == {"Remote": "yes"}
        assert source.to_unified_job(source.from_unified_job(unified)) == unified
        with pytest.raises(ConnectorError, match="read only"):
            source.write_resources_batch(Resource.JOB, [native])
        with pytest.raises(ConnectorError, match="read only"):
            source.delete_resources(Resource.JOB, ["9"])
    with board_connector(board, "nope") as wrong, pytest.raises(HttpError) as caught:
        run_pull(Resource.JOB, wrong, MemoryConnector(), Cursor(mode="id"))
    assert caught.value.status == 404


def test_job_post_webhooks_drive_the_board(board: FakeGreenhouseBoard) -> None:
    board.add_post(1815002)
    raw = [
        hook("job_post_created", {"id": 1815002, "job_id": 1842002, "live": True}),
        hook("job_post_updated", {"id": 1813002, "job_id": 1842002, "live": False}),
        hook("job_post_deleted", {"job_post": {"id": 258341, "job_id": 284999}}),
        hook("job_post_created", {"id": 5, "live": True}),  # a prospect post: not on a board
        hook("job_created", {"job": {"id": 1}}),
    ]
    with board_connector(board) as source:
        events = [source.parse_resource_event(Resource.JOB, r) for r in raw]
        assert [(e.event_type.value, e.resource_id) if e else None for e in events] == [
            ("created", "1815002"),
            ("archived", "1813002"),
            ("deleted", "258341"),
            None,
            None,
        ]
        target = MemoryConnector()
        result = push(
            Resource.JOB, source, target, PushMode.EVENTS, events=[e for e in events if e]
        )
    assert list(target.stored) == ["1815002"]
    assert target.archived == ["1813002"] and target.deleted == ["258341"]
    assert result.total_resources_pushed == 1


def test_event_times_come_from_the_post_or_the_clock() -> None:
    raw = hook("job_post_updated", {"id": 1, "job_id": 2, "updated_at": "2017-10-12T18:29:08Z"})
    event = GreenhouseBoardConnector(board_token="x").parse_resource_event(Resource.JOB, raw)
    assert event is not None and event.occurred_at == datetime(2017, 10, 12, 18, 29, 8, tzinfo=UTC)
    before = datetime.now(UTC)
    job_event = GreenhouseConnector().parse_resource_event(
        Resource.JOB, hook("job_updated", {"job": {"id": 3}})
    )
    assert job_event is not None and job_event.occurred_at >= before
