"""Typed exceptions. Library code raises these; only the CLI and UIs turn them into messages.

Each error's ``str()`` is one line a user can act on. ``exit_code`` is the CLI exit code the
error maps to (DESIGN §6).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AuthError",
    "CoercionError",
    "ConfigError",
    "ConnectorError",
    "CursorOrderError",
    "HrtechEtlError",
    "HttpError",
    "MetadataError",
    "PaginationLoopError",
    "RateLimitError",
    "TemporaryError",
    "TooManyRejectedError",
    "UnknownConnectorError",
    "UnknownFieldError",
    "UnsupportedOperatorError",
    "did_you_mean",
]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class HrtechEtlError(Exception):
    """Base of every error this library raises on purpose."""

    exit_code = 1


class ConfigError(HrtechEtlError):
    """The user's input (arguments, profile, filter) is wrong. Exit code 2."""

    exit_code = 2


class UnknownFieldError(ConfigError):
    def __init__(self, model_name: str, field: str, known: Iterable[str]) -> None:
        known = list(known)
        self.model_name = model_name
        self.field = field
        self.known = known
        super().__init__(
            f"{model_name} has no field {field!r}{did_you_mean(field, known)}; "
            f"fields: {', '.join(known)}"
        )


class UnsupportedOperatorError(ConfigError):
    def __init__(self, model_name: str, field: str, op: str, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        self.model_name = model_name
        self.field = field
        self.op = op
        self.allowed = allowed
        listing = ", ".join(allowed) if allowed else "none (this field cannot be prefiltered)"
        super().__init__(
            f"{model_name}.{field} does not allow operator {op!r} in WHERE; allowed: {listing}"
        )


class CoercionError(ConfigError):
    """A filter or cursor value cannot be read as the field's type."""

    def __init__(self, field: str, value: object, expected: str, hint: str = "") -> None:
        self.field = field
        self.value = value
        self.expected = expected
        extra = f" ({hint})" if hint else ""
        super().__init__(f"field {field!r}: cannot read {value!r} as {expected}{extra}")


class UnknownConnectorError(ConfigError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        self.name = name
        super().__init__(
            f"unknown connector {name!r}{did_you_mean(name, known)}; known: {', '.join(known)}"
        )


class MetadataError(HrtechEtlError):
    """A connector's model declares bad field metadata. Raised at registration/import."""


class ConnectorError(HrtechEtlError):
    """A connector failed in a way that is not the user's input and not temporary."""


class AuthError(ConnectorError):
    """Credentials were refused (401/403)."""


class HttpError(ConnectorError):
    """A terminal HTTP error (a 4xx other than 408/429, or a 5xx after every retry)."""

    def __init__(self, method: str, url: str, status: int, detail: str = "") -> None:
        self.method = method
        self.url = url
        self.status = status
        self.detail = detail
        tail = f": {detail}" if detail else ""
        super().__init__(f"{method} {url} failed with HTTP {status}{tail}")


class TemporaryError(HrtechEtlError):
    """Worth retrying later: network down, rate limit past its cap. Exit code 75."""

    exit_code = 75


class RateLimitError(TemporaryError):
    pass


class PaginationLoopError(ConnectorError):
    """The source handed back a page token or page it already served in this run."""


class CursorOrderError(ConnectorError):
    """A source declared sorted by the cursor returned a record out of order."""


class TooManyRejectedError(HrtechEtlError):
    """More records were rejected than the run's threshold allows; the run stopped."""

    def __init__(self, rejected: int, limit: int) -> None:
        self.rejected = rejected
        self.limit = limit
        super().__init__(f"stopped: {rejected} records rejected, more than the limit of {limit}")
