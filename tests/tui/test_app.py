"""The TUI driven by keyboard in an 80x24 pilot: one test per flow."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static, TabbedContent

from hrtech_etl.cli import main as cli
from hrtech_etl.core.progress import BatchWritten, ProgressCallback
from hrtech_etl.core.runner import RunOutcome
from tui.app import EtlApp
from tui.log_bridge import logs_into
from tui.messages import DraftEdited
from tui.screens.confirm import Confirm
from tui.screens.help import HelpScreen
from tui.screens.path_dialog import PathDialog
from tui.screens.record_detail import RecordDetail
from tui.session import Draft
from tui.widgets.field_error import FieldError
from tui.widgets.results.preview import PreviewPane
from tui.widgets.results.record_table import RecordTable

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def demo(tmp_cwd: Path) -> Path:
    shutil.copytree(ROOT / "profiles", tmp_cwd / "profiles")
    return tmp_cwd / "profiles" / "demo.toml"


async def settle(pilot: Pilot[Any]) -> None:
    """Let lazy panes mount and every worker (explain, preview, save, ...) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def explained(app: EtlApp) -> list[str]:
    """What the params view shows for each condition (the workspace it renders)."""
    rows = app.workspace.explained or {}
    return [f"{row['subject']}: {row['description']}" for row in rows.get("where", [])]


async def pane_text(pilot: Pilot[Any], pane: str, selector: str) -> str:
    """Show a pane (its content mounts on first show) and read one of its texts."""
    app = pilot.app
    assert isinstance(app, EtlApp)
    await app.action_show_pane(pane)
    await settle(pilot)
    return text_of(app, selector)


def error_text(error: FieldError) -> str:
    return str(error.content)


def text_of(app: EtlApp, selector: str) -> str:
    """A Static's text as a user reads it (rich renderables rendered wide, without style)."""
    content = app.main_screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=200, no_color=True, color_system=None)
    with console.capture() as captured:
        console.print(content)
    return " ".join(captured.get().split())


async def edit(pilot: Pilot[Any], part: str, change: Callable[[Draft], object]) -> None:
    """Set up the Draft without typing (for tests about something else), as an editor would."""
    app = pilot.app
    assert isinstance(app, EtlApp)
    change(app.draft)
    app.post_message(DraftEdited(part, None))
    await settle(pilot)


async def enter_text(pilot: Pilot[Any], field: Input, text: str) -> None:
    """Fill a field and press Enter (typing long texts key by key costs ~60 ms a key)."""
    field.focus()
    field.value = text
    await pilot.press("enter")


async def add_where(pilot: Pilot[Any], field: str, op: str, value: str) -> None:
    """From the first pane, type a WHERE condition the way a user does: pick, type, Enter."""
    await pilot.press("ctrl+n", "ctrl+n")
    await settle(pilot)
    assert pilot.app.focused is not None and pilot.app.focused.id == "where-field"
    await pilot.press("enter", *field, "enter", "tab", "enter", *op, "enter", "tab")
    await pilot.press(*value, "enter")
    await settle(pilot)


async def test_opens_with_help_palette_and_panes(demo: Path) -> None:
    # How fast it opens is measured by bench/bench_tui.py, not asserted here.
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.sub_title == "demo · profiles/demo.toml"
        tabs = app.main_screen.query_one("#tabs", TabbedContent)
        assert tabs.active == "connect"
        assert app.focused is not None and app.focused.id == "resource"

        # Library warnings land in the Log pane instead of on top of the screen.
        with logs_into(app):
            logging.getLogger("hrtech_etl.http").warning("slow down: %s", "429")
            await pilot.pause()
        assert "WARNING hrtech_etl.http: slow down: 429" in app.workspace.log

        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+n")
        assert tabs.active == "schema"
        await pilot.press("ctrl+g", *"log", "enter")
        await pilot.pause()
        assert tabs.active == "log"
        await pilot.press("ctrl+p", *"suggest", "enter")
        await settle(pilot)
        assert tabs.active == "mapping" and app.draft.mapping
        assert {"from": "title", "to": "title"} in app.draft.mapping


async def test_empty_session_pick_connectors_by_keyboard(tmp_cwd: Path) -> None:
    app = EtlApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.sub_title == "untitled · not saved"
        assert "pick an origin" in (app.workspace.explain_error or "")
        await pilot.press("tab", "enter", *"jsonl", "enter", "tab")
        assert app.focused is not None and app.focused.id == "origin-options"
        await enter_text(pilot, app.focused, '{ path = "jobs.jsonl" }')  # type: ignore[arg-type]
        await pilot.press("tab", "tab", "enter", *"sqlite", "enter", "tab")
        assert app.focused is not None and app.focused.id == "target-options"
        await enter_text(pilot, app.focused, "path = 'out.db'")  # type: ignore[arg-type]
        await settle(pilot)
        draft = app.draft
        assert draft.origin is not None and draft.origin.connector == "jsonl"
        assert draft.origin.options == {"path": "jobs.jsonl"}
        assert draft.target is not None and draft.target.options == {"path": "out.db"}
        assert draft.dirty and app.sub_title == "untitled (modified) · not saved"
        assert app.workspace.explain_error is None

        # A typo stays next to its field, in one line, and changes nothing.
        options = app.main_screen.query_one("#target-options", Input)
        await enter_text(pilot, options, "path = ")
        error = app.main_screen.query_one("#target-error", FieldError)
        assert "target options: not a TOML inline table" in error_text(error)
        assert "Traceback" not in error_text(error)
        assert draft.target.options == {"path": "out.db"}

        # Switching the resource keeps connectors that handle it.
        resource = app.main_screen.query_one("#resource")
        resource.focus()
        await pilot.press("enter", *"profile", "enter")
        await settle(pilot)
        assert draft.resource.value == "profile" and draft.origin.connector == "jsonl"
        params = await pane_text(pilot, "params", "#params-body")
        assert "Query sent to jsonl (profiles)" in params


async def test_add_where_and_having_by_keyboard(demo: Path) -> None:
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await add_where(pilot, "title", "contains", "Engineer")
        assert [str(c) for c in app.draft.where] == ["title contains 'Engineer'"]
        listing = app.main_screen.query_one("#where-list", OptionList)
        assert listing.option_count == 1
        assert "title contains 'Engineer': applied in memory" in " ".join(explained(app))

        # Operators come from the metadata; a bad value is refused inline, not raised.
        field = app.main_screen.query_one("#where-field", Select)
        field.value = "created_at"
        await pilot.pause()
        operators = app.main_screen.query_one("#where-op", Select)
        assert "contains" not in [str(v) for _, v in operators._options]  # type: ignore[attr-defined]
        operators.value = "gte"
        await enter_text(pilot, app.main_screen.query_one("#where-value", Input), "soon")
        error = error_text(app.main_screen.query_one("#where-error", FieldError))
        assert "created_at" in error and "soon" in error and "\n" not in error
        assert len(app.draft.where) == 1

        # HAVING offers every operator; a list entry goes with Delete.
        app.main_screen.query_one("#having-field").focus()
        await pilot.press("enter", *"stat", "enter", "tab", "enter", *"ne", "enter", "tab")
        await pilot.press(*"open", "enter")
        assert [str(c) for c in app.draft.having] == ["status ne 'open'"]
        listing.focus()
        await pilot.press("delete")
        await settle(pilot)
        assert app.draft.where == []
        params = await pane_text(pilot, "params", "#params-body")
        assert "status ne 'open' applied in memory (HAVING)" in params
        assert "title contains" not in params


async def test_preview_sort_filter_detail_and_export(demo: Path, tmp_cwd: Path) -> None:
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await edit(pilot, "where", lambda d: d.add_where("title", "contains", "Engineer"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        pane = app.main_screen.query_one(PreviewPane)
        table = app.main_screen.query_one(RecordTable)
        assert app.main_screen.query_one("#tabs", TabbedContent).active == "preview"
        assert table.row_count == 493
        assert text_of(app, "#preview-counts") == "493 shown of 2,000 read"
        assert all("engineer" in r["title"].lower() for r in pane.visible_records)

        # Sort by the highlighted column (title), then reverse.
        table.focus()
        title = pane.data.columns.index("title") if pane.data else -1
        table.move_cursor(column=title)
        await pilot.press("s")
        await settle(pilot)
        titles = [r["title"] for r in pane.visible_records]
        assert titles == sorted(titles, key=str.lower)
        await pilot.press("s")
        await settle(pilot)
        assert [r["title"] for r in pane.visible_records] == titles[::-1]

        # The filter box narrows what is shown; counts say so.
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "preview-filter"
        await enter_text(pilot, app.main_screen.query_one("#preview-filter", Input), "platform")
        await settle(pilot)
        shown = len(pane.visible_records)
        assert 0 < shown < 493 and table.row_count == shown
        assert text_of(app, "#preview-counts") == f"{shown} shown of 2,000 read"

        # Enter on a row shows the record's full JSON.
        table.move_cursor(row=0, column=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDetail)
        assert app.screen.record == pane.visible_records[0]
        await pilot.press("escape")

        # Export what is shown to CSV and to JSONL.
        for name in ("shown.csv", "shown.jsonl"):
            await pilot.press("f9")
            await pilot.pause()
            assert isinstance(app.screen, PathDialog)
            await enter_text(pilot, app.screen.query_one(Input), name)
            await settle(pilot)
            assert text_of(app, "#status") == f"exported {shown} records to {name}"
        with (tmp_cwd / "shown.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["id"] for r in rows] == [r["id"] for r in pane.visible_records]
        lines = (tmp_cwd / "shown.jsonl").read_text().splitlines()
        assert [json.loads(line) for line in lines] == pane.visible_records
        assert (tmp_cwd / "shown.csv").stat().st_mode & 0o777 == 0o600

        # Editing the settings marks the preview stale instead of silently keeping it.
        await edit(pilot, "where", lambda d: d.add_where("remote", "eq", "true"))
        assert text_of(app, "#preview-counts").endswith("settings changed: ctrl+r")

        # A preview that fails says why in one line, next to the table.
        await edit(
            pilot, "origin", lambda d: d.set_connector("origin", "jsonl", {"path": "gone.jsonl"})
        )
        await pilot.press("f5")
        await settle(pilot)
        error = error_text(app.main_screen.query_one("#preview-error", FieldError))
        assert "gone.jsonl" in error and "\n" not in error and "Traceback" not in error


async def test_ten_thousand_rows_preview_sort_and_filter(demo: Path) -> None:
    # The longest freeze while they load is measured by bench/bench_tui.py.
    data = demo.parent / "data"
    base = (data / "demo-jobs.jsonl").read_text().splitlines()
    with (data / "many.jsonl").open("w") as out:
        for copy in range(5):
            for line in base:
                record = json.loads(line)
                out.write(json.dumps({**record, "id": f"{record['id']}-{copy}"}) + "\n")
    demo.write_text(demo.read_text().replace("demo-jobs.jsonl", "many.jsonl"))
    app = EtlApp(Draft.open(str(demo)), preview_limit=10_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        table = app.main_screen.query_one(RecordTable)
        assert table.row_count == 10_000
        assert text_of(app, "#preview-counts").startswith("10,000 shown of 10,000 read")
        table.focus()
        await pilot.press("end", "s", "s")
        await pilot.press("ctrl+f", *"job-00001-3", "enter")
        await settle(pilot)
        assert table.row_count == 1


async def test_save_as_then_open(demo: Path, tmp_cwd: Path) -> None:
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await edit(pilot, "where", lambda d: d.add_where("title", "contains", "Engineer"))
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        await enter_text(pilot, app.screen.query_one(Input), "profiles/engineers.toml")
        await settle(pilot)
        saved = tmp_cwd / "profiles" / "engineers.toml"
        assert 'name = "engineers"' in saved.read_text()
        assert app.sub_title == "engineers · profiles/engineers.toml"
        assert text_of(app, "#status") == "saved profiles/engineers.toml"

        # ctrl+s now saves in place.
        await edit(pilot, "where", lambda d: d.add_where("remote", "eq", "true"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "remote" in saved.read_text() and not app.draft.dirty

        # A wrong name stays in the dialog with its error; a right one replaces the session.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        path = app.screen.query_one(Input)
        await enter_text(pilot, path, "nope")
        await settle(pilot)
        assert isinstance(app.screen, PathDialog)
        error = error_text(app.screen.query_one("#path-error", FieldError))
        assert "nope" in error and "\n" not in error
        await enter_text(pilot, path, "demo-candidates")
        await settle(pilot)
        assert not isinstance(app.screen, PathDialog)
        assert app.draft.name == "demo-candidates" and app.draft.resource.value == "profile"
        assert app.sub_title == "demo-candidates · profiles/demo-candidates.toml"
        await app.action_show_pane("filters")
        await settle(pilot)
        where = app.main_screen.query_one("#where-list", OptionList)
        assert where.get_option_at_index(0).prompt == "skills.name contains 'python'"


async def test_secrets_are_masked_and_never_saved(demo: Path, tmp_cwd: Path) -> None:
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        auth = app.main_screen.query_one("#origin-auth", Input)
        await enter_text(pilot, auth, '{ type = "bearer", token = "s3cret-value" }')
        await pilot.press("shift+tab")  # leave the field: it shows the mask
        await settle(pilot)
        assert "s3cret" not in auth.value and "********" in auth.value
        assert app.draft.origin is not None and app.draft.origin.auth == {
            "type": "bearer",
            "token": "s3cret-value",
        }
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        await enter_text(pilot, app.screen.query_one(Input), "profiles/secret.toml")
        await settle(pilot)
        text = (tmp_cwd / "profiles" / "secret.toml").read_text()
        assert "s3cret" not in text and "${HRTECH_ETL_ORIGIN_TOKEN}" in text
        assert text_of(app, "#status").endswith("before running, set: HRTECH_ETL_ORIGIN_TOKEN")
        assert all("s3cret" not in line for line in app.workspace.log)


COPY_PROFILE = """
name = "copy"
resource = "job"
batch_size = 100

[origin]
connector = "sqlite"
options = { path = "hrtech-demo.db" }

[target]
connector = "sqlite"
options = { path = "copy.db" }

[cursor]
mode = "updated_at"
"""


def copied_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM jobs")]


async def test_run_shows_progress_cancels_and_resumes(
    demo: Path, tmp_cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(["run", "demo", "-q"]) == 0  # 2,000 jobs in hrtech-demo.db: a sorted source
    profile = tmp_cwd / "profiles" / "copy.toml"
    profile.write_text(COPY_PROFILE)

    # Hold the run after its first batch until the test has pressed F8: no race.
    first_batch, release = threading.Event(), threading.Event()
    real_run = Draft.run

    def held_run(draft: Draft, **kwargs: Any) -> RunOutcome:
        report: ProgressCallback = kwargs.pop("on_progress")

        def on_progress(event: Any) -> None:
            report(event)
            if isinstance(event, BatchWritten) and event.batch == 1:
                first_batch.set()
                release.wait(10)

        return real_run(draft, on_progress=on_progress, **kwargs)

    monkeypatch.setattr(Draft, "run", held_run)
    app = EtlApp(Draft.open(str(profile)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # A dry run first (F7 toggles it): it reads everything and writes nothing.
        release.set()
        await pilot.press("f7", "f6")
        await settle(pilot)
        assert "2,000 would be written" in text_of(app, "#run-status")
        assert "did not move" in text_of(app, "#run-status")
        assert not (tmp_cwd / "copy.db").exists()

        first_batch.clear()
        release.clear()
        await pilot.press("f7", "f6")
        await asyncio.to_thread(first_batch.wait, 10)
        await pilot.pause()
        assert app.workspace.run.running
        assert "batch 1 · read 100 · kept 100 · written 100" in text_of(app, "#run-counts")
        await pilot.press("f8")
        release.set()
        await settle(pilot)
        assert not app.workspace.run.running
        status = text_of(app, "#run-status")
        assert status.startswith("Cancelled after the batch in progress")
        assert "the next run resumes from" in status
    moved = copied_ids(tmp_cwd / "copy.db")
    assert 100 <= len(moved) < 2000

    # The state resumes cleanly: the rest arrives, nothing twice.
    monkeypatch.setattr(Draft, "run", real_run)
    assert cli(["run", "copy", "-q"]) == 0
    everything = copied_ids(tmp_cwd / "copy.db")
    assert len(everything) == len(set(everything)) == 2000


async def test_layout_follows_the_terminal_and_quit_asks(demo: Path) -> None:
    app = EtlApp(Draft.open(str(demo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await edit(pilot, "where", lambda d: d.add_where("title", "contains", "Engineer"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        screen = app.main_screen
        assert screen.wide and screen.query("#sidebar") and not screen.query("#tabs")
        assert screen.query_one("#where-list", OptionList).option_count == 1
        assert screen.query_one(RecordTable).row_count == 493
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not screen.wide and screen.query("#tabs")

        # Quitting with unsaved changes asks first; Esc keeps the session.
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        assert not isinstance(app.screen, Confirm)
        await pilot.press("ctrl+q", "shift+tab", "enter")
    assert app.return_code == 0
