"""The real ``hrtech-etl repl`` in a pseudo-terminal, typed into as a new user would."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hrtech_etl.cli import main as cli_main

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "demo>"
# Menus and tables come with terminal escapes; strip them before reading the screen.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\x07\x08]")


def screen(text: str) -> str:
    return ESCAPES.sub("", text)


@pytest.fixture
def spawn(demo: Path) -> Iterator[Any]:
    env = {
        **os.environ,  # HOME / HRTECH_ETL_STATE_DIR are the autouse fixture's scratch dirs
        "PYTHONPATH": str(ROOT),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "120",
        "LINES": "40",
        "TERM": "xterm",
        "NO_COLOR": "1",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "hrtech_etl", "repl", str(demo)],
        cwd=str(demo.parent.parent),
        env=env,
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=20,
    )
    try:
        yield child
    finally:
        if child.isalive():
            child.terminate(force=True)


def drain(child: Any, quiet: float = 0.4) -> str:
    """Whatever the terminal prints until it has been quiet for ``quiet`` seconds."""
    chunks = []
    while True:
        try:
            chunks.append(child.read_nonblocking(65536, timeout=quiet))
        except pexpect.TIMEOUT:
            return "".join(chunks)


def test_completion_menus_preview_save_and_cron_replay(spawn: Any, demo: Path) -> None:
    child = spawn
    child.expect(PROMPT)

    # Prefilter( offers the model ...
    child.send("Prefilter(")
    child.expect("LocalJob")
    drain(child)
    # ... then its fields ...
    child.send('LocalJob, "')
    child.expect("title")
    child.send('remote")')
    drain(child)
    # ... then, after `).`, only the operators that field allows (remote: eq, ne, in).
    child.send(".")
    child.expect("in_")
    menu = screen(child.before + child.after + drain(child))
    assert "eq" in menu and "ne" in menu
    for other in ("gte", "lte", "contains", "not_in"):
        assert other not in menu, f"{other} offered for a bool field"

    child.sendcontrol("u")
    child.send('Prefilter(LocalJob, "title").contains("Head of Data")\r')
    child.expect("WHERE 1: title contains 'Head of Data'")
    child.send("\\preview 20\r")
    child.expect(r"4 records \(read 2000\)")
    child.expect(PROMPT)
    previewed = set(re.findall(r"(job-\d{5})", screen(child.before)))
    assert len(previewed) == 4

    child.send("\\save profiles/heads.toml\r")
    child.expect("saved profiles/heads.toml")
    child.send("\\quit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    saved = demo.parent / "heads.toml"
    assert cli_main(["run", str(saved), "-q"]) == 0
    with sqlite3.connect(demo.parent.parent / "hrtech-demo.db") as conn:
        moved = {row[0] for row in conn.execute("SELECT id FROM jobs")}
    assert moved == previewed


def test_code_is_refused_and_ctrl_d_leaves(spawn: Any, tmp_path: Path) -> None:
    child = spawn
    sentinel = tmp_path / "sentinel"
    child.expect(PROMPT)
    child.send(f'__import__("os").system("touch {sentinel}")\r')
    child.expect("error: '__import__' is not allowed")
    child.send("lambda: 1\r")
    child.expect("error: lambdas are not allowed")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and not sentinel.exists()


def test_multi_line_input_and_ctrl_d_with_unsaved_changes(spawn: Any) -> None:
    # (The bottom toolbar needs the terminal's cursor position, which PROMPT_TOOLKIT_NO_CPR
    # turns off; the session tests check its content.)
    child = spawn
    child.expect(PROMPT)
    child.send('Condition(\r  field="status",\r  op="eq",\r  value="open")\r')
    child.expect("WHERE 1: status eq 'open'")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect("unsaved changes")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
