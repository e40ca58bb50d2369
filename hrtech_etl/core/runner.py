"""Running a sync profile: connectors, state, lock, checkpoints, dead letters, run history.

This is the one service the CLI, the TUI and the REPL call to run, preview or explain a
profile, so a profile replayed from cron does exactly what it did on screen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.params import QueryPlan
from hrtech_etl.core.pipeline import Checkpoint, run_pull
from hrtech_etl.core.progress import ProgressCallback
from hrtech_etl.core.state import StateKey, StateStore, default_state_dir
from hrtech_etl.core.sync_profile import LoadedProfile
from hrtech_etl.core.types import (
    Cursor,
    Formatter,
    PushMode,
    RecordError,
    Resource,
    SortOrder,
    format_timestamp,
    parse_timestamp,
)

__all__ = [
    "DeadLetters",
    "RunOutcome",
    "build_connectors",
    "build_formatter",
    "explain_profile",
    "preview_profile",
    "run_profile",
    "state_key",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130


@dataclass
class RunOutcome:
    """What a run did, for the CLI summary, ``--json`` and the UIs."""

    profile: str
    key: StateKey
    operation: str
    status: str  # succeeded | dry_run | interrupted
    run_id: int | None
    cursor_before: Cursor | None
    cursor_after: Cursor | None
    counts: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    dead_letter: Path | None = None
    errors: list[RecordError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        return EXIT_REJECTED if self.rejected else EXIT_OK

    @property
    def moved(self) -> int:
        return (
            self.counts.get("written", 0)
            + self.counts.get("would_write", 0)
            + self.counts.get("total_resources_pushed", 0)
            + self.counts.get("would_push", 0)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "key": self.key.as_dict(),
            "operation": self.operation,
            "status": self.status,
            "run_id": self.run_id,
            "cursor_before": self.cursor_before.model_dump(mode="json")
            if self.cursor_before
            else None,
            "cursor_after": self.cursor_after.model_dump(mode="json")
            if self.cursor_after
            else None,
            "counts": self.counts,
            "rejected": self.rejected,
            "dead_letter": str(self.dead_letter) if self.dead_letter else None,
            "exit_code": self.exit_code,
        }


class DeadLetters:
    """Rejected records, one JSON line each (created 0600 on the first rejection)."""

    def __init__(self, path: Path, *, profile: str, connector: str, resource: Resource) -> None:
        self.path = path
        self.profile = profile
        self.connector = connector
        self.resource = resource
        self.count = 0
        self._file: Any = None

    def __call__(self, error: RecordError) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        line = {
            "at": format_timestamp(datetime.now(UTC)),
            "profile": self.profile,
            "connector": self.connector,
            "resource": self.resource.value,
            "stage": error.stage,
            "id": error.resource_id,
            "cursor_value": error.cursor_value,
            "error": error.error,
            "record": error.record,
        }
        self._file.write(json.dumps(line, default=str, separators=(",", ":")) + "\n")
        self._file.flush()
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def state_key(loaded: LoadedProfile) -> StateKey:
    p = loaded.profile
    return StateKey(p.name, p.origin.connector, p.target.connector, p.resource.value)


def _build_endpoint(
    loaded: LoadedProfile, side: str, environ: Mapping[str, str] | None
) -> BaseConnector:
    from hrtech_etl.core.registry import get_connector_instance

    section = loaded.resolved(side, environ) or {}
    name = section["connector"]
    try:
        return get_connector_instance(name, auth=section.get("auth"), **section.get("options", {}))
    except ConfigError as exc:
        raise loaded.error((side,), str(exc)) from None


def build_connectors(
    loaded: LoadedProfile, environ: Mapping[str, str] | None = None
) -> tuple[BaseConnector, BaseConnector]:
    origin = _build_endpoint(loaded, "origin", environ)
    try:
        target = _build_endpoint(loaded, "target", environ)
    except BaseException:
        origin.close()
        raise
    return origin, target


def build_formatter(loaded: LoadedProfile) -> Formatter | None:
    from hrtech_etl.formatters.base import build_mapping_formatter, load_callable

    spec = loaded.profile.formatter
    if spec is None:
        return None
    if spec.mapping is not None:
        return build_mapping_formatter(spec.mapping)
    assert spec.callable is not None
    return load_callable(spec.callable)


def _window_end(loaded: LoadedProfile, until: str | None, cursor: Cursor) -> Any:
    """CLI ``--until`` > the profile's ``until`` > now - lag (ascending time cursors only)."""
    chosen = until or loaded.profile.until
    if chosen is not None:
        try:
            return parse_timestamp(chosen)
        except ValueError as exc:
            raise ConfigError(f"--until: {exc}") from None
    if cursor.mode.is_time and cursor.sort_by is SortOrder.ASC:
        return datetime.now(UTC) - timedelta(seconds=loaded.profile.lag)
    return None


def _start_cursor(
    loaded: LoadedProfile, store: StateStore, key: StateKey, full_refresh: bool
) -> Cursor:
    initial = loaded.profile.initial_cursor()
    if full_refresh:
        return initial
    stored = store.get_cursor(key)
    if stored is None:
        return initial
    if stored.mode is not initial.mode or stored.sort_by is not initial.sort_by:
        raise ConfigError(
            f"the stored state of {key.profile!r} uses cursor {stored.mode.value} "
            f"{stored.sort_by.value} but the profile says {initial.mode.value} "
            f"{initial.sort_by.value}; run 'hrtech-etl state reset {key.profile}' or --full-refresh"
        )
    return stored


def explain_profile(
    loaded: LoadedProfile,
    *,
    store: StateStore | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a run would send to the origin and what it would do in memory. No network."""
    store = store or StateStore()
    key = state_key(loaded)
    origin, target = build_connectors(loaded, environ)
    with origin, target:
        cursor = _start_cursor(loaded, store, key, full_refresh=False)
        window = _window_end(loaded, None, cursor)
        window_text = (
            format_timestamp(window)
            if cursor.mode.is_time and window
            else (None if window is None else str(window))
        )
        read_cursor = Cursor(mode=cursor.mode, start=cursor.resume_value, sort_by=cursor.sort_by)
        plan: QueryPlan = origin.plan_read(
            loaded.profile.resource, loaded.profile.where_conditions(), read_cursor, window_text
        )
        having = [
            {"subject": str(c), "placement": "memory", "description": "applied in memory (HAVING)"}
            for c in loaded.profile.having_conditions()
        ]
        return {
            "profile": loaded.name,
            "origin": loaded.profile.origin.connector,
            "resource": loaded.profile.resource.value,
            "cursor": cursor.model_dump(mode="json", exclude={"boundary_ids"}),
            "params": {k: _jsonable(v) for k, v in plan.params.items()},
            "where": plan.explain(),
            "having": having,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def preview_profile(
    loaded: LoadedProfile,
    *,
    limit: int = 50,
    environ: Mapping[str, str] | None = None,
    store: StateStore | None = None,
) -> tuple[list[Any], int]:
    """The first ``limit`` origin records the profile would move (WHERE and HAVING applied),
    and how many records were read to find them. Reads only; writes nothing, moves no state."""
    store = store or StateStore()
    key = state_key(loaded)
    origin, target = build_connectors(loaded, environ)
    with origin, target:
        cursor = _start_cursor(loaded, store, key, full_refresh=False)
        window = _window_end(loaded, None, cursor)
        sink = _PreviewSink(origin.native_cls(loaded.profile.resource), limit)
        report = run_pull(
            loaded.profile.resource,
            origin,
            sink,
            cursor,
            loaded.profile.where_conditions(),
            loaded.profile.having_conditions(),
            formatter=lambda record: record,
            batch_size=min(loaded.profile.batch_size, max(limit, 1)),
            until=window,
            should_stop=lambda: len(sink.records) >= limit,
        )
        return sink.records[:limit], report.stats.read


class _PreviewSink(BaseConnector):
    """Keeps what a preview would write, in memory."""

    name = "preview"

    def __init__(self, model: type[Any], limit: int) -> None:
        super().__init__()
        self.model = model
        self.limit = limit
        self.records: list[Any] = []

    def native_cls(self, resource: Resource | str) -> type[Any]:  # type: ignore[override]
        return self.model

    def read_pages(self, resource: Resource, request: Any) -> Iterator[Any]:
        return iter(())

    def write_resources_batch(self, resource: Resource, resources: Any) -> Any:
        from hrtech_etl.core.connector import WriteResult

        self.records.extend(resources)
        return WriteResult(written=len(resources))


def _dead_letter_path(loaded: LoadedProfile) -> Path:
    if loaded.profile.dead_letter:
        return Path(os.path.expanduser(loaded.resolved("dead_letter")))
    return default_state_dir() / "dead-letters" / f"{loaded.name}.jsonl"


def run_profile(
    loaded: LoadedProfile,
    *,
    dry_run: bool = False,
    full_refresh: bool = False,
    until: str | None = None,
    store: StateStore | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    environ: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Run a loaded profile under its lock, checkpointing into the state store."""
    store = store or StateStore()
    profile = loaded.profile
    key = state_key(loaded)
    formatter = build_formatter(loaded)
    with ExitStack() as stack:
        stack.enter_context(store.lock(key))
        origin, target = build_connectors(loaded, environ)
        stack.callback(origin.close)
        stack.callback(target.close)
        dead = DeadLetters(
            _dead_letter_path(loaded),
            profile=key.profile,
            connector=profile.origin.connector,
            resource=profile.resource,
        )
        stack.callback(dead.close)
        if profile.operation == "push":
            return _run_push(
                loaded, key, origin, target, formatter, store, dead, dry_run, on_progress
            )
        cursor = _start_cursor(loaded, store, key, full_refresh)
        run_id = store.start_run(key, cursor, dry_run=dry_run)

        def checkpoint(point: Checkpoint) -> None:
            store.save_checkpoint(key, point.cursor, run_id, counts=point.stats.as_dict())
            if point.complete and point.cursor.start != point.cursor.end:
                store.complete_window(key, point.cursor.start, point.cursor.end)

        try:
            report = run_pull(
                profile.resource,
                origin,
                target,
                cursor,
                profile.where_conditions(),
                profile.having_conditions(),
                formatter,
                profile.batch_size,
                dry_run=dry_run,
                until=_window_end(loaded, until, cursor),
                on_checkpoint=None if dry_run else checkpoint,
                on_progress=on_progress,
                on_reject=dead,
                max_rejected=profile.max_rejected,
                should_stop=should_stop,
            )
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            store.finish_run(run_id, status, {}, None, _one_line(exc))
            raise
        status = "interrupted" if report.interrupted else ("dry_run" if dry_run else "succeeded")
        counts = report.stats.as_dict()
        store.finish_run(
            run_id,
            status if status != "dry_run" else "succeeded",
            counts,
            None if dry_run else report.cursor,
            None,
        )
        return RunOutcome(
            profile=key.profile,
            key=key,
            operation="pull",
            status=status,
            run_id=run_id,
            cursor_before=cursor,
            cursor_after=report.cursor,
            counts=counts,
            rejected=report.stats.rejected,
            dead_letter=dead.path if dead.count else None,
            errors=report.errors,
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except ValueError as exc:
                    raise ConfigError(f"{path}:{number}: not JSON ({exc})") from None


def _run_push(
    loaded: LoadedProfile,
    key: StateKey,
    origin: BaseConnector,
    target: BaseConnector,
    formatter: Formatter | None,
    store: StateStore,
    dead: DeadLetters,
    dry_run: bool,
    on_progress: ProgressCallback | None,
) -> RunOutcome:
    from hrtech_etl.core.pipeline import push

    profile = loaded.profile
    assert profile.input is not None and profile.mode is not None
    path = Path(os.path.expanduser(loaded.resolved("input")))
    items: list[Any] = []
    events: list[Any] = []
    for number, raw in _read_jsonl(path):
        if profile.mode is PushMode.EVENTS:
            event = (
                origin.parse_resource_event(profile.resource, raw)
                if isinstance(raw, dict)
                else None
            )
            if event is None:
                dead(
                    RecordError(
                        stage="read",
                        error=f"{path.name}:{number}: not a {profile.resource.value} event",
                    )
                )
                continue
            events.append(event)
        else:
            items.append(raw)
    run_id = store.start_run(key, None, dry_run=dry_run)
    try:
        result = push(
            profile.resource,
            origin,
            target,
            profile.mode,
            resources=items,
            events=events,
            having=profile.having_conditions(),
            formatter=formatter,
            batch_size=profile.batch_size,
            dry_run=dry_run,
            on_progress=on_progress,
            on_reject=dead,
            max_rejected=profile.max_rejected,
        )
    except BaseException as exc:
        store.finish_run(run_id, "failed", {}, None, _one_line(exc))
        raise
    counts = result.model_dump(exclude={"errors", "dry_run"})
    store.finish_run(run_id, "succeeded", counts, None, None)
    return RunOutcome(
        profile=key.profile,
        key=key,
        operation="push",
        status="dry_run" if dry_run else "succeeded",
        run_id=run_id,
        cursor_before=None,
        cursor_after=None,
        counts=counts,
        rejected=dead.count,
        dead_letter=dead.path if dead.count else None,
        errors=result.errors,
    )
