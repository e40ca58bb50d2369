"""Lever's HTTP calls. No pipeline logic here: one method per endpoint.

API contract (the fakes in ``tests/fakes/lever.py`` implement it):

v1 data API (base ``https://api.lever.co/v1``; Basic auth with the API key as user name and a
blank password, or an OAuth bearer token):

- ``GET /opportunities`` and ``GET /postings`` → ``{"data": [...], "hasNext": bool, "next":
  "<token>"}``. ``limit`` is 1..100; the next page is asked for with ``offset=<next>`` and the
  same filters. Tokens are opaque and only valid when Lever returned them. Times are epoch ms.
- ``GET /opportunities/{id}`` / ``GET /postings/{id}`` → ``{"data": {...}}``; 404 when unknown.
- ``GET /opportunities/deleted`` (``deleted_at_start`` / ``deleted_at_end``) lists hard-deleted
  opportunities, paginated the same way.
- ``POST /opportunities?perform_as=<user id>`` creates one opportunity → ``{"data": {...}}``.
- ``PUT /opportunities/{id}/archived?perform_as=<user id>`` with ``{"reason": <reason id>}``
  archives one opportunity. Lever's API has no hard delete.
- About 10 requests per second per key, bursts to 20; beyond that a plain 429.

Postings API v0 (public, base ``https://api.lever.co/v0/postings``, no auth):

- ``GET /{site}?mode=json&skip=&limit=`` → a bare JSON array of published postings; filters
  ``team``, ``department``, ``location``, ``commitment``, ``level`` repeat their key.
- ``GET /{site}/{id}`` → one posting; 404 when it is not published.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from hrtech_etl.core.connector import Page, validate_page_json, validate_records
from hrtech_etl.core.errors import ConfigError, ConnectorError, HttpError
from hrtech_etl.core.http import HttpClient

MAX_PAGE_SIZE = 100  # v1 documents limit 1..100
PUBLIC_MAX_PAGE_SIZE = 100  # v0 documents no maximum; stay modest
# Emails per duplicate lookup: each is one repeated `email=` key in the query string.
EMAILS_PER_LOOKUP = 25


def _path_id(value: str) -> str:
    return quote(value, safe="")


class LeverActions:
    """The v1 data API."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def iter_pages(
        self, path: str, model: type[BaseModel], params: Mapping[str, Any], page_size: int
    ) -> Iterator[Page]:
        """Every page of ``GET path``, following ``next`` while ``hasNext``.

        A page's token is the offset token that fetched it (None for the first page), so the
        pipeline sees it when Lever hands the same token back.
        """
        limit = max(1, min(page_size, MAX_PAGE_SIZE))
        token: str | None = None
        while True:
            query = {**params, "limit": limit}
            if token is not None:
                query["offset"] = token
            response = self.client.request("GET", path, params=query)
            records, errors, rest = validate_page_json(model, response.content, "data")
            yield Page(records=records, token=token, errors=errors)
            next_token = rest.get("next")
            if not rest.get("hasNext") or not next_token:
                return
            token = str(next_token)

    def get_one(
        self, path: str, record_id: str, model: type[BaseModel], params: Mapping[str, Any]
    ) -> Any | None:
        """``GET path/{id}`` as ``model``; None when Lever does not have it."""
        try:
            body = self.client.get_json(f"{path}/{_path_id(record_id)}", params=params)
        except HttpError as exc:
            if exc.status == 404:
                return None
            raise
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ConnectorError(f"lever: GET {path}/{record_id} answered without a data object")
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ConnectorError(
                f"lever: {model.__name__} {record_id} is invalid: {loc}: {first['msg']}"
            ) from None

    def create_opportunity(self, body: Mapping[str, Any], perform_as: str) -> dict[str, Any]:
        response = self.client.request(
            "POST", "/opportunities", params={"perform_as": perform_as}, json=dict(body)
        )
        data = response.json().get("data") if response.content else None
        if not isinstance(data, dict) or not data.get("id"):
            raise ConnectorError("lever: POST /opportunities answered without the new opportunity")
        return data

    def archive_opportunity(self, opportunity_id: str, reason_id: str, perform_as: str) -> bool:
        """Archive one opportunity; False when Lever does not have it (nothing to archive)."""
        try:
            self.client.request(
                "PUT",
                f"/opportunities/{_path_id(opportunity_id)}/archived",
                params={"perform_as": perform_as},
                json={"reason": reason_id},
            )
        except HttpError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def opportunity_ids_by_email(self, emails: Sequence[str]) -> dict[str, str]:
        """``email → opportunity id`` for the emails some opportunity already has.

        Looks at confidential and archived opportunities too: a duplicate is a duplicate.
        """
        found: dict[str, str] = {}
        # One spelling per address (the first), sent as given: whether Lever's email filter
        # ignores case is unknown, so matches are compared case-insensitively here.
        spelled: dict[str, str] = {}
        for email in emails:
            if email.strip():
                spelled.setdefault(email.strip().lower(), email.strip())
        keys = list(spelled)
        for offset in range(0, len(keys), EMAILS_PER_LOOKUP):
            chunk = keys[offset : offset + EMAILS_PER_LOOKUP]
            params = {"email": [spelled[key] for key in chunk], "confidentiality": "all"}
            wanted = set(chunk)
            for page in self.iter_pages("/opportunities", _EmailsOnly, params, MAX_PAGE_SIZE):
                for record in page.records:
                    for email in record.emails:
                        key = email.strip().lower()
                        if key in wanted:
                            found.setdefault(key, record.id)
        return found


class _EmailsOnly(BaseModel):
    """Just enough of an opportunity for the duplicate lookup."""

    id: str
    emails: list[str] = []


class LeverPublicActions:
    """The public Postings API v0."""

    def __init__(self, client: HttpClient, site: str) -> None:
        self.client = client
        self.site = site
        self.path = f"/{_path_id(site)}"

    def iter_pages(
        self, model: type[BaseModel], params: Mapping[str, Any], page_size: int
    ) -> Iterator[Page]:
        """Every page of ``GET /{site}`` by plain ``skip`` / ``limit``, up to an empty page.

        The end is an empty page rather than a short one: v0 documents no maximum ``limit``,
        so a server that quietly caps it must not look like the last page.
        """
        limit = max(1, min(page_size, PUBLIC_MAX_PAGE_SIZE))
        skip = 0
        while True:
            try:
                response = self.client.request(
                    "GET", self.path, params={**params, "skip": skip, "limit": limit}
                )
            except HttpError as exc:
                if exc.status == 404:
                    raise ConfigError(
                        f"lever_postings: Lever knows no site {self.site!r} (HTTP 404); use the "
                        "name in the jobs.lever.co/<site> address"
                    ) from None
                raise
            if not response.content.lstrip().startswith(b"["):
                raise ConnectorError(
                    f"lever_postings: GET {self.path} did not answer a JSON list "
                    "(is the site name right?)"
                )
            records, errors = validate_records(model, response.content)
            if not (records or errors):
                return
            yield Page(records=records, token=f"skip={skip}", errors=errors)
            skip += len(records) + len(errors)

    def get_posting(self, model: type[BaseModel], posting_id: str) -> Any | None:
        try:
            body = self.client.get_json(
                f"{self.path}/{_path_id(posting_id)}", params={"mode": "json"}
            )
        except HttpError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(body, dict):
            raise ConnectorError(f"lever_postings: posting {posting_id} is not a JSON object")
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ConnectorError(
                f"lever_postings: posting {posting_id} is invalid: {loc}: {first['msg']}"
            ) from None
