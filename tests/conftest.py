"""Shared fixtures. No test reads the user's config or state, or reaches past loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.warehouse_a import API_KEY, FakeWarehouseA


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".state"))
    monkeypatch.setenv("HRTECH_ETL_STATE_DIR", str(home / "state"))
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def fake_a() -> Iterator[FakeWarehouseA]:
    with FakeWarehouseA() as fake:
        yield fake


@pytest.fixture
def fake_a2() -> Iterator[FakeWarehouseA]:
    with FakeWarehouseA() as fake:
        yield fake


@pytest.fixture
def a_key() -> str:
    return API_KEY


@pytest.fixture
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
