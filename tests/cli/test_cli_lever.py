"""The CLI with a Lever origin (the fake v1 API on loopback) and a SQLite target: a sync
profile run twice (the second run moves only what changed in between), and ``params``
showing the exact query Lever receives."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrtech_etl.cli import main
from hrtech_etl.connectors.local import SqliteConnector
from hrtech_etl.core.types import Resource
from tests.fakes.lever import BASE_TIME, FakeLever, lever_id, ms

API_KEY = "lever-cli-key-0123456789"
UNTIL = "2030-01-01T00:00:00Z"
UNTIL_MS = 1893456000000


@pytest.fixture
def fake() -> Iterator[FakeLever]:
    with FakeLever(api_key=API_KEY) as server:
        for i in range(30):
            server.add_opportunity(
                i,
                created=ms(BASE_TIME) + i * 60_000,
                name=f"{['Ada', 'Bob', 'Cy'][i % 3]} {i}",
                tags=["python"] if i % 2 else ["go", "sql"],
            )
        server.add_opportunity("sales", tags=["sales"], name="Ada Sales")
        yield server


@pytest.fixture
def profile(tmp_cwd: Path, fake: FakeLever, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEVER_API_KEY", API_KEY)
    url = fake.base_url
    path = tmp_cwd / "lever-opps.toml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name = "lever-opps"
            resource = "profile"
            batch_size = 10
            until = "{UNTIL}"

            [origin]
            connector = "lever"
            options = {{ requests_per_second = 1000, burst = 1000 }}
            auth = {{ type = "basic", username = "${{LEVER_API_KEY}}", base_url = "{url}" }}

            [target]
            connector = "sqlite"
            options = {{ path = "lever.db" }}

            [cursor]
            mode = "updated_at"
            start = "2024-01-01T00:00:00Z"

            [[where]]
            field = "tags"
            op = "in"
            value = ["python", "go"]

            [[where]]
            field = "name"
            op = "contains"
            value = "ada"
            """
        )
    )
    return path


def stored(tmp_cwd: Path) -> dict[str, object]:
    with SqliteConnector(path=str(tmp_cwd / "lever.db")) as db:
        return {p.id: p for p in db.read_all(Resource.PROFILE)}


def test_run_twice_moves_only_what_changed(
    profile: Path, fake: FakeLever, tmp_cwd: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(profile), "-q"]) == 0
    first = stored(tmp_cwd)
    assert set(first) == {lever_id("opportunity", i) for i in range(0, 30, 3)}  # the Adas

    later = ms(BASE_TIME) + 90 * 86_400_000
    fake.add_opportunity(
        3, created=ms(BASE_TIME) + 3 * 60_000, updated=later, name="Ada Lovelace", tags=["python"]
    )
    fake.add_opportunity(31, created=later, updated=later, name="Ada New", tags=["go"])
    fake.add_opportunity(32, created=later, updated=later, name="Bob New", tags=["go"])
    assert main(["run", str(profile), "--json", "-q"]) == 0
    outcome = json.loads(capfd.readouterr().out)
    assert outcome["counts"]["written"] == 2
    assert outcome["cursor_after"]["end"] == "2024-03-31T00:00:00Z"
    second = stored(tmp_cwd)
    assert len(second) == len(first) + 1
    assert second[lever_id("opportunity", 3)].full_name == "Ada Lovelace"  # type: ignore[attr-defined]

    list_calls = fake.list_requests()
    assert list_calls[-1].arg("updated_at_start") == str(
        ms(BASE_TIME) + 29 * 60_000
    )  # resumed from the first run's max updatedAt, inclusive
    out, err = capfd.readouterr()
    assert API_KEY not in out + err


def test_params_shows_the_exact_query(
    profile: Path, fake: FakeLever, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["params", str(profile)]) == 0
    out = capfd.readouterr().out
    assert "updated_at_start = 1704067200000" in out
    assert f"updated_at_end = {UNTIL_MS}" in out
    assert 'tag = ["python", "go"]' in out
    assert 'expand = "applications"' in out
    assert "tags in ['python', 'go']: pushed as tag=python&go; as array" in out
    assert "name contains 'ada': applied in memory" in out
    assert main(["params", str(profile), "--json"]) == 0
    explained = json.loads(capfd.readouterr().out)
    assert explained["params"] == {
        "updated_at_start": 1704067200000,
        "updated_at_end": UNTIL_MS,
        "tag": ["python", "go"],
        "expand": "applications",
    }
    assert fake.server.requests == []  # params never calls the API

    assert main(["run", str(profile), "-q"]) == 0
    capfd.readouterr()
    assert main(["params", str(profile), "--json"]) == 0
    after = json.loads(capfd.readouterr().out)
    assert after["params"]["updated_at_start"] == ms(BASE_TIME) + 29 * 60_000  # from state
