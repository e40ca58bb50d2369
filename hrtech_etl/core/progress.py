"""Typed progress events a run emits; the CLI, TUI and REPL render them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from hrtech_etl.core.types import Cursor, RecordError

__all__ = [
    "BatchFiltered",
    "BatchRead",
    "BatchWritten",
    "CheckpointSaved",
    "ProgressCallback",
    "ProgressEvent",
    "RecordsRejected",
]


@dataclass(frozen=True, slots=True)
class BatchRead:
    batch: int
    count: int
    total_read: int


@dataclass(frozen=True, slots=True)
class BatchFiltered:
    batch: int
    kept: int
    dropped_cursor: int
    dropped_where: int
    dropped_having: int


@dataclass(frozen=True, slots=True)
class BatchWritten:
    batch: int
    count: int
    total_written: int
    dry_run: bool


@dataclass(frozen=True, slots=True)
class RecordsRejected:
    batch: int
    errors: tuple[RecordError, ...]


@dataclass(frozen=True, slots=True)
class CheckpointSaved:
    cursor: Cursor
    complete: bool


ProgressEvent: TypeAlias = (
    BatchRead | BatchFiltered | BatchWritten | RecordsRejected | CheckpointSaved
)
ProgressCallback: TypeAlias = Callable[[ProgressEvent], None]
