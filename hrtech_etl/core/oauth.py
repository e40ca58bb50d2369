"""OAuth 2.0 client credentials (RFC 6749 §4.4): a bearer token fetched, cached and refreshed.

`OAuth2ClientCredentialsAuth` is an auth like the others in `hrtech_etl.core.auth` (a frozen
pydantic model, secrets as ``SecretStr``) whose `httpx_auth()` flow does the work for the shared
`HttpClient`:

- the first request fetches a token: ``POST token_url`` with ``grant_type=client_credentials``
  (plus ``scope`` and any ``token_params``), the client authenticated with HTTP Basic
  ``client_id:client_secret`` (or in the form body with ``client_auth = "body"``);
- the token is cached until shortly before it expires (``expires_in`` seconds or an
  ``expires_at`` time, whichever the server sends; without either, until it is refused);
- a 401 from the API drops the token, fetches a new one and sends the request again, once;
- a 429 or 5xx from the token endpoint is handed to the client's retry policy as it is; any
  other refusal raises `AuthError` naming the token endpoint and the OAuth error code.

The token never appears in a message or a log line. Profiles say::

    auth = { type = "oauth2_client_credentials", token_url = "https://auth.example/token",
             client_id = "${CLIENT_ID}", client_secret = "${CLIENT_SECRET}" }
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import httpx
from pydantic import PrivateAttr, field_validator

from hrtech_etl.core.auth import _AUTH_KINDS, BaseAuth, _Credential
from hrtech_etl.core.errors import AuthError
from hrtech_etl.core.types import parse_timestamp

__all__ = ["ClientCredentialsFlow", "OAuth2ClientCredentialsAuth", "TokenGrant", "read_grant"]

# A token is renewed this long before it expires (or a tenth of its life, when shorter), so a
# request never leaves with a token that dies on the way.
REFRESH_MARGIN_SECONDS = 60.0
# Statuses of the token endpoint that the HTTP policy retries; anything else is a refusal.
_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """An access token and when to stop using it (``None``: until the API refuses it)."""

    access_token: str
    expires_at: float | None
    lifetime: float | None = None  # seconds, from when it was issued


def read_grant(body: Any, now: float) -> TokenGrant:
    """The grant in a token response body; `AuthError` when it holds no usable token.

    ``expires_in`` (seconds from now) and ``expires_at`` (epoch seconds or ISO-8601) are both
    accepted, as providers differ.
    """
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise AuthError("the OAuth token response has no access_token")
    token = body["access_token"].strip()
    if not token:
        raise AuthError("the OAuth token response has an empty access_token")
    expires_at: float | None = None
    if body.get("expires_in") is not None:
        try:
            expires_at = now + float(body["expires_in"])
        except (TypeError, ValueError):
            raise AuthError("the OAuth token response has an unreadable expires_in") from None
    elif body.get("expires_at") is not None:
        try:
            expires_at = parse_timestamp(body["expires_at"]).timestamp()
        except ValueError:
            raise AuthError("the OAuth token response has an unreadable expires_at") from None
    lifetime = None if expires_at is None else max(0.0, expires_at - now)
    return TokenGrant(access_token=token, expires_at=expires_at, lifetime=lifetime)


class ClientCredentialsFlow(httpx.Auth):
    """The httpx flow behind `OAuth2ClientCredentialsAuth`: one token cache per auth object.

    ``clock`` (epoch seconds) is replaceable so tests can move time.
    """

    requires_response_body = True

    def __init__(self, auth: OAuth2ClientCredentialsAuth) -> None:
        self._auth = auth
        self._lock = threading.Lock()
        self._grant: TokenGrant | None = None
        self.clock: Callable[[], float] = time.time
        self.tokens_fetched = 0

    # -- cache ------------------------------------------------------------------------------------
    @property
    def access_token(self) -> str | None:
        grant = self._grant
        return grant.access_token if grant is not None else None

    def cached_token(self) -> str | None:
        """The cached token if it is still good for a while, else ``None``."""
        with self._lock:
            grant = self._grant
            if grant is None:
                return None
            expired = grant.expires_at is not None and (
                self.clock() >= grant.expires_at - _margin(grant)
            )
            return None if expired else grant.access_token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (refused by the API); a newer token fetched meanwhile is kept."""
        with self._lock:
            if self._grant is not None and self._grant.access_token == token:
                self._grant = None

    # -- the flow ---------------------------------------------------------------------------------
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.cached_token()
        if token is None:
            response = yield self._token_request(request)
            token = self._store(response)
            if token is None:
                return  # a 429/5xx of the token endpoint: the client's retry policy decides
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        # Revoked, rotated or expired early: one fresh token, one more try.
        self.invalidate(token)
        response = yield self._token_request(request)
        token = self._store(response)
        if token is None:
            return
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _token_request(self, original: httpx.Request) -> httpx.Request:
        auth = self._auth
        form: dict[str, str] = {**auth.token_params, "grant_type": "client_credentials"}
        if auth.scope:
            form["scope"] = auth.scope
        headers = {"Accept": "application/json"}
        user_agent = original.headers.get("User-Agent")
        if user_agent:
            headers["User-Agent"] = user_agent
        client_id = auth.client_id.get_secret_value()
        client_secret = auth.client_secret.get_secret_value()
        if auth.client_auth == "basic":
            pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
        else:
            form["client_id"] = client_id
            form["client_secret"] = client_secret
        return httpx.Request("POST", auth.token_url, data=form, headers=headers)

    def _store(self, response: httpx.Response) -> str | None:
        status = response.status_code
        if status in _RETRYABLE:
            return None
        where = f"the OAuth token endpoint {self._auth.token_url}"
        if status >= 400:
            raise AuthError(
                f"{where} refused the client credentials (HTTP {status}"
                f"{_error_code(response)}); check client_id, client_secret and scope"
            )
        try:
            body = response.json()
        except ValueError:
            raise AuthError(f"{where} answered HTTP {status} without JSON") from None
        grant = read_grant(body, self.clock())
        with self._lock:
            self._grant = grant
            self.tokens_fetched += 1
        return grant.access_token


def _margin(grant: TokenGrant) -> float:
    if grant.lifetime is None:
        return 0.0
    return min(REFRESH_MARGIN_SECONDS, grant.lifetime / 10)


def _error_code(response: httpx.Response) -> str:
    """``: invalid_client`` from an RFC 6749 error body; never more (bodies may echo input)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    code = body.get("error") if isinstance(body, dict) else None
    return f": {code}" if isinstance(code, str) and _ERROR_CODE.match(code) else ""


class OAuth2ClientCredentialsAuth(BaseAuth):
    """OAuth 2.0 client credentials: ``Authorization: Bearer <token>``, fetched and renewed.

    ``token_params`` are extra form fields for the token request (Greenhouse: ``sub``, the
    acting user's id); they are not secret and are saved in profiles.
    """

    kind: ClassVar[str] = "oauth2_client_credentials"

    token_url: str
    client_id: _Credential
    client_secret: _Credential
    scope: str | None = None
    token_params: dict[str, str] = {}
    client_auth: Literal["basic", "body"] = "basic"

    _flow: ClientCredentialsFlow = PrivateAttr()

    @field_validator("token_url")
    @classmethod
    def _absolute_token_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value

    def model_post_init(self, context: Any, /) -> None:
        self._flow = ClientCredentialsFlow(self)

    def httpx_auth(self) -> ClientCredentialsFlow:
        """The flow every client of this auth shares, so they share its cached token."""
        return self._flow

    def secrets(self) -> list[str]:
        token = self._flow.access_token
        return [*self._secret_values(), *([token] if token else [])]


_AUTH_KINDS[OAuth2ClientCredentialsAuth.kind] = OAuth2ClientCredentialsAuth
