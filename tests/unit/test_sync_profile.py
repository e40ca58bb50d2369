"""Sync profiles: lookup, validation errors that say where, ${VAR}s, saving without secrets."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.sync_profile import (
    ProfileError,
    SyncProfile,
    find_profile,
    load_profile,
    parse_profile,
    profile_json_schema,
    save_profile,
    to_toml,
)

GOOD = """\
name = "a-to-b"
resource = "job"
batch_size = 200

[origin]
connector = "warehouse_a"
options = { timeout = 5 }
auth = { type = "api_key", api_key = "${A_KEY}", base_url = "http://127.0.0.1:9" }

[target]
connector = "warehouse_b"
auth = { type = "bearer", token = "${B_TOKEN}" }

[cursor]
mode = "updated_at"
start = "2024-01-01T00:00:00+02:00"

[[where]]
field = "title"
op = "contains"
value = "engineer"

[[where]]
field = "created_at"
op = "gte"
value = 2024-01-01T00:00:00Z

[[having]]
field = "status"
op = "eq"
value = "open"
"""

ENV = {"A_KEY": "secret-a", "B_TOKEN": "secret-b"}


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        load_profile(str(path), environ=ENV if env is None else env)
    return str(info.value)


def test_a_good_profile_loads_and_keeps_references_unresolved(tmp_path: Path) -> None:
    loaded = load_profile(str(write(tmp_path, GOOD)), environ=ENV)
    profile = loaded.profile
    assert profile.name == "a-to-b" and profile.batch_size == 200
    assert profile.origin.auth == {
        "type": "api_key",
        "api_key": "${A_KEY}",
        "base_url": "http://127.0.0.1:9",
    }
    assert loaded.resolved("origin", ENV)["auth"]["api_key"] == "secret-a"
    assert [c.op.value for c in profile.where] == ["contains", "gte"]
    assert profile.initial_cursor().start == "2023-12-31T22:00:00Z"


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    text = GOOD.replace('name = "a-to-b"\n', "")
    loaded = load_profile(str(write(tmp_path, text, "nightly-jobs.toml")), environ=ENV)
    assert loaded.name == "nightly-jobs"


def test_unknown_key_names_file_line_and_suggests(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("batch_size = 200", "batch_sise = 200"))
    assert (
        message == f"{tmp_path / 'p.toml'}:3: batch_sise: unknown key (did you mean 'batch_size'?)"
    )


def test_unknown_nested_key(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('mode = "updated_at"', 'mdoe = "updated_at"'))
    assert message.endswith(":15: cursor.mdoe: unknown key (did you mean 'mode'?)")


def test_operator_the_field_does_not_allow(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('op = "contains"', 'op = "gte"'))
    assert ":20: where[0].op: " in message
    assert "allowed: eq, contains" in message


def test_unknown_where_field_suggests(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('field = "title"', 'field = "titel"'))
    assert ":19: where[0].field: " in message and "did you mean 'title'" in message


def test_unset_variable_names_it(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, env={"B_TOKEN": "x"})
    assert message.endswith(":8: origin.auth.api_key: environment variable A_KEY is not set")


def test_malformed_date(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('"2024-01-01T00:00:00+02:00"', '"2024-13-45"'))
    assert ":16: cursor.start: cannot read '2024-13-45' as a timestamp" in message


def test_malformed_where_value(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("value = 2024-01-01T00:00:00Z", 'value = "soon"'))
    assert ":26: where[1].value: " in message and "'soon'" in message


def test_bad_enum_value_lists_the_choices(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('resource = "job"', 'resource = "jobs"'))
    assert ":2: resource: 'jobs' is not one of" in message and "did you mean 'job'" in message


def test_unknown_connector_and_option(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, GOOD.replace('connector = "warehouse_b"', 'connector = "warehous_b"')
    )
    assert ":11: target.connector: unknown connector 'warehous_b' (did you mean" in message
    message = error_of(
        tmp_path, GOOD.replace("options = { timeout = 5 }", "options = { timout = 5 }")
    )
    assert ":7: origin.options.timout: unknown option (did you mean 'timeout'?)" in message


def test_invalid_toml_gives_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('op = "eq"', 'op = "eq'))
    assert message.startswith(f"{tmp_path / 'p.toml'}:30: invalid TOML")


def test_push_profiles_need_mode_and_input(tmp_path: Path) -> None:
    text = GOOD.replace('resource = "job"', 'operation = "push"\nresource = "job"')
    assert "mode: push profiles need mode" in error_of(tmp_path, text)


def test_profile_dir_variable_and_lookup_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "profiles").mkdir()
    write(tmp_path / "profiles", GOOD.replace("${A_KEY}", "${PROFILE_DIR}"), "mine.toml")
    loaded = load_profile("mine", environ=ENV)
    assert loaded.path == tmp_path / "profiles" / "mine.toml"
    assert loaded.resolved("origin", ENV)["auth"]["api_key"] == str(tmp_path / "profiles")
    config_profiles = (
        Path(
            os.environ["HRTECH_ETL_CONFIG_DIR"]
            if "HRTECH_ETL_CONFIG_DIR" in os.environ
            else Path(os.environ["XDG_CONFIG_HOME"]) / "hrtech-etl"
        )
        / "profiles"
    )
    config_profiles.mkdir(parents=True)
    write(config_profiles, GOOD, "elsewhere.toml")
    assert find_profile("elsewhere") == config_profiles / "elsewhere.toml"
    with pytest.raises(ConfigError, match=r"no sync profile 'mine2' \(did you mean 'mine'\?\)"):
        find_profile("mine2")


def test_to_toml_never_writes_a_secret_and_keeps_only_what_was_set(tmp_path: Path) -> None:
    profile = SyncProfile.model_validate(
        {
            "name": "saved",
            "resource": "job",
            "origin": {
                "connector": "warehouse_a",
                "auth": {"type": "api_key", "api_key": "literal!"},
            },
            "target": {
                "connector": "warehouse_b",
                "auth": {"type": "bearer", "token": "${B_TOKEN}"},
            },
            "where": [{"field": "title", "op": "contains", "value": "engineer"}],
        }
    )
    text, needed = to_toml(profile)
    assert "literal!" not in text
    data = tomllib.loads(text)
    assert data["origin"]["auth"]["api_key"] == "${HRTECH_ETL_ORIGIN_API_KEY}"
    assert data["target"]["auth"]["token"] == "${B_TOKEN}"
    assert needed == ["HRTECH_ETL_ORIGIN_API_KEY", "B_TOKEN"]
    assert set(data) == {"name", "resource", "origin", "target", "where"}  # no defaults written
    path = tmp_path / "out" / "saved.toml"
    save_profile(profile, path)
    env = {"HRTECH_ETL_ORIGIN_API_KEY": "k", "B_TOKEN": "t"}
    reloaded = load_profile(str(path), environ=env).profile
    assert reloaded.where == profile.where and reloaded.origin.connector == "warehouse_a"


def test_round_trip_of_a_loaded_profile_is_stable(tmp_path: Path) -> None:
    loaded = load_profile(str(write(tmp_path, GOOD)), environ=ENV)
    text, needed = to_toml(loaded.profile)
    assert needed == ["A_KEY", "B_TOKEN"]
    again = parse_profile(text, path=tmp_path / "again.toml", environ=ENV)
    assert again.profile == loaded.profile


def test_json_schema_describes_the_format() -> None:
    schema = profile_json_schema()
    assert schema["title"] == "hrtech-etl sync profile"
    assert {"origin", "target", "cursor", "where", "having", "formatter"} <= set(
        schema["properties"]
    )
