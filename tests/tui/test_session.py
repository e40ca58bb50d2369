"""The Draft both UIs hold: validation, explain, preview, save and replay."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from hrtech_etl.cli import main
from hrtech_etl.core.errors import ConfigError, UnknownFieldError, UnsupportedOperatorError
from hrtech_etl.core.types import CursorMode, Operator
from tui.session import Draft

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_cwd: Path) -> Path:
    shutil.copytree(ROOT / "profiles", tmp_cwd / "profiles")
    return tmp_cwd / "profiles" / "demo.toml"


def test_open_edit_preview_save_and_replay_the_same_records(demo: Path, tmp_cwd: Path) -> None:
    draft = Draft.open(str(demo))
    assert draft.name == "demo" and draft.origin and draft.origin.connector == "jsonl"
    assert CursorMode.UPDATED_AT in draft.cursor_modes()
    assert Operator.CONTAINS in draft.where_operators("title")
    draft.add_where("title", "contains", "Engineer")
    records, read = draft.preview(limit=5000)
    assert read == 2000 and records
    assert all("engineer" in r.title.lower() for r in records)
    path, needed = draft.save(tmp_cwd / "profiles" / "engineers.toml")
    assert needed == [] and draft.name == "engineers" and not draft.dirty
    assert "Engineer" in path.read_text() and "${PROFILE_DIR}" in path.read_text()

    assert main(["run", "engineers", "-q"]) == 0
    with sqlite3.connect(tmp_cwd / "hrtech-demo.db") as conn:
        moved = {row[0] for row in conn.execute("SELECT id FROM jobs")}
    assert moved == {r.id for r in records}


def test_invalid_conditions_are_refused_with_the_reason(demo: Path) -> None:
    draft = Draft.open(str(demo))
    with pytest.raises(UnknownFieldError, match="did you mean 'title'"):
        draft.add_where("titel", "eq", "x")
    with pytest.raises(UnsupportedOperatorError):
        draft.add_where("created_at", "contains", "x")
    with pytest.raises(ConfigError, match="created_at"):
        draft.add_where("created_at", "gte", "next tuesday")
    assert draft.where == []


def test_explain_and_cursor_controls(demo: Path) -> None:
    draft = Draft.open(str(demo))
    draft.add_where("location.city", "eq", "Berlin")
    explained = draft.explain()
    assert explained["where"][-1]["subject"] == "location.city eq 'Berlin'"
    draft.set_cursor(mode="created_at", start="2025-01-01T00:00:00+01:00", sort_by="desc")
    assert draft.to_profile().cursor.start == "2025-01-01T00:00:00+01:00"
    with pytest.raises(ConfigError):
        draft.set_cursor(start="not a date")


def test_mapping_suggestions_and_switching_connectors(demo: Path) -> None:
    draft = Draft.open(str(demo))
    suggested = draft.suggest_mapping()
    assert {"from": "title", "to": "title"} in suggested
    draft.set_mapping(suggested)
    assert draft.to_profile().formatter is not None
    with pytest.raises(ConfigError, match="mapped twice"):
        draft.set_mapping([{"from": "a", "to": "x"}, {"from": "b", "to": "x"}])
    draft.set_connector("origin", "warehouse_a", auth={"type": "api_key", "api_key": "${A_KEY}"})
    assert draft.origin is not None and draft.origin.auth == {
        "type": "api_key",
        "api_key": "${A_KEY}",
    }


def test_a_secret_typed_in_the_ui_is_used_but_never_saved(tmp_cwd: Path) -> None:
    from tests.fakes.warehouse_a import FakeWarehouseA, make_job

    with FakeWarehouseA(api_key="typed-secret-1") as fake:
        fake.add_jobs(*[make_job(i) for i in range(12)])
        draft = Draft(name="typed")
        draft.set_connector(
            "origin",
            "warehouse_a",
            auth={"type": "api_key", "api_key": "typed-secret-1", "base_url": fake.base_url},
        )
        draft.set_connector("target", "sqlite", options={"path": "out.db"})
        records, read = draft.preview(limit=50)
        assert read == 12 and len(records) == 12
        path, needed = draft.save(tmp_cwd / "typed.toml")
    text = path.read_text()
    assert "typed-secret-1" not in text
    assert 'api_key = "${HRTECH_ETL_ORIGIN_API_KEY}"' in text
    assert needed == ["HRTECH_ETL_ORIGIN_API_KEY"]


def test_unknown_resource_is_a_config_error(demo: Path) -> None:
    with pytest.raises(ConfigError, match="use job or profile"):
        Draft.open(str(demo)).set_resource("jobs")


def test_clearing_auth_removes_it(demo: Path) -> None:
    draft = Draft.open(str(demo))
    draft.set_connector("origin", "jsonl", auth={"type": "bearer", "token": "${T}"})
    assert draft.origin is not None and draft.origin.auth is not None
    draft.set_connector("origin", "jsonl")  # same connector: auth kept
    assert draft.origin.auth == {"type": "bearer", "token": "${T}"}
    draft.set_connector("origin", "jsonl", clear_auth=True)
    assert draft.origin.auth is None


def test_explain_needs_no_secrets(demo: Path) -> None:
    draft = Draft.open(str(demo))
    draft.set_connector("origin", "warehouse_a", auth={"type": "api_key", "api_key": "${NOPE}"})
    draft.add_where("title", "contains", "data")
    explained = draft.explain()
    assert explained["params"]["keywords"] == "(data)"
    assert explained["unset_variables"] == ["NOPE"]
    with pytest.raises(ConfigError, match="NOPE is not set"):
        draft.preview(limit=1)
