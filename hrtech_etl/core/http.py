"""The one HTTP policy every HTTP connector uses.

`HttpClient` wraps an ``httpx.Client`` with timeouts, retries (exponential backoff with full
jitter, ``Retry-After`` honoured up to a cap), a per-credential token bucket, a ``User-Agent``,
typed errors and logging in which secrets are replaced by ``***``.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, quote, quote_plus, urljoin, urlsplit

import certifi
import httpx

from hrtech_etl import __version__
from hrtech_etl.core.auth import BaseAuth
from hrtech_etl.core.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    HttpError,
    RateLimitError,
    TemporaryError,
)

__all__ = [
    "DEFAULT_POLICY",
    "HttpClient",
    "HttpPolicy",
    "RateLimit",
    "TokenBucket",
    "backoff_delay",
    "bucket_for",
    "parse_retry_after",
    "redact",
]

logger = logging.getLogger("hrtech_etl.http")

REDACTED = "***"
USER_AGENT = f"hrtech-etl/{__version__}"
_EXCERPT_LENGTH = 200


# -- redaction --------------------------------------------------------------------------------
def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, raw or percent-encoded, replaced by ``***``."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms.update((secret, quote(secret, safe=""), quote_plus(secret, safe="")))
    # Longest first, so a secret that contains another is not left half-visible.
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


class _LibraryLogRedactor(logging.Filter):
    """Redacts the secrets of every open `HttpClient` from httpx's and httpcore's own logs.

    httpcore logs response headers at DEBUG, and a server may echo a credential back there.
    """

    # httpx and httpcore log on these exact names; a filter only sees its own logger's records.
    LOGGER_NAMES = (
        "httpx",
        "httpcore.connection",
        "httpcore.http11",
        "httpcore.http2",
        "httpcore.proxy",
        "httpcore.socks",
    )

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: Counter[str] = Counter()

    def register(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s)

    def unregister(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets.subtract(s for s in secrets if s)
            self._secrets = +self._secrets  # drop the ones no open client holds

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = list(self._secrets)
        if secrets:
            record.msg = redact(record.getMessage(), secrets)
            record.args = None
        return True


_library_redactor = _LibraryLogRedactor()
for _name in _LibraryLogRedactor.LOGGER_NAMES:
    logging.getLogger(_name).addFilter(_library_redactor)


# -- rate limiting ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RateLimit:
    """A documented API limit: ``requests_per_second`` on average, up to ``burst`` at once."""

    requests_per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")


class TokenBucket:
    """A thread-safe token bucket that starts full.

    Callers reserve a token and wait outside the lock, so waiting threads queue in order.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def reserve(self) -> float:
        """Take a token now; return how many seconds to wait before using it."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            # Going below zero is the queue: each reservation waits its turn.
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> float:
        """Block until a token is available; return the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


_buckets: dict[str, TokenBucket] = {}
_buckets_lock = threading.Lock()


def bucket_for(
    key: str, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic
) -> TokenBucket:
    """The process-wide bucket for ``key``, so clients sharing a credential share its limit.

    The first call for a key decides its limit and clock; later calls get the same bucket.
    """
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(limit.requests_per_second, limit.burst, clock=clock)
            _buckets[key] = bucket
        return bucket


# -- retry policy -----------------------------------------------------------------------------
@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts, retries and rate limit for one API. Times are in seconds."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0
    rate_limit: RateLimit | None = None
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})


DEFAULT_POLICY = HttpPolicy()


def backoff_delay(policy: HttpPolicy, attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff before retry number ``attempt + 1``."""
    ceiling = min(policy.backoff_max, policy.backoff_base * 2**attempt)
    return rng.uniform(0, ceiling)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP-date), else ``None``."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one loads the CA bundle (~0.1 s)."""
    return ssl.create_default_context(cafile=certifi.where())


# -- client -----------------------------------------------------------------------------------
class HttpClient:
    """One API's HTTP session under the shared policy.

    ``request`` returns a response below 400, or raises: `AuthError` on 401/403, `HttpError`
    on any other 4xx at once and on 5xx once retries run out, `RateLimitError` when a 429
    outlasts the retries or ``Retry-After`` asks for more than the cap, `TemporaryError` when
    the network keeps failing. Secrets never appear in messages or logs.
    """

    def __init__(
        self,
        auth: BaseAuth,
        policy: HttpPolicy = DEFAULT_POLICY,
        *,
        name: str = "http",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.auth = auth
        self.policy = policy
        self.name = name
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secrets = auth.secrets()
        self._bucket = (
            bucket_for(f"{name}:{auth.identity()}", policy.rate_limit)
            if policy.rate_limit is not None
            else None
        )
        self._client = httpx.Client(
            base_url=auth.base_url,
            headers={"User-Agent": USER_AGENT, **auth.headers()},
            auth=auth.httpx_auth(),
            timeout=httpx.Timeout(policy.timeout, connect=policy.connect_timeout),
            transport=transport,
            verify=_tls_context(),
        )
        _library_redactor.register(self._secrets)
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection pool. Safe to call twice."""
        if not self._closed:
            self._closed = True
            self._client.close()
            _library_redactor.unregister(self._secrets)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------
    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and decode its JSON body (``None`` for an empty body)."""
        response = self.request("GET", path, params=params)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise HttpError(
                "GET",
                self._redact(str(response.request.url)),
                response.status_code,
                f"response is not JSON: {self._excerpt(response)}",
            ) from None

    def request(
        self,
        method: str,
        url_or_path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request under the policy; see the class docstring for what it raises."""
        method = method.upper()
        attempt = 0
        while True:
            if self._bucket is not None:
                wait = self._bucket.reserve()
                if wait > 0:
                    self._sleep(wait)
            request = self._client.build_request(
                method, url_or_path, params=params, json=json, headers=headers
            )
            url = self._redact(str(request.url))
            started = time.perf_counter()
            try:
                response = self._client.send(request)
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
                # A bad URL or header value: sending it again cannot help.
                raise ConfigError(f"{method} {url}: {self._describe(exc)}") from None
            except httpx.TransportError as exc:
                self._log_request(method, url, self._describe(exc), started)
                if attempt >= self.policy.max_retries:
                    raise TemporaryError(
                        f"{method} {url}: {self._describe(exc)} "
                        f"(gave up after {attempt + 1} attempts)"
                    ) from None
                delay = backoff_delay(self.policy, attempt, self._rng)
                self._wait_to_retry(method, url, self._describe(exc), attempt, delay)
                attempt += 1
                continue

            status = response.status_code
            self._log_request(method, url, str(status), started)
            if status < 400 and status not in self.policy.retry_statuses:
                return response
            if status in (401, 403):
                raise AuthError(
                    f"{method} {url} was refused with HTTP {status}; check the credentials"
                    + self._detail(response)
                )
            if status not in self.policy.retry_statuses:
                raise HttpError(method, url, status, self._excerpt(response))

            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > self.policy.retry_after_cap:
                raise RateLimitError(
                    f"{method} {url}: HTTP {status} asks to wait {retry_after:.0f} s, more than "
                    f"the {self.policy.retry_after_cap:.0f} s cap; try again later"
                )
            if attempt >= self.policy.max_retries:
                raise self._exhausted(method, url, response, attempt + 1)
            delay = (
                retry_after
                if retry_after is not None
                else backoff_delay(self.policy, attempt, self._rng)
            )
            self._wait_to_retry(method, url, f"HTTP {status}", attempt, delay)
            response.close()
            attempt += 1

    # -- helpers ------------------------------------------------------------------------------
    def _exhausted(
        self, method: str, url: str, response: httpx.Response, attempts: int
    ) -> Exception:
        status = response.status_code
        gave_up = f"gave up after {attempts} attempts"
        if status == 429:
            return RateLimitError(f"{method} {url}: still rate limited (HTTP 429), {gave_up}")
        if status == 408:
            return TemporaryError(f"{method} {url}: the server timed out (HTTP 408), {gave_up}")
        excerpt = self._excerpt(response)
        return HttpError(method, url, status, f"{excerpt} ({gave_up})" if excerpt else gave_up)

    def _wait_to_retry(
        self, method: str, url: str, reason: str, attempt: int, delay: float
    ) -> None:
        logger.warning(
            self._redact(
                f"{self.name}: {method} {url}: {reason}; "
                f"retry {attempt + 1}/{self.policy.max_retries} in {delay:.2f} s"
            )
        )
        self._sleep(delay)

    def _log_request(self, method: str, url: str, outcome: str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug(
                self._redact(f"{self.name}: {method} {url} -> {outcome} in {elapsed_ms:.0f} ms")
            )

    def _redact(self, text: str) -> str:
        # Asked afresh: some auths gain secrets after start-up (an OAuth access token).
        return redact(text, {*self._secrets, *self.auth.secrets()})

    def _describe(self, exc: Exception) -> str:
        message = str(exc) or "no detail"
        return self._redact(f"{type(exc).__name__}: {message}")

    def _excerpt(self, response: httpx.Response) -> str:
        # Redact before cutting, so a secret straddling the cut cannot leave a visible prefix.
        text = " ".join(self._redact(response.text).split())
        if len(text) > _EXCERPT_LENGTH:
            text = text[: _EXCERPT_LENGTH - 3] + "..."
        return text

    def _detail(self, response: httpx.Response) -> str:
        excerpt = self._excerpt(response)
        return f": {excerpt}" if excerpt else ""


# -- pagination links -------------------------------------------------------------------------


def next_link(response: httpx.Response, name: str) -> str | None:
    """The ``Link: <…>; rel="next"`` URL, made absolute; refused when it leaves the API's host.

    The client sends credentials with every request, so following a link to another origin
    would hand them to whoever wrote the link.
    """
    link = response.links.get("next")
    if not link or not link.get("url"):
        return None
    here = str(response.request.url)
    url = urljoin(here, link["url"])
    if urlsplit(url)[:2] != urlsplit(here)[:2]:
        raise ConnectorError(
            f"{name}: the next-page link points to {urlsplit(url).netloc or url!r}, "
            "another host than the API's; refusing to follow it"
        )
    return url


def query_value(url: str, param: str) -> str:
    """``param``'s value in ``url`` (e.g. an opaque cursor), or the whole URL without one."""
    values = parse_qs(urlsplit(url).query).get(param)
    return values[0] if values else url
