"""Preview rows and their CSV / JSONL exports, against golden files.

Regenerate after a deliberate format change with ``UPDATE_GOLDEN=1 pytest tests/tui``, then
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hrtech_etl.core.errors import ConfigError
from tui.export import export_records
from tui.preview_rows import build_preview, cell_text, view

GOLDEN = Path(__file__).parent / "snapshots" / "export"

RECORDS = [
    {
        "id": "job-2",
        "title": 'Data Engineer, "Platform"',
        "remote": True,
        "salary": {"min": 50000.0, "currency": "EUR"},
        "tags": ["python", "sql"],
        "closed_at": None,
    },
    {
        "id": "job-1",
        "title": "Ingénieur logiciel\nsenior",
        "remote": False,
        "salary": None,
        "tags": [],
        "closed_at": "2024-05-01T00:00:00Z",
    },
    {"id": "job-3", "title": "Nurse", "remote": None, "tags": ["care"], "extra_key": 7},
]


def golden(name: str, produced: Path) -> None:
    expected = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_bytes(produced.read_bytes())
    assert produced.read_bytes() == expected.read_bytes(), f"{name} differs from its golden file"


def test_rows_put_plain_columns_first_and_fit_one_line() -> None:
    data = build_preview(RECORDS, read=10, limit=3)
    assert data.columns == ["id", "title", "remote", "closed_at", "extra_key", "salary", "tags"]
    assert data.rows[1][:3] == ("job-1", "Ingénieur logiciel senior", "false")
    assert data.rows[2][-1] == '["care"]' and data.rows[0][3] == ""
    assert not data.complete and len(data) == 3
    assert view(data, "ENGINEER") == [0]
    assert view(data, sort=(0, False)) == [1, 0, 2]
    assert view(data, sort=(3, True)) == [1, 0, 2]  # empty cells last, either way
    assert cell_text("x" * 50) == "x" * 39 + "…"


@pytest.mark.parametrize("name", ["preview.csv", "preview.jsonl"])
def test_exports_match_their_golden_files(tmp_path: Path, name: str) -> None:
    data = build_preview(RECORDS, read=3, limit=10)
    produced = export_records(tmp_path / name, data.columns, data.records(view(data)))
    golden(name, produced)
    assert produced.stat().st_mode & 0o777 == 0o600


def test_export_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\.csv or a \.jsonl"):
        export_records(tmp_path / "rows.xlsx", ["id"], [])
