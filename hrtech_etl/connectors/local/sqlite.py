"""`SqliteConnector`: jobs and profiles in one SQLite file (stdlib ``sqlite3``, WAL).

Layout: one table per resource (``jobs``, ``profiles``, after an optional prefix)::

    id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT, archived INTEGER DEFAULT 0,
    record TEXT NOT NULL  -- the record as JSON

with indexes on ``(created_at, id)`` and ``(updated_at, id)``. Times are fixed-width ISO-8601
UTC text (``2024-01-01T00:00:00.000000Z``), in the columns and inside ``record``, so text
order is time order. The schema is created on the first write; reading a missing file or
table gives zero records (and creates nothing). New files are created with mode 0600: HR data
is personal data.

Reads push every WHERE condition into SQL, with values bound as parameters: ``id``,
``created_at`` and ``updated_at`` use their columns, any other field (or dotted path) goes
through ``json_extract``, and paths through lists through ``EXISTS (... json_each ...)``. The
SQL has exactly the in-memory semantics of `hrtech_etl.core.filters` (nulls, case-folded
``contains``, "any element" through lists); what has no SQL form (free keys inside ``extra``)
runs in memory and the plan says so. Pages use keyset pagination on ``(cursor, id)`` in the
cursor's direction, never OFFSET, so reads are sorted in every cursor mode. Rows whose cursor
value is null cannot be placed on the cursor: they come last, on every run.

Writes upsert by id, one transaction per batch. ``archive_resources`` marks rows archived and
sets the record's ``status`` (jobs), ``archived_at`` and ``updated_at``, so a later pull from
this file sees the change.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator

from hrtech_etl.connectors.local.models import (
    LocalConnectorBase,
    check_local_where,
    sortable_timestamp,
)
from hrtech_etl.core.connector import ConnectorSettings, Page, ReadRequest, WriteResult
from hrtech_etl.core.errors import ConnectorError, TemporaryError
from hrtech_etl.core.filters import FieldPath
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import JobStatus, UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.params import ExplainEntry, QueryPlan
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    RecordError,
    Resource,
    SortOrder,
)

__all__ = ["SqlFragment", "SqliteConnector", "SqliteSettings", "condition_sql", "render_sql"]

_TABLES = {Resource.JOB: "jobs", Resource.PROFILE: "profiles"}
_COLUMNS = frozenset({"id", "created_at", "updated_at"})  # fields that also have a column
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RANGE_SQL = {Operator.GT: ">", Operator.GTE: ">=", Operator.LT: "<", Operator.LTE: "<="}
_CHUNK = 500  # ids per IN (...) statement: well under SQLite's bound-parameter limit


class SqliteSettings(ConnectorSettings):
    path: str = Field(..., description="The database file (created on first write); ~ expanded")
    table_prefix: str = Field("", pattern=r"^[A-Za-z0-9_]*$", description="e.g. 'acme_'")
    busy_timeout_ms: int = Field(5000, ge=0, description="How long to wait for a locked file")

    @field_validator("path")
    @classmethod
    def _expand_home(cls, value: str) -> str:
        return value if value == ":memory:" else os.path.expanduser(value)


# -- WHERE → SQL ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SqlFragment:
    """A SQL boolean expression and the values bound to its ``?`` placeholders."""

    text: str
    args: tuple[Any, ...] = ()


def _fold(value: object) -> str | None:
    """SQL ``hr_fold(x)``: Python's casefold, so ``contains`` matches exactly as in memory."""
    return value.casefold() if isinstance(value, str) else None


def _sql_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return sortable_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _leaf_sql(path: FieldPath) -> tuple[list[str], str] | None:
    """The ``json_each`` sources a path walks through and the SQL expression of its leaf.

    None when the path has no SQL form: free keys in untyped values, lists of lists.
    """
    if path.leaf_type is object or (
        isinstance(path.leaf_type, type) and issubclass(path.leaf_type, BaseModel)
    ):
        return None
    steps = path.steps
    if not all(step.is_model_field and _IDENTIFIER.match(step.name) for step in steps):
        return None
    if len(steps) == 1 and steps[0].name in _COLUMNS and not steps[0].list_depth:
        return [], steps[0].name
    sources: list[str] = []
    document, json_path = "record", "$"
    for step in steps:
        json_path += f".{step.name}"
        if step.list_depth > 1:
            return None
        if step.list_depth == 1:
            alias = f"e{len(sources)}"
            sources.append(f"json_each({document}, '{json_path}') AS {alias}")
            document, json_path = f"{alias}.value", "$"
    leaf = document if json_path == "$" else f"json_extract({document}, '{json_path}')"
    return sources, leaf


def _membership(expr: str, values: Sequence[Any]) -> SqlFragment:
    """``expr`` is one of ``values`` (None in the list matches null)."""
    items = [_sql_value(v) for v in values if v is not None]
    with_null = len(items) < len(values)
    parts: list[str] = []
    if items:
        parts.append(f"{expr} IN ({', '.join('?' * len(items))})")
    if with_null:
        parts.append(f"{expr} IS NULL")
    if not parts:
        return SqlFragment("0")
    return SqlFragment(parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})", tuple(items))


def _not_membership(expr: str, values: Sequence[Any]) -> SqlFragment:
    """Not one of ``values``; a null value is "not in" unless None is in the list."""
    items = [_sql_value(v) for v in values if v is not None]
    with_null = len(items) < len(values)
    if not items:
        return SqlFragment(f"{expr} IS NOT NULL" if with_null else "1")
    marks = ", ".join("?" * len(items))
    if with_null:
        return SqlFragment(f"({expr} IS NOT NULL AND {expr} NOT IN ({marks}))", tuple(items))
    return SqlFragment(f"({expr} IS NULL OR {expr} NOT IN ({marks}))", tuple(items))


def _positive(expr: str, op: Operator, value: Any) -> SqlFragment:
    """The test of one leaf value for eq / in / contains / ranges."""
    if op is Operator.EQ:
        return (
            SqlFragment(f"{expr} IS NULL")
            if value is None
            else SqlFragment(f"{expr} = ?", (_sql_value(value),))
        )
    if op is Operator.IN:
        return _membership(expr, value)
    if op is Operator.CONTAINS:
        return SqlFragment(f"instr(hr_fold({expr}), ?) > 0", (str(value).casefold(),))
    return SqlFragment(f"{expr} {_RANGE_SQL[op]} ?", (_sql_value(value),))


def condition_sql(cond: Condition, path: FieldPath) -> SqlFragment | None:
    """A checked, coerced condition as a SQL boolean expression, or None (then: in memory).

    Semantics match `hrtech_etl.core.filters`: ``ne`` / ``not_in`` hold for null values,
    ``contains`` is a case-folded substring test (every item, given a list), and through a
    list a condition holds when any element matches (the negative ones: when none does).
    """
    walked = _leaf_sql(path)
    if walked is None:
        return None
    sources, leaf = walked
    op, value = cond.op, cond.value
    if op is Operator.CONTAINS and isinstance(value, list):
        parts = [condition_sql(cond.model_copy(update={"value": item}), path) for item in value]
        if not parts:
            return SqlFragment("1")
        if any(part is None for part in parts):
            return None
        texts = [part.text for part in parts if part is not None]
        args = tuple(arg for part in parts if part is not None for arg in part.args)
        return SqlFragment(texts[0] if len(texts) == 1 else f"({' AND '.join(texts)})", args)
    if op is Operator.CONTAINS and not path.is_text:
        return None
    negative = op in (Operator.NE, Operator.NOT_IN)
    positive_op = {Operator.NE: Operator.EQ, Operator.NOT_IN: Operator.IN}.get(op, op)

    if not sources:
        if op is Operator.NE:
            if value is None:
                return SqlFragment(f"{leaf} IS NOT NULL")
            return SqlFragment(f"{leaf} IS NOT ?", (_sql_value(value),))
        if op is Operator.NOT_IN:
            return _not_membership(leaf, value)
        return _positive(leaf, op, value)

    def exists(test: SqlFragment) -> SqlFragment:
        return SqlFragment(
            f"EXISTS (SELECT 1 FROM {', '.join(sources)} WHERE {test.text})", test.args
        )

    if positive_op is Operator.EQ and value is None:
        # Through a list, "is null" means "has no non-null element".
        some = exists(SqlFragment(f"{leaf} IS NOT NULL"))
        return some if negative else SqlFragment(f"NOT {some.text}")
    found = exists(_positive(leaf, positive_op, value))
    return SqlFragment(f"NOT {found.text}", found.args) if negative else found


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def render_sql(text: str, args: Sequence[Any]) -> str:
    """SQL with its parameters shown inline, for people (queries always bind them)."""
    pieces = text.split("?")
    if len(pieces) != len(args) + 1:
        return text
    out = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        out.extend((_literal(arg), piece))
    return "".join(out)


# -- the connector --------------------------------------------------------------------------------


class SqliteConnector(LocalConnectorBase):
    """Jobs and profiles in a local SQLite file: upserts, SQL filters, keyset pages.

    One instance holds one connection, opened on first use; use it from one run at a time.
    """

    name: ClassVar[str] = "sqlite"
    label: ClassVar[str] = "SQLite file"
    pushdown_label: ClassVar[str] = "SQL"
    settings_cls: ClassVar[type[ConnectorSettings]] = SqliteSettings
    settings: SqliteSettings

    def __init__(self, auth: Any = None, **options: Any) -> None:
        super().__init__(auth, **options)
        self._conn: sqlite3.Connection | None = None
        self._schema_ready: set[str] = set()

    # -- connection -------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.settings.path

    def table(self, resource: Resource | str) -> str:
        return f"{self.settings.table_prefix}{_TABLES[Resource(resource)]}"

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The connection; None when the file does not exist and ``create`` is False."""
        if self._conn is not None:
            return self._conn
        path = self.settings.path
        if path != ":memory:" and not Path(path).exists():
            if not create:
                return None
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Create the file ourselves so it is 0600 from the start; SQLite gives the -wal and
            # -shm files the database file's permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._errors("open"):
            conn = sqlite3.connect(
                path,
                timeout=self.settings.busy_timeout_ms / 1000,
                isolation_level=None,  # transactions are explicit: one per batch
                check_same_thread=False,  # UIs run a connector in a worker thread
            )
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(self.settings.busy_timeout_ms)}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.create_function("hr_fold", 1, _fold, deterministic=True)
            except BaseException:
                conn.close()
                raise
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._schema_ready.clear()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """SQLite failures as typed errors. Integrity errors stay as they are: they are about
        one record, and the pipeline isolates those by writing records one by one."""
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise TemporaryError(f"sqlite {self.path}: {action}: {text}") from exc
            raise ConnectorError(f"sqlite {self.path}: {action}: {text}") from exc
        except sqlite3.Error as exc:
            raise ConnectorError(f"sqlite {self.path}: {action}: {exc}") from exc

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # some errors (disk full) already rolled back
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _ensure_schema(self, conn: sqlite3.Connection, table: str) -> None:
        if table in self._schema_ready:
            return
        with self._errors("create schema"):
            conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{table}" ('
                "id TEXT PRIMARY KEY, created_at TEXT, updated_at TEXT, "
                "archived INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL)"
            )
            for column in ("created_at", "updated_at"):
                conn.execute(
                    f'CREATE INDEX IF NOT EXISTS "{table}_{column}" ON "{table}" ({column}, id)'
                )
        self._schema_ready.add(table)

    def _readable(self, resource: Resource) -> tuple[sqlite3.Connection, str] | None:
        """The connection and table to read, or None when there is nothing to read yet."""
        conn = self._connection(create=False)
        if conn is None:
            return None
        table = self.table(resource)
        if table not in self._schema_ready:
            with self._errors("read"):
                row = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
                ).fetchone()
            if row is None:
                return None
            self._schema_ready.add(table)
        return conn, table

    # -- reading ----------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return True  # keyset pages ordered by (cursor, id) in the cursor's direction

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        """Every condition as parameterised SQL (or in memory when it has no SQL form).

        ``params`` holds what the read runs: ``where`` / ``args`` for the conditions,
        ``bound`` / ``bound_args`` for the cursor window, and ``order_by``.
        """
        model = self.native_cls(resource)
        fmeta = model_meta(model).cursor_field(cursor.mode)
        column = fmeta.name
        plan = QueryPlan(cursor_field=fmeta)
        ascending = cursor.sort_by is SortOrder.ASC
        start = cursor.resume_value
        lower, upper = (start, window_end) if ascending else (window_end, start)
        bound_parts: list[str] = []
        bound_args: list[Any] = []
        for value, symbol in ((lower, ">="), (upper, "<=")):
            if value is not None:
                bound_parts.append(f"{column} {symbol} ?")
                bound_args.append(sortable_timestamp(value) if cursor.mode.is_time else str(value))
        order_by = _order_by(cursor.mode, column, ascending)

        subject = f"cursor {column} {'>=' if ascending else '<='} {start}"
        if window_end is not None:
            subject += f" and {'<=' if ascending else '>='} {window_end}"
        note = "keyset pages"
        if cursor.mode.is_time:
            note += f"; rows without {column} come last, every run"
        if bound_parts:
            shown = render_sql(" AND ".join(bound_parts), bound_args)
            plan.entries.append(
                ExplainEntry(subject, "pushed+memory", {"sql": shown, "order": order_by}, note)
            )
        else:
            plan.entries.append(
                ExplainEntry(
                    subject, "pushed", {"order": order_by}, "no bound yet: reads all; " + note
                )
            )

        where_parts: list[str] = []
        where_args: list[Any] = []
        for cond, path in check_local_where(model, where):
            sql = condition_sql(cond, path)
            if sql is None:
                plan.memory_where.append(cond)
                plan.entries.append(
                    ExplainEntry(str(cond), "memory", {}, "no SQL form for this path")
                )
                continue
            where_parts.append(sql.text)
            where_args.extend(sql.args)
            plan.entries.append(
                ExplainEntry(str(cond), "pushed", {"sql": render_sql(sql.text, sql.args)})
            )
        plan.params = {
            "where": " AND ".join(where_parts) or "1",
            "args": where_args,
            "bound": " AND ".join(bound_parts) or "1",
            "bound_args": bound_args,
            "order_by": order_by,
        }
        return plan

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        resource = Resource(resource)
        params = request.plan.params
        if "where" not in params or "bound" not in params:
            raise ConnectorError(
                "sqlite: read_pages needs a plan made by SqliteConnector.plan_read"
            )
        readable = self._readable(resource)
        if readable is None:
            return
        conn, table = readable
        model = self.native_cls(resource)
        mode = request.cursor.mode
        column = model_meta(model).cursor_field(mode).name
        ascending = request.cursor.sort_by is SortOrder.ASC
        size = max(1, request.page_size)
        where = [params["where"], params["bound"]]
        args = [*params["args"], *params["bound_args"]]
        if mode.is_time:
            where.append(f"{column} IS NOT NULL")
        yield from self._keyset_pages(
            conn, table, model, column, where, args, ascending, size, "after"
        )
        if mode.is_time:
            # Rows with no cursor value cannot be placed on the cursor; serve them too.
            where = [params["where"], f"{column} IS NULL"]
            yield from self._keyset_pages(
                conn, table, model, "id", where, list(params["args"]), True, size, "null-after"
            )

    def _keyset_pages(
        self,
        conn: sqlite3.Connection,
        table: str,
        model: type[BaseModel],
        column: str,
        where: list[str],
        args: list[Any],
        ascending: bool,
        size: int,
        label: str,
    ) -> Iterator[Page]:
        direction, beyond = ("ASC", ">") if ascending else ("DESC", "<")
        order = f"id {direction}" if column == "id" else f"{column} {direction}, id {direction}"
        clauses = [part for part in where if part != "1"]
        after: tuple[Any, str] | None = None
        while True:
            page_clauses, page_args = list(clauses), list(args)
            if after is not None:
                if column == "id":
                    page_clauses.append(f"id {beyond} ?")
                    page_args.append(after[1])
                else:
                    page_clauses.append(f"({column}, id) {beyond} (?, ?)")
                    page_args.extend(after)
            sql = (
                f'SELECT {column}, id, record FROM "{table}" '
                f"WHERE {' AND '.join(page_clauses) or '1'} ORDER BY {order} LIMIT ?"
            )
            with self._errors("read"):
                rows = conn.execute(sql, [*page_args, size]).fetchall()
            if not rows:
                return
            token = f"{label}:start" if after is None else f"{label}:{after[0]}|{after[1]}"
            records, errors = _validate_rows(model, table, rows)
            yield Page(records=records, token=token, errors=errors)
            if len(rows) < size:
                return
            after = (rows[-1][0], rows[-1][1])

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Upsert by id, the whole batch in one transaction (all rows or none)."""
        resource = Resource(resource)
        if not resources:
            return WriteResult()
        rows = [_row(self.as_native(resource, record)) for record in resources]
        conn = self._connection(create=True)
        assert conn is not None
        table = self.table(resource)
        self._ensure_schema(conn, table)
        with self._errors("write"), self._transaction(conn):
            conn.executemany(
                f'INSERT INTO "{table}" (id, created_at, updated_at, archived, record) '
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "created_at = excluded.created_at, updated_at = excluded.updated_at, "
                "archived = excluded.archived, record = excluded.record",
                rows,
            )
        return WriteResult(written=len(rows))

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        """Delete rows by id; ``written`` counts the rows that existed."""
        readable = self._readable(Resource(resource))
        if readable is None:
            return WriteResult()
        conn, table = readable
        removed = 0
        with self._errors("delete"), self._transaction(conn):
            for chunk in _chunks(list(ids)):
                marks = ", ".join("?" * len(chunk))
                removed += conn.execute(
                    f'DELETE FROM "{table}" WHERE id IN ({marks})', chunk
                ).rowcount
        return WriteResult(written=removed)

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        """Mark rows archived; ``written`` counts the rows that were not archived yet.

        The record gets ``archived_at`` (kept when already set), ``status = archived`` (jobs)
        and ``updated_at`` = now, so the archival is itself a change a later pull sees.
        """
        resource = Resource(resource)
        readable = self._readable(resource)
        if readable is None:
            return WriteResult()
        conn, table = readable
        now = sortable_timestamp(datetime.now(UTC))
        status = "'$.status', ?, " if resource is Resource.JOB else ""
        status_args = [JobStatus.ARCHIVED.value] if resource is Resource.JOB else []
        archived = 0
        with self._errors("archive"), self._transaction(conn):
            for chunk in _chunks(list(ids)):
                marks = ", ".join("?" * len(chunk))
                archived += conn.execute(
                    f'UPDATE "{table}" SET archived = 1, updated_at = ?, record = json_set(record, '
                    f"{status}'$.archived_at', COALESCE(json_extract(record, '$.archived_at'), ?), "
                    f"'$.updated_at', ?) WHERE archived = 0 AND id IN ({marks})",
                    [now, *status_args, now, now, *chunk],
                ).rowcount
        return WriteResult(written=archived)

    # -- events -----------------------------------------------------------------------------------
    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        resource = Resource(resource)
        readable = self._readable(resource)
        if readable is None:
            return []
        conn, table = readable
        model = self.native_cls(resource)
        ids = list(dict.fromkeys(event.resource_id for event in events))
        found: list[Any] = []
        for chunk in _chunks(ids):
            marks = ", ".join("?" * len(chunk))
            with self._errors("fetch"):
                rows = conn.execute(
                    f'SELECT id, id, record FROM "{table}" WHERE id IN ({marks})', chunk
                ).fetchall()
            records, errors = _validate_rows(model, table, rows)
            if errors:
                raise ConnectorError(f"sqlite {self.path}: {errors[0].error}")
            found.extend(records)
        return found

    # -- helpers for tests, the CLI summary and scripts -------------------------------------------
    def count(self, resource: Resource | str) -> int:
        """How many records of ``resource`` the file holds (0 when there is no table yet)."""
        readable = self._readable(Resource(resource))
        if readable is None:
            return 0
        conn, table = readable
        with self._errors("count"):
            return int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    def read_all(self, resource: Resource | str) -> list[Any]:
        """Every record of ``resource``, ordered by id."""
        resource = Resource(resource)
        readable = self._readable(resource)
        if readable is None:
            return []
        conn, table = readable
        with self._errors("read"):
            rows = conn.execute(f'SELECT id, id, record FROM "{table}" ORDER BY id').fetchall()
        records, errors = _validate_rows(self.native_cls(resource), table, rows)
        if errors:
            raise ConnectorError(f"sqlite {self.path}: {errors[0].error}")
        return records


def _order_by(mode: CursorMode, column: str, ascending: bool) -> str:
    direction = "ASC" if ascending else "DESC"
    return f"id {direction}" if mode is CursorMode.UID else f"{column} {direction}, id {direction}"


def _row(record: Any) -> tuple[str, str | None, str | None, int, str]:
    created, updated = record.created_at, record.updated_at
    archived = (
        record.archived_at is not None or getattr(record, "status", None) is JobStatus.ARCHIVED
    )
    return (
        str(record.id),
        None if created is None else sortable_timestamp(created),
        None if updated is None else sortable_timestamp(updated),
        int(archived),
        record.model_dump_json(),
    )


_ADAPTERS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def _validate_rows(
    model: type[BaseModel], table: str, rows: Sequence[tuple[Any, str, str]]
) -> tuple[list[Any], list[RecordError]]:
    """The rows' records: one pass in pydantic-core when all are valid, else row by row."""
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    try:
        return adapter.validate_json("[" + ",".join(row[2] for row in rows) + "]"), []
    except ValidationError:
        pass
    good: list[Any] = []
    bad: list[RecordError] = []
    for _, record_id, text in rows:
        try:
            good.append(model.model_validate_json(text))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            bad.append(
                RecordError(
                    stage="validate",
                    resource_id=str(record_id),
                    error=f"{table} row {record_id}: {model.__name__}.{loc}: {first['msg']}",
                )
            )
    return good, bad


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for offset in range(0, len(items), _CHUNK):
        yield items[offset : offset + _CHUNK]
