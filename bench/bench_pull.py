"""Pull throughput: the pipeline against a hand-written httpx + pydantic loop, same fake API.

    .venv/bin/python -m bench.bench_pull [records] [page_size]

Both sides read every page of Warehouse A's fake (on 127.0.0.1) and validate every record with
pydantic; the raw loop does nothing else, the pipeline adds cursor checks, boundary tracking,
formatting (identity) and a no-op in-memory write. The ratio is raw time / pipeline time
(1.0 = no overhead), in wall time (the fake server bounds both) and in client CPU time (what
the pipeline itself costs). Numbers go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection

import httpx
from pydantic import BaseModel, TypeAdapter

from hrtech_etl.connectors.warehouse_a import WarehouseAConnector, WarehouseAJob
from hrtech_etl.core.auth import ApiKeyAuth
from hrtech_etl.core.connector import BaseConnector, WriteResult
from hrtech_etl.core.pipeline import run_pull
from hrtech_etl.core.types import Cursor, Resource
from tests.fakes.warehouse_a import API_KEY, FakeWarehouseA, make_job


class NullTarget(BaseConnector):
    name = "null"
    job_native_cls = WarehouseAJob

    def read_pages(self, resource, request):  # type: ignore[no-untyped-def]
        return iter(())

    def write_resources_batch(self, resource, resources):  # type: ignore[no-untyped-def]
        return WriteResult(written=len(resources))


class _Page(BaseModel):
    data: list[WarehouseAJob]
    meta: dict[str, int]


def raw_loop(base_url: str, page_size: int) -> int:
    adapter = TypeAdapter(_Page)
    until = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    count = 0
    with httpx.Client(base_url=base_url, headers={"X-API-Key": API_KEY}) as client:
        page = 1
        while True:
            # The same incremental query the pipeline sends: sorted, bounded above by "now".
            params = {
                "page": page,
                "limit": page_size,
                "sort_by": "updated_at",
                "order_by": "asc",
                "updated_at_max": until,
            }
            body = adapter.validate_json(client.get("/v1/jobs", params=params).content)
            count += len(body.data)
            if page >= body.meta["maxPage"]:
                return count
            page += 1


def serve(records: int, conn: Connection) -> None:
    """Run the fake in its own process so it does not share the client's GIL."""
    with FakeWarehouseA() as fake:
        fake.add_jobs(*[make_job(i) for i in range(records)])
        conn.send(fake.base_url)
        conn.recv()  # until the parent is done


def start_server(records: int) -> tuple[str, Callable[[], None]]:
    """The fake in a child process: its base URL and a function that stops it."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(records, child), daemon=True)
    server.start()
    base_url: str = parent.recv()

    def stop() -> None:
        parent.send("stop")
        server.join(timeout=10)

    return base_url, stop


def main(records: int = 20_000, page_size: int = 500, rounds: int = 5) -> None:
    base_url, stop = start_server(records)
    auth = ApiKeyAuth(base_url=base_url, api_key=API_KEY)
    best_raw = best_pipe = cpu_raw = cpu_pipe = float("inf")
    try:
        for _ in range(rounds):
            started, cpu = time.perf_counter(), time.process_time()
            assert raw_loop(base_url, page_size) == records
            best_raw = min(best_raw, time.perf_counter() - started)
            cpu_raw = min(cpu_raw, time.process_time() - cpu)
            origin = WarehouseAConnector(auth=auth, requests_per_second=10_000)
            started, cpu = time.perf_counter(), time.process_time()
            report = run_pull(
                Resource.JOB,
                origin,
                NullTarget(),
                Cursor(mode="updated_at"),
                batch_size=page_size,
                formatter=lambda job: job,
            )
            best_pipe = min(best_pipe, time.perf_counter() - started)
            cpu_pipe = min(cpu_pipe, time.process_time() - cpu)
            assert report.stats.written == records
            origin.close()
    finally:
        stop()
    print(f"records={records} page_size={page_size}")
    print(f"raw httpx+pydantic loop: {best_raw:.3f}s ({records / best_raw:,.0f} rec/s)")
    print(f"hrtech-etl pipeline:     {best_pipe:.3f}s ({records / best_pipe:,.0f} rec/s)")
    print(f"ratio (raw/pipeline):    {best_raw / best_pipe:.2f}x wall")
    print(f"client CPU: raw {cpu_raw:.3f}s, pipeline {cpu_pipe:.3f}s: {cpu_raw / cpu_pipe:.2f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
