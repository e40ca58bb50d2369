"""REPL fixtures: a scratch copy of ./profiles, and a `Repl` printing into a string."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from tui.repl.commands import Repl
from tui.session import Draft

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_cwd: Path) -> Path:
    """``profiles/`` copied into a scratch working directory; the demo profile's path."""
    shutil.copytree(ROOT / "profiles", tmp_cwd / "profiles")
    return tmp_cwd / "profiles" / "demo.toml"


class Harness:
    """A `Repl` whose console writes into a buffer; `do` runs lines and returns their output."""

    def __init__(self, draft: Draft) -> None:
        self.buffer = io.StringIO()
        console = Console(
            file=self.buffer, width=140, color_system=None, highlight=False, markup=False
        )
        self.repl = Repl(draft, console)
        self._seen = 0

    @property
    def draft(self) -> Draft:
        return self.repl.draft

    def do(self, *lines: str) -> str:
        for line in lines:
            self.repl.execute(line)
        return self.new_output()

    def new_output(self) -> str:
        text = self.buffer.getvalue()
        new, self._seen = text[self._seen :], len(text)
        return new


@pytest.fixture
def harness(demo: Path) -> Harness:
    return Harness(Draft.open(str(demo)))


@pytest.fixture
def make_harness() -> Callable[[Draft], Harness]:
    return Harness
