"""TUI responsiveness: time to first screen, and the longest freeze while 10,000 rows load.

    .venv/bin/python -m bench.bench_tui

Baselines measured in the same run: a bare Textual ``App`` with one ``DataTable`` (mount), and
that ``DataTable`` given the same 10,000 rows at once (freeze). The longest freeze is the
longest gap between ticks of a 20 ms timer on the event loop. Ratios are baseline / ours.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.app import EtlApp
from tui.session import Draft

ROOT = Path(__file__).resolve().parents[1]


class _Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


def _longest_gap(ticks: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(ticks)), default=0.0)


async def _settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def measure(folder: Path) -> dict[str, float]:
    profiles = folder / "profiles"
    shutil.copytree(ROOT / "profiles", profiles)
    base = (profiles / "data" / "demo-jobs.jsonl").read_text().splitlines()
    with (profiles / "data" / "many.jsonl").open("w") as out:
        for copy in range(5):
            for line in base:
                record = json.loads(line)
                out.write(json.dumps({**record, "id": f"{record['id']}-{copy}"}) + "\n")
    demo = profiles / "demo.toml"
    demo.write_text(demo.read_text().replace("demo-jobs.jsonl", "many.jsonl"))

    started = time.perf_counter()
    bare = _Bare()
    async with bare.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bare_mount = time.perf_counter() - started
        table = bare.query_one(DataTable)
        table.add_columns("id", "title", "updated_at", "reference", "url")
        rows = [
            (f"row-{n}", "Data Engineer", "2025-01-01T00:00:00Z", f"R-{n}", "https://x")
            for n in range(10_000)
        ]
        ticks = [time.perf_counter()]
        bare.set_interval(0.02, lambda: ticks.append(time.perf_counter()))
        await pilot.pause(0.1)
        table.add_rows(rows)
        await pilot.pause(0.5)
        bare_freeze = _longest_gap(ticks)

    started = time.perf_counter()
    app = EtlApp(Draft.open(str(demo)), preview_limit=10_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ours_mount = time.perf_counter() - started
        await _settle(pilot)
        ticks = [time.perf_counter()]
        app.set_interval(0.02, lambda: ticks.append(time.perf_counter()))
        await pilot.press("ctrl+r")
        await _settle(pilot)
        await pilot.pause(0.5)
        ours_freeze = _longest_gap(ticks)
    return {
        "bare_mount": bare_mount,
        "ours_mount": ours_mount,
        "datatable_freeze": bare_freeze,
        "ours_freeze": ours_freeze,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(measure(Path(tmp)))
    print(
        f"mount: bare App {result['bare_mount']:.3f}s, hrtech-etl tui {result['ours_mount']:.3f}s "
        f"({result['bare_mount'] / result['ours_mount']:.2f}x)"
    )
    print(
        f"longest freeze, 10,000 rows: DataTable {result['datatable_freeze']:.3f}s, "
        f"preview {result['ours_freeze']:.3f}s "
        f"({result['datatable_freeze'] / max(result['ours_freeze'], 1e-3):.2f}x)"
    )


if __name__ == "__main__":
    main()
