"""Each REPL command, one line at a time, on a scratch copy of the demo profile."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from hrtech_etl.core.types import CursorMode, Operator, SortOrder
from tests.repl.conftest import Harness
from tui.repl.grammar import COMMANDS
from tui.repl.session import toolbar

HEADS = 'Prefilter(LocalJob, "title").contains("Head of Data")'


def test_every_command_has_a_handler(harness: Harness) -> None:
    assert set(harness.repl._handlers) == {spec.name for spec in COMMANDS}


def test_a_bare_prefilter_adds_a_where_condition_and_says_where_it_runs(harness: Harness) -> None:
    output = harness.do(HEADS)
    assert "WHERE 1: title contains 'Head of Data'" in output
    assert "applied in memory; jsonl files have no index" in output
    assert [str(c) for c in harness.draft.where] == ["title contains 'Head of Data'"]
    assert harness.draft.dirty


def test_where_list_remove_and_clear(harness: Harness) -> None:
    harness.do(HEADS, 'Condition(field="status", op="eq", value="open")')
    output = harness.do("\\where")
    assert "1 │ title contains 'Head of Data'" in output and "2 │ status eq 'open'" in output
    assert "removed WHERE 1" in harness.do("\\where rm 1")
    assert [c.field for c in harness.draft.where] == ["status"]
    assert "no WHERE 3: there are 1" in harness.do("\\where rm 3")
    assert "takes a number" in harness.do("\\where rm first")
    harness.do("\\where clear")
    assert harness.draft.where == []
    assert "WHERE: none" in harness.do("\\where")
    assert "did you mean 'add'" in harness.do("\\where ad x")


def test_having_conditions_run_in_memory_with_every_operator(harness: Harness) -> None:
    output = harness.do('\\having add Condition(field="description", op="contains", value="x")')
    assert "HAVING 1: description contains 'x'" in output and "in memory" in output
    assert harness.draft.where == [] and len(harness.draft.having) == 1
    assert "error: " in harness.do('\\having add Condition(field="nope", op="eq", value=1)')
    harness.do("\\having rm 1")
    assert harness.draft.having == []


def test_invalid_conditions_are_refused_with_the_reason(harness: Harness) -> None:
    output = harness.do('Prefilter(LocalJob, "created_at").contains("x")')
    assert "error: LocalJob.created_at does not allow operator 'contains'" in output
    output = harness.do('Condition(field="titel", op="eq", value="x")')
    assert "did you mean 'title'" in output
    output = harness.do('Prefilter(WarehouseAJob, "title").contains("x")')
    assert "the origin (jsonl) reads LocalJob, not WarehouseAJob" in output
    assert "error: a Cursor(...) is not a condition" in harness.do('\\where add Cursor(mode="id")')
    assert harness.draft.where == [] and not harness.draft.dirty


def test_check_shows_the_condition_and_its_placement_without_adding_it(harness: Harness) -> None:
    output = harness.do(f"\\check {HEADS}")
    assert "would add WHERE: title contains 'Head of Data'" in output and "in memory" in output
    output = harness.do('\\check Prefilter(WarehouseAJob, "title").contains("data")')
    assert "valid on WarehouseAJob: title contains 'data'" in output
    assert "pushed as keywords by warehouse_a" in output
    output = harness.do('\\check Cursor(mode="created_at")')
    assert "would set cursor: created_at asc" in output
    assert harness.draft.where == [] and harness.draft.cursor.mode is CursorMode.UPDATED_AT
    assert not harness.draft.dirty


def test_a_pushed_condition_names_its_param(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = harness.do("\\origin warehouse_a auth.type=api_key auth.api_key=${A_KEY} timeout=30")
    assert "origin: warehouse_a (WarehouseAJob)" in output
    assert harness.draft.origin is not None
    assert harness.draft.origin.auth == {"type": "api_key", "api_key": "${A_KEY}"}
    assert harness.draft.origin.options == {"timeout": 30}
    # A_KEY is unset: explaining sends nothing, so it still shows the exact param.
    output = harness.do('Prefilter(WarehouseAJob, "title").contains("data")')
    assert "pushed as keywords=(data); full-text search" in output
    monkeypatch.setenv("A_KEY", "k")
    output = harness.do('Prefilter(WarehouseAJob, "board_key").in_(["a", "b"])')
    assert "WHERE 2: board_key in ['a', 'b']  → pushed as board_keys=" in output
    output = harness.do("\\params")
    assert "keywords" in output and "board_keys" in output and "where it runs" in output


def test_switching_origin_drops_conditions_it_cannot_filter_on(harness: Harness) -> None:
    harness.do('Condition(field="department", op="eq", value="Data")')
    output = harness.do("\\origin warehouse_a")
    assert "dropped 1 WHERE condition(s) warehouse_a cannot filter on" in output
    assert harness.draft.where == []
    assert "unknown connector 'warehose_a' (did you mean 'warehouse_a'?)" in harness.do(
        "\\origin warehose_a"
    )
    assert "origin: warehouse_a" in harness.do("\\origin")


def test_cursor_expressions_and_the_cursor_command(harness: Harness) -> None:
    output = harness.do('Cursor(mode="created_at", start="2024-01-01", sort_by="desc")')
    assert "cursor: created_at desc, first run from 2024-01-01" in output
    assert harness.draft.cursor.sort_by is SortOrder.DESC
    output = harness.do("\\cursor start=none sort_by=asc")
    assert "cursor: created_at asc, first run from the beginning" in output
    assert "error: jsonl supports cursor modes: id, created_at, updated_at" not in harness.do(
        "\\cursor mode=id"
    )
    assert "expected one of mode=, start=, sort_by= (did you mean 'mode'?)" in harness.do(
        "\\cursor mod=id"
    )
    assert "cursor start: " in harness.do("\\cursor start=tomorrow mode=updated_at")
    assert "cursor: id asc" in harness.do("\\cursor")


def test_schema_tree_has_cursor_badges_and_operators(harness: Harness) -> None:
    output = harness.do("\\schema")
    assert "LocalJob (jsonl, origin)" in output
    assert "updated_at  datetime | None  [cursor: updated_at]  eq ne gt gte lt lte in" in output
    assert "remote  bool | None  eq ne in → in memory" in output
    assert "└── extra" in output
    assert "LocalJob (sqlite, target)" in harness.do("\\schema target")
    harness.do("\\origin warehouse_a")
    output = harness.do("\\schema")
    assert "job_id  str  [cursor: id]  eq → job_id · in → ids" in output
    assert "title  str  eq → title · contains → keywords" in output
    assert "takes origin or target" in harness.do("\\schema sideways")


def test_preview_shows_only_matching_records(harness: Harness) -> None:
    harness.do(HEADS)
    output = harness.do("\\preview 50")
    assert "4 records (read 2000)" in output
    rows = [line for line in output.splitlines() if "job-" in line]
    assert len(rows) == 4 and all("Head of Data" in row for row in rows)
    assert "\\preview takes 1 to 10000 records" in harness.do("\\preview 0")
    assert "takes a number of records" in harness.do("\\preview lots")


def test_save_then_cli_run_moves_exactly_the_previewed_records(
    harness: Harness, tmp_cwd: Path
) -> None:
    from hrtech_etl.cli import main

    harness.do(HEADS)
    preview = harness.do("\\preview 100")
    previewed = set(re.findall(r"│ (job-\d+) +│", preview))
    output = harness.do("\\save profiles/heads.toml")
    assert "saved profiles/heads.toml (profile heads); replay: hrtech-etl run" in output
    assert not harness.draft.dirty
    assert main(["run", "profiles/heads.toml", "-q"]) == 0
    with sqlite3.connect(tmp_cwd / "hrtech-demo.db") as conn:
        moved = {row[0] for row in conn.execute("SELECT id FROM jobs")}
    assert moved == previewed and len(moved) == 4


def test_run_and_dry_run_report_progress_and_counts(harness: Harness, tmp_cwd: Path) -> None:
    harness.do(HEADS)
    output = harness.do("\\dryrun")
    assert "would write 4 jobs into sqlite" in output and "[dry run:" in output
    assert not (tmp_cwd / "hrtech-demo.db").exists() or _count(tmp_cwd) == 0
    output = harness.do("\\run")
    assert (
        "batch " in output
        and "wrote 4 jobs into sqlite" in output
        and "cursor updated_at" in output
    )
    assert _count(tmp_cwd) == 4
    assert "stored state: the next run resumes from" in harness.do("\\cursor")
    assert "take no arguments" in harness.do("\\run now")


def _count(folder: Path) -> int:
    with sqlite3.connect(folder / "hrtech-demo.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])


def test_secrets_are_saved_as_env_references_and_named(
    harness: Harness, tmp_cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A literal secret is never written: the profile references an env var instead, which
    # must be set for the profile to load (Draft.save refuses what would not load).
    monkeypatch.setenv("HRTECH_ETL_ORIGIN_API_KEY", "s3cret")
    harness.do("\\origin warehouse_a auth.type=api_key auth.api_key=s3cret")
    output = harness.do("\\save profiles/a.toml")
    assert "set these environment variables before running it: HRTECH_ETL_ORIGIN_API_KEY" in (
        output.replace("\n", " ")
    )
    text = (tmp_cwd / "profiles" / "a.toml").read_text()
    assert "s3cret" not in text and "${HRTECH_ETL_ORIGIN_API_KEY}" in text


def test_unsaved_changes_are_confirmed_before_load_and_quit(harness: Harness) -> None:
    harness.do(HEADS)
    assert "unsaved changes" in harness.do("\\load demo-candidates")
    assert harness.draft.name == "demo"
    output = harness.do("\\load demo-candidates")
    assert "opened" in output and harness.draft.name == "demo-candidates"
    assert harness.draft.resource.value == "profile"
    harness.do('Condition(field="first_name", op="eq", value="Ada")')
    assert harness.draft.dirty
    assert "unsaved changes" in harness.do("\\quit") and not harness.repl.done
    harness.do("\\where")  # anything else in between: ask again
    harness.do("\\quit")
    assert not harness.repl.done
    harness.do("\\quit")
    assert harness.repl.done


def test_load_save_and_profiles_errors_are_one_line(harness: Harness) -> None:
    assert "no sync profile 'dmeo' (did you mean 'demo'?)" in harness.do("\\load dmeo")
    assert "usage: \\load NAME" in harness.do("\\load")
    listing = harness.do("\\profiles")
    assert "demo " in listing and "demo-candidates " in listing


def test_help_and_unknown_commands(harness: Harness) -> None:
    output = harness.do("\\help")
    for spec in COMMANDS:
        assert spec.usage in output
    assert 'Prefilter(LocalJob, "title").contains("engineer")' in output
    assert "pushed as <param>=<value>" in output
    assert "\\where [add EXPR | rm N | clear]" in harness.do("\\help where")
    assert "\\where" in harness.do("\\? \\where")
    assert "unknown command \\wher (did you mean \\where?)" in harness.do("\\wher")


def test_connectors_resource_mapping_and_show(harness: Harness) -> None:
    output = harness.do("\\connectors")
    assert "jsonl" in output and "warehouse_a" in output
    harness.do('Condition(field="title", op="eq", value="x")')
    output = harness.do("\\resource profile")
    assert "resource: profile" in output and "dropped 1 WHERE condition(s)" in output
    assert "resource must be job or profile" in harness.do("\\resource candidates")
    harness.do("\\resource job")
    output = harness.do("\\mapping suggest")
    assert "title" in output and "from" in output
    assert "formatter mapping" in "".join(text for _, text in toolbar(harness.draft))
    assert "formatter: none" in harness.do("\\mapping clear")
    shown = harness.do(HEADS, "\\show")
    assert 'value = "Head of Data"' in shown and "[origin]" in shown


def test_the_toolbar_shows_the_draft_and_unsaved_changes(harness: Harness) -> None:
    text = "".join(t for _, t in toolbar(harness.draft))
    assert "origin jsonl → target sqlite · job · WHERE 0 · HAVING 0" in text
    assert "cursor updated_at asc" in text and "formatter unified" in text
    assert "unsaved" not in text
    harness.do(HEADS)
    text = "".join(t for _, t in toolbar(harness.draft))
    assert "WHERE 1" in text and "● unsaved" in text


def test_errors_never_print_a_traceback(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(limit: int = 200) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.draft, "preview", broken)
    output = harness.do("\\preview")
    assert output.strip() == "error: unexpected RuntimeError: boom"


def test_operator_enum_members_are_accepted(harness: Harness) -> None:
    harness.do('Condition(field="status", op=Operator.EQ, value="open")')
    assert harness.draft.where[0].op is Operator.EQ
