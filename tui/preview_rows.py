"""Preview records as table rows: cell text, the filter box and column sort.

Pure functions over plain data, so a worker thread can build the rows of 10,000 records and
the table only ever receives ready strings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from rich.cells import cell_len

__all__ = ["CELL_WIDTH", "PreviewData", "build_preview", "cell_text", "record_json", "view"]

CELL_WIDTH = 40


def record_json(record: Any) -> dict[str, Any]:
    """A record as JSON-ready data (what the detail view and the exports show)."""
    if isinstance(record, BaseModel):
        return record.model_dump(mode="json")
    if isinstance(record, dict):
        loaded: dict[str, Any] = json.loads(json.dumps(record, default=str))
        return loaded
    return {"value": str(record)}


def cell_text(value: Any, width: int = CELL_WIDTH) -> str:
    """One line, at most ``width`` characters; nested values as compact JSON."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class PreviewData:
    """What one preview read: the records as JSON, their rows, and how many were read.

    Records are kept as JSON text, not dicts: 10,000 strings are nothing to the garbage
    collector, 10,000 nested dicts are half a million objects it walks on every full pass.
    """

    columns: list[str]
    widths: list[int]  # per column: the widest cell or header (+2 for a sort mark)
    texts: list[str]  # each record as compact JSON
    rows: list[tuple[str, ...]]
    search: list[str]  # each row's text, lowercased, for the filter box
    read: int
    limit: int

    def __len__(self) -> int:
        return len(self.texts)

    def record(self, index: int) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.texts[index])
        return loaded

    def records(self, indices: Sequence[int]) -> list[dict[str, Any]]:
        return [self.record(i) for i in indices]

    @property
    def complete(self) -> bool:
        """True when the read reached the end of the source (fewer matches than the limit)."""
        return len(self.texts) < self.limit


def build_preview(records: Sequence[Any], read: int, limit: int) -> PreviewData:
    """Rows, widths and JSON texts in one pass, so no record's dict outlives its turn."""
    columns: dict[str, int] = {}  # name -> position
    nested: set[str] = set()
    texts: list[str] = []
    raw_rows: list[tuple[str, ...]] = []
    search: list[str] = []
    for record in records:
        item = record_json(record)
        for name, value in item.items():
            columns.setdefault(name, len(columns))
            if isinstance(value, dict | list):
                nested.add(name)
        raw_rows.append(tuple(cell_text(item.get(name)) for name in columns))
        search.append(" ".join(raw_rows[-1]).lower())
        texts.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    # Plain values first (id, title, ...), nested ones (lists, objects) after them.
    ordered = sorted(columns, key=lambda name: name in nested)
    positions = [columns[name] for name in ordered]
    rows = [tuple(row[p] if p < len(row) else "" for p in positions) for row in raw_rows]
    widths = [cell_len(name) + 2 for name in ordered]
    for row in rows:
        widths = [max(w, cell_len(text)) for w, text in zip(widths, row, strict=True)]
    return PreviewData(ordered, widths, texts, rows, search, read, limit)


def _sort_key(text: str) -> tuple[int, float, str]:
    if not text:
        return (2, 0.0, "")
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text.lower())


def view(data: PreviewData, needle: str = "", sort: tuple[int, bool] | None = None) -> list[int]:
    """Indices of the records to show: those containing ``needle``, sorted by a column.

    ``sort`` is ``(column index, reverse)``; empty cells go last either way.
    """
    needle = needle.strip().lower()
    indices = (
        [i for i, text in enumerate(data.search) if needle in text]
        if needle
        else list(range(len(data.rows)))
    )
    if sort is not None:
        column, reverse = sort
        keyed = [(_sort_key(data.rows[i][column]), i) for i in indices]
        filled = sorted((k for k in keyed if k[0][0] != 2), reverse=reverse)
        empty = [k for k in keyed if k[0][0] == 2]
        indices = [i for _, i in filled + empty]
    return indices
