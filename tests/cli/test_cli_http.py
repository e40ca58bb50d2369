"""The CLI end to end against the reference connectors' fake servers (real HTTP on loopback):
run twice, state, runs, params, JSON output, exit codes, dead letters, secrets, locks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrtech_etl.cli import main
from hrtech_etl.core.state import StateStore
from tests.fakes.warehouse_a import FakeWarehouseA, make_job
from tests.fakes.warehouse_b import FakeWarehouseB

ROOT = Path(__file__).resolve().parents[2]
SECRET_A = "sk-live-a-0123456789"
SECRET_B = "sk-live-b-9876543210"


@pytest.fixture
def servers() -> Iterator[tuple[FakeWarehouseA, FakeWarehouseB]]:
    with FakeWarehouseA(api_key=SECRET_A) as fake_a, FakeWarehouseB(token=SECRET_B) as fake_b:
        fake_a.add_jobs(*[make_job(i) for i in range(60)])
        yield fake_a, fake_b


@pytest.fixture
def profile(
    tmp_cwd: Path, servers: tuple[FakeWarehouseA, FakeWarehouseB], monkeypatch: pytest.MonkeyPatch
) -> Path:
    fake_a, fake_b = servers
    monkeypatch.setenv("A_KEY", SECRET_A)
    monkeypatch.setenv("B_TOKEN", SECRET_B)
    (tmp_cwd / "profiles").mkdir()
    path = tmp_cwd / "profiles" / "jobs.toml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name = "jobs"
            resource = "job"
            batch_size = 25
            dead_letter = "rejected.jsonl"

            [origin]
            connector = "warehouse_a"
            auth = {{ type = "api_key", api_key = "${{A_KEY}}", base_url = "{fake_a.base_url}" }}

            [target]
            connector = "warehouse_b"
            options = {{ requests_per_second = 1000 }}
            auth = {{ type = "bearer", token = "${{B_TOKEN}}", base_url = "{fake_b.base_url}" }}

            [cursor]
            mode = "updated_at"

            [[where]]
            field = "title"
            op = "contains"
            value = "engineer"

            [[where]]
            field = "status"
            op = "not_in"
            value = ["closed"]
            """
        )
    )
    return path


def cli(*args: str) -> int:
    return main(list(args))


def test_run_twice_then_state_and_runs(
    profile: Path,
    servers: tuple[FakeWarehouseA, FakeWarehouseB],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_a, fake_b = servers
    assert cli("run", "jobs") == 0
    err = capsys.readouterr().err
    expected = {
        j["job_id"]
        for j in fake_a.jobs.values()
        if "engineer" in str(j["title"]).lower() + str(j["description"]).lower()
        and j["status"] != "closed"
    }
    assert set(fake_b.jobs) == expected and expected
    assert f"wrote {len(expected)} jobs into warehouse_b" in err

    assert cli("run", "jobs") == 0
    assert "(0 new records)" in capsys.readouterr().err

    assert cli("state", "show", "jobs") == 0
    out = capsys.readouterr().out
    assert "cursor updated_at end=2024-01-01T00:" in out

    assert cli("runs", "jobs", "--json") == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]
    assert runs[0]["counts"]["written"] == 0 and runs[1]["counts"]["written"] == len(expected)


def test_changed_records_move_on_the_next_run(
    profile: Path,
    servers: tuple[FakeWarehouseA, FakeWarehouseB],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_a, fake_b = servers
    assert cli("run", "jobs", "-q") == 0
    later = "2024-06-01T00:00:00Z"
    fake_a.add_jobs(make_job(1, title="Staff Engineer", updated_at=later))
    fake_a.add_jobs(make_job(101, title="Engineer", updated_at=later))
    assert cli("run", "jobs", "--json", "-q") == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["counts"]["written"] == 2
    assert outcome["cursor_after"]["end"] == later
    assert fake_b.jobs["J000001"]["title"] == "Staff Engineer"


def test_params_shows_where_each_condition_runs(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("params", "jobs") == 0
    out = capsys.readouterr().out
    assert 'keywords = "(engineer)"' in out
    assert "title contains 'engineer': pushed as keywords=(engineer)" in out
    assert "status not_in ['closed']: applied in memory" in out
    assert cli("params", "jobs", "--json") == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["params"]["sort_by"] == "updated_at"
    assert [w["placement"] for w in explained["where"]] == ["pushed+memory", "pushed", "memory"]


def test_dry_run_writes_nothing_and_keeps_state(
    profile: Path,
    servers: tuple[FakeWarehouseA, FakeWarehouseB],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, fake_b = servers
    assert cli("run", "jobs", "--dry-run") == 0
    assert "[dry run: nothing written, state unchanged]" in capsys.readouterr().err
    assert fake_b.jobs == {}
    assert cli("state", "show", "jobs") == 0
    out = capsys.readouterr().out
    assert "no cursor yet" in out and ": dry_run at " in out


def test_rejected_records_exit_3_with_a_private_dead_letter_file(
    profile: Path,
    servers: tuple[FakeWarehouseA, FakeWarehouseB],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_a, fake_b = servers
    fake_a.add_jobs(make_job(7, title="Engineer", salary_min="not a number"))
    assert cli("run", "jobs", "-q") == 3
    err = capsys.readouterr().err
    assert "1 records rejected → rejected.jsonl" in err
    dead = Path("rejected.jsonl")
    assert stat.S_IMODE(dead.stat().st_mode) == 0o600
    [line] = [json.loads(text) for text in dead.read_text().splitlines()]
    assert (line["stage"], line["id"], line["profile"]) == ("validate", "J000007", "jobs")
    assert "salary_min" in line["error"]
    assert "J000007" not in fake_b.jobs


def test_secrets_appear_in_no_output_and_no_file(
    profile: Path, servers: tuple[FakeWarehouseA, FakeWarehouseB], capfd: pytest.CaptureFixture[str]
) -> None:
    fake_a, _ = servers
    fake_a.add_jobs(make_job(9, title="Engineer", salary_min="bad"))  # a dead letter too
    cli("--debug", "run", "jobs")
    cli("run", "jobs", "--json")
    cli("state", "show", "jobs", "--json")
    cli("runs", "--json")
    cli("params", "jobs", "--json")
    out, err = capfd.readouterr()
    for secret in (SECRET_A, SECRET_B):
        assert secret not in out and secret not in err
    written = [*Path.cwd().rglob("*"), *Path(os.environ["HRTECH_ETL_STATE_DIR"]).rglob("*")]
    for path in (p for p in written if p.is_file()):
        data = path.read_bytes()
        assert SECRET_A.encode() not in data and SECRET_B.encode() not in data, path


def test_rate_limit_past_the_cap_exits_75(
    profile: Path,
    servers: tuple[FakeWarehouseA, FakeWarehouseB],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_a, _ = servers
    fake_a.server.fail_next(429, headers={"Retry-After": "86400"})
    assert cli("run", "jobs", "-q") == 75
    assert capsys.readouterr().err.startswith("hrtech-etl: error: ")
    assert cli("runs", "jobs", "--json") == 0
    [run] = json.loads(capsys.readouterr().out)
    assert run["status"] == "failed" and "RateLimitError" in run["error"]


def test_pull_cmd_with_flags_like_the_seed(
    tmp_cwd: Path, servers: tuple[FakeWarehouseA, FakeWarehouseB], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_a, fake_b = servers
    monkeypatch.setenv("A_KEY", SECRET_A)
    code = cli(
        "pull-cmd",
        "--resource",
        "job",
        "--origin",
        "warehouse_a",
        "--target",
        "warehouse_b",
        "--origin-auth",
        json.dumps({"type": "api_key", "api_key": "${A_KEY}", "base_url": fake_a.base_url}),
        "--target-auth",
        json.dumps({"type": "bearer", "token": SECRET_B, "base_url": fake_b.base_url}),
        "--cursor-mode",
        "updated_at",
        "--cursor-start",
        "2024-01-01T00:30:00Z",
        "--cursor-sort-by",
        "asc",
        "--where",
        '[{"field": "board_key", "op": "in", "value": ["board-1", "board-2"]}]',
        "--having",
        '[{"field": "updated_at", "op": "gte", "value": "2024-01-01T00:40:00Z"}]',
        "--batch-size",
        "1000",
        "--dry-run",
        "False",
        "-q",
    )
    assert code == 0
    expected = {f"J{i:06d}" for i in range(40, 60) if i % 3 in (1, 2)}
    assert set(fake_b.jobs) == expected


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hrtech_etl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_user_mistakes_exit_2_with_one_line_and_no_traceback(tmp_cwd: Path) -> None:
    (tmp_cwd / "bad.toml").write_text('resource = "job"\nbatch = 3\n')
    done = run_cli("run", "bad.toml", cwd=tmp_cwd)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "bad.toml:2: batch: unknown key (did you mean 'batch_size'?)" in done.stderr
    done = run_cli("run", "nothing-here", cwd=tmp_cwd)
    assert done.returncode == 2 and "no sync profile 'nothing-here'" in done.stderr
    done = run_cli("schema", "warehouse_a", "jobz", cwd=tmp_cwd)
    assert done.returncode == 2 and done.stderr.count("\n") == 1


def test_a_second_concurrent_run_names_the_lock_holder(profile: Path, tmp_cwd: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
            import sys, time
            from hrtech_etl.core.state import StateKey, StateStore
            key = StateKey("jobs", "warehouse_a", "warehouse_b", "job")
            with StateStore().lock(key):
                print("locked", flush=True)
                time.sleep(30)
            """
            ),
        ],
        cwd=tmp_cwd,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = run_cli("run", "jobs", cwd=tmp_cwd)
        assert done.returncode == 75
        assert f"is being run by pid {holder.pid} on " in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert StateStore().runs("jobs") == []  # the refused run left no history


def test_params_works_without_the_secrets_set(
    profile: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("A_KEY")
    monkeypatch.delenv("B_TOKEN")
    assert cli("params", "jobs") == 0
    captured = capsys.readouterr()
    assert 'keywords = "(engineer)"' in captured.out
    assert "not set, shown as placeholders: A_KEY, B_TOKEN" in captured.err
    assert cli("run", "jobs", "-q") == 2  # running still needs them
    assert "environment variable A_KEY is not set" in capsys.readouterr().err
