"""The CLI with Greenhouse: a profile pulling Harvest v3 jobs (OAuth2 from ${VARS}) into sqlite,
run twice; ``schema`` and ``params`` for the connector; the Job Board profile. Real HTTP on
loopback against the fakes."""

from __future__ import annotations

import json
import os
import sqlite3
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hrtech_etl.cli import main
from tests.fakes.greenhouse import BASE_TIME, FakeGreenhouseBoard, FakeGreenhouseHarvest


@pytest.fixture
def harvest() -> Iterator[FakeGreenhouseHarvest]:
    with FakeGreenhouseHarvest() as fake:
        fake.seed_jobs(30)
        yield fake


def write_profile(folder: Path, name: str, text: str) -> Path:
    (folder / "profiles").mkdir(exist_ok=True)
    path = folder / "profiles" / f"{name}.toml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def jobs_profile(
    tmp_cwd: Path, harvest: FakeGreenhouseHarvest, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("GH_CLIENT_ID", harvest.client_id)
    monkeypatch.setenv("GH_CLIENT_SECRET", harvest.client_secret)
    return write_profile(
        tmp_cwd,
        "gh-jobs",
        f"""\
        name = "gh-jobs"
        resource = "job"
        batch_size = 8

        [origin]
        connector = "greenhouse"
        options = {{ rate_limit_requests = 1000 }}
        auth = {{ type = "oauth2_client_credentials", client_id = "${{GH_CLIENT_ID}}", \
client_secret = "${{GH_CLIENT_SECRET}}", token_url = "{harvest.token_url}", \
base_url = "{harvest.api_url}", token_params = {{ sub = "4242" }} }}

        [target]
        connector = "sqlite"
        options = {{ path = "hr.db" }}

        [cursor]
        mode = "updated_at"
        """,
    )


def stored_jobs(path: Path) -> dict[str, dict[str, object]]:
    """The jobs the sqlite target holds: id → the stored (unified) record."""
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        [table] = [t for t in tables if "job" in t]
        rows = db.execute(f'select id, record from "{table}"').fetchall()
    return {str(record_id): json.loads(record) for record_id, record in rows}


def test_run_twice_moves_only_what_changed(
    jobs_profile: Path, harvest: FakeGreenhouseHarvest, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "gh-jobs", "--json", "-q"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["counts"]["written"] == 30
    assert set(stored_jobs(Path("hr.db"))) == {str(job_id) for job_id in harvest.jobs}
    assert harvest.token_subjects == ["4242"]

    later = BASE_TIME + timedelta(days=60)
    harvest.update_job(1007, name="Staff Engineer 7", updated_at=later)
    harvest.add_job(1200, name="New role", created_at=later, updated_at=later)
    assert main(["run", "gh-jobs", "--json", "-q"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["counts"]["written"] == 2
    assert second["cursor_after"]["end"] == "2024-03-01T00:00:00Z"
    [resumed] = [r for r in harvest.requests_to("/v3/jobs") if "updated_at" in r.query][-1:]
    # The stored cursor, sent in whole seconds (rounded down: the engine re-checks in memory).
    stored = str(first["cursor_after"]["end"])
    sent = stored.split(".")[0].removesuffix("Z") + "Z"
    assert resumed.query["updated_at"][0].startswith(f"gte|{sent}|lte|")
    jobs = stored_jobs(Path("hr.db"))
    assert len(jobs) == 31 and jobs["1007"]["title"] == "Staff Engineer 7"

    assert main(["run", "gh-jobs"]) == 0
    assert "(0 new records)" in capsys.readouterr().err


def test_the_secrets_stay_out_of_output_and_files(
    jobs_profile: Path, harvest: FakeGreenhouseHarvest, capfd: pytest.CaptureFixture[str]
) -> None:
    main(["--debug", "run", "gh-jobs"])
    main(["params", "gh-jobs", "--json"])
    out, err = capfd.readouterr()
    tokens = list(harvest.tokens)
    for secret in (harvest.client_secret, *tokens):
        assert secret not in out and secret not in err
    for path in [p for p in Path.cwd().rglob("*") if p.is_file()] + [
        p for p in Path(os.environ["HRTECH_ETL_STATE_DIR"]).rglob("*") if p.is_file()
    ]:
        data = path.read_bytes()
        assert harvest.client_secret.encode() not in data, path
        assert all(token.encode() not in data for token in tokens), path


def test_schema_shows_fields_cursors_and_operators(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "greenhouse", "job", "--json"]) == 0
    fields = {f["name"]: f for f in json.loads(capsys.readouterr().out)["fields"]}
    assert fields["updated_at"]["cursor"] == "updated_at"
    assert fields["updated_at"]["params"] == {
        "gt": "updated_at=gt|<time>",
        "gte": "updated_at=gte|<time>",
        "lt": "updated_at=lt|<time>",
        "lte": "updated_at=lte|<time>",
    }
    assert fields["id"]["cursor"] == "id" and fields["status"]["params"]["eq"] == "status"

    assert main(["schema", "greenhouse", "job"]) == 0
    table = capsys.readouterr().out
    for text in ("GreenhouseJob", "updated_at", "gte→updated_at=gte|<time>", "eq→status"):
        assert text in table


def test_params_shows_the_exact_query(
    tmp_cwd: Path, harvest: FakeGreenhouseHarvest, capsys: pytest.CaptureFixture[str]
) -> None:
    write_profile(
        tmp_cwd,
        "gh-window",
        f"""\
        resource = "job"
        until = "2024-06-01T00:00:00Z"

        [origin]
        connector = "greenhouse"
        auth = {{ type = "oauth2_client_credentials", client_id = "id", client_secret = "s", \
token_url = "{harvest.token_url}", base_url = "{harvest.api_url}" }}

        [target]
        connector = "sqlite"
        options = {{ path = "hr.db" }}

        [cursor]
        mode = "updated_at"
        start = "2024-01-01T00:00:00Z"

        [[where]]
        field = "status"
        op = "eq"
        value = "open"

        [[where]]
        field = "id"
        op = "in"
        value = [1001, 1002]

        [[where]]
        field = "name"
        op = "contains"
        value = "engineer"
        """,
    )
    assert main(["params", "gh-window"]) == 0
    out = capsys.readouterr().out
    assert 'updated_at = "gte|2024-01-01T00:00:00Z|lte|2024-06-01T00:00:00Z"' in out
    assert 'status = "open"' in out and 'ids = "1001,1002"' in out
    assert "name contains 'engineer': applied in memory" in out
    assert main(["params", "gh-window", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["params"] == {
        "status": "open",
        "ids": "1001,1002",
        "updated_at": "gte|2024-01-01T00:00:00Z|lte|2024-06-01T00:00:00Z",
    }
    assert harvest.requests == []  # explaining sends nothing


def test_the_job_board_profile_runs(tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeGreenhouseBoard(board_token="acme") as board:
        for i in range(1, 4):
            board.add_post(i, updated_at=BASE_TIME + timedelta(hours=i))
        write_profile(
            tmp_cwd,
            "gh-board",
            f"""\
            resource = "job"

            [origin]
            connector = "greenhouse_board"
            options = {{ board_token = "acme" }}
            auth = {{ type = "none", base_url = "{board.api_url}" }}

            [target]
            connector = "sqlite"
            options = {{ path = "board.db" }}
            """,
        )
        assert main(["run", "gh-board", "--json", "-q"]) == 0
        assert json.loads(capsys.readouterr().out)["counts"]["written"] == 3
        board.add_post(4, updated_at=BASE_TIME + timedelta(days=1))
        assert main(["run", "gh-board", "--json", "-q"]) == 0
        assert json.loads(capsys.readouterr().out)["counts"]["written"] == 1
    assert sorted(stored_jobs(Path("board.db"))) == ["1", "2", "3", "4"]
