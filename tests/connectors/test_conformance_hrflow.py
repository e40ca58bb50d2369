"""HrFlow runs the conformance kit (see ``conformance.py``) against its fake.

Only the modes HrFlow has are parametrised: ``created_at`` (bounded by created_at_min/max,
sorted) and ``updated_at`` (sorted on, never bounded; ascending reads go newest first and stop
at the cursor), both in both orders. There is no id cursor: HrFlow keys have no order, so the
id-mode checks do not apply (they are not generated, rather than skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pytest

from hrtech_etl.connectors.hrflow import HrFlowConnector
from hrtech_etl.core.auth import ApiKeyAuth
from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.types import CursorMode
from tests.connectors.conformance import CHECKS, TIME_ONLY, Harness
from tests.fakes.hrflow import BOARD_KEY, USER_EMAIL, FakeHrFlow, make_job, stamp

# A key of its own: rate-limit buckets are per credential and per process.
SECRET = "hrflow-conformance-secret"


class HrFlowHarness(Harness):
    name = "hrflow"
    modes = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)
    desc_modes = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)

    def __init__(self) -> None:
        self.fake = FakeHrFlow(api_key=SECRET)
        self.created: dict[int, datetime] = {}

    def serve(self) -> AbstractContextManager[Any]:
        return self.fake

    def connector(self) -> BaseConnector:
        auth = ApiKeyAuth(
            base_url=self.fake.base_url,
            header_name="X-API-KEY",
            api_key=SECRET,
            extra_headers={"X-USER-EMAIL": USER_EMAIL},
        )
        return HrFlowConnector(auth=auth, board_key=BOARD_KEY, requests_per_second=1000.0)

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        job = make_job(index, created_at=stamp(created), updated_at=stamp(moment))
        self.fake.put_jobs(job)
        return str(job["key"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.server.fail_next(429, headers={"Retry-After": retry_after}, path_prefix="/v1/")

    def break_pagination(self) -> None:
        self.fake.repeat_first_page = True


def _applicable() -> Iterator[Any]:
    for check in sorted(CHECKS):
        for mode in HrFlowHarness.modes:
            if check in TIME_ONLY and not mode.is_time:
                continue
            if check == "descending_order" and mode not in HrFlowHarness.desc_modes:
                continue
            yield pytest.param(check, mode, id=f"hrflow-{check}-{mode.value}")


@pytest.mark.parametrize(("check", "mode"), list(_applicable()))
def test_conformance(check: str, mode: CursorMode) -> None:
    harness = HrFlowHarness()
    with harness.serve():
        CHECKS[check](harness, mode)
