"""Metadata-driven query params (DESIGN §3) and the Prefilter builder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, Field

from hrtech_etl.connectors.warehouse_a.models import WarehouseAJob
from hrtech_etl.core.errors import (
    CoercionError,
    MetadataError,
    UnknownFieldError,
    UnsupportedOperatorError,
)
from hrtech_etl.core.expressions import Prefilter
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.params import plan_query
from hrtech_etl.core.types import BoolJoin, Condition, Cursor, Operator
from hrtech_etl.core.utils import (
    build_connector_params,
    build_cursor_query_params,
    build_eq_query_params,
    build_in_query_params,
    build_search_query_params,
)


def _search_model(join_or: Any, join_and: Any) -> type[BaseModel]:
    class Job(BaseModel):
        name: str = Field(
            ...,
            json_schema_extra={
                "prefilter": {"operators": ["contains"]},
                "search_binding": {
                    "search_field": "keywords",
                    "field_join": join_or,
                    "value_join": join_and,
                },
            },
        )
        text: str = Field(
            ...,
            json_schema_extra={
                "prefilter": {"operators": ["contains"]},
                "search_binding": {
                    "search_field": "keywords",
                    "field_join": join_and,
                    "value_join": join_or,
                },
            },
        )
        skills: list[str] = Field(
            default_factory=list,
            json_schema_extra={
                "prefilter": {"operators": ["contains"]},
                "search_binding": {
                    "search_field": "keywords",
                    "field_join": join_and,
                    "value_join": join_or,
                },
            },
        )

    return Job


SEED_WHERE = [
    Condition(field="name", op=Operator.CONTAINS, value="data"),
    Condition(field="text", op=Operator.CONTAINS, value="science"),
    Condition(field="skills", op=Operator.CONTAINS, value=["python", "sql"]),
]


@pytest.mark.parametrize(
    ("join_or", "join_and"),
    [(BoolJoin.OR, BoolJoin.AND), ("OR", "AND"), ("or", "and")],
    ids=["enum", "upper", "lower"],
)
def test_seed_search_example_gives_exactly_the_documented_query(
    join_or: Any, join_and: Any
) -> None:
    model = _search_model(join_or, join_and)
    assert build_search_query_params(model, SEED_WHERE) == {
        "keywords": "(data) AND (science) AND (python OR sql)"
    }


def test_several_or_groups_are_parenthesised_together() -> None:
    model = _search_model(BoolJoin.OR, BoolJoin.AND)
    where = [
        Condition(field="name", op="contains", value=["data", "ml"]),
        Condition(field="text", op="contains", value="science"),
    ]
    assert build_search_query_params(model, where) == {"keywords": "(data AND ml) AND (science)"}
    where_two_or = [*where, Condition(field="name", op="contains", value="ai")]
    # values on the same field join into one group
    assert build_search_query_params(model, where_two_or)["keywords"] == (
        "(data AND ml AND ai) AND (science)"
    )


def test_in_binding_formats() -> None:
    where = [
        Condition(field="job_id", op="in", value=["J1", "J2"]),
        Condition(field="skills", op="in", value=["python", "sql"]),
        Condition(field="board_key", op="in", value=["b-1", "b-2"]),
        Condition(field="status", op="in", value=["open"]),
    ]
    assert build_in_query_params(WarehouseAJob, where) == {
        "ids": "J1,J2",  # csv
        "skills": ["python", "sql"],  # array: repeated keys
        "board_keys": '["b-1","b-2"]',  # array_string
        "status__in": ["open"],  # default query_field and formatter
    }


def test_string_array_is_an_alias_of_array_string() -> None:
    class Job(BaseModel):
        board: str = Field(
            ...,
            json_schema_extra={
                "prefilter": {"operators": ["in"]},
                "in_binding": {"query_field": "boards", "formatter": "string_array"},
            },
        )

    assert build_in_query_params(Job, [Condition(field="board", op="in", value=["a"])]) == {
        "boards": '["a"]'
    }


def test_eq_uses_the_renamed_param() -> None:
    where = [Condition(field="location_city", op="eq", value="Paris")]
    assert build_eq_query_params(WarehouseAJob, where) == {"city": "Paris"}


def test_cursor_params_asc_and_desc() -> None:
    asc = Cursor(mode="updated_at", start="2024-01-01T00:00:00Z", sort_by="asc")
    assert build_cursor_query_params(
        WarehouseAJob,
        asc,
        window_end="2024-02-01T00:00:00Z",
        sort_param_name="sort_by",
        order_param_name="order_by",
    ) == {
        "updated_at_min": "2024-01-01T00:00:00Z",
        "updated_at_max": "2024-02-01T00:00:00Z",
        "sort_by": "updated_at",
        "order_by": "asc",
    }
    desc = Cursor(mode="updated_at", start="2024-01-01T00:00:00Z", sort_by="desc")
    assert build_cursor_query_params(
        WarehouseAJob, desc, window_end="2023-01-01T00:00:00Z", order_param_name="order_by"
    ) == {
        "updated_at_max": "2024-01-01T00:00:00Z",
        "updated_at_min": "2023-01-01T00:00:00Z",
        "order_by": "desc",
    }


def test_cursor_params_resume_from_end_when_present() -> None:
    cursor = Cursor(mode="id", start="J1", end="J9")
    assert build_cursor_query_params(WarehouseAJob, cursor) == {"id_min": "J9"}


def test_connector_params_combine_everything_and_keep_the_tighter_bound() -> None:
    where = [
        Prefilter(WarehouseAJob, "title").eq("Data Engineer"),
        Prefilter(WarehouseAJob, "updated_at").gte("2024-03-01T00:00:00Z"),
        Prefilter(WarehouseAJob, "salary_min").gte(40000),
    ]
    params = build_connector_params(
        WarehouseAJob,
        where,
        Cursor(mode="updated_at", start="2024-01-01T00:00:00Z"),
        sort_param_name="sort_by",
    )
    assert params == {
        "sort_by": "updated_at",
        "title": "Data Engineer",
        "updated_at_min": "2024-03-01T00:00:00Z",  # the WHERE bound is tighter than the cursor
        "salary_from": 40000.0,
    }


def test_range_without_a_param_runs_in_memory_and_explain_says_so() -> None:
    class Job(BaseModel):
        id: str = Field(..., json_schema_extra={"cursor": "id"})
        salary: int = Field(0, json_schema_extra={"prefilter": {"operators": ["gte"]}})

    plan = plan_query(Job, [Prefilter(Job, "salary").gte("50000")], None)
    assert plan.params == {}
    assert plan.memory_where == [Condition(field="salary", op="gte", value=50000)]
    [entry] = plan.explain()
    assert entry["placement"] == "memory"
    assert entry["description"].startswith("applied in memory")


def test_strict_bound_pushed_as_inclusive_param_is_rechecked_in_memory() -> None:
    cond = Prefilter(WarehouseAJob, "created_at").gt("2024-01-01T00:00:00Z")
    plan = plan_query(WarehouseAJob, [cond], None)
    assert plan.params == {"created_at_min": "2024-01-01T00:00:00Z"}
    assert plan.memory_where == [cond]
    assert "re-checked in memory" in plan.entries[0].describe()


def test_explain_lists_conditions_in_written_order() -> None:
    where = [
        Prefilter(WarehouseAJob, "board_key").in_(["b"]),
        Prefilter(WarehouseAJob, "status").not_in(["closed"]),
        Prefilter(WarehouseAJob, "title").contains("data"),
    ]
    plan = plan_query(WarehouseAJob, where, Cursor(mode="updated_at"))
    subjects = [e["subject"] for e in plan.explain()]
    assert subjects[0].startswith("cursor updated_at")
    assert subjects[1:] == [
        "board_key in ['b']",
        "status not_in ['closed']",
        "title contains 'data'",
    ]
    assert [e["placement"] for e in plan.explain()][1:] == ["pushed", "memory", "pushed"]


# -- Prefilter and validation ---------------------------------------------------------------------


def test_prefilter_unknown_field_suggests_the_closest() -> None:
    with pytest.raises(UnknownFieldError, match=r"no field 'titel' \(did you mean 'title'\?\)"):
        Prefilter(WarehouseAJob, "titel")


def test_prefilter_rejects_an_operator_the_field_does_not_allow() -> None:
    with pytest.raises(UnsupportedOperatorError) as info:
        Prefilter(WarehouseAJob, "title").gte("x")
    assert "allowed: eq, contains" in str(info.value)


def test_prefilter_coerces_values_to_the_field_type() -> None:
    cond = Prefilter(WarehouseAJob, "created_at").gte("2024-01-01T02:00:00+02:00")
    assert cond.value == datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(CoercionError, match="created_at"):
        Prefilter(WarehouseAJob, "created_at").gte("yesterday")


def test_plan_query_validates_where_conditions_from_plain_dicts() -> None:
    bad = [Condition(field="title", op="lt", value="x")]
    with pytest.raises(UnsupportedOperatorError):
        plan_query(WarehouseAJob, bad, None)


# -- metadata validation --------------------------------------------------------------------------


def test_bad_metadata_fails_loudly_naming_model_and_field() -> None:
    class Broken(BaseModel):
        board: str = Field(..., json_schema_extra={"in_bindng": {"query_field": "x"}})

    with pytest.raises(MetadataError, match=r"Broken\.board: unknown metadata key 'in_bindng'"):
        model_meta(Broken)


def test_unknown_in_formatter_is_a_metadata_error() -> None:
    class Broken(BaseModel):
        board: str = Field(..., json_schema_extra={"in_binding": {"formatter": "xml"}})

    with pytest.raises(MetadataError, match=r"Broken\.board: in_binding\.formatter"):
        model_meta(Broken)


def test_two_fields_for_one_cursor_is_a_metadata_error() -> None:
    class Broken(BaseModel):
        a: datetime = Field(..., json_schema_extra={"cursor": "updated_at"})
        b: datetime = Field(..., json_schema_extra={"cursor": "updated_at"})

    with pytest.raises(MetadataError, match="both the 'updated_at' cursor"):
        model_meta(Broken)


def test_cursor_mode_the_model_lacks_is_a_clear_error() -> None:
    class Job(BaseModel):
        id: str = Field(..., json_schema_extra={"cursor": "id"})

    with pytest.raises(Exception, match="supported cursor modes: id"):
        plan_query(Job, [], Cursor(mode="updated_at"))


def test_an_operator_declared_without_param_runs_in_memory() -> None:
    class Job(BaseModel):
        id: str = Field(..., json_schema_extra={"cursor": "id"})
        archived_at: str | None = Field(
            None,
            json_schema_extra={"prefilter": {"operators": ["eq"], "params": {"eq": None}}},
        )

    plan = plan_query(Job, [Prefilter(Job, "archived_at").eq("x")], None)
    assert plan.params == {} and plan.memory_where[0].field == "archived_at"
    assert plan.explain()[0]["placement"] == "memory"


def test_the_cursor_line_reads_well_before_the_first_run() -> None:
    plan = plan_query(WarehouseAJob, [], Cursor(mode="updated_at"))
    assert plan.explain()[0]["subject"] == "cursor updated_at (from the beginning)"
