"""`HttpConnector`: the base of every connector that talks HTTP.

It owns one `HttpClient` per connector instance, created on first use under the shared policy
(`hrtech_etl.core.http`) with the API's documented rate limit, and the settings every HTTP
connector accepts (timeouts, retries, the Retry-After cap, a rate override).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import Field

from hrtech_etl.core.auth import BaseAuth
from hrtech_etl.core.connector import BaseConnector, ConnectorSettings
from hrtech_etl.core.http import HttpClient, HttpPolicy, RateLimit

__all__ = ["HttpConnector", "HttpSettings"]


class HttpSettings(ConnectorSettings):
    """Options every HTTP connector takes (subclass to add the system's own)."""

    timeout: float = Field(30.0, gt=0, description="Seconds to wait for a response")
    max_retries: int = Field(5, ge=0, le=20, description="Retries on 429/5xx/network errors")
    retry_after_cap: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; longer ends the run (exit 75)"
    )
    requests_per_second: float | None = Field(
        None, gt=0, description="Client-side rate limit; default: the API's documented limit"
    )


class HttpConnector(BaseConnector):
    """Set `rate_limit` to the API's documented limit; use `client` for requests."""

    settings_cls: ClassVar[type[ConnectorSettings]] = HttpSettings
    rate_limit: ClassVar[RateLimit | None] = None
    prefetch_pages: ClassVar[bool] = True  # the network wait overlaps with writing
    settings: HttpSettings

    def __init__(self, auth: BaseAuth | Mapping[str, Any] | None = None, **options: Any) -> None:
        super().__init__(auth, **options)
        self._client: HttpClient | None = None

    def http_policy(self) -> HttpPolicy:
        limit = self.rate_limit
        if self.settings.requests_per_second is not None:
            rate = self.settings.requests_per_second
            limit = RateLimit(rate, burst=max(1, int(rate)))
        return HttpPolicy(
            timeout=self.settings.timeout,
            max_retries=self.settings.max_retries,
            retry_after_cap=self.settings.retry_after_cap,
            rate_limit=limit,
        )

    def http_transport(self) -> httpx.BaseTransport | None:
        """A transport wrapping the default one (e.g. to translate an API's rate headers)."""
        return None

    @property
    def client(self) -> HttpClient:
        """The connector's HTTP client, created on first use."""
        if self._client is None:
            self._client = HttpClient(
                self.auth, self.http_policy(), name=self.name, transport=self.http_transport()
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
