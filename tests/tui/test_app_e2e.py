"""The issue's "done when", as a new user would do it in an 80x24 terminal, keyboard only:
open the demo, add `title contains "Engineer"`, preview, save as a new profile, quit; then
`hrtech-etl run <new profile>` moves exactly the previewed records."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from hrtech_etl.cli import main as cli
from tui.app import EtlApp
from tui.session import Draft
from tui.widgets.results.preview import PreviewPane

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_keyboard_only_session_replays_with_the_cli(tmp_cwd: Path) -> None:
    shutil.copytree(ROOT / "profiles", tmp_cwd / "profiles")
    app = EtlApp(Draft.open("profiles/demo.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Connect → Schema → Filters; the WHERE field picker has the focus.
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        # Pickers: Enter opens, typing searches, Enter picks; Tab moves on.
        await pilot.press("enter", *"title", "enter", "tab", "enter", *"contains", "enter")
        await pilot.press("tab", *"Engineer", "enter")
        await pilot.press("ctrl+r")
        await settle(pilot)
        pane = app.main_screen.query_one(PreviewPane)
        previewed = {record["id"] for record in pane.visible_records}
        assert len(previewed) == 493
        assert all("engineer" in r["title"].lower() for r in pane.visible_records)
        # Save as: the dialog proposes the current file, selected, so typing replaces it.
        await pilot.press("f4")
        await pilot.press(*"profiles/engineers.toml", "enter")
        await settle(pilot)
        assert app.sub_title == "engineers · profiles/engineers.toml"
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    saved = (tmp_cwd / "profiles" / "engineers.toml").read_text()
    assert 'name = "engineers"' in saved and 'value = "Engineer"' in saved
    assert cli(["run", "engineers", "-q"]) == 0
    with sqlite3.connect(tmp_cwd / "hrtech-demo.db") as conn:
        moved = {row[0] for row in conn.execute("SELECT id FROM jobs")}
    assert moved == previewed
