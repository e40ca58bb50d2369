"""The sync state store (DESIGN §4): cursors, checkpoints under a kill, locks, migrations,
run history, file modes and the default directories."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hrtech_etl.core import state
from hrtech_etl.core.errors import HrtechEtlError
from hrtech_etl.core.state import (
    ERROR_TEXT_LIMIT,
    RunStatus,
    StateError,
    StateKey,
    StateLockedError,
    StateStore,
    StateVersionError,
    default_config_dir,
    default_state_dir,
)
from hrtech_etl.core.types import Cursor, CursorMode, Resource, SortOrder

ROOT = Path(__file__).resolve().parents[2]
KEY = StateKey("demo", "warehouse_a", "warehouse_b", "job")
OTHER = StateKey("other", "warehouse_a", "sqlite", "profile")


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.db")


def checkpoint_cursor(n: int) -> Cursor:
    return Cursor(
        mode=CursorMode.UPDATED_AT,
        start="2024-01-01T00:00:00Z",
        end=f"2024-01-0{n}T12:00:00Z",
        boundary_ids=[f"J{n}a", f"J{n}b"],
    )


def run_child(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# A child that takes the lock, starts a run, checkpoints three batches and dies without cleanup.
CRASH_AFTER_THIRD_CHECKPOINT = """
    import os, sys
    from pathlib import Path
    from hrtech_etl.core.state import StateKey, StateStore
    from hrtech_etl.core.types import Cursor

    store = StateStore(Path(sys.argv[1]))
    key = StateKey("demo", "warehouse_a", "warehouse_b", "job")
    with store.lock(key):
        run_id = store.start_run(key, Cursor(mode="updated_at", start="2024-01-01T00:00:00Z"))
        for n in range(1, 6):
            cursor = Cursor(
                mode="updated_at",
                start="2024-01-01T00:00:00Z",
                end=f"2024-01-0{n}T12:00:00Z",
                boundary_ids=[f"J{n}a", f"J{n}b"],
            )
            store.save_checkpoint(key, cursor, run_id, counts={"written": 10 * n})
            if n == 3:
                os._exit(9)
"""

# A child that holds the lock with a running run until it is killed.
HOLD_LOCK = """
    import sys, time
    from pathlib import Path
    from hrtech_etl.core.state import StateKey, StateStore

    store = StateStore(Path(sys.argv[1]))
    key = StateKey("demo", "warehouse_a", "warehouse_b", "job")
    with store.lock(key):
        store.start_run(key, None)
        print("locked", flush=True)
        time.sleep(30)
"""


# -- keys and cursors -----------------------------------------------------------------------------


def test_state_key_has_a_stable_string_form() -> None:
    key = StateKey("nightly:eu", "greenhouse", "sqlite", Resource.JOB)
    assert key.resource == "job"
    assert str(key) == "nightly:eu:greenhouse:sqlite:job"
    assert StateKey.parse(str(key)) == key
    with pytest.raises(ValueError):
        StateKey("demo", "", "b", "job")
    with pytest.raises(ValueError):
        StateKey.parse("demo:a:b")


def test_cursor_round_trips_exactly_with_boundary_ids(store: StateStore) -> None:
    assert store.get_cursor(KEY) is None
    ids = [f"id-{n}" for n in range(500)]
    cursor = Cursor(
        mode="updated_at", start="2024-01-01T00:00:00+02:00", end=1717171717, boundary_ids=ids
    )
    run_id = store.start_run(KEY, None)
    store.save_checkpoint(KEY, cursor, run_id)
    assert store.get_cursor(KEY) == cursor
    assert store.get_cursor(KEY).boundary_ids == tuple(ids)  # type: ignore[union-attr]
    # A fresh store on the same file reads the same thing.
    again = StateStore(store.path).get_cursor(KEY)
    assert again == cursor
    assert again is not None and again.model_dump() == cursor.model_dump()

    id_cursor = Cursor(mode="uid", end="00042", sort_by=SortOrder.DESC, boundary_ids=["00042"])
    store.save_checkpoint(OTHER, id_cursor, None)
    assert store.get_cursor(OTHER) == id_cursor
    assert store.get_cursor(KEY) == cursor  # keys are independent


def test_checkpoint_records_cursor_after_and_counts_on_the_run(store: StateStore) -> None:
    before = Cursor(mode="updated_at", start="2024-01-01T00:00:00Z")
    run_id = store.start_run(KEY, before)
    store.save_checkpoint(KEY, checkpoint_cursor(1), run_id, counts={"written": 5})
    store.save_checkpoint(KEY, checkpoint_cursor(2), run_id, counts={"written": 9})
    record = store.get_run(run_id)
    assert record.status is RunStatus.RUNNING
    assert record.cursor_before == before
    assert record.cursor_after == checkpoint_cursor(2)
    assert record.counts == {"written": 9}
    assert record.pid == os.getpid()
    assert record.host == socket.gethostname()
    with pytest.raises(StateError, match="no run"):
        store.save_checkpoint(OTHER, checkpoint_cursor(3), run_id)  # the run is another key's


def test_dry_run_never_moves_state(store: StateStore) -> None:
    run_id = store.start_run(KEY, None, dry_run=True)
    with pytest.raises(StateError, match="dry run"):
        store.save_checkpoint(KEY, checkpoint_cursor(1), run_id)
    store.finish_run(run_id, "succeeded", {"would_write": 12}, None, None)
    record = store.get_run(run_id)
    assert record.status is RunStatus.DRY_RUN
    assert record.dry_run
    assert record.counts == {"would_write": 12}
    assert store.get_cursor(KEY) is None


def test_finish_run_keeps_the_last_checkpoint_and_truncates_errors(store: StateStore) -> None:
    run_id = store.start_run(KEY, None)
    store.save_checkpoint(KEY, checkpoint_cursor(2), run_id, counts={"written": 20})
    store.finish_run(run_id, RunStatus.FAILED, None, None, "boom " * 1000)
    record = store.get_run(run_id)
    assert record.status is RunStatus.FAILED
    assert record.cursor_after == checkpoint_cursor(2)
    assert record.counts == {"written": 20}
    assert record.error is not None and len(record.error) == ERROR_TEXT_LIMIT
    assert record.finished_at is not None
    with pytest.raises(StateError):
        store.finish_run(run_id, "running")
    with pytest.raises(StateError, match="no run 999"):
        store.finish_run(999, "succeeded")


def test_windows_are_recorded_once_each(store: StateStore) -> None:
    end = datetime(2024, 2, 1, tzinfo=UTC)
    store.complete_window(KEY, None, end)
    store.complete_window(KEY, "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")
    store.complete_window(KEY, None, "2024-02-01T00:00:00Z")  # the same window again
    windows = store.windows(KEY)
    assert [(w.start, w.end) for w in windows] == [
        (None, "2024-02-01T00:00:00Z"),
        ("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
    ]


# -- crash safety ---------------------------------------------------------------------------------


def test_a_kill_between_batches_keeps_the_last_checkpoint(store: StateStore) -> None:
    child = run_child(CRASH_AFTER_THIRD_CHECKPOINT, str(store.path))
    _, err = child.communicate(timeout=30)
    assert child.returncode == 9, err

    reopened = StateStore(store.path)
    assert reopened.get_cursor(KEY) == checkpoint_cursor(3)
    [record] = reopened.runs()
    assert record.status is RunStatus.INTERRUPTED
    assert record.pid == child.pid
    assert record.cursor_after == checkpoint_cursor(3)
    assert record.counts == {"written": 30}
    assert record.finished_at is not None
    # The dead child's lock is stale: the next run takes it over.
    with reopened.lock(KEY) as held:
        assert held.pid == os.getpid()


# -- locks ----------------------------------------------------------------------------------------


@pytest.fixture
def lock_holder(store: StateStore) -> Iterator[subprocess.Popen[str]]:
    child = run_child(HOLD_LOCK, str(store.path))
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "locked", child.stderr.read() if child.stderr else ""
        yield child
    finally:
        child.kill()
        child.communicate(timeout=10)


def test_a_lock_held_by_a_live_process_names_it(
    store: StateStore, lock_holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(StateLockedError) as caught, store.lock(KEY):
        pytest.fail("acquired a lock another process holds")
    message = str(caught.value)
    assert message.startswith(
        f"profile 'demo' is being run by pid {lock_holder.pid} on {socket.gethostname()} since "
    )
    assert "hrtech-etl state unlock demo" in message
    assert "\n" not in message
    assert caught.value.exit_code == 75
    assert caught.value.holder.pid == lock_holder.pid
    # Nor can its state be reset under it; and the overview shows who holds it.
    with pytest.raises(StateLockedError):
        store.reset(KEY)
    [overview] = store.state_for_profile("demo")
    assert overview.lock is not None and overview.lock.pid == lock_holder.pid
    assert store.runs()[0].status is RunStatus.RUNNING


def test_a_dead_holders_lock_is_taken_over_and_its_run_interrupted(
    store: StateStore, lock_holder: subprocess.Popen[str]
) -> None:
    lock_holder.kill()
    lock_holder.wait(timeout=10)
    with store.lock(KEY):
        [record] = store.runs()
        assert record.status is RunStatus.INTERRUPTED
        assert record.pid == lock_holder.pid
        assert "stopped before finishing" in (record.error or "")
        assert store.state_for_profile("demo")[0].lock is not None  # now ours
    assert store.state_for_profile("demo")[0].lock is None  # released on exit


def test_lock_message_format_and_another_hosts_lock_goes_stale(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime(2026, 11, 30, 10, 0, tzinfo=UTC)]
    monkeypatch.setattr(state, "_utcnow", lambda: clock[0])
    monkeypatch.setattr(state, "_this_host", lambda: "host-x")
    with ExitStack() as stack:
        stack.enter_context(store.lock(KEY))
        run_id = store.start_run(KEY, None)

        # Seen from another machine, host-x's pid cannot be checked: held until stale.
        monkeypatch.setattr(state, "_this_host", lambda: "host-y")
        clock[0] += timedelta(hours=11)
        with pytest.raises(StateLockedError) as caught, store.lock(KEY):
            pass
        assert str(caught.value).startswith(
            f"profile 'demo' is being run by pid {os.getpid()} on host-x "
            "since 2026-11-30T10:00:00Z ("
        )
        clock[0] += timedelta(hours=2)
        with store.lock(KEY) as taken:
            assert taken.host == "host-y"
            assert store.get_run(run_id).status is RunStatus.INTERRUPTED
            # host-x's run, if it is in fact still going, can no longer move the cursor.
            with pytest.raises(StateError, match="not running"):
                store.save_checkpoint(KEY, checkpoint_cursor(1), run_id)
    # host-x's late release did not remove host-y's lock (tokens differ), and host-y released.
    assert store.state_for_profile("demo")[0].lock is None


def test_checkpoints_keep_a_long_run_lock_fresh(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime(2026, 11, 30, 10, 0, tzinfo=UTC)]
    monkeypatch.setattr(state, "_utcnow", lambda: clock[0])
    monkeypatch.setattr(state, "_this_host", lambda: "host-x")
    with store.lock(KEY):
        run_id = store.start_run(KEY, None)
        clock[0] += timedelta(hours=11)
        store.save_checkpoint(KEY, checkpoint_cursor(1), run_id)
        clock[0] += timedelta(hours=11)  # 22 h after start, 11 h after the last checkpoint
        monkeypatch.setattr(state, "_this_host", lambda: "host-y")
        with pytest.raises(StateLockedError), store.lock(KEY):
            pass


def test_one_lock_per_key_across_threads(store: StateStore) -> None:
    barrier = threading.Barrier(8)
    release = threading.Event()
    outcomes: list[str] = []

    def contend() -> None:
        contender = StateStore(store.path)
        barrier.wait()
        try:
            with contender.lock(KEY):
                outcomes.append("held")
                release.wait(10)
        except StateLockedError:
            outcomes.append("refused")

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while outcomes.count("refused") < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["held"] + ["refused"] * 7
    with store.lock(KEY):  # released
        pass


def test_a_released_lock_can_be_taken_again_and_unlock_clears_a_wrong_one(
    store: StateStore,
) -> None:
    with store.lock(KEY):
        pass
    with store.lock(KEY), store.lock(OTHER):  # keys lock independently
        pass
    assert store.unlock(KEY) is False
    with ExitStack() as stack:
        stack.enter_context(store.lock(KEY))
        assert store.unlock(KEY) is True
        with store.lock(KEY):
            pass


# -- files and migrations -------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_state_dir_and_files_are_private() -> None:
    store = StateStore()  # the autouse fixture points HRTECH_ETL_STATE_DIR at a fresh tmp dir
    assert store.path == default_state_dir() / "state.db"
    # SQLite removes -wal/-shm when the last connection closes; an open reader keeps them.
    reader = sqlite3.connect(store.path)
    try:
        reader.execute("SELECT count(*) FROM cursors").fetchone()
        store.save_checkpoint(KEY, checkpoint_cursor(1), None)
        files = [store.path, *store.path.parent.glob("state.db-*")]
        assert {p.name for p in files} == {"state.db", "state.db-wal", "state.db-shm"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        reader.close()
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_an_unusable_state_dir_is_a_clear_error(tmp_path: Path) -> None:
    # A regular file where the folder should be: fails for root too, unlike permissions.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(StateError, match="cannot create the state database"):
        StateStore(blocker / "state.db")


def test_a_directory_path_means_state_db_inside(tmp_path: Path) -> None:
    assert StateStore(tmp_path).path == tmp_path / "state.db"


def test_an_older_database_is_migrated_in_order(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.state_version == 1
    store.save_checkpoint(KEY, checkpoint_cursor(1), None)

    def v2_add_note(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE runs ADD COLUMN note TEXT")
        conn.execute("UPDATE runs SET note = 'migrated'")

    monkeypatch.setattr(state, "MIGRATIONS", [*state.MIGRATIONS, v2_add_note])
    upgraded = StateStore(store.path)
    assert upgraded.state_version == 2
    assert upgraded.get_cursor(KEY) == checkpoint_cursor(1)
    with sqlite3.connect(store.path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
        version = conn.execute("SELECT value FROM meta WHERE name = 'state_version'").fetchone()
    assert "note" in columns
    assert version == ("2",)
    assert StateStore(store.path).state_version == 2  # applied once


def test_a_failing_migration_leaves_the_database_untouched(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def v2_broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(state, "MIGRATIONS", [*state.MIGRATIONS, v2_broken])
    with pytest.raises(RuntimeError, match="migration bug"):
        StateStore(store.path)
    with sqlite3.connect(store.path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("SELECT value FROM meta WHERE name = 'state_version'").fetchone()
    assert "half_done" not in tables
    assert version == ("1",)


def test_a_newer_database_is_refused(store: StateStore) -> None:
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE meta SET value = '7' WHERE name = 'state_version'")
    with pytest.raises(StateVersionError) as caught:
        StateStore(store.path)
    assert "state version 7" in str(caught.value)
    assert "versions up to 1" in str(caught.value)
    assert isinstance(caught.value, HrtechEtlError)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateError, match="cannot open the state database"):
        StateStore(path)


# -- history, keys and reset ----------------------------------------------------------------------


def test_runs_are_newest_first_and_filter_by_profile(store: StateStore) -> None:
    ids = []
    for key in (KEY, OTHER, KEY, OTHER, KEY):
        run_id = store.start_run(key, None)
        store.finish_run(run_id, "succeeded", {"written": 1}, None, None)
        ids.append(run_id)
    assert [r.id for r in store.runs()] == ids[::-1]
    assert [r.id for r in store.runs("demo")] == [ids[4], ids[2], ids[0]]
    assert [r.id for r in store.runs(limit=2)] == [ids[4], ids[3]]
    assert store.runs("nobody") == []
    assert store.runs()[0].as_dict()["status"] == "succeeded"


def test_reset_removes_cursor_and_windows_but_keeps_history(store: StateStore) -> None:
    second = StateKey("demo", "warehouse_a", "warehouse_b", "profile")
    run_id = store.start_run(KEY, None)
    store.save_checkpoint(KEY, checkpoint_cursor(2), run_id)
    store.finish_run(run_id, "succeeded", {"written": 3}, checkpoint_cursor(2), None)
    store.complete_window(KEY, None, "2024-01-02T12:00:00Z")
    store.save_checkpoint(second, checkpoint_cursor(1), None)
    store.save_checkpoint(OTHER, checkpoint_cursor(1), None)
    assert store.keys() == sorted([KEY, second, OTHER], key=str)
    assert store.keys("demo") == sorted([KEY, second], key=str)

    [key_state, _] = sorted(store.state_for_profile("demo"), key=lambda s: s.key != KEY)
    assert key_state.cursor == checkpoint_cursor(2)
    assert key_state.last_run is not None and key_state.last_run.id == run_id
    assert key_state.as_dict()["cursor"]["boundary_ids"] == ["J2a", "J2b"]

    assert store.reset_profile("demo") == 2
    assert store.get_cursor(KEY) is None and store.get_cursor(second) is None
    assert store.windows(KEY) == []
    assert store.get_cursor(OTHER) == checkpoint_cursor(1)
    assert [r.id for r in store.runs("demo")] == [run_id]  # history kept
    assert KEY in store.keys("demo")  # still known through its history
    assert store.reset_profile("demo") == 0
    assert store.reset(OTHER) is True


# -- default directories --------------------------------------------------------------------------


def test_state_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HRTECH_ETL_STATE_DIR", str(tmp_path / "custom"))
    assert default_state_dir() == tmp_path / "custom"
    monkeypatch.setenv("HRTECH_ETL_CONFIG_DIR", str(tmp_path / "conf"))
    assert default_config_dir() == tmp_path / "conf"


def test_linux_dirs_follow_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("HRTECH_ETL_STATE_DIR")
    monkeypatch.delenv("HRTECH_ETL_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xs"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xc"))
    assert default_state_dir() == tmp_path / "xs" / "hrtech-etl"
    assert default_config_dir() == tmp_path / "xc" / "hrtech-etl"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    assert default_state_dir() == tmp_path / "home" / ".local" / "state" / "hrtech-etl"
    assert default_config_dir() == tmp_path / "home" / ".config" / "hrtech-etl"


def test_macos_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("HRTECH_ETL_STATE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / "Library" / "Application Support" / "hrtech-etl"
    assert default_state_dir() == expected
    assert default_config_dir() == expected


def test_windows_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delenv("HRTECH_ETL_STATE_DIR")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert default_state_dir() == tmp_path / "Local" / "hrtech-etl"
    assert default_config_dir() == tmp_path / "Roaming" / "hrtech-etl"
