"""Every connector runs the conformance kit (see ``conformance.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pytest

from hrtech_etl.connectors.warehouse_a import WarehouseAConnector
from hrtech_etl.connectors.warehouse_b import WarehouseBConnector
from hrtech_etl.core.auth import ApiKeyAuth, BearerAuth
from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.types import CursorMode
from tests.connectors.conformance import CHECKS, TIME_ONLY, Harness
from tests.fakes.warehouse_a import API_KEY, FakeWarehouseA, make_job
from tests.fakes.warehouse_b import FakeWarehouseB


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class WarehouseAHarness(Harness):
    name = "warehouse_a"
    desc_modes = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)

    def __init__(self) -> None:
        self.fake = FakeWarehouseA()
        self.created: dict[int, datetime] = {}

    def serve(self) -> AbstractContextManager[Any]:
        return self.fake

    def connector(self) -> BaseConnector:
        return WarehouseAConnector(auth=ApiKeyAuth(base_url=self.fake.base_url, api_key=API_KEY))

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        job = make_job(index, created_at=_iso(created), updated_at=_iso(moment))
        self.fake.add_jobs(job)
        return str(job["job_id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.server.fail_next(429, headers={"Retry-After": retry_after}, path_prefix="/v1/")

    def break_pagination(self) -> None:
        self.fake.ignore_page_param = True


class WarehouseBHarness(Harness):
    """B lists by id only: time cursors are unsorted, filtered by epoch-ms params."""

    name = "warehouse_b"

    def __init__(self) -> None:
        self.fake = FakeWarehouseB()
        self.created: dict[int, datetime] = {}

    def serve(self) -> AbstractContextManager[Any]:
        return self.fake

    def connector(self) -> BaseConnector:
        return WarehouseBConnector(
            auth=BearerAuth(base_url=self.fake.base_url, token=self.fake.token),
            requests_per_second=1000.0,
        )

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        job = self.fake.add_job(job_id=f"B{index:06d}", created_at=created, updated_at=moment)
        return str(job["job_id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.fail_next(429, headers={"Retry-After": retry_after}, path_prefix="/api/")

    def break_pagination(self) -> None:
        self.fake.repeat_first_page = True


HARNESSES: dict[str, Callable[[], Harness]] = {
    "warehouse_a": WarehouseAHarness,
    "warehouse_b": WarehouseBHarness,
}


def _applicable() -> Iterator[Any]:
    """(connector, check, mode) triples that apply: no skipped placeholders."""
    for name, factory in sorted(HARNESSES.items()):
        cls: Any = factory
        for check in sorted(CHECKS):
            for mode in cls.modes:
                if check in TIME_ONLY and not mode.is_time:
                    continue
                if check == "descending_order" and mode not in cls.desc_modes:
                    continue
                yield pytest.param(name, check, mode, id=f"{name}-{check}-{mode.value}")


@pytest.mark.parametrize(("connector", "check", "mode"), list(_applicable()))
def test_conformance(connector: str, check: str, mode: CursorMode) -> None:
    harness = HARNESSES[connector]()
    with harness.serve():
        CHECKS[check](harness, mode)
