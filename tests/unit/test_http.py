"""The shared HTTP policy, against a real loopback server: retries, limits, errors, redaction."""

from __future__ import annotations

import logging
import random
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import formatdate

import pytest

from hrtech_etl.core.auth import ApiKeyAuth, BaseAuth, BasicAuth, BearerAuth, NoAuth
from hrtech_etl.core.errors import AuthError, HttpError, RateLimitError, TemporaryError
from hrtech_etl.core.http import (
    HttpClient,
    HttpPolicy,
    RateLimit,
    TokenBucket,
    backoff_delay,
    bucket_for,
    parse_retry_after,
    redact,
)
from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

API_KEY = "key-AAA-0123456789"
TOKEN = "tok-bbb-9876543210"


class Sleeps:
    """An injected sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> Iterator[FakeHTTPServer]:
    fake = FakeHTTPServer()

    @fake.route("GET", "/jobs")
    def jobs(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, {"jobs": [{"id": "1"}], "query": request.query})

    @fake.route("POST", "/jobs")
    def create(request: FakeRequest) -> FakeResponse:
        return FakeResponse(201, {"created": request.json()})

    @fake.route("GET", "/echo")
    def echo(request: FakeRequest) -> FakeResponse:
        # A careless API that reflects the credentials back, in the body and in a header.
        return FakeResponse(
            200,
            {"headers": request.headers},
            headers={"X-Echo-Key": request.header("x-api-key") or ""},
        )

    @fake.route("GET", "/echo-error")
    def echo_error(request: FakeRequest) -> FakeResponse:
        return FakeResponse(400, {"error": f"bad key {request.header('x-api-key')}"})

    @fake.route("GET", "/empty")
    def empty(request: FakeRequest) -> FakeResponse:
        return FakeResponse(204)

    @fake.route("GET", "/html")
    def html(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, raw=b"<html>maintenance</html>")

    with fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def _client(
    server: FakeHTTPServer,
    sleeps: Sleeps,
    policy: HttpPolicy | None = None,
    auth: BaseAuth | None = None,
) -> HttpClient:
    auth = auth or ApiKeyAuth(base_url=server.base_url, api_key=API_KEY)
    return HttpClient(auth, policy or HttpPolicy(), sleep=sleeps, rng=random.Random(7))


# -- success paths ----------------------------------------------------------------------------
def test_get_json_sends_user_agent_and_repeated_list_params(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    with _client(server, sleeps) as client:
        body = client.get_json("/jobs", params={"status": ["open", "draft"], "limit": 10})
    assert body["jobs"] == [{"id": "1"}]
    assert body["query"] == {"status": ["open", "draft"], "limit": ["10"]}
    request = server.requests[-1]
    assert (request.header("user-agent") or "").startswith("hrtech-etl/")
    assert sleeps.calls == []


def test_request_posts_json(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    with _client(server, sleeps) as client:
        response = client.request("post", "/jobs", json={"title": "Nurse"})
    assert response.status_code == 201
    assert response.json() == {"created": {"title": "Nurse"}}
    assert server.requests[-1].method == "POST"


def test_get_json_of_empty_body_is_none(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    with _client(server, sleeps) as client:
        assert client.get_json("/empty") is None


def test_get_json_of_non_json_is_http_error(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    with _client(server, sleeps) as client, pytest.raises(HttpError) as info:
        client.get_json("/html")
    assert "not JSON" in str(info.value)
    assert "maintenance" in str(info.value)


# -- retries ----------------------------------------------------------------------------------
def test_429_with_retry_after_waits_that_long_then_succeeds(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    server.fail_next(429, headers={"Retry-After": "1"})
    with _client(server, sleeps) as client:
        assert client.get_json("/jobs")["jobs"] == [{"id": "1"}]
    assert sleeps.calls == [1.0]
    assert len(server.requests) == 2


def test_retry_after_as_http_date_is_honoured(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    later = datetime.now(UTC).timestamp() + 5
    server.fail_next(503, headers={"Retry-After": formatdate(later, usegmt=True)})
    with _client(server, sleeps) as client:
        client.get_json("/jobs")
    assert len(sleeps.calls) == 1
    assert 2.0 <= sleeps.calls[0] <= 6.0


def test_retry_after_above_cap_raises_at_once_without_sleeping(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    server.fail_next(429, headers={"Retry-After": "3600"})
    with _client(server, sleeps) as client, pytest.raises(RateLimitError) as info:
        client.get_json("/jobs")
    assert sleeps.calls == []
    assert len(server.requests) == 1
    assert "3600" in str(info.value)


def test_503_twice_then_200_succeeds_after_two_retries(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    server.fail_next(503, times=2)
    with _client(server, sleeps) as client:
        assert client.get_json("/jobs")["jobs"] == [{"id": "1"}]
    assert len(sleeps.calls) == 2
    assert len(server.requests) == 3


def test_500_forever_is_http_error_after_max_retries_plus_one(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    server.fail_next(500, times=100, body={"error": "boom"})
    policy = HttpPolicy(max_retries=3)
    with _client(server, sleeps, policy) as client, pytest.raises(HttpError) as info:
        client.get_json("/jobs")
    assert info.value.status == 500
    assert "boom" in str(info.value)
    assert len(server.requests) == 4
    assert len(sleeps.calls) == 3


def test_429_forever_is_rate_limit_error(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    server.fail_next(429, times=100)
    with (
        _client(server, sleeps, HttpPolicy(max_retries=2)) as client,
        pytest.raises(RateLimitError),
    ):
        client.get_json("/jobs")
    assert len(server.requests) == 3


def test_408_is_retried(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    server.fail_next(408)
    with _client(server, sleeps) as client:
        client.get_json("/jobs")
    assert len(server.requests) == 2


def test_jitter_is_full_exponential_and_deterministic_with_a_seed(
    server: FakeHTTPServer,
) -> None:
    policy = HttpPolicy(backoff_base=0.5, backoff_max=1.5)
    runs: list[list[float]] = []
    for _ in range(2):
        sleeps = Sleeps()
        server.fail_next(502, times=4)
        with HttpClient(
            ApiKeyAuth(base_url=server.base_url, api_key=API_KEY),
            policy,
            sleep=sleeps,
            rng=random.Random(42),
        ) as client:
            client.get_json("/jobs")
        runs.append(sleeps.calls)
    seeded = random.Random(42)
    expected = [seeded.uniform(0, ceiling) for ceiling in (0.5, 1.0, 1.5, 1.5)]
    assert runs[0] == runs[1] == expected


def test_backoff_delay_stays_under_the_exponential_ceiling() -> None:
    policy = HttpPolicy(backoff_base=0.5, backoff_max=30.0)
    rng = random.Random(0)
    for attempt in range(10):
        for _ in range(50):
            assert 0 <= backoff_delay(policy, attempt, rng) <= min(30.0, 0.5 * 2**attempt)


# -- terminal errors --------------------------------------------------------------------------
def test_404_is_http_error_after_exactly_one_request(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    with _client(server, sleeps) as client, pytest.raises(HttpError) as info:
        client.get_json("/nowhere")
    assert info.value.status == 404
    assert "no route" in str(info.value)
    assert len(server.requests) == 1
    assert sleeps.calls == []


def test_error_body_excerpt_is_short(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    server.fail_next(422, body={"error": "x" * 5000})
    with _client(server, sleeps) as client, pytest.raises(HttpError) as info:
        client.get_json("/jobs")
    assert len(info.value.detail) <= 200


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_auth_errors_without_retry(
    server: FakeHTTPServer, sleeps: Sleeps, status: int
) -> None:
    server.fail_next(status, body={"error": "invalid key"})
    with _client(server, sleeps) as client, pytest.raises(AuthError) as info:
        client.get_json("/jobs")
    assert str(status) in str(info.value)
    assert len(server.requests) == 1
    assert sleeps.calls == []


def test_connection_refused_is_temporary_error_after_retries(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    auth = ApiKeyAuth(base_url=f"http://127.0.0.1:{port}", api_key=API_KEY)
    client = HttpClient(auth, HttpPolicy(max_retries=2), sleep=sleeps)
    with client, pytest.raises(TemporaryError) as info:
        client.get_json("/jobs")
    assert not isinstance(info.value, RateLimitError)
    assert "ConnectError" in str(info.value)
    assert "3 attempts" in str(info.value)
    assert len(sleeps.calls) == 2


# -- rate limiting ----------------------------------------------------------------------------
def test_token_bucket_enforces_the_rate_with_a_fake_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=1, clock=clock, sleep=clock.sleep)
    started = clock.now
    for _ in range(5):
        bucket.acquire()
    assert clock.now - started == pytest.approx(2.0)
    assert clock.slept == pytest.approx([0.5, 0.5, 0.5, 0.5])


def test_token_bucket_allows_a_burst_then_refills() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert bucket.acquire() == 0
    assert bucket.acquire() == pytest.approx(1.0)
    clock.now += 10  # idle time refills up to the burst, not beyond
    for _ in range(3):
        assert bucket.acquire() == 0
    assert bucket.acquire() == pytest.approx(1.0)


def test_bucket_for_shares_one_bucket_per_key() -> None:
    limit = RateLimit(requests_per_second=5)
    assert bucket_for("test-share:abc", limit) is bucket_for("test-share:abc", limit)
    assert bucket_for("test-share:abc", limit) is not bucket_for("test-share:def", limit)


def test_clients_sharing_a_credential_share_its_rate_limit(
    server: FakeHTTPServer, sleeps: Sleeps
) -> None:
    auth = BearerAuth(base_url=server.base_url, token=TOKEN)
    limit = RateLimit(requests_per_second=2.0)
    clock = FakeClock()
    # Registered first with a frozen clock, so the waits are exact.
    bucket_for(f"shared-limit:{auth.identity()}", limit, clock=clock)
    policy = HttpPolicy(rate_limit=limit)
    with (
        HttpClient(auth, policy, name="shared-limit", sleep=sleeps) as one,
        HttpClient(auth, policy, name="shared-limit", sleep=sleeps) as two,
    ):
        one.get_json("/jobs")
        two.get_json("/jobs")
        one.get_json("/jobs")
    assert sleeps.calls == pytest.approx([0.5, 1.0])
    assert len(server.requests) == 3


def test_rate_limit_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RateLimit(requests_per_second=0)
    with pytest.raises(ValueError):
        RateLimit(requests_per_second=1, burst=0)


# -- Retry-After parsing ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        ("0", 0.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Wed, 01 Jan 2025 00:00:30 GMT", 30.0),
        ("Tue, 31 Dec 2024 23:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


# -- redaction --------------------------------------------------------------------------------
def test_redact_replaces_raw_and_url_encoded_secrets() -> None:
    secret = "a/b+c=="
    text = f"raw {secret} quoted a%2Fb%2Bc%3D%3D plus a%2Fb%2Bc%3D%3D"
    assert redact(text, [secret, ""]) == "raw *** quoted *** plus ***"


def test_secrets_never_reach_logs_even_when_the_server_echoes_them(
    server: FakeHTTPServer, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.fail_next(503, times=1, body={"error": f"overloaded for {API_KEY}"})
    with _client(server, sleeps) as client:
        echoed = client.get_json("/echo")
        with pytest.raises(HttpError) as info:
            client.get_json("/echo-error")
    assert echoed["headers"]["x-api-key"] == API_KEY  # the server really did echo it
    assert API_KEY not in str(info.value)
    assert "***" in str(info.value)
    assert any(r.name == "hrtech_etl.http" and r.levelno == logging.WARNING for r in caplog.records)
    assert any(r.name == "hrtech_etl.http" and r.levelno == logging.DEBUG for r in caplog.records)
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert API_KEY not in caplog.text
    for record in caplog.records:
        assert API_KEY not in record.getMessage()


@pytest.mark.parametrize(
    "auth_factory",
    [
        lambda url: BearerAuth(base_url=url, token=TOKEN),
        lambda url: BasicAuth(base_url=url, username=TOKEN),
    ],
)
def test_authorization_secrets_are_redacted_from_errors_and_logs(
    server: FakeHTTPServer,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
    auth_factory: Callable[[str], BaseAuth],
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = auth_factory(server.base_url)
    wire = auth.headers()["Authorization"].split(" ", 1)[1]

    @server.route("GET", "/reflect")
    def reflect(request: FakeRequest) -> FakeResponse:
        value = request.header("authorization") or ""
        return FakeResponse(400, {"got": value}, headers={"X-Seen": value})

    with _client(server, sleeps, auth=auth) as client, pytest.raises(HttpError) as info:
        client.get_json("/reflect")
    for secret in (TOKEN, wire):
        assert secret not in str(info.value)
        assert secret not in caplog.text


def test_no_auth_client_works_without_secrets(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    with _client(server, sleeps, auth=NoAuth(base_url=server.base_url)) as client:
        assert client.get_json("/jobs")["jobs"] == [{"id": "1"}]


def test_close_is_idempotent(server: FakeHTTPServer, sleeps: Sleeps) -> None:
    client = _client(server, sleeps)
    client.close()
    client.close()
