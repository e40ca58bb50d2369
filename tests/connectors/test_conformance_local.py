"""The local connectors run the conformance kit (see ``conformance.py``) on tmp files.

Two checks do not apply to a local file and are not parametrised here, rather than skipped:
``rate_limited_then_served`` (a file never answers 429) and ``pagination_loop_detected`` (the
kit breaks a fake server's pagination; sqlite pages by keyset and jsonl by line, neither can
serve a page twice). Everything else runs for both connectors, in every cursor mode.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hrtech_etl.connectors.local import JsonlConnector, LocalJob, SqliteConnector
from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.types import CursorMode, Resource
from tests.connectors.conformance import CHECKS, TIME_ONLY, Harness

NOT_APPLICABLE = {"rate_limited_then_served", "pagination_loop_detected"}


class LocalHarness(Harness):
    """Records go straight into the file through the connector; there is no server."""

    desc_modes = (CursorMode.CREATED_AT, CursorMode.UPDATED_AT)
    file_name: str

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.created: dict[int, datetime] = {}
        self.opened: list[BaseConnector] = []

    @contextmanager
    def _tmp_folder(self) -> Iterator[None]:
        with tempfile.TemporaryDirectory() as folder:
            self.folder = Path(folder)
            try:
                yield
            finally:
                for connector in self.opened:
                    connector.close()

    def serve(self) -> Any:
        return self._tmp_folder()

    def make(self, path: str) -> BaseConnector:
        raise NotImplementedError

    def connector(self) -> BaseConnector:
        assert self.folder is not None, "use the harness inside serve()"
        connector = self.make(str(self.folder / self.file_name))
        self.opened.append(connector)
        return connector

    def put(self, index: int, moment: datetime) -> str:
        created = self.created.setdefault(index, moment)
        record = LocalJob(
            id=f"J{index:05d}", title=f"Job {index}", created_at=created, updated_at=moment
        )
        self.connector().write_resources_batch(Resource.JOB, [record])
        return record.id

    def fail_next_with_429(self, retry_after: str) -> None:
        raise NotImplementedError("a local file has no rate limit")

    def break_pagination(self) -> None:
        raise NotImplementedError("a local file has no server to break")


class SqliteHarness(LocalHarness):
    name = "sqlite"
    file_name = "hr.db"

    def make(self, path: str) -> BaseConnector:
        return SqliteConnector(path=path)


class JsonlHarness(LocalHarness):
    """Append mode: an updated record is a second line, which the cursor window handles."""

    name = "jsonl"
    file_name = "jobs.jsonl"

    def make(self, path: str) -> BaseConnector:
        return JsonlConnector(path=path)


HARNESSES: dict[str, Callable[[], LocalHarness]] = {
    "sqlite": SqliteHarness,
    "jsonl": JsonlHarness,
}


def _applicable() -> Iterator[Any]:
    """(connector, check, mode) triples that apply, as in ``test_conformance.py``."""
    for name, factory in sorted(HARNESSES.items()):
        cls: Any = factory
        for check in sorted(set(CHECKS) - NOT_APPLICABLE):
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
