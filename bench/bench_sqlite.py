"""Pull into SQLite: the pipeline against a hand-written httpx + pydantic + sqlite3 loop.

    .venv/bin/python -m bench.bench_sqlite [records] [page_size]

The raw loop reads Warehouse A's fake (own process, 127.0.0.1) page by page, validates each
page from bytes with a pydantic TypeAdapter and upserts the records (id, times, JSON) into
SQLite in one transaction per page. The pipeline runs `run_pull` from `warehouse_a` into the
`sqlite` connector with no formatter (the unified fallback: A → unified → SQLite record),
checkpoint callback included. Ratio = raw / pipeline; best of N rounds, wall and client CPU.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pydantic import BaseModel, TypeAdapter

from bench.bench_pull import start_server
from hrtech_etl.connectors.local import SqliteConnector
from hrtech_etl.connectors.warehouse_a import WarehouseAConnector, WarehouseAJob
from hrtech_etl.core.auth import ApiKeyAuth
from hrtech_etl.core.pipeline import run_pull
from hrtech_etl.core.types import Cursor, Resource
from tests.fakes.warehouse_a import API_KEY


class _Page(BaseModel):
    data: list[WarehouseAJob]
    meta: dict[str, int]


def raw_loop(base_url: str, page_size: int, db: Path) -> int:
    adapter = TypeAdapter(_Page)
    until = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, created_at TEXT, "
        "updated_at TEXT, record TEXT NOT NULL)"
    )
    count = 0
    with httpx.Client(base_url=base_url, headers={"X-API-Key": API_KEY}) as client:
        page = 1
        while True:
            params = {
                "page": page,
                "limit": page_size,
                "sort_by": "updated_at",
                "order_by": "asc",
                "updated_at_max": until,
            }
            body = adapter.validate_json(client.get("/v1/jobs", params=params).content)
            rows = [
                (j.job_id, j.created_at.isoformat(), j.updated_at.isoformat(), j.model_dump_json())
                for j in body.data
            ]
            with conn:
                conn.executemany(
                    "INSERT INTO jobs VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
                    "record = excluded.record",
                    rows,
                )
            count += len(rows)
            if page >= body.meta["maxPage"]:
                conn.close()
                return count
            page += 1


def main(records: int = 20_000, page_size: int = 500, rounds: int = 5) -> None:
    base_url, stop = start_server(records)
    auth = ApiKeyAuth(base_url=base_url, api_key=API_KEY)
    best = {"raw": float("inf"), "pipe": float("inf")}
    cpu = {"raw": float("inf"), "pipe": float("inf")}
    try:
        for round_no in range(rounds):
            with tempfile.TemporaryDirectory() as tmp:
                t0, c0 = time.perf_counter(), time.process_time()
                assert raw_loop(base_url, page_size, Path(tmp) / f"raw{round_no}.db") == records
                best["raw"] = min(best["raw"], time.perf_counter() - t0)
                cpu["raw"] = min(cpu["raw"], time.process_time() - c0)

                origin = WarehouseAConnector(auth=auth, requests_per_second=10_000)
                target = SqliteConnector(path=str(Path(tmp) / f"pipe{round_no}.db"))
                t0, c0 = time.perf_counter(), time.process_time()
                report = run_pull(
                    Resource.JOB,
                    origin,
                    target,
                    Cursor(mode="updated_at"),
                    batch_size=page_size,
                    on_checkpoint=lambda point: None,
                )
                best["pipe"] = min(best["pipe"], time.perf_counter() - t0)
                cpu["pipe"] = min(cpu["pipe"], time.process_time() - c0)
                assert report.stats.written == records and target.count(Resource.JOB) == records
                origin.close()
                target.close()
    finally:
        stop()
    print(f"records={records} page_size={page_size} rounds={rounds}")
    print(f"raw httpx+pydantic+sqlite3: {best['raw']:.3f}s wall, {cpu['raw']:.3f}s CPU")
    print(f"hrtech-etl pull → sqlite:   {best['pipe']:.3f}s wall, {cpu['pipe']:.3f}s CPU")
    print(
        f"ratio (raw/pipeline): {best['raw'] / best['pipe']:.2f}x wall, "
        f"{cpu['raw'] / cpu['pipe']:.2f}x CPU"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
