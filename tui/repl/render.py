"""Rich renderables for the REPL's answers: schema tree, params, conditions, preview, runs.

Pure functions from library data (schema export, explain dicts, records, run outcomes) to rich
objects; the commands print them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.progress import (
    BatchRead,
    BatchWritten,
    CheckpointSaved,
    ProgressEvent,
    RecordsRejected,
)
from hrtech_etl.core.runner import RunOutcome
from hrtech_etl.core.types import Condition, CursorMode, format_timestamp
from tui.session import Draft

__all__ = [
    "conditions_table",
    "cursor_line",
    "explain_view",
    "outcome_line",
    "preview_columns",
    "preview_table",
    "progress_line",
    "schema_tree",
    "show_value",
]

MAX_PREVIEW_COLUMNS = 6


def conditions_table(title: str, conditions: Sequence[Condition]) -> RenderableType:
    if not conditions:
        return Text(f"{title}: none", style="dim")
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("condition")
    for number, condition in enumerate(conditions, start=1):
        table.add_row(str(number), Text(str(condition)))
    return table


def schema_tree(title: str, fields: Sequence[dict[str, Any]]) -> Tree:
    """Fields with type, a cursor badge, and each WHERE operator → the param it becomes."""
    tree = Tree(Text(title, style="bold"))
    _add_fields(tree, fields)
    return tree


def _add_fields(tree: Tree, fields: Sequence[dict[str, Any]]) -> None:
    for entry in fields:
        label = Text(entry["name"], style="bold")
        label.append(f"  {entry['type']}", style="dim")
        if entry.get("cursor"):
            label.append(f"  [cursor: {entry['cursor']}]", style="magenta")
        params: dict[str, str] = entry.get("params") or {}
        if params:
            label.append(f"  {_operators_by_destination(params)}", style="cyan")
        branch = tree.add(label)
        if entry.get("children"):
            _add_fields(branch, entry["children"])


def _operators_by_destination(params: dict[str, str]) -> str:
    """``eq → job_id · in → ids`` / ``eq ne gt → in memory``: operators grouped by param."""
    groups: dict[str, list[str]] = {}
    for op, param in params.items():
        groups.setdefault("in memory" if param.startswith("(") else param, []).append(op)
    return " · ".join(f"{' '.join(ops)} → {where}" for where, ops in groups.items())


def explain_view(explained: dict[str, Any]) -> RenderableType:
    """``Draft.explain()``: the params a read sends, then where each condition runs."""
    cursor = explained.get("cursor") or {}
    head = Text(
        f"{explained.get('profile')}: {explained.get('resource')}s from "
        f"{explained.get('origin')}, cursor {cursor.get('mode')} {cursor.get('sort_by')}"
        f" from {cursor.get('end') or cursor.get('start') or 'the beginning'}",
        style="bold",
    )
    params = Table(title="query params", title_justify="left", show_edge=False, pad_edge=False)
    params.add_column("param")
    params.add_column("value")
    for name, value in (explained.get("params") or {}).items():
        params.add_row(Text(name), Text(show_value(value)))
    if not explained.get("params"):
        params.add_row(Text("(none)", style="dim"), "")
    where = Table(title="where it runs", title_justify="left", show_edge=False, pad_edge=False)
    where.add_column("filter")
    where.add_column("runs")
    for entry in [*(explained.get("where") or []), *(explained.get("having") or [])]:
        style = "green" if entry.get("placement", "").startswith("pushed") else "yellow"
        where.add_row(Text(entry["subject"]), Text(entry["description"], style=style))
    return Group(head, params, where)


def cursor_line(draft: Draft) -> str:
    cursor = draft.cursor
    start = cursor.start or "the beginning"
    return f"cursor: {cursor.mode.value} {cursor.sort_by.value}, first run from {start}"


def preview_columns(model: type[BaseModel], draft: Draft) -> list[str]:
    """Which fields a preview shows: id, the filtered fields, the cursor, then short texts."""
    meta = model_meta(model)
    chosen: list[str] = []

    def add(name: str | None) -> None:
        if name and name in meta.fields and name not in chosen:
            chosen.append(name)

    id_field = meta.id_field()
    add(id_field.name if id_field else None)
    for condition in [*draft.where, *draft.having]:
        add(condition.field.split(".")[0])
    with contextlib.suppress(ConfigError):  # no cursor for this mode: \cursor says so
        add(meta.cursor_field(draft.cursor.mode).name)
    for name, field_meta in meta.fields.items():
        if len(chosen) >= MAX_PREVIEW_COLUMNS:
            break
        if field_meta.value_type is str and not field_meta.is_list and name != "description":
            add(name)
    return chosen


def preview_table(records: Sequence[Any], columns: Sequence[str], read: int) -> Table:
    """The records as a table; columns empty in every record are left out (the first stays)."""
    columns = [
        name
        for index, name in enumerate(columns)
        if index == 0 or any(show_value(getattr(r, name, None)) for r in records)
    ]
    table = Table(
        title=f"{len(records)} record{'s' if len(records) != 1 else ''} (read {read})",
        title_justify="left",
    )
    for name in columns:
        table.add_column(name, overflow="ellipsis", no_wrap=True, max_width=40)
    for record in records:
        table.add_row(*(Text(show_value(getattr(record, name, None))) for name in columns))
    return table


def show_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, BaseModel):
        shown = {k: v for k, v in value.model_dump(mode="json").items() if v is not None}
        return ", ".join(f"{k}={v}" for k, v in shown.items())
    return str(value)


def progress_line(event: ProgressEvent) -> str | None:
    """One narration line per event worth a line (reads are shown by the spinner)."""
    if isinstance(event, BatchWritten) and event.count:
        verb = "would write" if event.dry_run else "wrote"
        return f"batch {event.batch}: {verb} {event.count} (total {event.total_written})"
    if isinstance(event, RecordsRejected):
        return f"batch {event.batch}: {len(event.errors)} rejected (see the dead-letter file)"
    if isinstance(event, CheckpointSaved) and event.cursor.end:
        return f"checkpoint: {event.cursor.mode.value} → {event.cursor.end}"
    if isinstance(event, BatchRead):
        return None
    return None


def outcome_line(outcome: RunOutcome) -> str:
    counts = outcome.counts
    if outcome.operation == "pull":
        dry = outcome.status == "dry_run"
        moved = counts.get("would_write" if dry else "written", 0)
        verb = "would write" if dry else "wrote"
        line = (
            f"{outcome.profile}: read {counts.get('read', 0)}, {verb} {moved} "
            f"{outcome.key.resource}s into {outcome.key.target}"
        )
        filtered = counts.get("filtered_where", 0) + counts.get("filtered_having", 0)
        if filtered:
            line += f", {filtered} filtered out"
        after = outcome.cursor_after
        if after is not None and after.end and not dry:
            mode = after.mode.value if isinstance(after.mode, CursorMode) else after.mode
            line += f"; cursor {mode} → {after.end}"
    else:
        pushed = counts.get(
            "would_push" if outcome.status == "dry_run" else "total_resources_pushed", 0
        )
        line = f"{outcome.profile}: pushed {pushed} {outcome.key.resource}s to {outcome.key.target}"
    if outcome.status == "dry_run":
        line += " [dry run: nothing written, state unchanged]"
    elif outcome.status == "interrupted":
        line += " [interrupted: \\run again resumes from the last checkpoint]"
    if outcome.rejected:
        line += f"; {outcome.rejected} rejected → {outcome.dead_letter}"
    return line
