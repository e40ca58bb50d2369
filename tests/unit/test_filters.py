"""In-memory filters (HAVING and the WHERE fallback): paths, coercion and operator semantics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from hrtech_etl.core.errors import CoercionError, ConfigError, UnknownFieldError
from hrtech_etl.core.filters import (
    FieldPath,
    apply_postfilters,
    coerce_value,
    compile_condition,
    compile_conditions,
    get_path_value,
    resolve_path,
)
from hrtech_etl.core.models import JobStatus, UnifiedJob, UnifiedProfile
from hrtech_etl.core.types import Condition, Operator

JAN_1 = datetime(2024, 1, 1, tzinfo=UTC)


class Color(Enum):
    RED = "red"
    DARK_BLUE = "dark-blue"


class Part(BaseModel):
    name: str
    size: int | None = None


class Widget(BaseModel):
    """A native-style model with every leaf type the filters handle."""

    id: str
    count: int | None = None
    score: float | None = None
    active: bool | None = None
    color: Color | None = None
    day: date | None = None
    seen_at: datetime | None = None
    kind: Literal["a", "b"] | None = None
    numbers: list[int] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)
    main_part: Part | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    remote_id: str | None = Field(None, alias="remoteId")


def matches(
    model: type[BaseModel],
    records: Sequence[Widget | UnifiedJob | UnifiedProfile],
    field: str,
    op: str,
    value: Any,
) -> list[str]:
    """The ids of ``records`` matching one condition."""
    predicate = compile_condition(model, Condition(field=field, op=Operator(op), value=value))
    return [record.id for record in records if predicate(record)]


# --- fixtures ----------------------------------------------------------------------------------

WIDGETS = [
    Widget(
        id="w1",
        count=1,
        score=0.5,
        active=True,
        color=Color.RED,
        day=date(2024, 1, 1),
        seen_at=JAN_1,
        kind="a",
        numbers=[1, 2],
        labels=["Alpha", "beta"],
        parts=[Part(name="Bolt", size=3), Part(name="Nut", size=1)],
        main_part=Part(name="Bolt", size=3),
        meta={"team": "data", "level": 3, "langs": ["py", "sql"]},
    ),
    Widget(
        id="w2",
        count=5,
        score=2.5,
        active=False,
        color=Color.DARK_BLUE,
        day=date(2024, 6, 1),
        seen_at=JAN_1 + timedelta(days=10),
        kind="b",
        numbers=[3],
        labels=["gamma"],
        parts=[Part(name="Gear", size=10)],
        main_part=Part(name="Gear"),
        meta={"team": "web"},
    ),
    Widget(id="w3"),  # everything unset / empty
]


def job(id: str, **fields: Any) -> UnifiedJob:
    return UnifiedJob(id=id, **fields)


JOBS = [
    job(
        "j1",
        title="Senior Data Engineer",
        status="open",
        created_at="2024-01-01T00:00:00Z",
        tags=["python", "SQL"],
        location={"city": "Paris", "country": "FR"},
        salary={"min": 50000, "max": 60000, "currency": "EUR"},
        skills=[{"name": "Python"}, {"name": "Spark"}],
    ),
    job(
        "j2",
        title="Frontend Developer",
        status="closed",
        created_at="2024-02-01T00:00:00+02:00",
        tags=["react"],
        location={"city": "Berlin", "country": "DE"},
        salary={"min": 40000},
        skills=[{"name": "TypeScript"}],
    ),
    job("j3", title="Data Analyst", tags=[]),
]

PROFILES = [
    UnifiedProfile(
        id="p1",
        first_name="Ada",
        last_name="Lovelace",
        emails=["ada@example.com"],
        experiences=[
            {"company": "Acme", "location": {"city": "London"}},
            {"company": "Initech", "location": None},
        ],
    ),
    UnifiedProfile(
        id="p2",
        full_name="Grace Hopper",
        experiences=[{"company": "Navy", "location": {"city": "Arlington"}}],
    ),
    UnifiedProfile(id="p3"),
]


# --- resolve_path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "path", "leaf", "through_list"),
    [
        (UnifiedJob, "title", str, False),
        (UnifiedJob, "created_at", datetime, False),
        (UnifiedJob, "status", JobStatus, False),
        (UnifiedJob, "remote", bool, False),
        (UnifiedJob, "location.city", str, False),
        (UnifiedJob, "salary.min", float, False),
        (UnifiedJob, "tags", str, True),
        (UnifiedJob, "skills.name", str, True),
        (UnifiedJob, "extra.anything.deeper", object, False),
        (UnifiedProfile, "experiences.location.city", str, True),
        (Widget, "count", int, False),
        (Widget, "day", date, False),
        (Widget, "numbers", int, True),
        (Widget, "kind", str, False),
    ],
)
def test_resolve_path_finds_leaf_type_and_list_semantics(
    model: type[BaseModel], path: str, leaf: type, through_list: bool
) -> None:
    resolved = resolve_path(model, path)

    assert isinstance(resolved, FieldPath)
    assert resolved.path == path
    assert resolved.leaf_type is leaf
    assert resolved.through_list is through_list
    assert resolved.segments == tuple(path.split("."))


def test_resolve_path_reports_nullability_and_literal_choices() -> None:
    assert resolve_path(UnifiedJob, "location.city").nullable
    assert not resolve_path(UnifiedJob, "id").nullable
    assert resolve_path(Widget, "kind").choices == ("a", "b")


def test_resolve_path_accepts_an_alias() -> None:
    assert resolve_path(Widget, "remoteId").path == "remote_id"


@pytest.mark.parametrize(
    ("path", "suggestion"),
    [
        ("titel", "title"),
        ("location.cty", "location.city"),
        ("skils.name", "skills.name"),
        ("salary.mni", "salary.min"),
        ("title.foo", "title"),
    ],
)
def test_unknown_field_suggests_the_closest(path: str, suggestion: str) -> None:
    with pytest.raises(UnknownFieldError) as info:
        resolve_path(UnifiedJob, path)

    error = info.value
    assert isinstance(error, ConfigError)
    assert error.model_name == "UnifiedJob"
    assert error.field == path
    assert f"did you mean {suggestion!r}" in str(error)
    assert suggestion in error.known


def test_unknown_field_lists_the_fields_of_the_level_that_failed() -> None:
    with pytest.raises(UnknownFieldError) as info:
        resolve_path(UnifiedJob, "location.zip")

    assert "location.postal_code" in info.value.known
    assert "title" not in info.value.known


def test_blank_segment_is_an_unknown_field() -> None:
    with pytest.raises(UnknownFieldError):
        resolve_path(UnifiedJob, "location..city")


# --- coerce_value ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-01T00:00:00Z",
        "2024-01-01T01:00:00+01:00",
        "2024-01-01T00:00:00",
        "2024-01-01",
        1704067200,
        "1704067200",
        datetime(2024, 1, 1),
    ],
)
def test_datetime_values_become_aware_utc(raw: object) -> None:
    value = coerce_value(UnifiedJob, "created_at", "gte", raw)

    assert value == JAN_1
    assert value.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("count", "42", 42),
        ("count", "42.0", 42),
        ("count", 7.0, 7),
        ("score", "2.5", 2.5),
        ("score", 3, 3.0),
        ("active", "true", True),
        ("active", "FALSE", False),
        ("active", "yes", True),
        ("active", "no", False),
        ("active", "1", True),
        ("active", "0", False),
        ("active", 1, True),
        ("day", "2024-03-05", date(2024, 3, 5)),
        ("day", datetime(2024, 3, 5, 12), date(2024, 3, 5)),
        ("color", "red", Color.RED),
        ("color", "RED", Color.RED),
        ("color", "Dark_Blue", Color.DARK_BLUE),
        ("color", "DARK-BLUE", Color.DARK_BLUE),
        ("kind", "A", "a"),
        ("labels", 5, "5"),
        ("main_part", {"name": "Bolt"}, Part(name="Bolt")),
        ("meta.level", "3", "3"),  # untyped: kept as given
    ],
)
def test_scalar_coercion(path: str, raw: object, expected: object) -> None:
    value = coerce_value(Widget, path, "eq", raw)

    assert value == expected
    assert type(value) is type(expected)


def test_enum_coercion_on_unified_job_status() -> None:
    assert coerce_value(UnifiedJob, "status", Operator.EQ, "Open") is JobStatus.OPEN
    assert coerce_value(UnifiedJob, "status", Operator.EQ, "CLOSED") is JobStatus.CLOSED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('["open", "Closed"]', [JobStatus.OPEN, JobStatus.CLOSED]),
        ("open,closed", [JobStatus.OPEN, JobStatus.CLOSED]),
        (" open , draft ", [JobStatus.OPEN, JobStatus.DRAFT]),
        (["open"], [JobStatus.OPEN]),
        (("archived",), [JobStatus.ARCHIVED]),
        ("open", [JobStatus.OPEN]),
        ("", []),
        ([None, "open"], [None, JobStatus.OPEN]),
    ],
)
def test_in_values_from_lists_json_and_csv(raw: object, expected: list[object]) -> None:
    assert coerce_value(UnifiedJob, "status", "in", raw) == expected
    assert coerce_value(UnifiedJob, "status", "not_in", raw) == expected


def test_in_values_are_coerced_item_by_item() -> None:
    assert coerce_value(Widget, "count", "in", '[1, "2", 3.0]') == [1, 2, 3]
    assert coerce_value(Widget, "count", "in", "4,5") == [4, 5]
    assert coerce_value(UnifiedJob, "created_at", "in", '["2024-01-01T01:00:00+01:00"]') == [JAN_1]


@pytest.mark.parametrize(
    ("path", "op", "raw", "expected_type"),
    [
        ("count", "eq", "many", "int"),
        ("count", "eq", "4.5", "int"),
        ("count", "gt", True, "int"),
        ("score", "lt", "high", "float"),
        ("active", "eq", "maybe", "bool"),
        ("day", "gte", "someday", "date"),
        ("seen_at", "gte", "yesterday", "datetime"),
        ("color", "eq", "green", "Color"),
        ("kind", "eq", "c", "one of a, b"),
        ("labels", "eq", ["x"], "str"),
        ("count", "in", "1,two", "int"),
    ],
)
def test_coercion_errors_name_field_value_and_expected_type(
    path: str, op: str, raw: object, expected_type: str
) -> None:
    with pytest.raises(CoercionError) as info:
        coerce_value(Widget, path, op, raw)

    error = info.value
    message = str(error)
    assert isinstance(error, ConfigError)
    assert error.field == path and repr(path) in message
    assert error.expected == expected_type and expected_type in message
    bad_item = "two" if op == "in" else raw
    assert error.value == bad_item and repr(bad_item) in message


def test_enum_coercion_error_lists_allowed_values() -> None:
    with pytest.raises(CoercionError, match="red, dark-blue"):
        coerce_value(Widget, "color", "eq", "green")


def test_bad_json_array_for_in_is_a_coercion_error() -> None:
    with pytest.raises(CoercionError, match="JSON array"):
        coerce_value(UnifiedJob, "status", "in", '["open", ')


def test_range_and_contains_need_a_value_but_eq_accepts_none() -> None:
    assert coerce_value(UnifiedJob, "title", "eq", None) is None
    assert coerce_value(UnifiedJob, "title", "ne", None) is None
    with pytest.raises(CoercionError, match="gt needs a value"):
        coerce_value(UnifiedJob, "created_at", "gt", None)
    with pytest.raises(CoercionError, match="contains needs a value"):
        coerce_value(UnifiedJob, "title", "contains", None)


def test_contains_on_enum_or_literal_takes_any_text() -> None:
    assert coerce_value(UnifiedJob, "status", "contains", "op") == "op"
    assert coerce_value(Widget, "kind", "contains", "z") == "z"
    assert coerce_value(UnifiedJob, "tags", "contains", ["py", "sq"]) == ["py", "sq"]


# --- operators: strings ------------------------------------------------------------------------


def test_eq_and_ne_on_strings_are_exact() -> None:
    assert matches(UnifiedJob, JOBS, "title", "eq", "Data Analyst") == ["j3"]
    assert matches(UnifiedJob, JOBS, "title", "eq", "data analyst") == []
    assert matches(UnifiedJob, JOBS, "title", "ne", "Data Analyst") == ["j1", "j2"]


def test_contains_on_strings_is_a_case_insensitive_substring() -> None:
    assert matches(UnifiedJob, JOBS, "title", "contains", "DATA") == ["j1", "j3"]
    assert matches(UnifiedJob, JOBS, "title", "contains", "eng") == ["j1"]
    assert matches(UnifiedJob, JOBS, "description", "contains", "x") == []  # null never contains


def test_contains_with_a_list_needs_every_value() -> None:
    assert matches(UnifiedJob, JOBS, "title", "contains", ["data", "engineer"]) == ["j1"]
    assert matches(UnifiedJob, JOBS, "title", "contains", ["data", "rust"]) == []


def test_range_on_strings_is_lexicographic() -> None:
    assert matches(UnifiedJob, JOBS, "location.city", "lt", "C") == ["j2"]


def test_in_and_not_in_on_strings() -> None:
    assert matches(UnifiedJob, JOBS, "location.city", "in", "Paris,Berlin") == ["j1", "j2"]
    assert matches(UnifiedJob, JOBS, "location.city", "in", '["Paris"]') == ["j1"]
    assert matches(UnifiedJob, JOBS, "location.city", "not_in", ["Paris"]) == ["j2", "j3"]


# --- operators: null semantics -----------------------------------------------------------------


def test_eq_none_is_null_and_ne_none_is_not_null() -> None:
    assert matches(UnifiedJob, JOBS, "status", "eq", None) == ["j3"]
    assert matches(UnifiedJob, JOBS, "status", "ne", None) == ["j1", "j2"]
    # A null intermediate (no location) reads as null.
    assert matches(UnifiedJob, JOBS, "location.city", "eq", None) == ["j3"]


def test_a_null_value_never_matches_a_range() -> None:
    for op in ("gt", "gte", "lt", "lte"):
        assert "w3" not in matches(Widget, WIDGETS, "count", op, 3)
        assert "j3" not in matches(UnifiedJob, JOBS, "created_at", op, "2024-01-15")


def test_in_with_none_matches_null() -> None:
    assert matches(UnifiedJob, JOBS, "status", "in", [None, "closed"]) == ["j2", "j3"]
    assert matches(UnifiedJob, JOBS, "status", "not_in", ["open"]) == ["j2", "j3"]


# --- operators: numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "5", ["w2"]),
        ("ne", 5, ["w1", "w3"]),
        ("gt", "1", ["w2"]),
        ("gte", 1, ["w1", "w2"]),
        ("lt", "5", ["w1"]),
        ("lte", 5.0, ["w1", "w2"]),
        ("in", "1,5", ["w1", "w2"]),
        ("not_in", [1], ["w2", "w3"]),
        ("contains", "5", ["w2"]),  # not text: equality
    ],
)
def test_int_operators_compare_after_coercion(op: str, value: object, expected: list[str]) -> None:
    assert matches(Widget, WIDGETS, "count", op, value) == expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "2.5", ["w2"]),
        ("gt", "0.5", ["w2"]),
        ("gte", 0.5, ["w1", "w2"]),
        ("lt", 1, ["w1"]),
        ("lte", "2.5", ["w1", "w2"]),
        ("in", "[0.5, 2.5]", ["w1", "w2"]),
    ],
)
def test_float_operators(op: str, value: object, expected: list[str]) -> None:
    assert matches(Widget, WIDGETS, "score", op, value) == expected


def test_nested_number_path() -> None:
    assert matches(UnifiedJob, JOBS, "salary.min", "gte", "45000") == ["j1"]
    assert matches(UnifiedJob, JOBS, "salary.max", "eq", None) == ["j2", "j3"]


# --- operators: datetimes and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "2024-01-01T01:00:00+01:00", ["j1"]),
        ("ne", "2024-01-01T00:00:00Z", ["j2", "j3"]),
        ("gt", "2024-01-01T00:00:00Z", ["j2"]),
        ("gte", "2024-01-01T00:00:00Z", ["j1", "j2"]),
        # j2 was created 2024-02-01T00:00+02:00, i.e. 2024-01-31T22:00Z.
        ("lt", "2024-01-31T22:00:00Z", ["j1"]),
        ("lte", "2024-01-31T22:00:00Z", ["j1", "j2"]),
        ("lte", 1706738400, ["j1", "j2"]),
        ("gte", datetime(2024, 1, 31, 22), ["j2"]),  # naive value taken as UTC
        ("in", '["2024-01-31T23:00:00+01:00", "2023-01-01"]', ["j2"]),
        ("not_in", ["2024-01-01T00:00:00Z"], ["j2", "j3"]),
    ],
)
def test_datetime_operators_compare_instants(op: str, value: object, expected: list[str]) -> None:
    assert matches(UnifiedJob, JOBS, "created_at", op, value) == expected


def test_naive_record_datetimes_are_taken_as_utc() -> None:
    # model_construct skips validation, as a native model with a plain datetime field would.
    naive = UnifiedJob.model_construct(id="n1", created_at=datetime(2024, 1, 1, 12))
    aware = UnifiedJob.model_construct(
        id="a1", created_at=datetime(2024, 1, 1, 14, tzinfo=timezone(timedelta(hours=2)))
    )
    records = [naive, aware]

    assert matches(UnifiedJob, records, "created_at", "eq", "2024-01-01T12:00:00Z") == ["n1", "a1"]
    assert matches(UnifiedJob, records, "created_at", "gt", "2024-01-01T11:59:59Z") == [
        "n1",
        "a1",
    ]
    assert matches(UnifiedJob, records, "created_at", "in", ["2024-01-01T12:00:00Z"]) == [
        "n1",
        "a1",
    ]


def test_date_operators() -> None:
    assert matches(Widget, WIDGETS, "day", "gte", "2024-03-01") == ["w2"]
    assert matches(Widget, WIDGETS, "day", "eq", date(2024, 1, 1)) == ["w1"]
    assert matches(Widget, WIDGETS, "day", "lt", datetime(2024, 6, 1, 9)) == ["w1"]


# --- operators: bool, enum, literal ------------------------------------------------------------


def test_bool_operators() -> None:
    assert matches(Widget, WIDGETS, "active", "eq", "true") == ["w1"]
    assert matches(Widget, WIDGETS, "active", "eq", "no") == ["w2"]
    assert matches(Widget, WIDGETS, "active", "ne", True) == ["w2", "w3"]
    assert matches(Widget, WIDGETS, "active", "in", "true,false") == ["w1", "w2"]


def test_enum_operators() -> None:
    assert matches(Widget, WIDGETS, "color", "eq", "RED") == ["w1"]
    assert matches(Widget, WIDGETS, "color", "ne", "red") == ["w2", "w3"]
    assert matches(Widget, WIDGETS, "color", "in", "red,dark_blue") == ["w1", "w2"]
    assert matches(Widget, WIDGETS, "color", "not_in", ["dark-blue"]) == ["w1", "w3"]
    assert matches(Widget, WIDGETS, "color", "contains", "BLUE") == ["w2"]


def test_str_enum_operators_on_unified_jobs() -> None:
    assert matches(UnifiedJob, JOBS, "status", "eq", "OPEN") == ["j1"]
    assert matches(UnifiedJob, JOBS, "status", "in", '["open","closed"]') == ["j1", "j2"]
    assert matches(UnifiedJob, JOBS, "status", "contains", "los") == ["j2"]


def test_enum_stored_as_raw_value_still_matches() -> None:
    raw = UnifiedJob.model_construct(id="r1", status="open")  # type: ignore[arg-type]

    assert matches(UnifiedJob, [raw], "status", "eq", "open") == ["r1"]
    assert matches(UnifiedJob, [raw], "status", "in", ["open"]) == ["r1"]


def test_literal_operators() -> None:
    assert matches(Widget, WIDGETS, "kind", "eq", "B") == ["w2"]
    assert matches(Widget, WIDGETS, "kind", "in", "a,b") == ["w1", "w2"]


# --- operators: lists and dotted paths through lists -------------------------------------------


def test_list_field_contains_any_element_case_insensitively() -> None:
    assert matches(UnifiedJob, JOBS, "tags", "contains", "sql") == ["j1"]
    assert matches(UnifiedJob, JOBS, "tags", "contains", "PYTH") == ["j1"]
    assert matches(UnifiedJob, JOBS, "tags", "contains", ["python", "sql"]) == ["j1"]
    assert matches(UnifiedJob, JOBS, "tags", "contains", ["python", "react"]) == []


def test_list_field_eq_in_and_negations() -> None:
    assert matches(UnifiedJob, JOBS, "tags", "eq", "react") == ["j2"]
    assert matches(UnifiedJob, JOBS, "tags", "ne", "react") == ["j1", "j3"]  # has no such tag
    assert matches(UnifiedJob, JOBS, "tags", "in", "react,python") == ["j1", "j2"]
    assert matches(UnifiedJob, JOBS, "tags", "not_in", "react,python") == ["j3"]


def test_empty_list_is_null() -> None:
    assert matches(UnifiedJob, JOBS, "tags", "eq", None) == ["j3"]
    assert matches(UnifiedJob, JOBS, "tags", "ne", None) == ["j1", "j2"]


def test_list_of_ints_uses_equality_for_contains_and_any_match_for_ranges() -> None:
    assert matches(Widget, WIDGETS, "numbers", "contains", "2") == ["w1"]
    assert matches(Widget, WIDGETS, "numbers", "contains", [1, 2]) == ["w1"]
    assert matches(Widget, WIDGETS, "numbers", "gt", 2) == ["w2"]
    assert matches(Widget, WIDGETS, "numbers", "lte", "1") == ["w1"]


def test_dotted_path_through_a_list_matches_any_element() -> None:
    assert matches(UnifiedJob, JOBS, "skills.name", "eq", "Spark") == ["j1"]
    assert matches(UnifiedJob, JOBS, "skills.name", "contains", "script") == ["j2"]
    assert matches(UnifiedJob, JOBS, "skills.name", "in", ["Python", "TypeScript"]) == [
        "j1",
        "j2",
    ]
    assert matches(UnifiedJob, JOBS, "skills.name", "not_in", ["Python"]) == ["j2", "j3"]
    assert matches(Widget, WIDGETS, "parts.size", "gte", "10") == ["w2"]
    assert matches(Widget, WIDGETS, "parts.size", "lt", 2) == ["w1"]


def test_deep_path_through_a_list_and_an_optional_model() -> None:
    assert matches(UnifiedProfile, PROFILES, "experiences.location.city", "eq", "London") == ["p1"]
    assert matches(UnifiedProfile, PROFILES, "experiences.location.city", "contains", "ARL") == [
        "p2"
    ]
    assert matches(UnifiedProfile, PROFILES, "experiences.company", "ne", "Acme") == [
        "p2",
        "p3",
    ]


def test_nested_model_path_without_lists() -> None:
    assert matches(UnifiedJob, JOBS, "location.city", "eq", "Paris") == ["j1"]
    assert matches(UnifiedJob, JOBS, "location.country", "in", "FR,DE") == ["j1", "j2"]
    assert matches(Widget, WIDGETS, "main_part.size", "eq", None) == ["w2", "w3"]


def test_derived_full_name_is_filterable() -> None:
    assert matches(UnifiedProfile, PROFILES, "full_name", "contains", "love") == ["p1"]
    assert matches(UnifiedProfile, PROFILES, "emails", "eq", "ada@example.com") == ["p1"]


def test_untyped_values_inside_a_dict() -> None:
    assert matches(Widget, WIDGETS, "meta.team", "eq", "web") == ["w2"]
    assert matches(Widget, WIDGETS, "meta.team", "contains", "AT") == ["w1"]
    assert matches(Widget, WIDGETS, "meta.langs", "contains", "SQ") == ["w1"]
    assert matches(Widget, WIDGETS, "meta.level", "gt", 2) == ["w1"]
    assert matches(Widget, WIDGETS, "meta.missing", "eq", None) == ["w1", "w2", "w3"]


# --- compile_conditions / apply_postfilters ----------------------------------------------------


def test_compile_conditions_is_none_without_conditions() -> None:
    assert compile_conditions(UnifiedJob, []) is None
    assert compile_conditions(UnifiedJob, None) is None


@pytest.mark.parametrize("count", [1, 2, 3])
def test_compile_conditions_is_the_and_of_all(count: int) -> None:
    conditions = [
        Condition(field="title", op=Operator.CONTAINS, value="data"),
        Condition(field="status", op=Operator.EQ, value="open"),
        Condition(field="salary.min", op=Operator.GTE, value=50000),
    ][:count]
    predicate = compile_conditions(UnifiedJob, conditions)

    assert predicate is not None
    expected = {1: ["j1", "j3"], 2: ["j1"], 3: ["j1"]}[count]
    assert [record.id for record in JOBS if predicate(record)] == expected


def test_conditions_may_be_plain_mappings() -> None:
    predicate = compile_conditions(
        UnifiedJob, [{"field": "tags", "op": "contains", "value": "react"}]
    )

    assert predicate is not None and predicate(JOBS[1]) and not predicate(JOBS[0])


def test_errors_surface_at_compile_time() -> None:
    with pytest.raises(UnknownFieldError, match="did you mean 'title'"):
        compile_conditions(UnifiedJob, [Condition(field="titel", op=Operator.EQ, value="x")])
    with pytest.raises(CoercionError, match="created_at"):
        compile_condition(
            UnifiedJob, Condition(field="created_at", op=Operator.GT, value="not a date")
        )


def test_apply_postfilters_keeps_matching_records_in_order() -> None:
    kept = apply_postfilters(
        JOBS,
        UnifiedJob,
        [Condition(field="created_at", op=Operator.GTE, value="2023-12-31T00:00:00Z")],
    )

    assert [record.id for record in kept if isinstance(record, UnifiedJob)] == ["j1", "j2"]
    assert apply_postfilters(iter(JOBS), UnifiedJob, None) == JOBS


# --- get_path_value ----------------------------------------------------------------------------


def test_get_path_value() -> None:
    profile = PROFILES[0]

    assert get_path_value(JOBS[0], "title") == "Senior Data Engineer"
    assert get_path_value(JOBS[0], "location.city") == "Paris"
    assert get_path_value(JOBS[2], "location.city") is None
    assert get_path_value(JOBS[0], "skills.name") == ["Python", "Spark"]
    assert get_path_value(JOBS[0], "tags") == ["python", "SQL"]
    assert get_path_value(profile, "experiences.location.city") == ["London", None]
    assert get_path_value(WIDGETS[0], "meta.team") == "data"
    assert get_path_value({"a": [{"b": 1}, {"b": [2, 3]}]}, "a.b") == [1, 2, 3]
    with pytest.raises(UnknownFieldError):
        get_path_value(JOBS[0], "titel")


def test_a_model_field_points_to_its_sub_fields() -> None:
    with pytest.raises(CoercionError, match=r"'skills\.name'"):
        compile_condition(UnifiedJob, Condition(field="skills", op=Operator.CONTAINS, value="py"))


def test_an_epoch_out_of_range_is_a_coercion_error() -> None:
    with pytest.raises(CoercionError, match="datetime"):
        coerce_value(UnifiedJob, "created_at", "gte", 10**20)
