"""Mapping formatters, the formatter registry and dotted-name loading."""

from __future__ import annotations

import pytest

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.models import UnifiedJob
from hrtech_etl.formatters.base import (
    FORMATTER_REGISTRY,
    build_mapping_formatter,
    load_callable,
)

JOB = UnifiedJob.model_validate(
    {
        "id": "J1",
        "title": "Data Engineer",
        "location": {"city": "Paris", "country": "fr"},
        "salary": None,
    }
)


def test_seed_mapping_copies_fields() -> None:
    formatter = build_mapping_formatter(
        [{"from": "id", "to": "job_id"}, {"from": "title", "to": "name"}]
    )
    assert formatter(JOB) == {"job_id": "J1", "name": "Data Engineer"}


def test_nested_paths_defaults_and_constants() -> None:
    formatter = build_mapping_formatter(
        [
            {"from": "location.city", "to": "address.city"},
            {"from": "location.country", "to": "address.country"},
            {"from": "salary.min", "to": "pay.min", "default": 0},
            {"from": "department", "to": "team"},
            {"value": "imported", "to": "status"},
        ]
    )
    assert formatter(JOB) == {
        "address": {"city": "Paris", "country": "FR"},
        "pay": {"min": 0},
        "team": None,
        "status": "imported",
    }


def test_mapping_reads_dicts_too() -> None:
    formatter = build_mapping_formatter([{"from": "a.b", "to": "c"}])
    assert formatter({"a": {"b": 3}}) == {"c": 3}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ([{"from": "title"}], r"item 1: 'to' must be a field name"),
        ([{"to": "x"}], r"item 1: give exactly one of 'from' or 'value'"),
        ([{"from": "a", "to": "x"}, {"from": "b", "to": "x"}], r"item 2: 'x' is mapped twice"),
        ([{"from": "a", "to": "x", "dflt": 1}], r"item 1: unknown key 'dflt'"),
        (["title"], r"item 1: expected a table"),
    ],
)
def test_bad_mappings_name_the_item(mapping: list[object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_mapping_formatter(mapping)  # type: ignore[arg-type]


def test_registry_stores_specs_and_rebuilds_formatters() -> None:
    formatter_id = FORMATTER_REGISTRY.register([{"from": "title", "to": "name"}])
    assert formatter_id in FORMATTER_REGISTRY
    assert FORMATTER_REGISTRY.build(formatter_id)(JOB) == {"name": "Data Engineer"}
    with pytest.raises(ConfigError, match="no formatter with id 'missing'"):
        FORMATTER_REGISTRY.get("missing")


def test_load_callable_by_dotted_name() -> None:
    assert (
        load_callable("hrtech_etl.formatters.base.build_mapping_formatter")
        is build_mapping_formatter
    )
    assert load_callable("hrtech_etl.formatters.base:load_callable") is load_callable
    with pytest.raises(ConfigError, match="cannot import"):
        load_callable("no_such_module.fn")
    with pytest.raises(ConfigError, match="no callable 'nope'"):
        load_callable("hrtech_etl.formatters.base.nope")
