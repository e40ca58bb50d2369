"""The sync state store: cursors, completed windows, run history and run locks (DESIGN §4).

One SQLite file, ``state.db``, in the user state dir (`default_state_dir`). State is keyed by
`StateKey` (sync profile name + origin + target + resource).

Durability and concurrency
    Every public method opens its own connection and runs one short transaction, so a store
    can be shared by threads and by processes. Writes take ``BEGIN IMMEDIATE`` (one writer at a
    time, waiting up to ``busy_timeout``); the journal is WAL with ``synchronous=FULL``, so a
    crash or a kill between two checkpoints leaves the last one intact.

Runs that died
    A run still marked ``running`` whose process is gone (same host, pid not alive) is marked
    ``interrupted`` when the history is read (`StateStore.runs`, `StateStore.state_for_profile`)
    and when its lock is taken over. Reading the history therefore may write; it keeps opening
    the store cheap and read-only callers never see a dead run as ``running``.

Secrets
    The store keeps exactly what it is given. Callers must not pass secrets (credentials,
    tokens, URLs with keys) in counts or error texts; error texts are cut to 2,000 characters.
    The directory is created 0700 and the database files are 0600: HR state is personal data.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from hrtech_etl.core.errors import HrtechEtlError
from hrtech_etl.core.types import Cursor, format_timestamp, parse_timestamp

__all__ = [
    "DEFAULT_STALE_AFTER",
    "ERROR_TEXT_LIMIT",
    "MIGRATIONS",
    "KeyState",
    "LockInfo",
    "Migration",
    "RunRecord",
    "RunStatus",
    "StateError",
    "StateKey",
    "StateLockedError",
    "StateStore",
    "StateVersionError",
    "Window",
    "default_config_dir",
    "default_state_dir",
]

APP_DIR_NAME = "hrtech-etl"
STATE_FILE_NAME = "state.db"
ERROR_TEXT_LIMIT = 2_000
DEFAULT_STALE_AFTER = timedelta(hours=12)
BUSY_TIMEOUT_MS = 10_000


# -- where things live ----------------------------------------------------------------------------


def _env_dir(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _xdg_dir(name: str, fallback: Path) -> Path:
    # The XDG spec says relative values are invalid and must be ignored.
    value = os.environ.get(name, "").strip()
    return Path(value) if value and os.path.isabs(value) else fallback


def default_state_dir() -> Path:
    """Where state lives: ``$HRTECH_ETL_STATE_DIR``, else the platform's user state dir.

    Linux and other Unixes: ``$XDG_STATE_HOME/hrtech-etl`` (``~/.local/state/hrtech-etl``);
    macOS: ``~/Library/Application Support/hrtech-etl``; Windows: ``%LOCALAPPDATA%\\hrtech-etl``.
    """
    override = _env_dir("HRTECH_ETL_STATE_DIR")
    if override is not None:
        return override
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_DIR_NAME
    if sys.platform == "win32":
        base = _env_dir("LOCALAPPDATA") or home / "AppData" / "Local"
        return base / APP_DIR_NAME
    return _xdg_dir("XDG_STATE_HOME", home / ".local" / "state") / APP_DIR_NAME


def default_config_dir() -> Path:
    """Where user config (the ``profiles/`` folder) lives: ``$HRTECH_ETL_CONFIG_DIR``, else the
    platform's user config dir.

    Linux and other Unixes: ``$XDG_CONFIG_HOME/hrtech-etl`` (``~/.config/hrtech-etl``);
    macOS: ``~/Library/Application Support/hrtech-etl``; Windows: ``%APPDATA%\\hrtech-etl``.
    """
    override = _env_dir("HRTECH_ETL_CONFIG_DIR")
    if override is not None:
        return override
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_DIR_NAME
    if sys.platform == "win32":
        base = _env_dir("APPDATA") or home / "AppData" / "Roaming"
        return base / APP_DIR_NAME
    return _xdg_dir("XDG_CONFIG_HOME", home / ".config") / APP_DIR_NAME


# -- errors ---------------------------------------------------------------------------------------


class StateError(HrtechEtlError):
    """The state database cannot be read or written, or was asked something impossible."""


class StateVersionError(StateError):
    """The state database was written by a newer hrtech-etl than this one."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path = path
        self.found = found
        self.known = known
        super().__init__(
            f"{path} has state version {found}, but this hrtech-etl knows versions up to {known}; "
            "upgrade hrtech-etl, or set HRTECH_ETL_STATE_DIR to use another state dir"
        )


class StateLockedError(HrtechEtlError):
    """Another run holds this key. Exit code 75: try again once that run is over.

    Deliberately not a `TemporaryError`: code that retries network errors with backoff must
    not spin on a run that may last hours.
    """

    exit_code = 75

    def __init__(self, key: StateKey, holder: LockInfo) -> None:
        self.key = key
        self.holder = holder
        self.hint = (
            "if no such run is active, remove the lock with "
            f"`hrtech-etl state unlock {key.profile}`"
        )
        super().__init__(
            f"profile {key.profile!r} is being run by pid {holder.pid} on {holder.host} "
            f"since {format_timestamp(holder.started_at)} ({self.hint})"
        )


# -- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateKey:
    """What state is kept per: sync profile name, origin and target connectors, resource.

    ``str(key)`` is the stable form ``profile:origin:target:resource``; `StateKey.parse` reads
    it back (the profile name may itself contain ``:``).
    """

    profile: str
    origin: str
    target: str
    resource: str

    def __post_init__(self) -> None:
        for name in ("profile", "origin", "target", "resource"):
            value = getattr(self, name)
            if isinstance(value, Enum):  # e.g. Resource.JOB
                value = value.value
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"StateKey.{name} must be a non-empty string, not {value!r}")
            object.__setattr__(self, name, value.strip())
        for name in ("origin", "target", "resource"):
            if ":" in getattr(self, name):
                raise ValueError(f"StateKey.{name} must not contain ':'")

    def __str__(self) -> str:
        return f"{self.profile}:{self.origin}:{self.target}:{self.resource}"

    @classmethod
    def parse(cls, text: str) -> StateKey:
        parts = text.rsplit(":", 3)
        if len(parts) != 4:
            raise ValueError(f"not a state key: {text!r} (expected profile:origin:target:resource)")
        return cls(*parts)

    def as_dict(self) -> dict[str, str]:
        return {
            "profile": self.profile,
            "origin": self.origin,
            "target": self.target,
            "resource": self.resource,
        }

    @property
    def _params(self) -> tuple[str, str, str, str]:
        return (self.profile, self.origin, self.target, self.resource)


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    DRY_RUN = "dry_run"  # a dry run that finished; it wrote nothing and moved no state


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of run history. ``counts`` are the pipeline's stats (the last checkpoint's while
    the run is going, the final ones once finished)."""

    id: int
    key: StateKey
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    dry_run: bool
    counts: dict[str, Any]
    cursor_before: Cursor | None
    cursor_after: Cursor | None
    error: str | None
    pid: int
    host: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.key.as_dict(),
            "status": self.status.value,
            "started_at": format_timestamp(self.started_at),
            "finished_at": _time_text(self.finished_at),
            "dry_run": self.dry_run,
            "counts": dict(self.counts),
            "cursor_before": _cursor_json(self.cursor_before),
            "cursor_after": _cursor_json(self.cursor_after),
            "error": self.error,
            "pid": self.pid,
            "host": self.host,
        }


@dataclass(frozen=True, slots=True)
class Window:
    """A completed read window of an unsorted source (its cursor moves only when one completes)."""

    start: str | None
    end: str | None
    completed_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "completed_at": format_timestamp(self.completed_at),
        }


@dataclass(frozen=True, slots=True)
class LockInfo:
    """Who holds a key: a process on a host, since when. ``token`` identifies one acquisition."""

    key: StateKey
    pid: int
    host: str
    started_at: datetime
    heartbeat_at: datetime
    token: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "host": self.host,
            "started_at": format_timestamp(self.started_at),
            "heartbeat_at": format_timestamp(self.heartbeat_at),
        }


@dataclass(frozen=True, slots=True)
class KeyState:
    """Everything stored for one key, for ``hrtech-etl state show``. ``lock`` is set only while
    a live run holds the key."""

    key: StateKey
    cursor: Cursor | None
    windows: list[Window] = field(default_factory=list)
    lock: LockInfo | None = None
    last_run: RunRecord | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.key.as_dict(),
            "cursor": _cursor_json(self.cursor),
            "windows": [window.as_dict() for window in self.windows],
            "lock": None if self.lock is None else self.lock.as_dict(),
            "last_run": None if self.last_run is None else self.last_run.as_dict(),
        }


# -- small helpers (patched in tests for a fixed clock / another host) ---------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _this_host() -> str:
    return socket.gethostname()


def _now_text() -> str:
    return format_timestamp(_utcnow())


def _time_text(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


def _time_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse_timestamp(text)


def _cursor_json(cursor: Cursor | None) -> dict[str, Any] | None:
    return None if cursor is None else cursor.model_dump(mode="json")


def _dump_cursor(cursor: Cursor | None) -> str | None:
    return None if cursor is None else json.dumps(cursor.model_dump(mode="json"), sort_keys=True)


def _load_cursor(text: str | None) -> Cursor | None:
    return None if text is None else Cursor.model_validate(json.loads(text))


def _dump_counts(counts: Mapping[str, Any] | None) -> str | None:
    return None if counts is None else json.dumps(dict(counts), sort_keys=True, default=str)


def _truncate(text: str | None) -> str | None:
    if text is None or len(text) <= ERROR_TEXT_LIMIT:
        return text
    return text[: ERROR_TEXT_LIMIT - 1] + "…"


def _bound_text(value: str | datetime | None) -> str | None:
    if value is None:
        return None
    return format_timestamp(value) if isinstance(value, datetime) else str(value)


if sys.platform == "win32":
    import ctypes

    def _pid_alive(pid: int) -> bool:
        # os.kill(pid, 0) would terminate the process on Windows; ask the kernel instead.
        if pid <= 0:
            return False
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: exists, not ours
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)

else:

    def _pid_alive(pid: int) -> bool:
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True  # EPERM and anything unexpected: it exists, or we cannot tell; keep it
        return True


# -- schema and migrations ------------------------------------------------------------------------

# A migration upgrades the schema by one version inside the caller's transaction. Use only
# `Connection.execute` (never `executescript`, which commits the open transaction first).
Migration = Callable[[sqlite3.Connection], None]

_KEY_COLUMNS = (
    "profile TEXT NOT NULL, origin TEXT NOT NULL, target TEXT NOT NULL, resource TEXT NOT NULL"
)
_KEY_WHERE = "profile = ? AND origin = ? AND target = ? AND resource = ?"


def _v1_initial_schema(conn: sqlite3.Connection) -> None:
    statements = (
        f"""CREATE TABLE cursors (
            {_KEY_COLUMNS},
            mode TEXT NOT NULL,
            cursor_start TEXT,
            cursor_end TEXT,
            sort_by TEXT NOT NULL,
            boundary_ids TEXT NOT NULL,
            run_id INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (profile, origin, target, resource)
        )""",
        f"""CREATE TABLE windows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            {_KEY_COLUMNS},
            window_start TEXT,
            window_end TEXT,
            completed_at TEXT NOT NULL
        )""",
        "CREATE INDEX windows_by_key ON windows (profile, origin, target, resource)",
        f"""CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            {_KEY_COLUMNS},
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            dry_run INTEGER NOT NULL DEFAULT 0,
            counts TEXT,
            cursor_before TEXT,
            cursor_after TEXT,
            error TEXT,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL
        )""",
        "CREATE INDEX runs_by_profile ON runs (profile, id)",
        "CREATE INDEX runs_by_status ON runs (status)",
        f"""CREATE TABLE locks (
            {_KEY_COLUMNS},
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            token TEXT NOT NULL,
            PRIMARY KEY (profile, origin, target, resource)
        )""",
    )
    for statement in statements:
        conn.execute(statement)


# Version N is MIGRATIONS[N - 1]. Append new versions; never edit or reorder released ones.
MIGRATIONS: list[Migration] = [_v1_initial_schema]


# -- the store ------------------------------------------------------------------------------------


class StateStore:
    """The SQLite state store. ``path`` is the database file (a directory means
    ``<dir>/state.db``); by default ``state.db`` in `default_state_dir`.

    ``stale_after``: how long a lock held from *another* host counts as held without a sign of
    life (locks on this host are checked by pid). Checkpoints refresh the holder's lock.
    """

    def __init__(
        self, path: Path | None = None, *, stale_after: timedelta = DEFAULT_STALE_AFTER
    ) -> None:
        if path is None:
            path = default_state_dir() / STATE_FILE_NAME
        elif path.is_dir():
            path = path / STATE_FILE_NAME
        self.path = path
        self.stale_after = stale_after
        try:
            self._prepare_files()
        except OSError as exc:
            raise StateError(f"cannot create the state database {path}: {exc.strerror}") from exc
        try:
            self.state_version = self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"cannot open the state database {path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"StateStore({str(self.path)!r})"

    # -- plumbing ---------------------------------------------------------------------------------

    def _prepare_files(self) -> None:
        directory = self.path.parent
        if not directory.exists():
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
        # Create the file ourselves so it never exists, even briefly, with wider permissions.
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
        os.chmod(self.path, 0o600)

    def _tighten_sidecars(self) -> None:
        # SQLite gives -wal/-shm the database's mode; make sure: they hold the same data.
        for suffix in ("-wal", "-shm"):
            sidecar = self.path.with_name(self.path.name + suffix)
            try:
                if sidecar.stat().st_mode & 0o077:
                    os.chmod(sidecar, 0o600)
            except FileNotFoundError:
                pass

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: committed on success, rolled back on any error."""
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise StateError(f"cannot open the state database {self.path}: {exc}") from exc
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise StateError(f"state database {self.path}: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            conn.close()
            if write:
                self._tighten_sidecars()

    def _migrate(self) -> int:
        conn = self._connect()
        try:
            # Persistent: set once per file, outside any transaction.
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        # One transaction per version; each re-reads the version, so two processes opening
        # an old file at once both end up at the latest version, each step applied once.
        while True:
            with self._transaction(write=True) as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
                row = conn.execute("SELECT value FROM meta WHERE name = 'state_version'").fetchone()
                version = int(row["value"]) if row else 0
                known = len(MIGRATIONS)
                if version > known:
                    raise StateVersionError(self.path, version, known)
                if version == known:
                    return version
                MIGRATIONS[version](conn)
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES ('state_version', ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (str(version + 1),),
                )

    def _holder_is_live(self, host: str, pid: int, heartbeat_at: str) -> bool:
        if host == _this_host():
            return _pid_alive(pid)
        return _utcnow() - parse_timestamp(heartbeat_at) < self.stale_after

    @staticmethod
    def _lock_from_row(key: StateKey, row: sqlite3.Row) -> LockInfo:
        return LockInfo(
            key=key,
            pid=row["pid"],
            host=row["host"],
            started_at=parse_timestamp(row["started_at"]),
            heartbeat_at=parse_timestamp(row["heartbeat_at"]),
            token=row["token"],
        )

    def _live_holder(self, conn: sqlite3.Connection, key: StateKey) -> LockInfo | None:
        row = conn.execute(f"SELECT * FROM locks WHERE {_KEY_WHERE}", key._params).fetchone()
        if row is None or not self._holder_is_live(row["host"], row["pid"], row["heartbeat_at"]):
            return None
        return self._lock_from_row(key, row)

    @staticmethod
    def _mark_interrupted(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> int:
        cursor = conn.execute(
            "UPDATE runs SET status = 'interrupted', finished_at = updated_at, "
            "error = COALESCE(error, 'pid ' || pid || ' on ' || host || "
            "' stopped before finishing the run') "
            f"WHERE status = 'running' AND {where}",
            tuple(params),
        )
        return cursor.rowcount

    def _reap_dead_runs(self) -> None:
        """Mark ``interrupted`` the runs left ``running`` by gone processes of this host."""
        host = _this_host()
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", (host,)
            ).fetchall()
        dead = [row["id"] for row in rows if not _pid_alive(row["pid"])]
        if dead:
            marks = ", ".join("?" * len(dead))
            with self._transaction(write=True) as conn:
                self._mark_interrupted(conn, f"id IN ({marks})", dead)

    @staticmethod
    def _run_from_row(row: sqlite3.Row) -> RunRecord:
        return RunRecord(
            id=row["id"],
            key=StateKey(row["profile"], row["origin"], row["target"], row["resource"]),
            status=RunStatus(row["status"]),
            started_at=parse_timestamp(row["started_at"]),
            finished_at=_time_or_none(row["finished_at"]),
            dry_run=bool(row["dry_run"]),
            counts=json.loads(row["counts"]) if row["counts"] else {},
            cursor_before=_load_cursor(row["cursor_before"]),
            cursor_after=_load_cursor(row["cursor_after"]),
            error=row["error"],
            pid=row["pid"],
            host=row["host"],
        )

    @staticmethod
    def _cursor_from_row(row: sqlite3.Row) -> Cursor:
        return Cursor.model_validate(
            {
                "mode": row["mode"],
                "start": row["cursor_start"],
                "end": row["cursor_end"],
                "sort_by": row["sort_by"],
                "boundary_ids": json.loads(row["boundary_ids"]),
            }
        )

    @staticmethod
    def _windows(conn: sqlite3.Connection, key: StateKey) -> list[Window]:
        rows = conn.execute(
            f"SELECT window_start, window_end, completed_at FROM windows WHERE {_KEY_WHERE} "
            "ORDER BY id",
            key._params,
        ).fetchall()
        return [
            Window(row["window_start"], row["window_end"], parse_timestamp(row["completed_at"]))
            for row in rows
        ]

    # -- cursors and windows ----------------------------------------------------------------------

    def get_cursor(self, key: StateKey) -> Cursor | None:
        """The last checkpointed cursor for ``key``, exactly as saved (boundary ids included)."""
        with self._transaction() as conn:
            row = conn.execute(f"SELECT * FROM cursors WHERE {_KEY_WHERE}", key._params).fetchone()
        return None if row is None else self._cursor_from_row(row)

    def save_checkpoint(
        self,
        key: StateKey,
        cursor: Cursor,
        run_id: int | None,
        *,
        counts: Mapping[str, Any] | None = None,
    ) -> None:
        """Store ``cursor`` as the resume point of ``key`` and, in the same transaction, record
        it (and ``counts`` so far) as the run's ``cursor_after``. Call it after each batch the
        target confirmed: ``save_checkpoint(key, cp.cursor, run_id, counts=cp.stats.as_dict())``.
        """
        now = _now_text()
        with self._transaction(write=True) as conn:
            if run_id is not None:
                run = conn.execute(
                    f"SELECT dry_run, status FROM runs WHERE id = ? AND {_KEY_WHERE}",
                    (run_id, *key._params),
                ).fetchone()
                if run is None:
                    raise StateError(f"no run {run_id} for {key}")
                if run["dry_run"]:
                    raise StateError(f"run {run_id} is a dry run; a dry run never moves state")
                if run["status"] != RunStatus.RUNNING:
                    # Its lock was taken over (or cleared): another run owns the cursor now.
                    raise StateError(
                        f"run {run_id} of {key} is marked {run['status']}, not running; "
                        "not moving the cursor"
                    )
                conn.execute(
                    "UPDATE runs SET cursor_after = ?, counts = COALESCE(?, counts), "
                    "updated_at = ? WHERE id = ?",
                    (_dump_cursor(cursor), _dump_counts(counts), now, run_id),
                )
            conn.execute(
                "INSERT INTO cursors (profile, origin, target, resource, mode, cursor_start, "
                "cursor_end, sort_by, boundary_ids, run_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (profile, origin, target, resource) DO UPDATE SET "
                "mode = excluded.mode, cursor_start = excluded.cursor_start, "
                "cursor_end = excluded.cursor_end, sort_by = excluded.sort_by, "
                "boundary_ids = excluded.boundary_ids, run_id = excluded.run_id, "
                "updated_at = excluded.updated_at",
                (
                    *key._params,
                    cursor.mode.value,
                    cursor.start,
                    cursor.end,
                    cursor.sort_by.value,
                    json.dumps(list(cursor.boundary_ids)),
                    run_id,
                    now,
                ),
            )
            # A checkpoint is a sign of life: keep this process's lock fresh for other hosts.
            conn.execute(
                f"UPDATE locks SET heartbeat_at = ? WHERE {_KEY_WHERE} AND pid = ? AND host = ?",
                (now, *key._params, os.getpid(), _this_host()),
            )

    def complete_window(
        self, key: StateKey, start: str | datetime | None, end: str | datetime | None
    ) -> None:
        """Record that the window ``[start, end]`` of an unsorted source was read completely."""
        start_text, end_text = _bound_text(start), _bound_text(end)
        now = _now_text()
        with self._transaction(write=True) as conn:
            updated = conn.execute(
                f"UPDATE windows SET completed_at = ? WHERE {_KEY_WHERE} "
                "AND window_start IS ? AND window_end IS ?",
                (now, *key._params, start_text, end_text),
            ).rowcount
            if not updated:
                conn.execute(
                    "INSERT INTO windows (profile, origin, target, resource, window_start, "
                    "window_end, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*key._params, start_text, end_text, now),
                )

    def windows(self, key: StateKey) -> list[Window]:
        """Completed windows of ``key``, oldest first."""
        with self._transaction() as conn:
            return self._windows(conn, key)

    def reset(self, key: StateKey) -> bool:
        """Forget the cursor and windows of ``key`` (the next run starts from the profile's
        start); run history is kept. Refused while a live run holds the key. True if anything
        was removed."""
        with self._transaction(write=True) as conn:
            holder = self._live_holder(conn, key)
            if holder is not None:
                raise StateLockedError(key, holder)
            removed = conn.execute(f"DELETE FROM cursors WHERE {_KEY_WHERE}", key._params).rowcount
            removed += conn.execute(f"DELETE FROM windows WHERE {_KEY_WHERE}", key._params).rowcount
        return removed > 0

    def reset_profile(self, profile: str) -> int:
        """`reset` every key of the sync profile ``profile``; returns how many keys had state."""
        return sum(1 for key in self._state_keys(profile) if self.reset(key))

    # -- runs -------------------------------------------------------------------------------------

    def start_run(
        self, key: StateKey, cursor_before: Cursor | None, *, dry_run: bool = False
    ) -> int:
        """Record a run of ``key`` by this process as ``running``; returns its id."""
        now = _now_text()
        with self._transaction(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO runs (profile, origin, target, resource, started_at, updated_at, "
                "status, dry_run, cursor_before, pid, host) "
                "VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                (
                    *key._params,
                    now,
                    now,
                    int(dry_run),
                    _dump_cursor(cursor_before),
                    os.getpid(),
                    _this_host(),
                ),
            )
            run_id = cursor.lastrowid
        assert run_id is not None
        return run_id

    def finish_run(
        self,
        run_id: int,
        status: RunStatus | str,
        counts: Mapping[str, Any] | None = None,
        cursor_after: Cursor | None = None,
        error: str | None = None,
    ) -> None:
        """Close a run. A dry run that succeeded is stored as ``dry_run``. ``counts`` and
        ``cursor_after`` default to what the last checkpoint recorded. ``error`` is cut to
        2,000 characters and must not contain secrets."""
        status = RunStatus(status)
        if status is RunStatus.RUNNING:
            raise StateError("finish_run needs a final status, not 'running'")
        with self._transaction(write=True) as conn:
            row = conn.execute("SELECT dry_run FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise StateError(f"no run {run_id} in {self.path}")
            if row["dry_run"] and status is RunStatus.SUCCEEDED:
                status = RunStatus.DRY_RUN
            now = _now_text()
            conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, updated_at = ?, "
                "counts = COALESCE(?, counts), cursor_after = COALESCE(?, cursor_after), "
                "error = ? WHERE id = ?",
                (
                    status.value,
                    now,
                    now,
                    _dump_counts(counts),
                    _dump_cursor(cursor_after),
                    _truncate(error),
                    run_id,
                ),
            )

    def get_run(self, run_id: int) -> RunRecord:
        with self._transaction() as conn:
            row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StateError(f"no run {run_id} in {self.path}")
        return self._run_from_row(row)

    def runs(self, profile: str | None = None, limit: int = 20) -> list[RunRecord]:
        """Run history, newest first, optionally of one sync profile. Runs whose process died
        are marked ``interrupted`` first."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._reap_dead_runs()
        query = "SELECT * FROM runs"
        params: tuple[Any, ...] = ()
        if profile is not None:
            query += " WHERE profile = ?"
            params = (profile,)
        with self._transaction() as conn:
            rows = conn.execute(f"{query} ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
        return [self._run_from_row(row) for row in rows]

    # -- keys and overview ------------------------------------------------------------------------

    def _state_keys(self, profile: str | None) -> list[StateKey]:
        # Keys with a cursor or windows: what `reset` can remove.
        where, params = ("WHERE profile = ?", (profile,)) if profile is not None else ("", ())
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT profile, origin, target, resource FROM cursors {where} UNION "
                f"SELECT profile, origin, target, resource FROM windows {where}",
                params * 2,
            ).fetchall()
        return sorted({StateKey(*row) for row in rows}, key=str)

    def keys(self, profile: str | None = None) -> list[StateKey]:
        """Every key the store knows (with a cursor, windows, runs or a lock), sorted."""
        where, params = ("WHERE profile = ?", (profile,)) if profile is not None else ("", ())
        tables = ("cursors", "windows", "runs", "locks")
        query = " UNION ".join(
            f"SELECT profile, origin, target, resource FROM {table} {where}" for table in tables
        )
        with self._transaction() as conn:
            rows = conn.execute(query, params * len(tables)).fetchall()
        return sorted({StateKey(*row) for row in rows}, key=str)

    def state_for_profile(self, profile: str) -> list[KeyState]:
        """Cursor, completed windows, live lock and last run of each key of ``profile``."""
        self._reap_dead_runs()
        keys = self.keys(profile)
        result = []
        with self._transaction() as conn:
            for key in keys:
                row = conn.execute(
                    f"SELECT * FROM cursors WHERE {_KEY_WHERE}", key._params
                ).fetchone()
                last = conn.execute(
                    f"SELECT * FROM runs WHERE {_KEY_WHERE} ORDER BY id DESC LIMIT 1", key._params
                ).fetchone()
                result.append(
                    KeyState(
                        key=key,
                        cursor=None if row is None else self._cursor_from_row(row),
                        windows=self._windows(conn, key),
                        lock=self._live_holder(conn, key),
                        last_run=None if last is None else self._run_from_row(last),
                    )
                )
        return result

    # -- locks ------------------------------------------------------------------------------------

    @contextmanager
    def lock(self, key: StateKey) -> Iterator[LockInfo]:
        """Hold ``key`` for one run; raises `StateLockedError` naming the holder if a live run
        has it. A lock left by a dead process (same host, pid gone) or silent for
        ``stale_after`` (another host) is taken over, and that holder's runs still marked
        ``running`` become ``interrupted``. Released on exit, only if still ours."""
        now = _utcnow()
        mine = LockInfo(
            key=key,
            pid=os.getpid(),
            host=_this_host(),
            started_at=now,
            heartbeat_at=now,
            token=uuid.uuid4().hex,
        )
        with self._transaction(write=True) as conn:
            row = conn.execute(f"SELECT * FROM locks WHERE {_KEY_WHERE}", key._params).fetchone()
            if row is not None:
                if self._holder_is_live(row["host"], row["pid"], row["heartbeat_at"]):
                    raise StateLockedError(key, self._lock_from_row(key, row))
                self._mark_interrupted(
                    conn,
                    f"{_KEY_WHERE} AND pid = ? AND host = ?",
                    (*key._params, row["pid"], row["host"]),
                )
                conn.execute(f"DELETE FROM locks WHERE {_KEY_WHERE}", key._params)
            conn.execute(
                "INSERT INTO locks (profile, origin, target, resource, pid, host, started_at, "
                "heartbeat_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *key._params,
                    mine.pid,
                    mine.host,
                    format_timestamp(mine.started_at),
                    format_timestamp(mine.heartbeat_at),
                    mine.token,
                ),
            )
        try:
            yield mine
        finally:
            with self._transaction(write=True) as conn:
                conn.execute(
                    f"DELETE FROM locks WHERE {_KEY_WHERE} AND token = ?",
                    (*key._params, mine.token),
                )

    def unlock(self, key: StateKey) -> bool:
        """Remove the lock of ``key`` whoever holds it (for a lock known to be wrong, e.g. a
        crashed run on another host). True if there was one."""
        with self._transaction(write=True) as conn:
            row = conn.execute(f"SELECT * FROM locks WHERE {_KEY_WHERE}", key._params).fetchone()
            if row is None:
                return False
            self._mark_interrupted(
                conn,
                f"{_KEY_WHERE} AND pid = ? AND host = ?",
                (*key._params, row["pid"], row["host"]),
            )
            conn.execute(f"DELETE FROM locks WHERE {_KEY_WHERE}", key._params)
        return True
