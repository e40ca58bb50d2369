"""Warehouse A's HTTP calls. No pipeline logic here: one method per endpoint.

API contract (the fake in ``tests/fakes/warehouse_a.py`` implements it):

- ``GET /v1/{jobs|profiles}?page=&limit=&sort_by=&order_by=&...filters`` →
  ``{"code": 200, "data": [...], "meta": {"page", "maxPage", "count", "total"}}``; pages are
  1-based and ``limit`` is capped at 500.
- ``POST /v1/{jobs|profiles}/batch`` with ``{"items": [...]}`` upserts by id →
  ``{"data": {"written": n, "failed": [{"index", "id", "error"}]}}``.
- ``DELETE /v1/{jobs|profiles}/{id}`` and ``POST /v1/{jobs|profiles}/{id}/archive``; 404 when
  the record does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from hrtech_etl.core.connector import Page, WriteResult, validate_page_json
from hrtech_etl.core.errors import ConnectorError, HttpError
from hrtech_etl.core.http import HttpClient
from hrtech_etl.core.types import RecordError

MAX_PAGE_SIZE = 500


class WarehouseAActions:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def iter_pages(
        self, path: str, model: type[BaseModel], params: Mapping[str, Any], page_size: int
    ) -> Iterator[Page]:
        limit = max(1, min(page_size, MAX_PAGE_SIZE))
        page_no = 1
        while True:
            response = self.client.request(
                "GET", path, params={**params, "page": page_no, "limit": limit}
            )
            records, errors, rest = validate_page_json(model, response.content, "data")
            meta = rest.get("meta") or {}
            yield Page(records=records, token=f"page={page_no}", errors=errors)
            max_page = int(meta.get("maxPage") or 0)
            if page_no >= max_page or not (records or errors):
                return
            page_no += 1

    def upsert(self, path: str, items: Sequence[dict[str, Any]], ids: Sequence[str]) -> WriteResult:
        body = self.client.request("POST", f"{path}/batch", json={"items": list(items)}).json()
        data = body.get("data") or {}
        failed = [
            RecordError(
                stage="write",
                resource_id=str(f.get("id") or ids[int(f.get("index", 0))]),
                error=str(f.get("error") or "rejected by warehouse A"),
                record=items[int(f["index"])] if "index" in f else None,
            )
            for f in data.get("failed", [])
        ]
        return WriteResult(written=int(data.get("written", 0)), failed=failed)

    def remove(self, path: str, ids: Sequence[str], *, archive: bool) -> WriteResult:
        result = WriteResult()
        for record_id in ids:
            try:
                if archive:
                    self.client.request("POST", f"{path}/{record_id}/archive")
                else:
                    self.client.request("DELETE", f"{path}/{record_id}")
                result.written += 1
            except HttpError as exc:
                if exc.status != 404:
                    raise
                # Already gone: the goal of a delete is reached, nothing to report as failed.
                result.written += 1
        return result

    def get_by_ids(
        self, path: str, model: type[BaseModel], ids: Sequence[str], id_param: str
    ) -> list[Any]:
        found: list[Any] = []
        for page in self.iter_pages(path, model, {id_param: ",".join(ids)}, len(ids)):
            if page.errors:
                raise ConnectorError(f"warehouse_a: invalid record: {page.errors[0].error}")
            found.extend(page.records)
        return found
