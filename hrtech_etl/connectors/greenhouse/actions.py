"""Greenhouse's HTTP calls. No pipeline logic here: one method per endpoint.

Harvest v3 contract (the fake in ``tests/fakes/greenhouse.py`` implements it):

- Auth: ``Authorization: Bearer <token>`` from the OAuth client-credentials token endpoint
  (`hrtech_etl.core.oauth`); an expired or unknown token gets 401.
- ``GET /v3/{jobs|candidates|departments|offices}`` → a bare JSON array ordered by id.
  First request: filters + ``per_page`` (1..500, default 100). More pages: ``Link: <...?cursor=
  OPAQUE>; rel="next"``; that URL is requested exactly as given, because a request with
  ``cursor`` must carry no other param (422 otherwise). No ``Link``: last page.
- Filters: ``ids`` (csv, at most 50), ``status`` (jobs), ``created_at`` / ``updated_at`` /
  ``last_activity_at`` as ``op|time`` pairs, ``gte|2024-01-01T00:00:00Z|lte|...``.
- ``POST /v3/candidates`` creates a candidate → 201 with the record; 422 with ``errors``.
- Rate limit: fixed 30-second windows; 429 carries ``Retry-After`` (seconds) and
  ``X-RateLimit-Reset`` (epoch seconds). A 429 with only the latter is given a ``Retry-After``
  by `RateLimitResetTransport` so the shared HTTP policy waits the right time.

Job Board API: ``GET /v1/boards/{board_token}/jobs?content=true`` → ``{"jobs": [...],
"meta": {"total": n}}``, one response with every post, no auth.
"""

from __future__ import annotations

import functools
import math
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from hrtech_etl.connectors.greenhouse.models import MAX_IDS_PER_REQUEST
from hrtech_etl.core.connector import Page, validate_page_json, validate_records
from hrtech_etl.core.errors import ConnectorError
from hrtech_etl.core.http import HttpClient, next_link, query_value

__all__ = [
    "MAX_PAGE_SIZE",
    "BoardActions",
    "HarvestActions",
    "RateLimitResetTransport",
    "retry_after_from_reset",
]

MAX_PAGE_SIZE = 500
# Epoch seconds are ~1.7e9 today; a smaller X-RateLimit-Reset is read as seconds to wait.
_EPOCH_FLOOR = 1_000_000_000


def retry_after_from_reset(value: str | None, now: float) -> int | None:
    """Seconds to wait given ``X-RateLimit-Reset`` (epoch seconds), rounded up; else None."""
    if value is None:
        return None
    try:
        reset = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(reset) or reset < 0:
        return None
    wait = reset - now if reset >= _EPOCH_FLOOR else reset
    return max(0, math.ceil(wait))


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~80 ms; one context serves every client of the process.
    return httpx.create_ssl_context()


class RateLimitResetTransport(httpx.BaseTransport):
    """Gives a 429 that names only ``X-RateLimit-Reset`` the matching ``Retry-After``."""

    def __init__(
        self, inner: httpx.BaseTransport | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._inner = inner or httpx.HTTPTransport(verify=_ssl_context())
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code == 429 and "Retry-After" not in response.headers:
            wait = retry_after_from_reset(response.headers.get("X-RateLimit-Reset"), self._clock())
            if wait is not None:
                response.headers["Retry-After"] = str(wait)
        return response

    def close(self) -> None:
        self._inner.close()


class HarvestActions:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def iter_pages(
        self, path: str, model: type[BaseModel], params: Mapping[str, Any], page_size: int
    ) -> Iterator[Page]:
        """Every page of ``GET path``, following the ``Link: rel="next"`` chain.

        A page's token is the cursor that fetched it (None for the first page), so the pipeline
        notices a server that hands a cursor back twice.
        """
        per_page = max(1, min(page_size, MAX_PAGE_SIZE))
        response = self.client.request("GET", path, params={**params, "per_page": per_page})
        token: str | None = None
        while True:
            records, errors = validate_records(model, _json_array(response, path))
            yield Page(records=records, token=token, errors=errors)
            next_url = next_link(response, "greenhouse")
            # An empty page ends the read even with a link: following it could only loop.
            if next_url is None or not (records or errors):
                return
            token = query_value(next_url, "cursor")
            # Exactly the linked URL: the cursor must be its only param.
            response = self.client.request("GET", next_url)

    def list_all(self, path: str, model: type[BaseModel]) -> list[Any]:
        """A whole (small) list, such as departments or offices; invalid items are skipped."""
        found: list[Any] = []
        for page in self.iter_pages(path, model, {}, MAX_PAGE_SIZE):
            found.extend(page.records)
        return found

    def get_by_ids(self, path: str, model: type[BaseModel], ids: Sequence[int]) -> list[Any]:
        """Records by id (v3 has no single-record GET: ``ids=`` on the list, 50 at a time)."""
        found: list[Any] = []
        for offset in range(0, len(ids), MAX_IDS_PER_REQUEST):
            chunk = ids[offset : offset + MAX_IDS_PER_REQUEST]
            params = {"ids": ",".join(str(i) for i in chunk)}
            for page in self.iter_pages(path, model, params, len(chunk)):
                if page.errors:
                    raise ConnectorError(f"greenhouse: invalid record: {page.errors[0].error}")
                found.extend(page.records)
        return found

    def create_candidate(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /candidates``: the created candidate (raises `HttpError` on 422)."""
        created = self.client.request("POST", "/candidates", json=dict(body)).json()
        if not isinstance(created, dict):
            raise ConnectorError("greenhouse: POST /candidates did not answer a candidate")
        return created


class BoardActions:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def list_jobs(self, board_token: str, model: type[BaseModel]) -> Page:
        """Every post of the board, with content, departments and offices."""
        path = f"/boards/{quote(board_token, safe='')}/jobs"
        response = self.client.request("GET", path, params={"content": "true"})
        records, errors, _ = validate_page_json(model, response.content, "jobs")
        return Page(records=records, token=None, errors=errors)


def _json_array(response: httpx.Response, path: str) -> bytes:
    body = response.content
    if not body.lstrip().startswith(b"["):
        raise ConnectorError(f"greenhouse: GET {path} did not answer a JSON array")
    return body
