"""The demo and the operator's promises, driven as a user would: the real `hrtech-etl`
command in a subprocess, from a scratch folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "profiles" / "demo.toml"


def hrtech(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hrtech_etl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def count_rows(db: Path, table: str = "jobs") -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT id) FROM {table}"
        ).fetchone()
    return int(total), int(distinct)


def test_demo_runs_then_reports_zero_new_and_shows_its_cursor(tmp_path: Path) -> None:
    first = hrtech("run", str(DEMO), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "demo: read 2000, wrote 2000 jobs into sqlite" in first.stderr
    assert count_rows(tmp_path / "hrtech-demo.db") == (2000, 2000)

    second = hrtech("run", str(DEMO), cwd=tmp_path)
    assert second.returncode == 0
    assert "wrote 0 jobs into sqlite (0 new records)" in second.stderr

    shown = hrtech("state", "show", "demo", cwd=tmp_path)
    assert shown.returncode == 0
    assert "cursor updated_at end=2025-09-27T15:41:58Z" in shown.stdout


def test_demo_candidates_and_events(tmp_path: Path) -> None:
    profiles = ROOT / "profiles"
    assert hrtech("run", str(profiles / "demo.toml"), cwd=tmp_path).returncode == 0
    candidates = hrtech("run", str(profiles / "demo-candidates.toml"), cwd=tmp_path)
    assert candidates.returncode == 0, candidates.stderr
    db = tmp_path / "hrtech-demo.db"
    with sqlite3.connect(db) as conn:
        skills = [json.loads(r) for (r,) in conn.execute("SELECT record FROM profiles")]
    assert skills and all(
        any("python" in s["name"].lower() for s in r.get("skills", [])) for r in skills
    )
    events = hrtech("run", str(profiles / "demo-events.toml"), cwd=tmp_path)
    assert events.returncode == 0, events.stderr
    assert "(deleted 7, archived 4, missing 0)" in events.stderr
    assert count_rows(db)[0] == 2000 - 7


def test_params_lists_where_each_condition_runs(tmp_path: Path) -> None:
    done = hrtech("params", str(ROOT / "profiles" / "demo-candidates.toml"), cwd=tmp_path)
    assert done.returncode == 0
    assert "skills.name contains 'python': applied in memory" in done.stdout


@pytest.fixture
def scratch_source(tmp_path: Path) -> Path:
    """A copy of the demo data and a profile reading it, so the test may append to it."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "profiles" / "data" / "demo-jobs.jsonl", data / "jobs.jsonl")
    profile = tmp_path / "scratch.toml"
    profile.write_text(
        textwrap.dedent(
            """\
            resource = "job"
            batch_size = 100
            [origin]
            connector = "jsonl"
            options = { path = "${PROFILE_DIR}/data/jobs.jsonl" }
            [target]
            connector = "sqlite"
            options = { path = "${PROFILE_DIR}/out.db" }
            """
        )
    )
    return profile


def test_appended_records_are_exactly_what_the_next_run_moves(scratch_source: Path) -> None:
    cwd = scratch_source.parent
    assert hrtech("run", str(scratch_source), cwd=cwd).returncode == 0
    with (cwd / "data" / "jobs.jsonl").open("a") as handle:
        for n in range(10):
            handle.write(
                json.dumps(
                    {
                        "id": f"job-new-{n}",
                        "title": f"New role {n}",
                        "created_at": "2025-10-01T00:00:00Z",
                        "updated_at": f"2025-10-01T00:00:0{n}Z",
                    }
                )
                + "\n"
            )
    again = hrtech("run", str(scratch_source), "--json", "-q", cwd=cwd)
    assert again.returncode == 0, again.stderr
    outcome = json.loads(again.stdout)
    assert outcome["counts"]["written"] == 10
    assert outcome["cursor_after"]["end"] == "2025-10-01T00:00:09Z"
    assert count_rows(cwd / "out.db") == (2010, 2010)


def _big_sqlite_source(folder: Path, count: int) -> Path:
    """A sorted source (sqlite) big enough to kill mid-run, and a profile with small batches."""
    src = folder / "src.db"
    rows = []
    for n in range(count):
        stamp = f"2025-01-01T00:{n // 3600 % 60:02d}:{n % 60:02d}.{n:06d}Z"
        record = {
            "id": f"job-{n:06d}",
            "title": f"Role {n}",
            "created_at": stamp,
            "updated_at": stamp,
        }
        rows.append((record["id"], stamp, stamp, json.dumps(record)))
    with sqlite3.connect(src) as conn:
        conn.execute(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT, "
            "archived INTEGER DEFAULT 0, record TEXT NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO jobs (id, created_at, updated_at, record) VALUES (?,?,?,?)", rows
        )
    profile = folder / "big.toml"
    profile.write_text(
        textwrap.dedent(
            """\
            name = "big"
            resource = "job"
            batch_size = 20
            [origin]
            connector = "sqlite"
            options = { path = "${PROFILE_DIR}/src.db" }
            [target]
            connector = "sqlite"
            options = { path = "${PROFILE_DIR}/dst.db" }
            """
        )
    )
    return profile


def _start(profile: Path, *, slow: bool = True) -> subprocess.Popen[str]:
    # Slow each batch a little (through a tiny site hook) so there is time to interrupt.
    hook = profile.parent / "slow"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(
        "import time\n"
        "from hrtech_etl.connectors.local import sqlite as s\n"
        "_write = s.SqliteConnector.write_resources_batch\n"
        "def slow(self, resource, records):\n"
        "    time.sleep(0.02)\n"
        "    return _write(self, resource, records)\n"
        "s.SqliteConnector.write_resources_batch = slow\n"
    )
    path = f"{hook}{os.pathsep}{ROOT}" if slow else str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "hrtech_etl", "run", str(profile)],
        cwd=profile.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )


def _wait_for_rows(db: Path, at_least: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run finished before it could be interrupted"
        if db.exists():
            try:
                if count_rows(db)[0] >= at_least:
                    return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    raise AssertionError("the run made no progress")


def test_kill_9_mid_run_then_rerun_lands_every_record_exactly_once(tmp_path: Path) -> None:
    profile = _big_sqlite_source(tmp_path, 3000)
    proc = _start(profile)
    _wait_for_rows(tmp_path / "dst.db", 400, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = count_rows(tmp_path / "dst.db")[0]
    assert 0 < partial < 3000

    rerun = hrtech("run", str(profile), "--json", "-q", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    outcome = json.loads(rerun.stdout)
    assert count_rows(tmp_path / "dst.db") == (3000, 3000)
    # Resumed from the last checkpoint: it did not start over.
    assert outcome["counts"]["read"] < 3000
    runs = json.loads(hrtech("runs", "big", "--json", cwd=tmp_path).stdout)
    assert [r["status"] for r in runs] == ["succeeded", "interrupted"]


def test_ctrl_c_stops_after_the_batch_checkpoints_and_exits_130(tmp_path: Path) -> None:
    profile = _big_sqlite_source(tmp_path, 3000)
    proc = _start(profile)
    _wait_for_rows(tmp_path / "dst.db", 200, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopping after the current batch" in err and "Traceback" not in err
    stopped_at = count_rows(tmp_path / "dst.db")[0]
    state = json.loads(hrtech("state", "show", "big", "--json", cwd=tmp_path).stdout)
    assert state[0]["cursor"]["end"] is not None
    rerun = hrtech("run", str(profile), "--json", "-q", cwd=tmp_path)
    assert json.loads(rerun.stdout)["counts"]["written"] == 3000 - stopped_at
    assert count_rows(tmp_path / "dst.db") == (3000, 3000)
    runs = json.loads(hrtech("runs", "big", "--json", cwd=tmp_path).stdout)
    assert [r["status"] for r in runs] == ["succeeded", "interrupted"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("batch_size = 100", "batch_sise = 100"),
            ":2: batch_sise: unknown key (did you mean 'batch_size'?)",
        ),
        (
            ("[target]", '[[where]]\nfield = "created_at"\nop = "contains"\nvalue = "x"\n[target]'),
            ":8: where[0].op: ",
        ),
        (
            ("${PROFILE_DIR}/out.db", "${NOT_SET_ANYWHERE}/out.db"),
            "target.options.path: environment variable NOT_SET_ANYWHERE is not set",
        ),
        (
            ("batch_size = 100", 'batch_size = 100\nuntil = "2024-02-30"'),
            ":3: until: cannot read '2024-02-30' as a timestamp",
        ),
    ],
    ids=["unknown-key", "operator", "unset-var", "malformed-date"],
)
def test_profile_mistakes_exit_2_with_one_line(
    scratch_source: Path, change: tuple[str, str], expected: str
) -> None:
    text = scratch_source.read_text().replace(*change)
    scratch_source.write_text(text)
    done = hrtech("run", str(scratch_source), cwd=scratch_source.parent)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(scratch_source) in done.stderr and expected in done.stderr


def test_run_imports_no_ui(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from hrtech_etl.cli import main\n"
        f"code = main(['run', {str(DEMO)!r}, '-q'])\n"
        "ui = sorted(m for m in sys.modules\n"
        "            if m.split('.')[0] in ('textual', 'prompt_toolkit', 'tui'))\n"
        "print(code, ui)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.strip() == "0 []", done.stderr
