"""The README's examples are code: the sync profile it shows must load, and its Python API
example must at least import what it names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hrtech_etl.core.sync_profile import parse_profile

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_readme_sync_profile_is_valid(tmp_path: Path) -> None:
    [profile] = [b for b in blocks("toml") if "[origin]" in b]
    loaded = parse_profile(
        profile, path=tmp_path / "example.toml", environ={"WAREHOUSE_A_KEY": "k"}
    )
    assert loaded.name == "a-jobs-to-sqlite"
    assert [c.op.value for c in loaded.profile.where] == ["contains"]


def test_the_readme_python_examples_parse_and_their_imports_resolve() -> None:
    for block in blocks("python"):
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = __import__(node.module, fromlist=[a.name for a in node.names])
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{node.module}.{alias.name}"
