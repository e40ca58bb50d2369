"""Warehouse B's HTTP calls. No pipeline logic here: one method per endpoint.

API contract (the fake in ``tests/fakes/warehouse_b.py`` implements exactly this):

- Auth: every request carries ``Authorization: Bearer <token>``; a missing or wrong token gets
  401 ``{"error": "invalid_token"}``. Documented rate limit: 10 requests per second per token
  (beyond it, 429 with ``Retry-After``).
- ``GET /api/{jobs|profiles}`` lists records as ``{"items": [...]}``, **always sorted by id
  ascending** whatever the filters (there is no sort param, like Greenhouse Harvest v3).
  Params: ``per_page`` (1..200); ``created_since`` / ``created_until`` / ``updated_since`` /
  ``updated_until`` in epoch milliseconds, all inclusive; ``q``, a boolean query on the title
  (profiles: full name) such as ``(data) AND (science OR ml)`` whose terms match as
  case-insensitive substrings; ``ids`` (csv); EQ params ``job_id`` / ``profile_id``, ``title`` /
  ``full_name``, ``department``, ``employment_type``, ``email``; ``departments`` (csv, jobs);
  ``tag`` (repeated key, a record matches when it has any of them). An unknown param or a
  malformed value gets 400 ``{"error": "invalid_param", "param": ...}``.
- Pagination is keyset with an opaque cursor: when more records match, the response has a
  ``Link: <https://host/api/jobs?cursor=OPAQUE>; rel="next"`` header. That URL is requested as
  it is; the cursor carries the original filters and must be the only param (else 400).
- ``GET /api/{jobs|profiles}?ids=a,b`` is also how records are fetched by id.
- ``PUT /api/{jobs|profiles}/bulk`` with ``{"jobs": [...]}`` (``{"profiles": [...]}``) upserts
  by id → ``{"upserted": n, "errors": [{"id": ..., "message": ...}]}``. A record without a title
  (full name) is reported in ``errors``; the others are still written.
- ``DELETE /api/{jobs|profiles}?ids=a,b`` → ``{"deleted": n}``; ids that do not exist are
  ignored. ``PATCH /api/{jobs|profiles}/{id}`` with ``{"archived": true}`` archives one record
  (404 when it does not exist).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from hrtech_etl.core.connector import Page, WriteResult, validate_page_json
from hrtech_etl.core.errors import ConnectorError, HttpError
from hrtech_etl.core.http import HttpClient, next_link, query_value
from hrtech_etl.core.types import RecordError

MAX_PAGE_SIZE = 200
# Ids per DELETE / fetch-by-ids request: keeps the query string well under URL length limits.
MAX_IDS_PER_REQUEST = 100


class WarehouseBActions:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def iter_pages(
        self, path: str, model: type[BaseModel], params: Mapping[str, Any], page_size: int
    ) -> Iterator[Page]:
        """Every page of ``GET path``, following the ``Link: rel="next"`` chain.

        A page's token is the opaque cursor that fetched it (None for the first page), so the
        pipeline can tell if the API hands the same cursor back.
        """
        per_page = max(1, min(page_size, MAX_PAGE_SIZE))
        response = self.client.request("GET", path, params={**params, "per_page": per_page})
        token: str | None = None
        while True:
            records, errors, _ = validate_page_json(model, response.content, "items")
            yield Page(records=records, token=token, errors=errors)
            next_url = next_link(response, "warehouse_b")
            # An empty page ends the read even with a link: following it could only loop.
            if next_url is None or not (records or errors):
                return
            token = query_value(next_url, "cursor")
            response = self.client.request("GET", next_url)

    def upsert(
        self, path: str, key: str, items: Sequence[dict[str, Any]], ids: Sequence[str]
    ) -> WriteResult:
        body = self.client.request("PUT", f"{path}/bulk", json={key: list(items)}).json()
        if not isinstance(body, dict):
            raise ConnectorError(f"warehouse_b: PUT {path}/bulk answered {type(body).__name__}")
        sent = dict(zip(ids, items, strict=True))
        failed = [
            RecordError(
                stage="write",
                resource_id=None if e.get("id") is None else str(e["id"]),
                error=str(e.get("message") or "rejected by warehouse B"),
                record=sent.get(str(e.get("id"))),
            )
            for e in body.get("errors") or []
        ]
        return WriteResult(written=int(body.get("upserted") or 0), failed=failed)

    def delete(self, path: str, ids: Sequence[str]) -> WriteResult:
        result = WriteResult()
        for chunk in _id_chunks(ids):
            self.client.request("DELETE", path, params={"ids": ",".join(chunk)})
            # B ignores ids it does not have: they are gone either way, which is the goal.
            result.written += len(chunk)
        return result

    def archive(self, path: str, ids: Sequence[str]) -> WriteResult:
        result = WriteResult()
        for record_id in ids:
            try:
                self.client.request(
                    "PATCH", f"{path}/{quote(record_id, safe='')}", json={"archived": True}
                )
            except HttpError as exc:
                if exc.status != 404:
                    raise
                # Nothing to archive: the record is not there to be seen, the goal is reached.
            result.written += 1
        return result

    def get_by_ids(self, path: str, model: type[BaseModel], ids: Sequence[str]) -> list[Any]:
        found: list[Any] = []
        for chunk in _id_chunks(ids):
            for page in self.iter_pages(path, model, {"ids": ",".join(chunk)}, len(chunk)):
                if page.errors:
                    raise ConnectorError(f"warehouse_b: invalid record: {page.errors[0].error}")
                found.extend(page.records)
        return found


def _id_chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for record_id in ids:
        if "," in record_id:
            raise ConnectorError(
                f"warehouse_b: id {record_id!r} has a comma, B's csv cannot hold it"
            )
    for offset in range(0, len(ids), MAX_IDS_PER_REQUEST):
        yield ids[offset : offset + MAX_IDS_PER_REQUEST]
