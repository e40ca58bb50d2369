"""Layering (DESIGN §1): core ← connectors ← cli/tui, and the CLI never pays for the UIs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hrtech_etl"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_connector_and_no_ui() -> None:
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        for name in imported_modules(path):
            if name.startswith(
                ("hrtech_etl.connectors", "hrtech_etl.cli", "tui", "textual", "prompt_toolkit")
            ):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_library_and_connectors_never_import_the_uis() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "cli.py":
            continue
        for name in imported_modules(path):
            if name.split(".")[0] in ("tui", "textual", "prompt_toolkit"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_cli_commands_do_not_load_textual_or_prompt_toolkit() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from hrtech_etl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['connectors', '--json'])\n"
        "    main(['schema', 'warehouse_a', 'job', '--json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'prompt_toolkit', 'tui'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
