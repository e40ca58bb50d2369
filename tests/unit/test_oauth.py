"""OAuth2 client credentials (hrtech_etl.core.oauth) against a fake token endpoint on loopback:
fetch, cache, refresh before expiry and on a 401 (once), refusals, retries, redaction."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from hrtech_etl.core.auth import auth_class, auth_from_config, auth_to_config
from hrtech_etl.core.errors import AuthError, ConfigError
from hrtech_etl.core.http import HttpClient, HttpPolicy
from hrtech_etl.core.oauth import OAuth2ClientCredentialsAuth, read_grant
from tests.fakes.greenhouse import FakeGreenhouseHarvest


@pytest.fixture
def fake() -> Iterator[FakeGreenhouseHarvest]:
    with FakeGreenhouseHarvest() as server:
        yield server


def client(auth: OAuth2ClientCredentialsAuth, sleeps: list[float] | None = None) -> HttpClient:
    return HttpClient(
        auth,
        HttpPolicy(max_retries=2),
        name="oauth-test",
        sleep=(sleeps if sleeps is not None else []).append,
    )


def token_requests(fake: FakeGreenhouseHarvest) -> int:
    return len(fake.requests_to("/token", "POST"))


def test_the_token_is_fetched_once_with_the_documented_request(
    fake: FakeGreenhouseHarvest,
) -> None:
    auth = fake.auth(token_params={"sub": "4242"}, scope="harvest:jobs:list")
    with client(auth) as http:
        http.request("GET", "/departments")
        http.request("GET", "/offices")
    [token_call] = fake.requests_to("/token", "POST")
    pair = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    assert token_call.header("Authorization") == f"Basic {pair}"
    assert token_call.header("Content-Type") == "application/x-www-form-urlencoded"
    form = parse_qs(token_call.body.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "sub": ["4242"],
        "scope": ["harvest:jobs:list"],
    }
    issued = next(iter(fake.tokens))
    api_calls = [r for r in fake.requests if r.path.startswith("/v3/")]
    assert [r.header("Authorization") for r in api_calls] == [f"Bearer {issued}"] * 2
    assert fake.token_subjects == ["4242"]


def test_clients_of_one_auth_share_its_cached_token(fake: FakeGreenhouseHarvest) -> None:
    auth = fake.auth()
    for _ in range(3):
        with client(auth) as http:
            http.request("GET", "/departments")
    assert token_requests(fake) == 1


def test_the_token_is_renewed_shortly_before_it_expires(fake: FakeGreenhouseHarvest) -> None:
    auth = fake.auth()
    flow = auth.httpx_auth()
    start = time.time()
    flow.clock = lambda: start
    with client(auth) as http:
        http.request("GET", "/departments")
        flow.clock = lambda: start + 3600 - 120  # two minutes left: still good
        http.request("GET", "/departments")
        assert token_requests(fake) == 1
        flow.clock = lambda: start + 3600 - 30  # within the margin: renewed first
        http.request("GET", "/departments")
    assert token_requests(fake) == 2
    assert flow.tokens_fetched == 2


def test_expires_at_is_read_as_well_as_expires_in() -> None:
    assert read_grant({"access_token": "t", "expires_in": 60}, now=1000.0).expires_at == 1060.0
    grant = read_grant({"access_token": "t", "expires_at": "2030-01-01T00:00:00Z"}, now=0.0)
    assert grant.expires_at == 1893456000.0
    assert read_grant({"access_token": "t"}, now=0.0).expires_at is None


@pytest.mark.parametrize(
    "body",
    [{}, {"access_token": ""}, {"access_token": 5}, {"access_token": "t", "expires_in": "soon"}],
)
def test_a_token_response_without_a_usable_token_is_refused(body: dict[str, object]) -> None:
    with pytest.raises(AuthError, match="token response"):
        read_grant(body, now=0.0)


def test_an_expires_at_token_is_cached_and_used(fake: FakeGreenhouseHarvest) -> None:
    fake.expiry_field = "expires_at"
    auth = fake.auth()
    with client(auth) as http:
        http.request("GET", "/departments")
        http.request("GET", "/offices")
    assert token_requests(fake) == 1


def test_a_401_renews_the_token_once_and_retries(fake: FakeGreenhouseHarvest) -> None:
    auth = fake.auth()
    with client(auth) as http:
        http.request("GET", "/departments")
        fake.expire_tokens()  # revoked or expired early: the cache does not know yet
        response = http.request("GET", "/departments")
    assert response.status_code == 200
    assert token_requests(fake) == 2
    statuses = [r.path for r in fake.requests]
    assert statuses == ["/token", "/v3/departments", "/v3/departments", "/token", "/v3/departments"]


def test_a_token_the_api_keeps_refusing_ends_in_auth_error(fake: FakeGreenhouseHarvest) -> None:
    fake.token_ttl = -1  # every token is born expired
    with client(fake.auth()) as http, pytest.raises(AuthError, match="HTTP 401"):
        http.request("GET", "/departments")
    assert token_requests(fake) == 2  # the first, and one renewal: never a loop


def test_wrong_client_credentials_name_the_token_endpoint_not_the_secret(
    fake: FakeGreenhouseHarvest,
) -> None:
    auth = fake.auth(client_secret="not-the-secret")
    with client(auth) as http, pytest.raises(AuthError) as caught:
        http.request("GET", "/departments")
    message = str(caught.value)
    assert fake.token_url in message and "invalid_client" in message and "HTTP 401" in message
    assert "not-the-secret" not in message
    assert fake.requests_to("/v3/departments") == []


def test_a_rate_limited_token_endpoint_is_retried_by_the_http_policy(
    fake: FakeGreenhouseHarvest,
) -> None:
    fake.fail_next(429, headers={"Retry-After": "2"}, path_prefix="/token")
    sleeps: list[float] = []
    with client(fake.auth(), sleeps) as http:
        assert http.request("GET", "/departments").status_code == 200
    assert sleeps == [2.0]
    assert token_requests(fake) == 2


def test_secrets_cover_the_client_secret_and_the_current_token(
    fake: FakeGreenhouseHarvest, caplog: pytest.LogCaptureFixture
) -> None:
    auth = fake.auth()
    assert fake.client_secret in auth.secrets()
    caplog.set_level(logging.DEBUG)
    with client(auth) as http:
        http.request("GET", "/departments")
    token = next(iter(fake.tokens))
    assert token in auth.secrets() and fake.client_secret in auth.secrets()
    shown = repr(auth) + str(auth) + auth.model_dump_json()
    assert fake.client_secret not in shown and token not in shown
    assert token not in caplog.text and fake.client_secret not in caplog.text


def test_profiles_build_it_and_save_it_without_secrets() -> None:
    assert auth_class("oauth2_client_credentials") is OAuth2ClientCredentialsAuth
    auth = auth_from_config(
        {
            "type": "oauth2_client_credentials",
            "client_id": "cid",
            "client_secret": " s3cret\n",
            "token_url": "https://auth.greenhouse.io/token",
            "token_params": {"sub": "12"},
        }
    )
    assert isinstance(auth, OAuth2ClientCredentialsAuth)
    assert auth.client_secret.get_secret_value() == "s3cret"
    assert auth.kind == "oauth2_client_credentials"
    saved = auth_to_config(auth)
    assert saved == {
        "type": "oauth2_client_credentials",
        "token_url": "https://auth.greenhouse.io/token",
        "token_params": {"sub": "12"},
    }
    assert set(OAuth2ClientCredentialsAuth.secret_fields()) == {"client_id", "client_secret"}
    assert auth.identity() == auth.model_copy().identity()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"client_id": "a", "client_secret": "b"}, "missing key 'token_url'"),
        ({"client_id": "a", "client_secret": "b", "token_url": "auth/token"}, "absolute"),
        (
            {"client_id": "a", "client_secret": "b", "token_url": "https://t", "scopes": "x"},
            "did you mean 'scope'",
        ),
    ],
)
def test_profile_mistakes_are_one_clear_line(config: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        auth_from_config({"type": "oauth2_client_credentials", **config})


def test_client_secret_in_the_body_when_asked(fake: FakeGreenhouseHarvest) -> None:
    auth = fake.auth(client_auth="body")
    with client(auth) as http, pytest.raises(AuthError):
        http.request("GET", "/departments")  # the fake only takes HTTP Basic, as Greenhouse
    [token_call] = fake.requests_to("/token", "POST")
    assert token_call.header("Authorization") is None
    form = parse_qs(token_call.body.decode())
    assert form["client_id"] == [fake.client_id] and form["client_secret"] == [fake.client_secret]
