"""Unified-fallback pulls across real connectors, with no formatter: each origin's records go
through the unified models into the target's (all over HTTP to the fakes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hrtech_etl.connectors.greenhouse import GreenhouseConnector
from hrtech_etl.connectors.hrflow import HrFlowConnector
from hrtech_etl.connectors.lever import LeverConnector
from hrtech_etl.core.auth import ApiKeyAuth, BasicAuth
from hrtech_etl.core.pipeline import run_pull
from hrtech_etl.core.types import Cursor, Resource
from tests.fakes.greenhouse import FakeGreenhouseHarvest
from tests.fakes.hrflow import API_KEY, BOARD_KEY, SOURCE_KEY, USER_EMAIL, FakeHrFlow
from tests.fakes.lever import FakeLever

T0 = datetime(2024, 6, 1, tzinfo=UTC)


def hrflow(fake: FakeHrFlow) -> HrFlowConnector:
    auth = ApiKeyAuth(
        base_url=fake.base_url,
        header_name="X-API-KEY",
        api_key=API_KEY,
        extra_headers={"X-USER-EMAIL": USER_EMAIL},
    )
    return HrFlowConnector(
        auth=auth, board_key=BOARD_KEY, source_key=SOURCE_KEY, requests_per_second=1000.0
    )


def test_greenhouse_jobs_into_an_hrflow_board_without_a_formatter() -> None:
    with FakeGreenhouseHarvest() as greenhouse, FakeHrFlow() as board:
        for n in range(1, 31):
            moment = T0 + timedelta(minutes=n)
            greenhouse.add_job(
                5000 + n,
                name=f"Backend Engineer {n}",
                status="open" if n % 3 else "closed",
                created_at=moment,
                updated_at=moment,
            )
        origin = GreenhouseConnector(auth=greenhouse.auth(), rate_limit_requests=10_000)
        report = run_pull(Resource.JOB, origin, hrflow(board), Cursor(mode="updated_at"))
        assert report.errors == [] and report.stats.written == 30
        written = {job["reference"]: job for job in board.jobs().values()}
        assert set(written) == {f"REQ-{5000 + n}" for n in range(1, 31)}  # requisition ids
        assert written["REQ-5003"]["name"] == "Backend Engineer 3"

        # Incremental: one change upstream, one write downstream.
        greenhouse.update_job(5007, name="Staff Engineer", updated_at=T0 + timedelta(days=1))
        again = run_pull(Resource.JOB, origin, hrflow(board), report.cursor)
        assert again.stats.written == 1
        assert {job["reference"]: job for job in board.jobs().values()}["REQ-5007"]["name"] == (
            "Staff Engineer"
        )


def test_lever_opportunities_into_an_hrflow_source_without_a_formatter() -> None:
    with FakeLever() as lever, FakeHrFlow() as source:
        for n in range(1, 11):
            lever.add_opportunity(
                n, created=T0 + timedelta(hours=n), updated=T0 + timedelta(hours=n)
            )
        origin = LeverConnector(
            auth=BasicAuth(base_url=lever.base_url, username=lever.api_key),
            requests_per_second=1000.0,
            burst=1000,
        )
        report = run_pull(Resource.PROFILE, origin, hrflow(source), Cursor(mode="updated_at"))
        assert report.errors == [] and report.stats.written == 10
        profiles = list(source.profiles().values())
        assert len(profiles) == 10
        emails = sorted(p["info"]["email"] for p in profiles)
        assert emails == sorted(f"candidate{n}@mail.example" for n in range(1, 11))
