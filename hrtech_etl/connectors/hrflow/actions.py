"""HrFlow.ai's HTTP calls (API v1). No pipeline logic here: one method per endpoint.

API contract (official SDK ``Riminder/python-hrflow-api``; the fake in ``tests/fakes/hrflow.py``
implements it):

- Auth: headers ``X-API-KEY`` (the API secret) and ``X-USER-EMAIL`` on every request; a bad
  key gets 401 ``{"code": 401, "message": "Unauthorized. Invalid secret key"}``.
- Every answer is ``{code, message, data[, meta]}``. The body ``code`` mirrors the HTTP status,
  and a body ``code`` of 400 or more is an error even when the HTTP status is 200.
- ``GET /storing/jobs`` (``/storing/profiles``): ``board_keys`` (``source_keys``) as a JSON
  array string, ``return_job`` (``return_profile``) to get whole objects instead of keys and
  dates, ``page`` (1-based) / ``limit``, ``sort_by`` (created_at | updated_at), ``order_by``
  (asc | desc), ``created_at_min`` / ``created_at_max``, ``key``, ``reference``, ``name`` →
  ``data`` = the objects, ``meta = {page, maxPage, count, total}``.
- ``GET /job/indexing?board_key=&key=|reference=`` → ``data`` = the job; an unknown one is an
  error whose message says "Unable to find object: job" (profiles: ``/profile/indexing``,
  ``source_key``, "...: profile").
- ``POST /job/indexing`` with the job object plus ``board_key`` creates (201);
  ``PUT /job/indexing`` with ``key`` or ``reference`` replaces the fields given (200).
- ``PATCH /job/indexing/archive`` with ``{board_key, key|reference, is_archive: 1|0}``
  archives or restores. There is no hard delete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel

from hrtech_etl.core.connector import Page, validate_page_json
from hrtech_etl.core.errors import (
    AuthError,
    ConnectorError,
    HttpError,
    RateLimitError,
)
from hrtech_etl.core.http import HttpClient
from hrtech_etl.core.types import Resource

__all__ = ["MAX_PAGE_SIZE", "Endpoints", "HrFlowActions", "endpoints_for", "is_not_found"]

# The API's page-size cap is not documented (the SDK defaults to 30): never ask for more.
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Paths and parameter names of one resource; jobs and profiles differ only by these."""

    object_name: str  # "job" | "profile": also how not-found messages name it
    container: str  # "board_key" | "source_key"
    containers: str  # "board_keys" | "source_keys"
    container_name: str  # "board" | "source", as not-found messages name it
    return_full: str  # "return_job" | "return_profile"
    list_path: str
    item_path: str
    archive_path: str


_ENDPOINTS = {
    Resource.JOB: Endpoints(
        "job",
        "board_key",
        "board_keys",
        "board",
        "return_job",
        "storing/jobs",
        "job/indexing",
        "job/indexing/archive",
    ),
    Resource.PROFILE: Endpoints(
        "profile",
        "source_key",
        "source_keys",
        "source",
        "return_profile",
        "storing/profiles",
        "profile/indexing",
        "profile/indexing/archive",
    ),
}


def endpoints_for(resource: Resource) -> Endpoints:
    return _ENDPOINTS[Resource(resource)]


def is_not_found(exc: HttpError, name: str) -> bool:
    """Whether ``exc`` says the ``name`` object ("job", "board", ...) does not exist."""
    detail = exc.detail.lower()
    if f"unable to find object: {name}" in detail:
        return True
    # A bare 404 without HrFlow's message is about the object asked for, not its container.
    return exc.status == 404 and "unable to find object" not in detail


class HrFlowActions:
    def __init__(self, client: HttpClient, name: str = "hrflow") -> None:
        self.client = client
        self.name = name

    # -- envelope ---------------------------------------------------------------------------
    def _raise_for_body(self, response: httpx.Response, body: Any) -> None:
        """HrFlow may answer HTTP 200 with an error ``code`` in the body: raise it as typed."""
        if not isinstance(body, Mapping):
            return
        code = body.get("code")
        if not isinstance(code, int) or code < 400:
            return
        method = response.request.method
        url = str(response.request.url)
        message = str(body.get("message") or "")
        if code in (401, 403):
            raise AuthError(
                f"{method} {url} was refused with code {code}; check the credentials: {message}"
            )
        if code == 429:
            raise RateLimitError(f"{method} {url}: rate limited (code 429): {message}")
        raise HttpError(method, url, code, message[:200])

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise HttpError(
                response.request.method,
                str(response.request.url),
                response.status_code,
                "response is not JSON",
            ) from None
        self._raise_for_body(response, body)
        if not isinstance(body, dict):
            raise ConnectorError(f"{self.name}: expected a JSON object, got {type(body).__name__}")
        return body

    # -- list -------------------------------------------------------------------------------
    def iter_pages(
        self,
        resource: Resource,
        model: type[BaseModel],
        params: Mapping[str, Any],
        page_size: int,
        *,
        stop_after: Callable[[list[Any]], bool] | None = None,
    ) -> Iterator[Page]:
        """Every page of the Storing list, 1-based, until ``meta.maxPage`` or an empty page.

        ``stop_after(records)`` is asked after each page; True ends the read there (the
        connector uses it to stop a newest-first read once it is past the cursor).
        """
        path = endpoints_for(resource).list_path
        limit = max(1, min(page_size, MAX_PAGE_SIZE))
        page_no = 1
        while True:
            response = self.client.request(
                "GET", path, params={**params, "page": page_no, "limit": limit}
            )
            try:
                records, errors, rest = validate_page_json(model, response.content, "data")
            except ConnectorError:
                self._json(response)  # an error envelope without data: raise it typed
                raise
            self._raise_for_body(response, rest)
            yield Page(records=records, token=f"page={page_no}", errors=errors)
            meta = rest.get("meta") or {}
            max_page = int(meta.get("maxPage") or 0) if isinstance(meta, Mapping) else 0
            if page_no >= max_page or not (records or errors):
                return
            if stop_after is not None and stop_after(records):
                return
            page_no += 1

    # -- one object -------------------------------------------------------------------------
    def get(
        self,
        resource: Resource,
        container_key: str,
        *,
        key: str | None = None,
        reference: str | None = None,
    ) -> dict[str, Any] | None:
        """One job/profile by key or reference; None when HrFlow does not have it."""
        ends = endpoints_for(resource)
        params: dict[str, str] = {ends.container: container_key}
        if key:
            params["key"] = key
        elif reference:
            params["reference"] = reference
        else:
            raise ConnectorError(f"{self.name}: a {ends.object_name} needs a key or a reference")
        try:
            body = self._json(self.client.request("GET", ends.item_path, params=params))
        except HttpError as exc:
            if is_not_found(exc, ends.object_name):
                return None
            raise
        data = body.get("data")
        return data if isinstance(data, dict) and data else None

    def create(
        self, resource: Resource, container_key: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        ends = endpoints_for(resource)
        body = {**payload, ends.container: container_key}
        return self._data(self.client.request("POST", ends.item_path, json=body))

    def edit(
        self, resource: Resource, container_key: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        ends = endpoints_for(resource)
        body = {**payload, ends.container: container_key}
        return self._data(self.client.request("PUT", ends.item_path, json=body))

    def archive(
        self,
        resource: Resource,
        container_key: str,
        *,
        key: str | None = None,
        reference: str | None = None,
        archived: bool = True,
    ) -> bool:
        """Archive (or restore) one object; False when HrFlow does not have it."""
        ends = endpoints_for(resource)
        body: dict[str, Any] = {ends.container: container_key, "is_archive": 1 if archived else 0}
        if key:
            body["key"] = key
        elif reference:
            body["reference"] = reference
        else:
            raise ConnectorError(f"{self.name}: a {ends.object_name} needs a key or a reference")
        try:
            self._json(self.client.request("PATCH", ends.archive_path, json=body))
        except HttpError as exc:
            if is_not_found(exc, ends.object_name):
                return False
            raise
        return True

    def _data(self, response: httpx.Response) -> dict[str, Any]:
        data = self._json(response).get("data")
        return data if isinstance(data, dict) else {}


def container_list(keys: list[str]) -> str:
    """``["k1", "k2"]`` as the JSON array string HrFlow takes for board_keys / source_keys."""
    return json.dumps(keys, separators=(",", ":"))
