"""Export preview rows to CSV or JSONL (the format follows the file's extension).

Records are personal data: the file is created 0600, like dead letters and state.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from hrtech_etl.core.errors import ConfigError

__all__ = ["FORMATS", "export_records"]

FORMATS = (".csv", ".jsonl")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _write_csv(out: TextIO, columns: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_cell(record.get(c)) for c in columns])


def _write_jsonl(out: TextIO, records: Sequence[dict[str, Any]]) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def export_records(
    path: Path | str, columns: Sequence[str], records: Sequence[dict[str, Any]]
) -> Path:
    """Write ``records`` to ``path`` (``.csv`` or ``.jsonl``), replacing it; returns the path."""
    path = Path(os.path.expanduser(str(path)))
    if path.suffix.lower() not in FORMATS:
        raise ConfigError(f"export to a .csv or a .jsonl file, not {path.name!r}")
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name ending in .csv or .jsonl")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if path.suffix.lower() == ".csv":
                _write_csv(out, columns, records)
            else:
                _write_jsonl(out, records)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
