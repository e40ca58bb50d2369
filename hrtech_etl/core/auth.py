"""Credentials for HTTP connectors: what to send, how to name them, how to hide them.

Every auth is a frozen pydantic model whose secret fields are ``SecretStr``, so a repr, a log
line or ``model_dump_json()`` shows ``**********`` instead of the value. Profiles are read with
`auth_from_config` and written back with `auth_to_config`, which leaves the secrets out.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import httpx
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SecretStr,
    ValidationError,
    field_validator,
)

from hrtech_etl.core.errors import ConfigError, did_you_mean

__all__ = [
    "ApiKeyAuth",
    "BaseAuth",
    "BasicAuth",
    "BearerAuth",
    "NoAuth",
    "auth_class",
    "auth_from_config",
    "auth_to_config",
]

# Enough hex digits to keep distinct credentials apart, too few to be worth brute-forcing.
_IDENTITY_LENGTH = 16


def _strip_secret(value: object) -> object:
    # Keys and tokens never carry surrounding whitespace; a trailing newline from a secrets file
    # or an env var would otherwise make httpx refuse the header.
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
    return value


# A key, token or user name: surrounding whitespace dropped, empty refused.
_Credential = Annotated[SecretStr, BeforeValidator(_strip_secret)]


class BaseAuth(BaseModel):
    """What every auth provides: the API's base URL, headers to send and its secrets."""

    # Inputs are hidden in validation errors because they may be secrets.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    kind: ClassVar[str] = ""

    base_url: str = ""

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        """Names of the fields that hold secrets (typed ``SecretStr``)."""
        return tuple(
            name for name, info in cls.model_fields.items() if info.annotation is SecretStr
        )

    def _secret_values(self) -> list[str]:
        values = (getattr(self, name).get_secret_value() for name in self.secret_fields())
        return [value for value in values if value]

    def headers(self) -> dict[str, str]:
        """The headers that authenticate a request."""
        return {}

    def httpx_auth(self) -> httpx.Auth | None:
        """An httpx auth flow for schemes that sign or refresh per request; ``None`` here."""
        return None

    def secrets(self) -> list[str]:
        """Every secret string this auth may put on the wire, for log redaction."""
        return self._secret_values()

    def identity(self) -> str:
        """A short, stable sha256 hex naming this credential without revealing it.

        Used to key per-credential rate-limit buckets. Without a secret, the base URL names it.
        """
        material = self._secret_values() or [self.base_url]
        digest = hashlib.sha256("\0".join([self.kind, *material]).encode())
        return digest.hexdigest()[:_IDENTITY_LENGTH]


class NoAuth(BaseAuth):
    """Public APIs: no credentials."""

    kind: ClassVar[str] = "none"


class ApiKeyAuth(BaseAuth):
    """An API key in a header (``X-API-Key`` unless the API names another), plus extra headers.

    ``extra_headers`` are not secret (a tenant id, an API version) and are saved in profiles.
    """

    kind: ClassVar[str] = "api_key"

    header_name: str = "X-API-Key"
    api_key: _Credential
    extra_headers: dict[str, str] = {}

    @field_validator("header_name")
    @classmethod
    def _header_name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    def headers(self) -> dict[str, str]:
        return {**self.extra_headers, self.header_name: self.api_key.get_secret_value()}


class BearerAuth(BaseAuth):
    """``Authorization: Bearer <token>``."""

    kind: ClassVar[str] = "bearer"

    token: _Credential

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token.get_secret_value()}"}


class BasicAuth(BaseAuth):
    """HTTP Basic. Greenhouse and Lever style: the API key as username, a blank password."""

    kind: ClassVar[str] = "basic"

    username: _Credential
    password: SecretStr = SecretStr("")

    def _encoded(self) -> str:
        pair = f"{self.username.get_secret_value()}:{self.password.get_secret_value()}"
        return base64.b64encode(pair.encode()).decode("ascii")

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self._encoded()}"}

    def secrets(self) -> list[str]:
        # The base64 pair is as good as the password to whoever reads it in a log.
        return [*self._secret_values(), self._encoded()]


_AUTH_KINDS: dict[str, type[BaseAuth]] = {
    cls.kind: cls for cls in (ApiKeyAuth, BearerAuth, BasicAuth, NoAuth)
}


def auth_class(kind: str) -> type[BaseAuth] | None:
    """The auth model for a profile's ``type`` (``api_key``, ``bearer``, ...), if known."""
    return _AUTH_KINDS.get(kind)


def auth_from_config(config: Mapping[str, Any]) -> BaseAuth:
    """Build an auth from a profile section: ``{"type": "bearer", "token": "...", ...}``.

    The other keys are the model's field names. Mistakes raise `ConfigError` with one line that
    names the key and suggests the closest valid one.
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"auth: expected a table of keys, got {type(config).__name__}")
    kinds = sorted(_AUTH_KINDS)
    if "type" not in config:
        raise ConfigError(f"auth: missing key 'type'; one of: {', '.join(kinds)}")
    kind = config["type"]
    cls = _AUTH_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        hint = did_you_mean(kind, kinds) if isinstance(kind, str) else ""
        raise ConfigError(f"auth: unknown type {kind!r}{hint}; one of: {', '.join(kinds)}")

    fields = {key: value for key, value in config.items() if key != "type"}
    valid = list(cls.model_fields)
    for key in fields:
        if key not in cls.model_fields:
            raise ConfigError(
                f"auth ({kind}): unknown key {key!r}{did_you_mean(key, valid)}; "
                f"valid keys: type, {', '.join(valid)}"
            )
    for name, info in cls.model_fields.items():
        if info.is_required() and name not in fields:
            raise ConfigError(f"auth ({kind}): missing key {name!r}")
    try:
        return cls(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"auth ({kind}): key {where!r}: {first['msg']}") from None


def auth_to_config(auth: BaseAuth) -> dict[str, Any]:
    """The profile section for ``auth`` without its secrets, nor defaults nobody set.

    Callers put ``${VAR}`` references back for the secret keys (see ``secret_fields()``).
    """
    data = auth.model_dump(mode="json", exclude_unset=True, exclude=set(auth.secret_fields()))
    return {"type": auth.kind, **data}


# Kinds defined in their own modules add themselves to _AUTH_KINDS when imported. They subclass
# BaseAuth, so they are imported last, once everything above exists (no import cycle).
import hrtech_etl.core.oauth  # noqa: E402, F401
