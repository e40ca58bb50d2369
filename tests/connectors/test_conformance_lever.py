"""Both Lever connectors run the conformance kit (see ``conformance.py``) against their fakes.

Applicable checks only, none skipped:

- ``lever`` (opportunities and postings): created_at and updated_at cursors, ascending and
  descending. Lever ids are random UUIDs with no order and no id filter, so there is no id
  cursor and the id-mode checks are not parametrised.
- ``lever_postings``: the created_at cursor only (v0 has no updated time), both directions.

Lever's 429 is plain (no ``Retry-After``), so the harness injects it without the header and
the HTTP policy's backoff does the waiting. Each harness builds one connector and reuses it for
every pull of a check, as a long-lived process would (and an HTTP client is costly to build).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import pytest

from hrtech_etl.connectors.lever import LeverConnector, LeverPostingsConnector
from hrtech_etl.core.auth import BasicAuth, NoAuth
from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.types import CursorMode, Resource
from tests.connectors.conformance import CHECKS, TIME_ONLY, Harness
from tests.fakes.lever import FakeLever, FakeLeverPostings

TIME_MODES = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)


class _ReusingHarness(Harness):
    """Starts ``self.fake`` and closes the one connector the checks share."""

    fake: AbstractContextManager[Any]
    _connector: BaseConnector | None = None

    def serve(self) -> AbstractContextManager[Any]:
        return self._serving()

    @contextmanager
    def _serving(self) -> Iterator[None]:
        with self.fake:
            try:
                yield
            finally:
                if self._connector is not None:
                    self._connector.close()

    def connector(self) -> BaseConnector:
        if self._connector is None:
            self._connector = self.build()
        return self._connector

    def build(self) -> BaseConnector:
        raise NotImplementedError


class LeverHarness(_ReusingHarness):
    """Opportunities through ``lever`` (v1)."""

    name = "lever"
    resource = Resource.PROFILE
    modes = TIME_MODES
    desc_modes = TIME_MODES
    fake: FakeLever

    def __init__(self) -> None:
        self.fake = FakeLever()
        self.created: dict[int, datetime] = {}

    def build(self) -> BaseConnector:
        auth = BasicAuth(base_url=self.fake.base_url, username=self.fake.api_key)
        return LeverConnector(auth=auth, requests_per_second=1000.0, burst=1000)

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        return str(self.fake.add_opportunity(index, created=created, updated=moment)["id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.fail_next(429, path_prefix="/v1/")  # Lever's 429 carries no Retry-After

    def break_pagination(self) -> None:
        self.fake.repeat_first_page = True


class LeverPostingsV1Harness(LeverHarness):
    """Postings through ``lever`` (v1): updated_at has a lower-bound param, created_at none."""

    name = "lever_v1_postings"
    resource = Resource.JOB

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        return str(self.fake.add_posting(index, created=created, updated=moment)["id"])


class LeverPublicHarness(_ReusingHarness):
    """Published postings through ``lever_postings`` (v0): created_at in memory only."""

    name = "lever_postings"
    resource = Resource.JOB
    modes = (CursorMode.CREATED_AT,)
    desc_modes = (CursorMode.CREATED_AT,)
    fake: FakeLeverPostings

    def __init__(self) -> None:
        self.fake = FakeLeverPostings(site="acme")
        self.created: dict[int, datetime] = {}

    def build(self) -> BaseConnector:
        return LeverPostingsConnector(auth=NoAuth(base_url=self.fake.base_url), site="acme")

    def put(self, index: int, moment: datetime) -> str:
        # v0 has no updated time: an update keeps createdAt (the kit expects that).
        created = self.created.setdefault(index, moment)
        return str(self.fake.add_posting(index, created=created)["id"])

    def fail_next_with_429(self, retry_after: str) -> None:
        self.fake.fail_next(429, path_prefix="/v0/")

    def break_pagination(self) -> None:
        self.fake.repeat_first_page = True


HARNESSES: dict[str, Callable[[], Harness]] = {
    "lever": LeverHarness,
    "lever_v1_postings": LeverPostingsV1Harness,
    "lever_postings": LeverPublicHarness,
}


def _applicable() -> Iterator[Any]:
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
