"""Auth models: headers on the wire, secrets hidden, profile round trips and config errors."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from hrtech_etl.core.auth import (
    ApiKeyAuth,
    BaseAuth,
    BasicAuth,
    BearerAuth,
    NoAuth,
    auth_from_config,
    auth_to_config,
)
from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.http import HttpClient
from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

API_KEY = "key-AAA-0123456789"
TOKEN = "tok-bbb-9876543210"
BASIC_KEY = "gh-ccc-5555"


@pytest.fixture
def server() -> Iterator[FakeHTTPServer]:
    fake = FakeHTTPServer()

    @fake.route("GET", "/ping")
    def ping(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, {"ok": True})

    with fake:
        yield fake


def _received_headers(server: FakeHTTPServer, auth: BaseAuth) -> dict[str, str]:
    with HttpClient(auth, sleep=lambda _: None) as client:
        client.get_json("/ping")
    return server.requests[-1].headers


def test_api_key_header_and_extra_headers_reach_the_server(server: FakeHTTPServer) -> None:
    auth = ApiKeyAuth(
        base_url=server.base_url,
        header_name="X-API-Key",
        api_key=API_KEY,
        extra_headers={"X-Tenant-ID": "t"},
    )
    headers = _received_headers(server, auth)
    assert headers["x-api-key"] == API_KEY
    assert headers["x-tenant-id"] == "t"
    assert "authorization" not in headers


def test_api_key_custom_header_name(server: FakeHTTPServer) -> None:
    auth = ApiKeyAuth(base_url=server.base_url, header_name="Api-Token", api_key=API_KEY)
    headers = _received_headers(server, auth)
    assert headers["api-token"] == API_KEY
    assert "x-api-key" not in headers


def test_bearer_header_reaches_the_server(server: FakeHTTPServer) -> None:
    headers = _received_headers(server, BearerAuth(base_url=server.base_url, token=TOKEN))
    assert headers["authorization"] == f"Bearer {TOKEN}"


def test_basic_header_uses_key_as_username_and_blank_password(server: FakeHTTPServer) -> None:
    headers = _received_headers(server, BasicAuth(base_url=server.base_url, username=BASIC_KEY))
    expected = base64.b64encode(f"{BASIC_KEY}:".encode()).decode()
    assert headers["authorization"] == f"Basic {expected}"


def test_no_auth_sends_no_credentials(server: FakeHTTPServer) -> None:
    headers = _received_headers(server, NoAuth(base_url=server.base_url))
    assert "authorization" not in headers
    assert "x-api-key" not in headers
    assert headers["user-agent"].startswith("hrtech-etl/")


@pytest.mark.parametrize(
    ("auth", "secret"),
    [
        (ApiKeyAuth(base_url="https://api.example", api_key=API_KEY), API_KEY),
        (BearerAuth(base_url="https://api.example", token=TOKEN), TOKEN),
        (BasicAuth(base_url="https://api.example", username=BASIC_KEY), BASIC_KEY),
        (BasicAuth(username="user-x", password="pw-secret-123"), "pw-secret-123"),
    ],
)
def test_secrets_are_hidden_everywhere(auth: BaseAuth, secret: str) -> None:
    assert secret in auth.secrets()
    for shown in (repr(auth), str(auth), auth.model_dump_json(), repr(auth_to_config(auth))):
        assert secret not in shown
    assert secret not in auth.identity()


def test_basic_secrets_include_the_encoded_pair() -> None:
    auth = BasicAuth(username=BASIC_KEY)
    assert base64.b64encode(f"{BASIC_KEY}:".encode()).decode() in auth.secrets()


def test_identity_is_short_stable_hex_and_per_credential() -> None:
    one = BearerAuth(base_url="https://a.example", token=TOKEN)
    same = BearerAuth(base_url="https://b.example", token=TOKEN)
    other = BearerAuth(base_url="https://a.example", token=TOKEN + "x")
    assert one.identity() == same.identity()
    assert one.identity() != other.identity()
    assert len(one.identity()) == 16
    int(one.identity(), 16)
    # Same secret under another scheme is another credential.
    assert ApiKeyAuth(api_key=TOKEN).identity() != one.identity()
    # Without a secret, the API itself is the identity.
    assert NoAuth(base_url="https://a.example").identity() != NoAuth().identity()


def test_base_url_trailing_slash_is_stripped() -> None:
    assert BearerAuth(base_url="https://api.example/v1/", token=TOKEN).base_url == (
        "https://api.example/v1"
    )


def test_credentials_are_trimmed_and_must_not_be_blank() -> None:
    assert BearerAuth(token=f" {TOKEN}\n").token.get_secret_value() == TOKEN
    with pytest.raises(ValidationError) as info:
        ApiKeyAuth(api_key="   ")
    assert "must not be empty" in str(info.value)


def test_models_are_frozen() -> None:
    auth = BearerAuth(token=TOKEN)
    with pytest.raises(ValidationError):
        auth.token = "other"  # type: ignore[misc, assignment]


def test_auth_from_config_builds_each_kind() -> None:
    api = auth_from_config(
        {
            "type": "api_key",
            "base_url": "https://api.example/",
            "header_name": "X-Key",
            "api_key": API_KEY,
            "extra_headers": {"X-Tenant-ID": "t"},
        }
    )
    assert isinstance(api, ApiKeyAuth)
    assert api.headers() == {"X-Tenant-ID": "t", "X-Key": API_KEY}
    assert api.base_url == "https://api.example"
    assert isinstance(auth_from_config({"type": "bearer", "token": TOKEN}), BearerAuth)
    basic = auth_from_config({"type": "basic", "username": BASIC_KEY})
    assert isinstance(basic, BasicAuth)
    assert basic.password.get_secret_value() == ""
    assert isinstance(auth_from_config({"type": "none"}), NoAuth)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"type": "baerer", "token": TOKEN}, "unknown type 'baerer' (did you mean 'bearer'?)"),
        ({"token": TOKEN}, "missing key 'type'"),
        ({"type": "bearer", "tokn": TOKEN}, "unknown key 'tokn' (did you mean 'token'?)"),
        (
            {"type": "api_key", "api_key": API_KEY, "header": "X"},
            "unknown key 'header' (did you mean 'header_name'?)",
        ),
        ({"type": "api_key", "base_url": "https://x"}, "missing key 'api_key'"),
        ({"type": "bearer", "token": ""}, "key 'token': Value error, must not be empty"),
        ({"type": "api_key", "api_key": API_KEY, "extra_headers": "t"}, "key 'extra_headers'"),
    ],
)
def test_auth_from_config_errors_are_one_clear_line(
    config: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        auth_from_config(config)
    text = str(info.value)
    assert message in text
    assert "\n" not in text
    assert API_KEY not in text and TOKEN not in text


def test_auth_to_config_omits_secrets_and_round_trips() -> None:
    auth = ApiKeyAuth(
        base_url="https://api.example",
        header_name="X-API-Key",
        api_key=API_KEY,
        extra_headers={"X-Tenant-ID": "t"},
    )
    config = auth_to_config(auth)
    assert config == {
        "type": "api_key",
        "base_url": "https://api.example",
        "header_name": "X-API-Key",
        "extra_headers": {"X-Tenant-ID": "t"},
    }
    assert auth.secret_fields() == ("api_key",)
    assert auth_from_config({**config, "api_key": API_KEY}) == auth


def test_auth_to_config_saves_only_what_was_set() -> None:
    assert auth_to_config(BasicAuth(username=BASIC_KEY, password="pw")) == {"type": "basic"}
    assert auth_to_config(NoAuth()) == {"type": "none"}
