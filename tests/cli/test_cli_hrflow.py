"""The CLI end to end with HrFlow as the origin (its fake, real HTTP on loopback) into SQLite:
two runs (the second moves only what changed), and ``params`` (the exact query, and what runs
in memory)."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hrtech_etl.cli import main
from tests.fakes.hrflow import BOARD_KEY, T0, USER_EMAIL, FakeHrFlow, hrflow_key, make_job, stamp

SECRET = "hrflow-cli-secret-123456"


@pytest.fixture
def fake() -> Iterator[FakeHrFlow]:
    with FakeHrFlow(api_key=SECRET) as server:
        server.put_jobs(*[make_job(i) for i in range(90)])
        yield server


@pytest.fixture
def profile(tmp_cwd: Path, fake: FakeHrFlow, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HRFLOW_API_KEY", SECRET)
    path = tmp_cwd / "hrflow-jobs.toml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name = "hrflow-jobs"
            resource = "job"
            batch_size = 25

            [origin]
            connector = "hrflow"
            options = {{ board_key = "{BOARD_KEY}", requests_per_second = 1000 }}
            [origin.auth]
            type = "api_key"
            header_name = "X-API-KEY"
            api_key = "${{HRFLOW_API_KEY}}"
            base_url = "{fake.base_url}"
            extra_headers = {{ X-USER-EMAIL = "{USER_EMAIL}" }}

            [target]
            connector = "sqlite"
            options = {{ path = "hrflow.db" }}

            [cursor]
            mode = "updated_at"

            [[where]]
            field = "name"
            op = "eq"
            value = "Data Engineer"

            [[where]]
            field = "summary"
            op = "contains"
            value = "job number"
            """
        )
    )
    return path


def stored(db: Path) -> dict[str, tuple[str, str]]:
    """id -> (summary, status) of every job in the SQLite target."""
    query = (
        "SELECT id, json_extract(record, '$.summary'), json_extract(record, '$.status') FROM jobs"
    )
    with sqlite3.connect(db) as conn:
        return {row[0]: (row[1], row[2]) for row in conn.execute(query)}


def test_two_runs_move_only_the_changes_and_params_explains_the_query(
    profile: Path, fake: FakeHrFlow, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(profile), "--json", "-q"]) == 0
    first = json.loads(capsys.readouterr().out)
    engineers = {hrflow_key(f"job-{i}") for i in range(0, 90, 3)}
    assert first["counts"]["written"] == 30
    assert set(stored(Path("hrflow.db"))) == engineers

    # Between the runs: one engineer job edited, one archived, one new, one other job edited.
    later = T0 + timedelta(days=10)
    fake.put_jobs(
        make_job(3, summary="Job number 3, edited.", updated_at=stamp(later)),
        make_job(6, archived_at=stamp(later), updated_at=stamp(later)),
        make_job(300, updated_at=stamp(later + timedelta(minutes=1))),
        make_job(4, summary="Not an engineer.", updated_at=stamp(later)),
    )
    fake.server.requests.clear()
    assert main(["run", str(profile), "--json", "-q"]) == 0
    second = json.loads(capsys.readouterr().out)
    # Jobs 3, 6 and 300; the nurse job 4 was left out by the server (name=Data Engineer).
    assert second["counts"]["written"] == 3
    # One page of 25 (the changes, then older jobs): it reaches below the cursor, so it is the
    # last page read. Of the older jobs, the one at the cursor was delivered already.
    counts = second["counts"]
    assert (counts["read"], counts["out_of_window"], counts["already_delivered"]) == (25, 21, 1)
    assert second["cursor_after"]["end"] == "2024-01-11T00:01:00Z"
    # Newest first, and the read stopped at the cursor: one page, not the whole board.
    assert [r.arg("page") for r in fake.list_requests()] == ["1"]
    rows = stored(Path("hrflow.db"))
    assert set(rows) == engineers | {hrflow_key("job-300")}
    assert rows[hrflow_key("job-3")] == ("Job number 3, edited.", "open")
    assert rows[hrflow_key("job-6")][1] == "archived"

    assert main(["params", str(profile), "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["params"] == {
        "sort_by": "updated_at",
        "order_by": "desc",
        "name": "Data Engineer",
        "board_keys": f'["{BOARD_KEY}"]',
        "return_job": "True",
    }
    placements = [(w["subject"], w["placement"]) for w in explained["where"]]
    assert placements[1:] == [
        ("name eq 'Data Engineer'", "pushed+memory"),
        ("summary contains 'job number'", "memory"),
    ]
    assert placements[0][0].startswith("cursor updated_at >= 2024-01-11T00:01:00Z and <= ")
    assert placements[0][1] == "memory"

    assert main(["params", str(profile)]) == 0
    out = capsys.readouterr().out
    assert 'order_by = "desc"' in out and "return_job" in out
    assert "name eq 'Data Engineer': pushed as name=Data Engineer (re-checked in memory)" in out
    assert "no updated_at range param in HrFlow: read newest first" in out
    assert "summary contains 'job number': applied in memory" in out
    assert SECRET not in out
