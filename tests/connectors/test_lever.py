"""Lever over real HTTP against its fakes: params on the wire (epoch ms, repeated keys),
pagination, auth, errors, writes and archives, webhooks, deleted opportunities, unified
mappings, and the public Postings API v0."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hrtech_etl.connectors.lever import (
    LeverConnector,
    LeverOpportunity,
    LeverPosting,
    LeverPostingsConnector,
    LeverPublicPosting,
    sign,
)
from hrtech_etl.core.auth import ApiKeyAuth, BasicAuth, BearerAuth, NoAuth
from hrtech_etl.core.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    HttpError,
    RateLimitError,
)
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.models import (
    EmploymentType,
    JobStatus,
    SalaryPeriod,
    UnifiedJobEvent,
    UnifiedProfile,
    WorkplaceType,
)
from hrtech_etl.core.pipeline import push, run_pull
from hrtech_etl.core.registry import get_connector_instance
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    EventType,
    PushMode,
    Resource,
)
from tests.fakes.lever import (
    ARCHIVE_REASON,
    BASE_TIME,
    PERFORM_AS,
    FakeLever,
    FakeLeverPostings,
    lever_id,
    ms,
)
from tests.fakes.memory import MemoryConnector


@pytest.fixture
def fake() -> Iterator[FakeLever]:
    with FakeLever() as server:
        yield server


@pytest.fixture
def public() -> Iterator[FakeLeverPostings]:
    with FakeLeverPostings(site="acme") as server:
        yield server


def lever(fake: FakeLever, **options: Any) -> LeverConnector:
    options.setdefault("requests_per_second", 1000.0)
    options.setdefault("burst", 1000)
    auth = BasicAuth(base_url=fake.base_url, username=options.pop("key", fake.api_key))
    return LeverConnector(auth=auth, **options)


def minutes(n: float) -> datetime:
    return BASE_TIME + timedelta(minutes=n)


# -- reading --------------------------------------------------------------------------------------


def test_where_and_cursor_go_out_as_epoch_ms_and_repeated_keys(fake: FakeLever) -> None:
    for i in range(40):
        fake.add_opportunity(
            i,
            created=minutes(i),
            updated=minutes(i),
            tags=["python"] if i % 2 else ["sales"],
            stage="lead-new" if i % 3 else "offer",
            archived={"reason": ARCHIVE_REASON, "archivedAt": ms(minutes(i))}
            if i % 5 == 0
            else None,
        )
    where = [
        Prefilter(LeverOpportunity, "tags").in_(["python", "go"]),
        Prefilter(LeverOpportunity, "stage").in_(["lead-new", "screen"]),
        Prefilter(LeverOpportunity, "is_archived").eq(False),
        Prefilter(LeverOpportunity, "name").contains("1"),
    ]
    target = MemoryConnector()
    report = run_pull(
        Resource.PROFILE,
        lever(fake),
        target,
        Cursor(mode="updated_at", start=minutes(10)),
        where,
        until=minutes(30),
    )
    [request] = fake.list_requests()
    assert request.args("tag") == ["python", "go"]  # repeated key, not csv
    assert request.args("stage_id") == ["lead-new", "screen"]
    assert request.arg("archived") == "false"
    assert request.arg("updated_at_start") == str(ms(minutes(10))) == "1704067800000"
    assert request.arg("updated_at_end") == str(ms(minutes(30)))
    assert (request.arg("expand"), request.arg("limit")) == ("applications", "100")
    assert "name" not in request.query  # no Lever param: applied in memory
    basic = base64.b64encode(f"{fake.api_key}:".encode()).decode()
    assert request.header("authorization") == f"Basic {basic}"
    expected = {
        lever_id("opportunity", i)
        for i in range(10, 31)
        if i % 2 and i % 3 and i % 5 and "1" in f"Candidate {i}"
    }
    assert expected and set(target.stored) == expected
    assert (report.stats.read, report.stats.filtered_where) == (6, 2)  # name: in memory


def test_both_time_bounds_are_inclusive_to_the_millisecond(fake: FakeLever) -> None:
    start, end = datetime(2024, 3, 1, 12, 0, 0, 123_000, tzinfo=UTC), minutes(60 * 24 * 90)
    at_start = fake.add_opportunity(1, created=start)
    at_end = fake.add_opportunity(2, created=end)
    fake.add_opportunity(3, created=start - timedelta(milliseconds=1))
    fake.add_opportunity(4, created=end + timedelta(milliseconds=1))
    target = MemoryConnector()
    run_pull(
        Resource.PROFILE, lever(fake), target, Cursor(mode="created_at", start=start), until=end
    )
    [request] = fake.list_requests()
    assert request.arg("created_at_start") == str(ms(start))
    assert request.arg("created_at_end") == str(ms(end))
    assert set(target.stored) == {at_start["id"], at_end["id"]}


def test_pages_follow_offset_tokens_with_the_same_filters(fake: FakeLever) -> None:
    for i in range(230):
        fake.add_opportunity(i, created=minutes(i), tags=["x"])
    target = MemoryConnector()
    where = [Condition(field="tags", op="in", value=["x"])]
    report = run_pull(
        Resource.PROFILE, lever(fake), target, Cursor(mode="created_at"), where, batch_size=500
    )
    requests = fake.list_requests()
    assert [r.arg("limit") for r in requests] == ["100", "100", "100"]  # capped at Lever's 100
    assert requests[0].arg("offset") is None
    assert all(r.arg("offset") and r.args("tag") == ["x"] for r in requests[1:])
    assert len(set(r.arg("offset") for r in requests[1:])) == 2
    assert report.stats.pages == 3 and len(target.stored) == 230


def test_an_offset_token_from_another_query_is_refused(fake: FakeLever) -> None:
    fake.add_opportunity(1)
    client = lever(fake).actions.client
    with pytest.raises(HttpError) as info:
        client.request("GET", "/opportunities", params={"offset": "made-up"})
    assert info.value.status == 400


def test_archives_map_to_unified_archived_at(fake: FakeLever) -> None:
    archived_at = minutes(5)
    fake.add_opportunity(1, archived={"reason": ARCHIVE_REASON, "archivedAt": ms(archived_at)})
    fake.add_opportunity(2)
    target = MemoryConnector()
    run_pull(Resource.PROFILE, lever(fake), target, Cursor(mode="created_at"))
    archived = target.stored[lever_id("opportunity", 1)]
    assert isinstance(archived, UnifiedProfile)
    assert archived.archived_at == archived_at
    assert archived.extra["lever"]["archive_reason"] == ARCHIVE_REASON
    assert target.stored[lever_id("opportunity", 2)].archived_at is None  # type: ignore[attr-defined]


def test_archived_time_and_posting_filters(fake: FakeLever) -> None:
    fake.add_posting("p1")
    fake.add_posting("p2")
    for i in range(6):
        opp = fake.add_opportunity(
            i, archived={"reason": ARCHIVE_REASON, "archivedAt": ms(minutes(i))}
        )
        fake.add_application(opp["id"], lever_id("posting", "p1" if i % 2 else "p2"))
    where = [
        Condition(field="archived_at", op="gte", value=minutes(2)),
        Condition(field="postings", op="eq", value=lever_id("posting", "p1")),
        Condition(field="archive_reason", op="in", value=[ARCHIVE_REASON]),
    ]
    target = MemoryConnector()
    run_pull(Resource.PROFILE, lever(fake), target, Cursor(mode="created_at"), where)
    [request] = fake.list_requests()
    assert request.arg("archived_at_start") == str(ms(minutes(2)))
    assert request.args("posting_id") == [lever_id("posting", "p1")]
    assert request.args("archive_reason_id") == [ARCHIVE_REASON]
    assert set(target.stored) == {lever_id("opportunity", i) for i in (3, 5)}
    assert target.stored[lever_id("opportunity", 3)].extra["lever"]["postings"] == [  # type: ignore[attr-defined]
        lever_id("posting", "p1")
    ]


def test_bearer_token_works_and_a_wrong_key_is_an_auth_error(fake: FakeLever) -> None:
    fake.add_opportunity(1)
    oauth = LeverConnector(auth=BearerAuth(base_url=fake.base_url, token=fake.oauth_token))
    assert len(oauth.read_resources_batch(Resource.PROFILE, Cursor(mode="created_at"))) == 1
    with pytest.raises(AuthError) as info:
        run_pull(
            Resource.PROFILE,
            lever(fake, key="wrong-key"),
            MemoryConnector(),
            Cursor(mode="created_at"),
        )
    assert "wrong-key" not in str(info.value)
    api_key = LeverConnector(auth=ApiKeyAuth(base_url=fake.base_url, api_key="k"))
    with pytest.raises(ConfigError, match="needs auth type 'basic'"):
        api_key.read_resources_batch(Resource.PROFILE, Cursor(mode="created_at"))


def test_a_plain_429_is_retried_then_reported(fake: FakeLever) -> None:
    for i in range(3):
        fake.add_opportunity(i)
    fake.fail_next(429, body={"code": "TooManyRequests"})
    target = MemoryConnector()
    run_pull(Resource.PROFILE, lever(fake), target, Cursor(mode="created_at"))
    assert len(target.stored) == 3
    fake.fail_next(429, times=5)
    with pytest.raises(RateLimitError):
        run_pull(
            Resource.PROFILE,
            lever(fake, max_retries=0),
            MemoryConnector(),
            Cursor(mode="created_at"),
        )


def test_an_invalid_record_is_dead_lettered_not_fatal(fake: FakeLever) -> None:
    fake.add_opportunity(1)
    fake.add_opportunity(2, createdAt="yesterday")
    report = run_pull(Resource.PROFILE, lever(fake), MemoryConnector(), Cursor(mode="updated_at"))
    assert report.stats.written == 1
    [error] = report.errors
    assert error.stage == "validate" and error.resource_id == lever_id("opportunity", 2)


def test_postings_push_state_and_bound_but_keep_unconfirmed_filters_in_memory(
    fake: FakeLever,
) -> None:
    for i in range(8):
        fake.add_posting(
            i,
            updated=minutes(i),
            state="published" if i % 2 else "closed",
            categories={"team": "Data" if i < 4 else "Platform", "commitment": "Part-time"},
        )
    where = [
        Prefilter(LeverPosting, "state").in_(["published", "internal"]),
        Prefilter(LeverPosting, "team").eq("Data"),
    ]
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB,
        lever(fake, confidentiality="all"),
        target,
        Cursor(mode="updated_at", start=minutes(0)),
        where,
        until=minutes(100),
    )
    [request] = fake.list_requests("postings")
    assert request.args("state") == ["published", "internal"]
    assert request.arg("updated_at_start") == str(ms(minutes(0)))
    assert request.arg("confidentiality") == "all"
    assert "team" not in request.query and "updated_at_end" not in request.query
    assert set(target.stored) == {lever_id("posting", i) for i in (1, 3)}
    assert [e["placement"] for e in report.plan.explain()] == ["pushed+memory", "pushed", "memory"]
    job = target.stored[lever_id("posting", 1)]
    assert job.employment_type is EmploymentType.PART_TIME  # type: ignore[attr-defined]


# -- writing --------------------------------------------------------------------------------------


def profiles(*names: str) -> list[UnifiedProfile]:
    return [
        UnifiedProfile(
            id=f"src-{i}",
            full_name=name or None,
            emails=[f"{name.lower() or 'anon'}@mail.example"],
            phones=["+33 1 23 45 67 89"],
            headline="Data engineer",
            tags=["imported"],
            urls=[{"url": f"https://github.com/{name.lower()}"}],
            location={"city": "Lyon", "country": "fr"},
            created_at=minutes(i),
            updated_at=minutes(i),
        )
        for i, name in enumerate(names)
    ]


def test_profiles_are_created_with_perform_as_and_duplicates_left_alone(fake: FakeLever) -> None:
    fake.add_opportunity("old", emails=["ada@mail.example"])
    target = lever(fake, perform_as=PERFORM_AS)
    result = push(
        Resource.PROFILE,
        MemoryConnector(),
        target,
        PushMode.RESOURCES,
        resources=profiles("Ada", "Grace", "", "Grace"),
    )
    creates = [r for r in fake.server.requests if r.method == "POST"]
    assert [r.arg("perform_as") for r in creates] == [PERFORM_AS, PERFORM_AS]  # Grace, nameless
    body = creates[0].json()
    assert body == {
        "name": "Grace",
        "headline": "Data engineer",
        "location": "Lyon, FR",
        "emails": ["grace@mail.example"],
        "phones": [{"value": "+33 1 23 45 67 89"}],
        "links": ["https://github.com/grace"],
        "tags": ["imported"],
    }
    lookup = [r for r in fake.list_requests() if r.args("email")]
    assert lookup[0].args("email") == [
        "ada@mail.example",
        "grace@mail.example",
        "anon@mail.example",
    ]
    assert lookup[0].arg("confidentiality") == "all"
    # Ada existed, the second Grace duplicates the first; the nameless one is refused by Lever.
    assert result.total_resources_pushed == 1
    [error] = result.errors
    assert (
        error.stage == "write"
        and error.resource_id == "src-2"
        and "name is required" in error.error
    )
    assert sum(1 for o in fake.opportunities.values() if o["name"] == "Grace") == 1


def test_if_exists_create_adds_an_opportunity_for_a_known_email(fake: FakeLever) -> None:
    fake.add_opportunity("old", emails=["ada@mail.example"])
    target = lever(fake, perform_as=PERFORM_AS, if_exists="create")
    result = push(
        Resource.PROFILE, MemoryConnector(), target, PushMode.RESOURCES, resources=profiles("Ada")
    )
    assert result.total_resources_pushed == 1 and len(fake.opportunities) == 2


def test_writes_need_perform_as_and_postings_are_read_only(fake: FakeLever) -> None:
    with pytest.raises(ConfigError, match="perform_as"):
        lever(fake).write_resources_batch(Resource.PROFILE, [])
    with pytest.raises(ConnectorError, match="read-only"):
        lever(fake, perform_as=PERFORM_AS).write_resources_batch(Resource.JOB, [])
    with pytest.raises(ConnectorError, match="read-only"):
        lever(fake, perform_as=PERFORM_AS).delete_resources(Resource.JOB, ["x"])
    with pytest.raises(ConfigError, match="perform_as"):
        lever(fake, perform_as="has space")


def test_delete_and_archive_both_archive_with_the_reason(fake: FakeLever) -> None:
    one, two = fake.add_opportunity(1), fake.add_opportunity(2)
    target = lever(fake, perform_as=PERFORM_AS, archive_reason_id=ARCHIVE_REASON)
    assert target.delete_resources(Resource.PROFILE, [one["id"], "no-such-id"]).written == 2
    assert target.archive_resources(Resource.PROFILE, [two["id"]]).written == 1
    puts = [r for r in fake.server.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [
        f"/v1/opportunities/{one['id']}/archived",
        "/v1/opportunities/no-such-id/archived",
        f"/v1/opportunities/{two['id']}/archived",
    ]
    assert all(r.json() == {"reason": ARCHIVE_REASON} for r in puts)
    assert all(r.arg("perform_as") == PERFORM_AS for r in puts)
    assert fake.opportunities[one["id"]]["archived"]["reason"] == ARCHIVE_REASON
    assert len(fake.opportunities) == 2  # nothing hard-deleted
    with pytest.raises(ConfigError, match="archive_reason_id"):
        lever(fake, perform_as=PERFORM_AS).archive_resources(Resource.PROFILE, [one["id"]])


# -- webhooks and deletes -------------------------------------------------------------------------

SIGNING = "whsec-lever-test"


def hook(event: str, opportunity_id: str, at: int = 1717200000000, **data: Any) -> dict[str, Any]:
    token = f"tok-{event}"
    return {
        "triggeredAt": at,
        "event": event,
        "token": token,
        "signature": sign(token, at, SIGNING),
        "data": {"opportunityId": opportunity_id, "contactId": "c-1", **data},
    }


def test_webhooks_become_unified_profile_events(fake: FakeLever) -> None:
    origin = lever(fake, webhook_signature_token=SIGNING)
    archived = {"archivedAt": 1717200000000, "reason": ARCHIVE_REASON}
    raw = [
        hook("applicationCreated", "o1", applicationId="a1"),
        hook("candidateStageChange", "o2", fromStageId="s1", toStageId="s2"),
        hook("candidateHired", "o3"),
        hook("candidateArchiveChange", "o4", fromArchived=None, toArchived=archived),
        hook("candidateArchiveChange", "o5", fromArchived=archived, toArchived=None),
        hook("candidateDeleted", "o6"),
    ]
    events = [origin.parse_resource_event(Resource.PROFILE, r) for r in raw]
    assert [(e.event_type, e.resource_id) for e in events if e] == [
        (EventType.CREATED, "o1"),
        (EventType.UPDATED, "o2"),
        (EventType.UPDATED, "o3"),
        (EventType.ARCHIVED, "o4"),
        (EventType.UPDATED, "o5"),
        (EventType.DELETED, "o6"),
    ]
    assert events[0] is not None and events[0].occurred_at == datetime(2024, 6, 1, tzinfo=UTC)
    assert events[0].source == "lever"
    ignored = [
        hook("interviewCreated", "o1"),
        hook("contactUpdated", "o1"),
        {**hook("candidateHired", "o1"), "signature": "0" * 64},  # forged
        {**hook("candidateHired", "o1"), "triggeredAt": "soon"},
        {"event": "candidateHired"},
    ]
    assert [origin.parse_resource_event(Resource.PROFILE, r) for r in ignored] == [None] * 5
    assert origin.parse_resource_event(Resource.JOB, raw[0]) is None  # Lever has no job events
    unsigned = lever(fake)  # verification is optional: without a token, bodies are accepted
    assert unsigned.parse_resource_event(Resource.PROFILE, ignored[2]) is not None


def test_events_fetch_opportunities_by_id_and_remove_deleted_ones(fake: FakeLever) -> None:
    kept, changed = fake.add_opportunity(1), fake.add_opportunity(2)
    origin = lever(fake)
    raw = [
        hook("candidateStageChange", changed["id"]),
        hook("applicationCreated", "gone-already"),
        hook("candidateDeleted", kept["id"]),
        hook("candidateArchiveChange", "o9", toArchived={"reason": ARCHIVE_REASON}),
    ]
    events = [e for e in (origin.parse_resource_event(Resource.PROFILE, r) for r in raw) if e]
    target = MemoryConnector()
    result = push(Resource.PROFILE, origin, target, PushMode.EVENTS, events=events)
    assert list(target.stored) == [changed["id"]]
    assert (target.deleted, target.archived) == ([kept["id"]], ["o9"])
    assert result.skipped_missing == 1
    fetches = [r for r in fake.server.requests if r.path.startswith("/v1/opportunities/")]
    assert [r.arg("expand") for r in fetches] == ["applications", "applications"]


def test_deleted_opportunities_come_back_as_delete_events(fake: FakeLever) -> None:
    for i in range(3):
        fake.add_opportunity(i)
        fake.delete_opportunity(lever_id("opportunity", i), minutes(10 * i))
    events = lever(fake).deleted_profile_events(since=minutes(10), until=minutes(20))
    assert [(e.event_type, e.resource_id) for e in events] == [
        (EventType.DELETED, lever_id("opportunity", 1)),
        (EventType.DELETED, lever_id("opportunity", 2)),
    ]
    [request] = [r for r in fake.server.requests if r.path == "/v1/opportunities/deleted"]
    assert request.arg("deleted_at_start") == str(ms(minutes(10)))
    assert request.arg("deleted_at_end") == str(ms(minutes(20)))


# -- unified mappings -----------------------------------------------------------------------------


def test_opportunity_round_trips_through_the_unified_profile(fake: FakeLever) -> None:
    raw = fake.add_opportunity(
        7,
        created=minutes(1),
        updated=minutes(2),
        tags=["python"],
        archived={"reason": ARCHIVE_REASON, "archivedAt": ms(minutes(3))},
    )
    native = LeverOpportunity.model_validate(raw)
    connector = lever(fake)
    unified = connector.to_unified_profile(native)
    assert (unified.full_name, unified.emails, unified.headline) == (
        "Candidate 7",
        ["candidate7@mail.example"],
        "Engineer",
    )
    assert unified.urls[0].type == "linkedin" and unified.location is not None
    assert unified.source_ids[0].system == "lever"
    assert unified.extra["lever"]["stage"] == "lead-new"
    back = connector.from_unified_profile(unified)
    for name in ("id", "name", "emails", "location", "links", "stage", "tags", "sources", "origin"):
        assert getattr(back, name) == getattr(native, name), name
    assert back.phones == native.phones  # phone types kept through extra
    assert back.archived_at == minutes(3) and back.archive_reason == ARCHIVE_REASON
    assert (back.created_at, back.updated_at) == (minutes(1), minutes(2))


def test_posting_maps_categories_salary_and_state(fake: FakeLever) -> None:
    native = LeverPosting.model_validate(fake.add_posting(3, state="internal"))
    connector = lever(fake)
    job = connector.to_unified_job(native)
    assert (job.title, job.department, job.team, job.seniority) == (
        "Engineer 3",
        "Engineering",
        "Platform",
        "Senior",
    )
    assert job.employment_type is EmploymentType.FULL_TIME
    assert job.workplace_type is WorkplaceType.HYBRID and job.status is JobStatus.OPEN
    assert job.salary is not None and job.salary.period is SalaryPeriod.YEAR
    assert (job.reference, job.location.country if job.location else None) == ("REQ-3", "FR")
    assert job.url and job.apply_url and job.description == "Build things (3)."
    back = connector.from_unified_job(job)
    assert back.state == "internal" and back.categories == native.categories
    assert back.salary_range == native.salary_range and back.content == native.content
    same = {"created_at", "updated_at", "salary_description"}  # "" comes back as None
    assert back.model_dump(exclude=same) == native.model_dump(exclude=same)


def test_registry_builds_both_connectors_from_profile_style_config(
    fake: FakeLever, public: FakeLeverPostings
) -> None:
    v1 = get_connector_instance(
        "lever", auth={"type": "basic", "username": fake.api_key, "base_url": fake.base_url}
    )
    assert isinstance(v1, LeverConnector) and v1.auth.base_url == fake.base_url
    assert LeverConnector().auth.base_url == "https://api.lever.co/v1"
    v0 = get_connector_instance("lever_postings", site="acme")
    assert v0.auth.base_url == "https://api.lever.co/v0/postings"
    with pytest.raises(ConfigError, match="did you mean 'site'"):
        get_connector_instance("lever_postings", site="acme", sites="acme")
    with pytest.raises(ConfigError, match="site"):
        get_connector_instance("lever_postings", site="acme/../x")


# -- the public Postings API v0 -------------------------------------------------------------------


def postings(public: FakeLeverPostings, **options: Any) -> LeverPostingsConnector:
    return LeverPostingsConnector(auth=NoAuth(base_url=public.base_url), site="acme", **options)


def test_v0_params_pages_and_repeated_category_keys(public: FakeLeverPostings) -> None:
    for i in range(25):
        public.add_posting(
            i,
            created=minutes(i),
            categories={"team": ["Data", "Platform", "Sales"][i % 3], "level": "Senior"},
        )
    public.add_posting("draft", state="internal", categories={"team": "Data"})
    where = [
        Prefilter(LeverPublicPosting, "team").in_(["Data", "Platform"]),
        Prefilter(LeverPublicPosting, "level").eq("Senior"),
        Prefilter(LeverPublicPosting, "workplace_type").eq("remote"),
    ]
    target = MemoryConnector()
    report = run_pull(
        Resource.JOB,
        postings(public),
        target,
        Cursor(mode="created_at", start=minutes(5)),
        where,
        batch_size=6,
    )
    requests = public.list_requests()
    assert [r.arg("skip") for r in requests] == ["0", "6", "12", "17"]  # 17 match
    assert all(r.arg("limit") == "6" and r.arg("mode") == "json" for r in requests)
    assert requests[0].args("team") == ["Data", "Platform"] and requests[0].arg("level") == "Senior"
    assert "workplace_type" not in requests[0].query and "createdAt" not in requests[0].query
    expected = {lever_id("public-posting", i) for i in range(5, 25) if i % 3 != 2}
    assert set(target.stored) == expected  # the cursor checked in memory; drafts are invisible
    assert report.stats.out_of_window == 4


def test_v0_maps_to_unified_and_back(public: FakeLeverPostings) -> None:
    native = LeverPublicPosting.model_validate(public.add_posting(1, created=minutes(1)))
    connector = postings(public)
    job = connector.to_unified_job(native)
    assert (job.title, job.summary, job.description) == ("Engineer 1", "Hi", "Role 1")
    assert job.workplace_type is WorkplaceType.REMOTE and job.remote is True
    assert job.salary is not None and job.salary.period is SalaryPeriod.HOUR
    assert job.status is JobStatus.OPEN and job.url == native.hosted_url
    back = connector.from_unified_job(job)
    assert back.model_dump(exclude={"salary_description", "salary_description_plain"}) == (
        native.model_dump(exclude={"salary_description", "salary_description_plain"})
    )


def test_v0_is_read_only_public_and_fetches_by_id(public: FakeLeverPostings) -> None:
    posted = public.add_posting(1)
    connector = postings(public)
    with pytest.raises(ConnectorError, match="read-only"):
        connector.write_resources_batch(Resource.JOB, [])
    events = [
        UnifiedJobEvent(event_type="updated", resource_id=posted["id"], occurred_at=minutes(1)),
        UnifiedJobEvent(event_type="updated", resource_id="unpublished", occurred_at=minutes(1)),
    ]
    found = connector.fetch_resources_by_events(Resource.JOB, events)
    assert [p.id for p in found] == [posted["id"]]
    keyed = LeverPostingsConnector(
        auth=BasicAuth(base_url=public.base_url, username="secret"), site="acme"
    )
    with pytest.raises(ConfigError, match="takes no credentials"):
        keyed.read_resources_batch(Resource.JOB, Cursor(mode="created_at"))
    wrong_site = LeverPostingsConnector(auth=NoAuth(base_url=public.base_url), site="nope")
    with pytest.raises(ConfigError, match="no site 'nope'"):
        wrong_site.read_resources_batch(Resource.JOB, Cursor(mode="created_at"))
    with pytest.raises(ConfigError, match="cursor"):
        run_pull(Resource.JOB, connector, MemoryConnector(), Cursor(mode="updated_at"))
