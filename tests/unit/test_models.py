"""Unified models: defaults, UTC normalisation, derived fields, metadata and events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from hrtech_etl.core.models import (
    EmploymentType,
    JobStatus,
    SalaryPeriod,
    UnifiedEvent,
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
    UnifiedProfileEvent,
    WorkplaceType,
    parse_event,
)
from hrtech_etl.core.types import EventType, Resource

JAN_1_UTC = datetime(2024, 1, 1, tzinfo=UTC)


# --- jobs --------------------------------------------------------------------------------------


def test_job_needs_only_an_id_and_has_empty_defaults() -> None:
    job = UnifiedJob(id="j1")

    assert job.title is None
    assert job.location is None
    assert job.salary is None
    assert job.skills == [] and job.languages == [] and job.tags == [] and job.source_ids == []
    assert job.extra == {}


def test_job_defaults_are_not_shared_between_instances() -> None:
    first, second = UnifiedJob(id="a"), UnifiedJob(id="b")
    first.tags.append("x")
    first.extra["k"] = 1

    assert second.tags == [] and second.extra == {}


def test_job_without_id_is_rejected() -> None:
    with pytest.raises(ValidationError, match="id"):
        UnifiedJob()  # type: ignore[call-arg]


def test_integer_ids_become_strings() -> None:
    job = UnifiedJob(id=4012, reference=77, source_ids=[{"system": "greenhouse", "id": 4012}])

    assert job.id == "4012"
    assert job.reference == "77"
    assert job.source_ids[0].id == "4012"


def test_unknown_keys_are_rejected_rather_than_dropped() -> None:
    with pytest.raises(ValidationError, match="name"):
        UnifiedJob(id="j1", name="Data Engineer")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "raw",
    [
        datetime(2024, 1, 1),  # naive → taken as UTC
        datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00",
        "2023-12-31T19:00:00-05:00",
        1704067200,  # epoch seconds
        1704067200000,  # epoch milliseconds
    ],
)
def test_job_timestamps_become_aware_utc(raw: object) -> None:
    job = UnifiedJob(id="j1", created_at=raw, updated_at=raw)

    for value in (job.created_at, job.updated_at):
        assert value == JAN_1_UTC
        assert value is not None and value.utcoffset() == timedelta(0)


def test_every_job_timestamp_is_normalised() -> None:
    job = UnifiedJob(
        id="j1",
        published_at="2024-01-01T01:00:00+01:00",
        closed_at="2024-01-01T00:00:00",
        archived_at=datetime(2024, 1, 1),
    )

    assert job.published_at == job.closed_at == job.archived_at == JAN_1_UTC
    assert job.archived_at is not None and job.archived_at.tzinfo is not None


def test_bad_timestamp_is_a_validation_error_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="created_at"):
        UnifiedJob(id="j1", created_at="last tuesday")


def test_vendor_spellings_map_to_enums() -> None:
    job = UnifiedJob(
        id="j1",
        employment_type="Full-Time",
        workplace_type="on-site",
        status="OPEN",
    )

    assert job.employment_type is EmploymentType.FULL_TIME
    assert job.workplace_type is WorkplaceType.ONSITE
    assert job.status is JobStatus.OPEN
    assert UnifiedJob(id="j", employment_type="intern").employment_type is (
        EmploymentType.INTERNSHIP
    )


def test_unknown_enum_value_is_rejected() -> None:
    with pytest.raises(ValidationError, match="status"):
        UnifiedJob(id="j1", status="pending-ish")


@pytest.mark.parametrize(
    ("workplace", "remote_in", "remote_out"),
    [
        ("remote", None, True),
        ("onsite", None, False),
        ("hybrid", None, None),
        ("remote", False, False),  # the source's own flag wins
        (None, None, None),
    ],
)
def test_remote_is_derived_from_workplace_type_only_when_missing(
    workplace: str | None, remote_in: bool | None, remote_out: bool | None
) -> None:
    job = UnifiedJob(id="j1", workplace_type=workplace, remote=remote_in)

    assert job.remote is remote_out


def test_salary_range_is_normalised_and_checked() -> None:
    job = UnifiedJob(
        id="j1",
        salary={"min": 50000, "max": 60000, "currency": "eur", "period": "yearly"},
    )

    assert job.salary is not None
    assert (job.salary.min, job.salary.max) == (50000.0, 60000.0)
    assert job.salary.currency == "EUR"
    assert job.salary.period is SalaryPeriod.YEAR

    with pytest.raises(ValidationError, match="above max"):
        UnifiedJob(id="j1", salary={"min": 70000, "max": 60000})


def test_location_country_code_is_uppercased_and_coordinates_checked() -> None:
    job = UnifiedJob(id="j1", location={"city": "Paris", "country": "fr", "lat": 48.85})

    assert job.location is not None
    assert job.location.country == "FR"
    named = UnifiedJob(id="j", location={"country": "France"}).location
    assert named is not None and named.country == "France"
    with pytest.raises(ValidationError, match="lat"):
        UnifiedJob(id="j1", location={"lat": 123.0})


def test_tags_accept_one_string_and_drop_blanks_and_duplicates() -> None:
    assert UnifiedJob(id="j", tags="python").tags == ["python"]
    assert UnifiedJob(id="j", tags=["a", " b ", "", "a"]).tags == ["a", "b"]


def test_cursor_and_prefilter_metadata() -> None:
    fields = UnifiedJob.model_fields

    assert fields["id"].json_schema_extra == {
        "cursor": "id",
        "prefilter": {"operators": ["eq", "in"]},
    }
    for name in ("created_at", "updated_at"):
        assert fields[name].json_schema_extra == {
            "cursor": name,
            "prefilter": {"operators": ["gte", "lte", "gt", "lt"]},
        }
    assert fields["title"].json_schema_extra == {"prefilter": {"operators": ["eq", "contains"]}}
    assert fields["status"].json_schema_extra == {"prefilter": {"operators": ["eq", "in"]}}
    assert UnifiedProfile.model_fields["updated_at"].json_schema_extra == {
        "cursor": "updated_at",
        "prefilter": {"operators": ["gte", "lte", "gt", "lt"]},
    }

    schema = UnifiedJob.model_json_schema()["properties"]
    assert schema["created_at"]["cursor"] == "created_at"
    assert schema["title"]["prefilter"] == {"operators": ["eq", "contains"]}


def test_job_round_trips_through_json() -> None:
    job = UnifiedJob(
        id="j1",
        title="Data Engineer",
        created_at=JAN_1_UTC,
        status=JobStatus.OPEN,
        skills=[{"name": "python", "type": "hard"}],
        salary={"min": 1, "max": 2, "currency": "USD", "period": "month"},
        extra={"gh_office_id": 9},
    )
    dumped = job.model_dump(mode="json")

    assert dumped["created_at"] == "2024-01-01T00:00:00Z"
    assert dumped["status"] == "open"
    assert UnifiedJob.model_validate(dumped) == job


# --- profiles ----------------------------------------------------------------------------------


def test_full_name_is_derived_from_first_and_last_name() -> None:
    assert UnifiedProfile(id="p", first_name="Ada", last_name="Lovelace").full_name == (
        "Ada Lovelace"
    )
    assert UnifiedProfile(id="p", first_name="Ada").full_name == "Ada"
    assert UnifiedProfile(id="p", last_name="Lovelace").full_name == "Lovelace"
    assert UnifiedProfile(id="p").full_name is None


def test_given_full_name_is_kept_and_never_split() -> None:
    profile = UnifiedProfile(id="p", first_name="Ada", last_name="L.", full_name="Countess Ada")
    only_full = UnifiedProfile(id="p", full_name="Ada Lovelace")

    assert profile.full_name == "Countess Ada"
    assert only_full.first_name is None and only_full.last_name is None


def test_profile_timestamps_become_aware_utc() -> None:
    profile = UnifiedProfile(
        id="p",
        created_at=datetime(2024, 1, 1),
        updated_at="2024-01-01T03:00:00+03:00",
        archived_at="2024-01-01T00:00:00Z",
    )

    assert profile.created_at == profile.updated_at == profile.archived_at == JAN_1_UTC
    assert all(
        value is not None and value.tzinfo is not None
        for value in (profile.created_at, profile.updated_at, profile.archived_at)
    )


def test_profile_nested_records() -> None:
    profile = UnifiedProfile(
        id="p",
        emails="ada@example.com",
        phones=["+33 1 23", "+33 1 23"],
        experiences=[
            {"company": "Analytical Engines", "title": "Engineer", "start_date": "2019-03"},
            {"company": "X", "start_date": "2018", "end_date": "2021-01-01T00:00:00+02:00"},
        ],
        educations=[{"school": "Cambridge", "degree": "BSc", "start_date": "2010-09-01"}],
        attachments=[
            {"type": "cover_letter", "url": "https://x/cl.pdf"},
            {"type": "resume", "url": "https://x/cv.pdf", "content_type": "application/pdf"},
        ],
        urls=[{"type": "linkedin", "url": "https://linkedin.com/in/ada"}],
        skills=[{"name": "python", "level": "expert"}],
        languages=[{"name": "French", "level": "C1"}],
    )

    assert profile.emails == ["ada@example.com"]
    assert profile.phones == ["+33 1 23"]
    assert profile.experiences[0].start_date == date(2019, 3, 1)
    assert profile.experiences[1].start_date == date(2018, 1, 1)
    # A calendar date keeps the day it was written with, not shifted to UTC.
    assert profile.experiences[1].end_date == date(2021, 1, 1)
    assert profile.educations[0].start_date == date(2010, 9, 1)
    assert profile.resume is not None and profile.resume.url == "https://x/cv.pdf"
    assert profile.urls[0].type == "linkedin"


# --- events ------------------------------------------------------------------------------------


def test_job_event_is_fixed_to_the_job_resource() -> None:
    event = UnifiedJobEvent(
        event_type="Created",
        resource_id=42,
        occurred_at=datetime(2024, 1, 1),
        source="greenhouse",
    )

    assert event.resource is Resource.JOB
    assert event.event_type is EventType.CREATED
    assert event.resource_id == "42"
    assert event.occurred_at == JAN_1_UTC and event.occurred_at.tzinfo is not None
    assert event.payload is None
    assert (
        UnifiedJobEvent(
            event_type=EventType.UPDATED, resource_id="1", occurred_at=JAN_1_UTC, resource="JOB"
        ).resource
        is Resource.JOB
    )

    with pytest.raises(ValidationError, match="resource"):
        UnifiedJobEvent(
            event_type=EventType.CREATED,
            resource_id="1",
            occurred_at=JAN_1_UTC,
            resource=Resource.PROFILE,
        )


def test_profile_event_converts_offsets_and_keeps_the_payload() -> None:
    body = {"type": "profile.storing.success", "profile": {"key": "abc"}}
    event = UnifiedProfileEvent(
        event_type=EventType.DELETED,
        resource_id="abc",
        occurred_at="2024-01-01T05:30:00+05:30",
        payload=body,
    )

    assert event.resource is Resource.PROFILE
    assert event.occurred_at == JAN_1_UTC
    assert event.payload == body
    assert event.event_type.removes


def test_event_requires_type_id_and_time() -> None:
    with pytest.raises(ValidationError) as info:
        UnifiedJobEvent()  # type: ignore[call-arg]

    missing = {error["loc"][0] for error in info.value.errors()}
    assert missing == {"event_type", "resource_id", "occurred_at"}


def test_parse_event_picks_the_class_from_the_resource() -> None:
    job_event = parse_event(
        {"event_type": "updated", "resource_id": "j1", "occurred_at": "2024-01-01T00:00:00Z"}
    )
    profile_event = parse_event(
        {
            "event_type": "archived",
            "resource_id": "p1",
            "occurred_at": 1704067200,
            "resource": "PROFILE",
        }
    )

    assert isinstance(job_event, UnifiedJobEvent)
    assert isinstance(profile_event, UnifiedProfileEvent)
    assert profile_event.occurred_at == JAN_1_UTC
    assert isinstance(profile_event, UnifiedEvent)


def test_events_round_trip_through_json() -> None:
    event = UnifiedProfileEvent(
        event_type=EventType.UPSERTED, resource_id="p1", occurred_at=JAN_1_UTC, source="hrflow"
    )

    assert parse_event(event.model_dump(mode="json")) == event
