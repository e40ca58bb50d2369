"""Both Greenhouse connectors run the conformance kit (see ``conformance.py``) against the fakes.

Harvest v3 (``greenhouse``) runs every check in every cursor mode, descending time cursors
included. The Job Board (``greenhouse_board``) has an id and an ``updated_at`` cursor only (its
posts carry no creation time) and serves the whole board in one response, so the pagination
loop check does not apply to it and is not parametrised, rather than skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pytest

from hrtech_etl.connectors.greenhouse import GreenhouseBoardConnector, GreenhouseConnector
from hrtech_etl.core.auth import NoAuth
from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.types import CursorMode
from tests.connectors.conformance import CHECKS, TIME_ONLY, Harness
from tests.fakes.greenhouse import FakeGreenhouseBoard, FakeGreenhouseHarvest

FIRST_ID = 1000


class HarvestHarness(Harness):
    """v3 lists by id (descending): time cursors are pushed as operator filters, unsorted."""

    name = "greenhouse"
    desc_modes = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)
    future_id = "999999999"
    not_applicable: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.fake = FakeGreenhouseHarvest()
        self.created: dict[int, datetime] = {}

    def serve(self) -> AbstractContextManager[Any]:
        return self.fake

    def connector(self) -> BaseConnector:
        return GreenhouseConnector(auth=self.fake.auth(), rate_limit_requests=10_000)

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        job = self.fake.add_job(FIRST_ID + index, created_at=created, updated_at=moment)
        return str(job["id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.fail_next(429, headers={"Retry-After": retry_after}, path_prefix="/v3/")

    def break_pagination(self) -> None:
        self.fake.repeat_first_page = True


class BoardHarness(Harness):
    name = "greenhouse_board"
    modes = (CursorMode.UID, CursorMode.UPDATED_AT)
    desc_modes = (CursorMode.UPDATED_AT,)
    future_id = "999999999"
    not_applicable = frozenset({"pagination_loop_detected"})

    def __init__(self) -> None:
        self.fake = FakeGreenhouseBoard(board_token="acme")

    def serve(self) -> AbstractContextManager[Any]:
        return self.fake

    def connector(self) -> BaseConnector:
        return GreenhouseBoardConnector(auth=NoAuth(base_url=self.fake.api_url), board_token="acme")

    def put(self, index: int, moment: datetime) -> str:
        post = self.fake.add_post(FIRST_ID + index, updated_at=moment)
        return str(post["id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.fail_next(429, headers={"Retry-After": retry_after}, path_prefix="/v1/")

    def break_pagination(self) -> None:
        raise NotImplementedError("the Job Board API serves one page")


HARNESSES: dict[str, Callable[[], Harness]] = {
    "greenhouse": HarvestHarness,
    "greenhouse_board": BoardHarness,
}


def _applicable() -> Iterator[Any]:
    """(connector, check, mode) triples that apply: no skipped placeholders."""
    for name, factory in sorted(HARNESSES.items()):
        cls: Any = factory
        for check in sorted(set(CHECKS) - cls.not_applicable):
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
