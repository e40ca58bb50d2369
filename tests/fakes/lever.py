"""Fake Lever APIs on 127.0.0.1: the contract in ``hrtech_etl/connectors/lever/actions.py``.

`FakeLever` is the v1 data API under ``/v1``: Basic auth (API key as user name, blank
password) or an OAuth bearer token; ``limit`` (1..100) + opaque ``offset`` tokens that are only
valid for the query that produced them; epoch-millisecond filters, both ends inclusive;
repeated-key list filters (union); create and archive with ``perform_as``; a deleted list.
Lists come in an order unrelated to any cursor (by id; ids are random-looking UUIDs).

`FakeLeverPostings` is the public Postings API v0 under ``/v0/postings/{site}``: no auth,
``mode=json``, plain ``skip`` / ``limit``, category filters as repeated keys, published
postings only.

Both refuse unknown params with 400 so a connector bug shows. Faults come from the underlying
`FakeHTTPServer` (``fail_next``: Lever's 429 is plain, without ``Retry-After``); the
``repeat_first_page`` switch breaks pagination. Test fixture only.
"""

from __future__ import annotations

import base64
import itertools
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
MAX_LIMIT = 100
PERFORM_AS = "5f0c5e2a-1111-4a4a-9b9b-000000000001"
ARCHIVE_REASON = "63dd55b2-2222-4c4c-8d8d-000000000002"
_NAMESPACE = uuid.UUID("2d7f6d3e-0000-4000-8000-00000000a11e")
_instances = itertools.count(1)

Record = dict[str, Any]


def ms(moment: datetime | str | int) -> int:
    """A time as Lever writes it: epoch milliseconds."""
    if isinstance(moment, int):
        return moment
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def lever_id(kind: str, index: int | str) -> str:
    """A stable, random-looking UUID (so id order says nothing about time order)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{index}"))


class BadParam(ValueError):
    pass


def _start(server: FakeHTTPServer) -> None:
    server.start()


def _error(status: int, code: str, message: str) -> FakeResponse:
    return FakeResponse(status, {"code": code, "message": message})


def _bad(message: str) -> FakeResponse:
    return _error(400, "BadRequestError", message)


def _ms_param(request: FakeRequest, name: str) -> int | None:
    value = request.arg(name)
    if value is None:
        return None
    if not value.lstrip("-").isdigit():
        raise BadParam(f"{name} must be a timestamp in milliseconds")
    return int(value)


def _in_range(value: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


# -- v1 ------------------------------------------------------------------------------------------

_OPPORTUNITY_LISTS = {  # repeated-key param -> record field holding a list or a scalar
    "tag": "tags",
    "email": "emails",
    "source": "sources",
    "origin": "origin",
    "stage_id": "stage",
    "archive_reason_id": "archived.reason",
}
_OPPORTUNITY_TIMES = {
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "advanced_at": "lastAdvancedAt",
    "archived_at": "archivedAt",
}
_CREATE_KEYS = frozenset(
    {
        "name",
        "headline",
        "location",
        "emails",
        "phones",
        "links",
        "tags",
        "sources",
        "origin",
        "postings",
        "owner",
        "followers",
    }
)


class FakeLever:
    """``with FakeLever() as fake: fake.add_opportunity(...); fake.base_url + "/v1"``."""

    def __init__(self, api_key: str | None = None) -> None:
        n = next(_instances)
        # A fresh key per fake: the HTTP policy keys rate-limit buckets by credential.
        self.api_key = api_key or f"lever-key-{n:04d}"
        self.oauth_token = f"lever-oauth-{n:04d}"
        self.users = {PERFORM_AS}
        self.archive_reasons = {ARCHIVE_REASON}
        self.opportunities: dict[str, Record] = {}
        self.postings: dict[str, Record] = {}
        self.deleted: list[Record] = []
        self.now = datetime(2025, 1, 1, tzinfo=UTC)  # what writes stamp
        self.repeat_first_page = False  # a broken paginator: `next` always points at page one
        self.lock = threading.Lock()
        self._tokens: dict[str, tuple[int, tuple[tuple[str, tuple[str, ...]], ...]]] = {}
        self._token_counter = itertools.count(1)
        self._created = itertools.count(1)
        self.server = FakeHTTPServer()
        route = self.server.route
        route("GET", r"/v1/opportunities")(self._list_opportunities)
        route("GET", r"/v1/opportunities/deleted")(self._list_deleted)
        route("GET", r"/v1/opportunities/([^/]+)")(self._get_opportunity)
        route("POST", r"/v1/opportunities")(self._create_opportunity)
        route("PUT", r"/v1/opportunities/([^/]+)/archived")(self._archive)
        route("GET", r"/v1/postings")(self._list_postings)
        route("GET", r"/v1/postings/([^/]+)")(self._get_posting)

    # -- lifecycle and inspection ----------------------------------------------------------------
    def __enter__(self) -> FakeLever:
        _start(self.server)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        """The v1 base URL, as a connector's ``auth.base_url`` takes it."""
        return self.server.base_url + "/v1"

    def list_requests(self, kind: str = "opportunities") -> list[FakeRequest]:
        return [r for r in self.server.requests if r.method == "GET" and r.path == f"/v1/{kind}"]

    def fail_next(self, status: int, **options: Any) -> None:
        self.server.fail_next(status, **options)

    # -- seeding ---------------------------------------------------------------------------------
    def add_opportunity(
        self,
        index: int | str,
        *,
        created: datetime | int | None = None,
        updated: datetime | int | None = None,
        **fields: Any,
    ) -> Record:
        """Store (or replace) opportunity ``index``; times may be datetimes or epoch ms."""
        opp_id = fields.pop("id", None) or lever_id("opportunity", index)
        created_ms = ms(created if created is not None else BASE_TIME)
        record: Record = {
            "id": opp_id,
            "name": f"Candidate {index}",
            "headline": "Engineer",
            "contact": lever_id("contact", index),
            "emails": [f"candidate{index}@mail.example"],
            "phones": [{"type": "mobile", "value": f"+33 6 00 00 {index!s:0>4}"}],
            "location": "Paris",
            "links": [f"https://www.linkedin.com/in/candidate{index}"],
            "stage": "lead-new",
            "tags": [],
            "sources": ["LinkedIn"],
            "origin": "sourced",
            "owner": PERFORM_AS,
            "followers": [PERFORM_AS],
            "applications": [],
            "confidentiality": "non-confidential",
            "archived": None,
            "isAnonymized": False,
            "createdAt": created_ms,
            "updatedAt": ms(updated) if updated is not None else created_ms,
            "lastInteractionAt": created_ms,
            "lastAdvancedAt": created_ms,
            "snoozedUntil": None,
            "urls": {"list": "https://hire.lever.co/candidates", "show": f"https://hire/{opp_id}"},
        }
        record.update(fields)
        with self.lock:
            self.opportunities[opp_id] = record
        return record

    def add_application(self, opportunity_id: str, posting_id: str) -> None:
        with self.lock:
            record = self.opportunities[opportunity_id]
            app_id = lever_id("application", f"{opportunity_id}:{posting_id}")
            record["applications"] = [*record["applications"], app_id]
            record.setdefault("_postings", {})[app_id] = posting_id

    def delete_opportunity(self, opportunity_id: str, at: datetime | int) -> None:
        with self.lock:
            del self.opportunities[opportunity_id]
            self.deleted.append({"id": opportunity_id, "deletedAt": ms(at), "deletedBy": None})

    def add_posting(
        self,
        index: int | str,
        *,
        created: datetime | int | None = None,
        updated: datetime | int | None = None,
        **fields: Any,
    ) -> Record:
        posting_id = fields.pop("id", None) or lever_id("posting", index)
        created_ms = ms(created if created is not None else BASE_TIME)
        record: Record = {
            "id": posting_id,
            "text": f"Engineer {index}",
            "state": "published",
            "confidentiality": "non-confidential",
            "distributionChannels": ["public"],
            "categories": {
                "team": "Platform",
                "department": "Engineering",
                "location": "Paris",
                "allLocations": ["Paris"],
                "commitment": "Full-time",
                "level": "Senior",
            },
            "content": {
                "description": f"Build things ({index}).",
                "descriptionHtml": f"<p>Build things ({index}).</p>",
                "lists": [{"text": "Requirements", "content": "<li>Python</li>"}],
                "closing": "Join us.",
                "closingHtml": "<p>Join us.</p>",
            },
            "tags": ["engineering"],
            "owner": PERFORM_AS,
            "hiringManager": PERFORM_AS,
            "user": PERFORM_AS,
            "followers": [],
            "reqCode": f"REQ-{index}",
            "requisitionCodes": [f"REQ-{index}"],
            "salaryRange": {
                "min": 60000,
                "max": 80000,
                "currency": "EUR",
                "interval": "per-year-salary",
            },
            "salaryDescription": "",
            "workplaceType": "hybrid",
            "country": "FR",
            "urls": {
                "list": "https://jobs.lever.co/acme",
                "show": f"https://jobs.lever.co/acme/{posting_id}",
                "apply": f"https://jobs.lever.co/acme/{posting_id}/apply",
            },
            "createdAt": created_ms,
            "updatedAt": ms(updated) if updated is not None else created_ms,
        }
        record.update(fields)
        with self.lock:
            self.postings[posting_id] = record
        return record

    # -- auth and paging -------------------------------------------------------------------------
    def _denied(self, request: FakeRequest) -> FakeResponse | None:
        basic = base64.b64encode(f"{self.api_key}:".encode()).decode()
        if request.header("Authorization") in (f"Basic {basic}", f"Bearer {self.oauth_token}"):
            return None
        return _error(401, "UnauthorizedError", "Invalid API key or access token")

    def _page(
        self, request: FakeRequest, rows: list[Record], allowed: frozenset[str]
    ) -> FakeResponse:
        unknown = sorted(set(request.query) - allowed - {"limit", "offset"})
        if unknown:
            raise BadParam(f"unknown parameter {unknown[0]!r}")
        limit_text = request.arg("limit", "100") or "100"
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            raise BadParam("limit must be between 1 and 100")
        limit = int(limit_text)
        signature = tuple(
            sorted((k, tuple(v)) for k, v in request.query.items() if k not in ("limit", "offset"))
        )
        position = 0
        token = request.arg("offset")
        if token is not None:
            with self.lock:
                known = self._tokens.get(token)
            if known is None or known[1] != signature:
                raise BadParam("offset: invalid offset token for this query")
            position = known[0]
        if self.repeat_first_page:
            position = 0
        chunk = rows[position : position + limit]
        body: dict[str, Any] = {"data": chunk, "hasNext": position + limit < len(rows)}
        if body["hasNext"]:
            if self.repeat_first_page:
                next_token = "0.repeat.first-page"
                next_position = 0
            else:
                next_token = f"{next(self._token_counter)}.{uuid.uuid4().hex[:12]}"
                next_position = position + limit
            with self.lock:
                self._tokens[next_token] = (next_position, signature)
            body["next"] = next_token
        return FakeResponse(200, body)

    # -- opportunities ---------------------------------------------------------------------------
    def _present(self, record: Record, expand: list[str]) -> Record:
        """A stored opportunity as the API shows it (``expand=applications`` inlines them)."""
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        if "applications" in expand:
            postings = record.get("_postings", {})
            out["applications"] = [
                {"id": app, "posting": postings.get(app), "type": "posting"}
                for app in record["applications"]
            ]
        return out

    def _opportunity_test(self, request: FakeRequest) -> Callable[[Record], bool]:
        tests: list[Callable[[Record], bool]] = []
        for param, field in _OPPORTUNITY_LISTS.items():
            values = request.args(param)
            if not values:
                continue
            wanted = {v.lower() for v in values} if param == "email" else set(values)

            def has_any(record: Record, field: str = field, wanted: set[str] = wanted) -> bool:
                held = _lookup(record, field)
                items = held if isinstance(held, list) else [held]
                if field == "emails":
                    items = [str(i).lower() for i in items]
                return not wanted.isdisjoint(i for i in items if i is not None)

            tests.append(has_any)
        for prefix, field in _OPPORTUNITY_TIMES.items():
            low = _ms_param(request, f"{prefix}_start")
            high = _ms_param(request, f"{prefix}_end")
            if low is not None or high is not None:
                tests.append(_time_test(field, low, high))
        if posting_ids := set(request.args("posting_id")):
            tests.append(lambda r: not posting_ids.isdisjoint(r.get("_postings", {}).values()))
        if (contact := request.arg("contact_id")) is not None:
            tests.append(lambda r: r.get("contact") == contact)
        if (archived := request.arg("archived")) is not None:
            if archived not in ("true", "false"):
                raise BadParam("archived must be true or false")
            tests.append(lambda r: bool(r.get("archived")) is (archived == "true"))
        confidentiality = request.arg("confidentiality", "non-confidential")
        if confidentiality not in ("non-confidential", "confidential", "all"):
            raise BadParam("confidentiality must be confidential, non-confidential or all")
        if confidentiality != "all":
            tests.append(lambda r: r.get("confidentiality") == confidentiality)
        return lambda record: all(test(record) for test in tests)

    def _list_opportunities(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request):
            return denied
        allowed = frozenset(
            {*_OPPORTUNITY_LISTS, "posting_id", "contact_id", "archived", "confidentiality"}
            | {"expand", "include"}
            | {f"{p}_{s}" for p in _OPPORTUNITY_TIMES for s in ("start", "end")}
        )
        try:
            expand = request.args("expand")
            if set(expand) - {"applications", "stage", "owner", "followers", "sourcedBy"}:
                raise BadParam("expand: unknown value")
            keep = self._opportunity_test(request)
            with self.lock:
                rows = sorted(
                    (r for r in self.opportunities.values() if keep(r)), key=lambda r: r["id"]
                )
            shown = [self._present(r, expand) for r in rows]
            return self._page(request, shown, allowed)
        except BadParam as exc:
            return _bad(str(exc))

    def _list_deleted(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request):
            return denied
        try:
            low = _ms_param(request, "deleted_at_start")
            high = _ms_param(request, "deleted_at_end")
            with self.lock:
                rows = [d for d in self.deleted if _in_range(d["deletedAt"], low, high)]
            return self._page(request, rows, frozenset({"deleted_at_start", "deleted_at_end"}))
        except BadParam as exc:
            return _bad(str(exc))

    def _get_opportunity(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request):
            return denied
        assert request.match is not None
        with self.lock:
            record = self.opportunities.get(request.match.group(1))
        if record is None:
            return _error(404, "ResourceNotFound", "Opportunity not found")
        return FakeResponse(200, {"data": self._present(record, request.args("expand"))})

    def _check_perform_as(self, request: FakeRequest) -> FakeResponse | None:
        user = request.arg("perform_as")
        if user is None:
            return _bad("perform_as is required")
        if user not in self.users:
            return _bad(f"perform_as: no user {user!r}")
        return None

    def _create_opportunity(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request) or self._check_perform_as(request):
            return denied
        body = request.json()
        if not isinstance(body, dict):
            return _bad("body must be a JSON object")
        unknown = sorted(set(body) - _CREATE_KEYS)
        if unknown:
            return _bad(f"unknown field {unknown[0]!r}")
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            return _bad("name is required")
        now = ms(self.now)
        n = next(self._created)
        record = self.add_opportunity(
            f"created-{n}",
            created=now,
            id=lever_id("created", n),
            name=body["name"],
            headline=body.get("headline"),
            location=body.get("location"),
            emails=body.get("emails", []),
            phones=body.get("phones", []),
            links=body.get("links", []),
            tags=body.get("tags", []),
            sources=body.get("sources", []),
            origin=body.get("origin", "sourced"),
            stage="lead-new",
            lastAdvancedAt=now,
            lastInteractionAt=now,
        )
        for posting_id in body.get("postings", []):
            if posting_id not in self.postings:
                with self.lock:
                    del self.opportunities[record["id"]]
                return _bad(f"postings: no posting {posting_id!r}")
            self.add_application(record["id"], posting_id)
        return FakeResponse(201, {"data": self._present(record, ["applications"])})

    def _archive(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request) or self._check_perform_as(request):
            return denied
        assert request.match is not None
        body = request.json()
        reason = body.get("reason") if isinstance(body, dict) else None
        if reason not in self.archive_reasons:
            return _bad("reason: unknown archive reason")
        now = ms(self.now)
        with self.lock:
            record = self.opportunities.get(request.match.group(1))
            if record is None:
                return _error(404, "ResourceNotFound", "Opportunity not found")
            record["archived"] = {"reason": reason, "archivedAt": now}
            record["updatedAt"] = now
        return FakeResponse(200, {"data": self._present(record, [])})

    # -- postings --------------------------------------------------------------------------------
    def _list_postings(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request):
            return denied
        allowed = frozenset({"state", "confidentiality", "updated_at_start", "expand", "include"})
        try:
            states = set(request.args("state"))
            low = _ms_param(request, "updated_at_start")
            confidentiality = request.arg("confidentiality", "non-confidential")
            with self.lock:
                rows = sorted(
                    (
                        p
                        for p in self.postings.values()
                        if (not states or p["state"] in states)
                        and _in_range(p["updatedAt"], low, None)
                        and (confidentiality == "all" or p["confidentiality"] == confidentiality)
                    ),
                    key=lambda p: p["id"],
                )
            return self._page(request, rows, allowed)
        except BadParam as exc:
            return _bad(str(exc))

    def _get_posting(self, request: FakeRequest) -> FakeResponse:
        if denied := self._denied(request):
            return denied
        assert request.match is not None
        with self.lock:
            record = self.postings.get(request.match.group(1))
        if record is None:
            return _error(404, "ResourceNotFound", "Posting not found")
        return FakeResponse(200, {"data": record})


def _time_test(field: str, low: int | None, high: int | None) -> Callable[[Record], bool]:
    return lambda record: _in_range(_time_of(record, field), low, high)


def _lookup(record: Mapping[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _time_of(record: Mapping[str, Any], field: str) -> int | None:
    if field == "archivedAt":
        archived = record.get("archived")
        return archived.get("archivedAt") if isinstance(archived, Mapping) else None
    value = record.get(field)
    return value if isinstance(value, int) else None


# -- v0 ------------------------------------------------------------------------------------------

_V0_FILTERS = ("team", "department", "location", "commitment", "level")


class FakeLeverPostings:
    """The public Postings API v0 for one site (``fake.site``)."""

    def __init__(self, site: str = "acme") -> None:
        self.site = site
        self.postings: dict[str, Record] = {}  # id -> record (+ "_state")
        self.repeat_first_page = False  # a broken paginator that ignores `skip`
        self.lock = threading.Lock()
        self.server = FakeHTTPServer()
        self.server.route("GET", r"/v0/postings/([^/]+)")(self._list)
        self.server.route("GET", r"/v0/postings/([^/]+)/([^/]+)")(self._get)

    def __enter__(self) -> FakeLeverPostings:
        _start(self.server)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url + "/v0/postings"

    def list_requests(self) -> list[FakeRequest]:
        return [r for r in self.server.requests if r.path == f"/v0/postings/{self.site}"]

    def fail_next(self, status: int, **options: Any) -> None:
        self.server.fail_next(status, **options)

    def add_posting(
        self, index: int | str, *, created: datetime | int | None = None, **fields: Any
    ) -> Record:
        posting_id = fields.pop("id", None) or lever_id("public-posting", index)
        state = fields.pop("state", "published")
        record: Record = {
            "id": posting_id,
            "text": f"Engineer {index}",
            "categories": {
                "team": "Platform",
                "department": "Engineering",
                "location": "Paris",
                "commitment": "Full-time",
                "level": "Senior",
                "allLocations": ["Paris"],
            },
            "country": "FR",
            "opening": "<p>Hi</p>",
            "openingPlain": "Hi",
            "description": f"<p>Role {index}</p>",
            "descriptionPlain": f"Role {index}",
            "descriptionBody": f"<p>Role {index}</p>",
            "descriptionBodyPlain": f"Role {index}",
            "lists": [{"text": "Requirements", "content": "<li>Python</li>"}],
            "additional": "<p>Benefits</p>",
            "additionalPlain": "Benefits",
            "hostedUrl": f"https://jobs.lever.co/{self.site}/{posting_id}",
            "applyUrl": f"https://jobs.lever.co/{self.site}/{posting_id}/apply",
            "workplaceType": "remote",
            "salaryRange": {"min": 50, "max": 70, "currency": "EUR", "interval": "per-hour-wage"},
            "salaryDescription": "",
            "salaryDescriptionPlain": "",
            "createdAt": ms(created if created is not None else BASE_TIME),
        }
        record.update(fields)
        with self.lock:
            self.postings[posting_id] = {**record, "_state": state}
        return record

    def _visible(self) -> list[Record]:
        with self.lock:
            rows = [p for p in self.postings.values() if p["_state"] == "published"]
        return [
            {k: v for k, v in p.items() if not k.startswith("_")}
            for p in sorted(rows, key=lambda p: p["id"])
        ]

    def _list(self, request: FakeRequest) -> FakeResponse:
        assert request.match is not None
        if request.match.group(1) != self.site:
            return FakeResponse(404, {"ok": False, "error": "Document not found"})
        if request.arg("mode") != "json":
            return FakeResponse(
                200, raw=b"<html>postings</html>", headers={"Content-Type": "text/html"}
            )
        unknown = sorted(set(request.query) - {"mode", "skip", "limit", *_V0_FILTERS})
        if unknown:
            return FakeResponse(400, {"ok": False, "error": f"unknown parameter {unknown[0]!r}"})
        skip_text, limit_text = request.arg("skip", "0") or "0", request.arg("limit")
        if not skip_text.isdigit() or (limit_text is not None and not limit_text.isdigit()):
            return FakeResponse(400, {"ok": False, "error": "skip and limit are numbers"})
        rows = self._visible()
        for name in _V0_FILTERS:
            wanted = set(request.args(name))
            if wanted:
                rows = [r for r in rows if r["categories"].get(name) in wanted]
        skip = 0 if self.repeat_first_page else int(skip_text)
        end = None if limit_text is None else skip + int(limit_text)
        return FakeResponse(200, rows[skip:end])

    def _get(self, request: FakeRequest) -> FakeResponse:
        assert request.match is not None
        site, posting_id = request.match.group(1), request.match.group(2)
        found = [p for p in self._visible() if p["id"] == posting_id]
        if site != self.site or not found:
            return FakeResponse(404, {"ok": False, "error": "Document not found"})
        return FakeResponse(200, found[0])
