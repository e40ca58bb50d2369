"""Snapshots of the main screens at 80x24 (every pane a tab) and 120x40 (sidebar + panes).

Deterministic: a tmp copy of `profiles/` whose demo has a fixed window end (`until`), so no
clock reaches the screen; paths are shown relative to the tmp working folder. Review a diff
with `pytest --snapshot-report` before accepting it with `--snapshot-update`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import EtlApp
from tui.messages import DraftEdited
from tui.session import Draft

ROOT = Path(__file__).resolve().parents[2]

Snap = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Any]


@pytest.fixture
def demo(tmp_cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    shutil.copytree(ROOT / "profiles", tmp_cwd / "profiles")
    path = tmp_cwd / "profiles" / "demo.toml"
    text = path.read_text().replace(
        "batch_size = 500\n", 'batch_size = 500\nuntil = "2026-01-01T00:00:00Z"\n'
    )
    path.write_text(text)
    monkeypatch.delenv("NO_COLOR", raising=False)  # snapshots in colour, for review
    yield path


def app_for(demo: Path, *conditions: tuple[str, str, str, str]) -> EtlApp:
    draft = Draft.open(str(demo))
    for kind, field, op, value in conditions:
        (draft.add_where if kind == "where" else draft.add_having)(field, op, value)
    draft.dirty = False
    return EtlApp(draft)


def steps(*keys: str, edited: str | None = None) -> Steps:
    """Let everything mount and settle, press ``keys``, settle again; no blinking cursor."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.pause()
        await app.workers.wait_for_complete()
        if edited is not None:
            app.post_message(DraftEdited(edited, None))
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for screen in app.screen_stack:
            for field in screen.query(Input):
                field.cursor_blink = False
        await pilot.pause()

    return run


ENGINEERS = ("where", "title", "contains", "Engineer")


def test_connect_80x24(snap_compare: Snap, demo: Path) -> None:
    assert snap_compare(app_for(demo), terminal_size=(80, 24), run_before=steps())


def test_wide_120x40(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps(edited="where"))


def test_filters_80x24(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS, ("having", "status", "eq", "open"))
    run = steps("ctrl+n", "ctrl+n", edited="where")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_params_80x24(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS, ("having", "status", "eq", "open"))
    run = steps("ctrl+g", *"params", "enter", edited="where")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_preview_80x24(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("ctrl+r"))


def test_preview_120x40(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("ctrl+r"))


def test_run_done_80x24(snap_compare: Snap, demo: Path) -> None:
    app = app_for(demo, ENGINEERS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("f6"))


def test_help_80x24(snap_compare: Snap, demo: Path) -> None:
    assert snap_compare(app_for(demo), terminal_size=(80, 24), run_before=steps("f1"))


def test_empty_session_80x24(snap_compare: Snap, tmp_cwd: Path) -> None:
    assert snap_compare(EtlApp(), terminal_size=(80, 24), run_before=steps())
