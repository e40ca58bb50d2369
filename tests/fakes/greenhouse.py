"""Fake Greenhouse servers on 127.0.0.1: Harvest v3 (with its OAuth token endpoint) and the Job
Board API, implementing the contract documented in ``hrtech_etl/connectors/greenhouse/actions.py``.

`FakeGreenhouseHarvest`:

- ``POST /token``: client credentials (HTTP Basic ``client_id:client_secret``, form
  ``grant_type=client_credentials``, optional ``sub``) → ``{access_token, token_type,
  expires_in}`` (or ``expires_at`` with ``expiry_field="expires_at"``); wrong credentials 401
  ``{"error": "invalid_client"}``. Tokens live ``token_ttl`` seconds; `expire_tokens` ends them.
- ``GET /v3/{jobs|candidates|departments|offices}``: bearer token (401 when unknown or
  expired), a bare JSON array ordered by id (``order="desc"`` by default, as Harvest v3 lists),
  keyset pages chained by ``Link: <...?cursor=...>; rel="next"``; a request with ``cursor`` and
  any other param gets 422. Filters: ``per_page`` (1..500, default 100), ``ids`` (csv, at most
  50), ``status`` (jobs), ``created_at`` / ``updated_at`` (+ ``last_activity_at`` on
  candidates) as ``op|time`` pairs; an unknown or malformed param gets 422.
- ``POST /v3/candidates``: first_name and last_name required (422 otherwise) → 201 + record.
- Faults: ``fail_next`` (429 with ``Retry-After`` and so on), ``repeat_first_page``.

`FakeGreenhouseBoard`: ``GET /v1/boards/{board_token}/jobs[?content=true]`` → ``{"jobs": [...],
"meta": {"total": n}}``; another board token gets 404.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from hrtech_etl.core.oauth import OAuth2ClientCredentialsAuth
from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
MAX_IDS = 50
CURSOR_ERROR = "When passing a cursor, do not include other query params."

_fakes = itertools.count(1)
_OPERATORS = ("gte", "lte", "gt", "lt")
_TIME_FILTERS = {
    "jobs": ("created_at", "updated_at"),
    "candidates": ("created_at", "updated_at", "last_activity_at"),
    "departments": ("created_at", "updated_at"),
    "offices": ("created_at", "updated_at"),
}


def iso(moment: datetime | str) -> str:
    """A time as Greenhouse writes it: ISO-8601 UTC, milliseconds, ``Z``."""
    if isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class BadParam(Exception):
    pass


Predicate = Callable[[Mapping[str, Any]], bool]


class FakeGreenhouseHarvest:
    def __init__(
        self,
        *,
        order: str = "desc",
        token_ttl: float = 3600.0,
        expiry_field: str = "expires_in",
    ) -> None:
        number = next(_fakes)
        # Fresh credentials per fake: the HTTP policy keys rate-limit buckets by credential.
        self.client_id = f"gh-client-{number:04d}"
        self.client_secret = f"gh-secret-{number:04d}-s3cr3t"
        self.order = order
        self.token_ttl = token_ttl
        self.expiry_field = expiry_field
        self.jobs: dict[int, dict[str, Any]] = {}
        self.candidates: dict[int, dict[str, Any]] = {}
        self.departments: dict[int, dict[str, Any]] = {
            10: {"id": 10, "name": "Engineering", "parent_id": None},
            11: {"id": 11, "name": "Data", "parent_id": 10},
        }
        self.offices: dict[int, dict[str, Any]] = {
            20: {"id": 20, "name": "Paris", "location": {"name": "Paris, France"}},
            21: {"id": 21, "name": "Remote", "location": None},
        }
        self.tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self.token_subjects: list[str | None] = []
        self.now = datetime(2025, 1, 1, tzinfo=UTC)  # stamped on created candidates
        self.repeat_first_page = False
        self._lock = threading.Lock()
        self._tokens = itertools.count(1)
        self.server = FakeHTTPServer()
        self.server.route("POST", r"/token")(self._token)
        self.server.route("GET", r"/v3/(jobs|candidates|departments|offices)")(self._list)
        self.server.route("POST", r"/v3/candidates")(self._create_candidate)

    # -- lifecycle and inspection --------------------------------------------------------------
    def start(self) -> FakeGreenhouseHarvest:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeGreenhouseHarvest:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v3"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def requests(self) -> list[FakeRequest]:
        return self.server.requests

    def requests_to(self, path: str, method: str = "GET") -> list[FakeRequest]:
        return [r for r in self.server.requests if r.path == path and r.method == method]

    def fail_next(self, status: int, **options: Any) -> None:
        self.server.fail_next(status, **options)

    def auth(self, **options: Any) -> OAuth2ClientCredentialsAuth:
        """Client credentials for this fake (override any field with ``options``)."""
        fields: dict[str, Any] = {
            "base_url": self.api_url,
            "token_url": self.token_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            **options,
        }
        return OAuth2ClientCredentialsAuth(**fields)

    def expire_tokens(self) -> None:
        """Every issued token stops working (as after its lifetime, or a rotated secret)."""
        with self._lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    # -- seeding -------------------------------------------------------------------------------
    def add_job(self, job_id: int, **fields: Any) -> dict[str, Any]:
        """Store (or replace) job ``job_id`` in v3's flat shape; datetimes become ISO strings."""
        created = fields.get("created_at", BASE_TIME)
        record: dict[str, Any] = {
            "id": job_id,
            "name": f"Job {job_id}",
            "requisition_id": f"REQ-{job_id}",
            "status": "open",
            "confidential": False,
            "is_template": False,
            "copied_from_id": None,
            "notes": None,
            "department_id": None,
            "office_ids": [],
            "opened_at": created,
            "closed_at": None,
            "created_at": created,
            "updated_at": created,
            "custom_fields": {},
            "keyed_custom_fields": {},
        }
        record.update(fields)
        self.jobs[job_id] = _jsonable(record)
        return self.jobs[job_id]

    def update_job(self, job_id: int, **changes: Any) -> dict[str, Any]:
        return self.add_job(job_id, **{**self.jobs[job_id], **changes})

    def add_candidate(self, candidate_id: int, **fields: Any) -> dict[str, Any]:
        created = fields.get("created_at", BASE_TIME)
        record: dict[str, Any] = {
            "id": candidate_id,
            "first_name": "Ada",
            "last_name": f"Lovelace {candidate_id}",
            "company": None,
            "title": None,
            "private": False,
            "email_addresses": [],
            "phone_numbers": [],
            "addresses": [],
            "website_addresses": [],
            "social_media_addresses": [],
            "tags": [],
            "recruiter": None,
            "coordinator": None,
            "custom_fields": {},
            "last_activity_at": created,
            "created_at": created,
            "updated_at": created,
        }
        record.update(fields)
        self.candidates[candidate_id] = _jsonable(record)
        return self.candidates[candidate_id]

    def seed_jobs(self, count: int, *, first: int = 1) -> list[dict[str, Any]]:
        """``count`` jobs with ids 1000+i, created 7 min apart; updated_at not in id order."""
        made = []
        for i in range(first, first + count):
            created = BASE_TIME + timedelta(minutes=7 * i, milliseconds=(i * 137) % 1000)
            made.append(
                self.add_job(
                    1000 + i,
                    name=f"{('Junior', 'Senior', 'Staff')[i % 3]} Engineer {i}",
                    status=("open", "closed", "draft")[i % 3] if i % 5 else "open",
                    department_id=(10, 11, None)[i % 3],
                    office_ids=[20] if i % 2 else [20, 21],
                    created_at=created,
                    updated_at=created + timedelta(hours=(i * 37) % 101),
                    custom_fields={"employment_type": "Full-time"},
                )
            )
        return made

    # -- routes --------------------------------------------------------------------------------
    def _token(self, request: FakeRequest) -> FakeResponse:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.header("Authorization") != f"Basic {expected}":
            return FakeResponse(401, {"error": "invalid_client"})
        form = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return FakeResponse(400, {"error": "unsupported_grant_type"})
        with self._lock:
            token = f"gh-access-{self.client_id}-{next(self._tokens):03d}"
            expires = time.time() + self.token_ttl
            self.tokens[token] = expires
            self.token_subjects.append(form.get("sub"))
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.expiry_field == "expires_at":
            body["expires_at"] = iso(datetime.fromtimestamp(expires, UTC))
        elif self.expiry_field == "expires_in":
            body["expires_in"] = int(self.token_ttl)
        return FakeResponse(200, body)

    def _authorized(self, request: FakeRequest) -> bool:
        header = request.header("Authorization") or ""
        token = header.removeprefix("Bearer ")
        with self._lock:
            expires = self.tokens.get(token) if header.startswith("Bearer ") else None
        return expires is not None and time.time() < expires

    def _store(self, kind: str) -> dict[int, dict[str, Any]]:
        return {
            "jobs": self.jobs,
            "candidates": self.candidates,
            "departments": self.departments,
            "offices": self.offices,
        }[kind]

    def _list(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return FakeResponse(401, {"errors": ["Unauthorized"]})
        assert request.match is not None
        kind = request.match.group(1)
        query: dict[str, list[str]] = request.query
        after: int | None = None
        if "cursor" in query:
            if set(query) != {"cursor"} or len(query["cursor"]) != 1:
                return _unprocessable(CURSOR_ERROR)
            try:
                after, query = _decode_cursor(query["cursor"][0])
            except ValueError:
                return _unprocessable("Invalid cursor")
        try:
            matches, per_page = self._compile(kind, query)
        except BadParam as exc:
            return _unprocessable(str(exc))
        rows = sorted(
            (r for r in self._store(kind).values() if matches(r)),
            key=lambda r: int(r["id"]),
            reverse=self.order == "desc",
        )
        if after is not None and not self.repeat_first_page:
            descending = self.order == "desc"
            rows = [r for r in rows if (r["id"] < after if descending else r["id"] > after)]
        page = rows[:per_page]
        headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": str(int(time.time()) + 30),
        }
        if len(rows) > per_page:
            last = None if self.repeat_first_page else int(page[-1]["id"])
            cursor = _encode_cursor(last, query)
            headers["Link"] = f'<{self.base_url}/v3/{kind}?cursor={cursor}>; rel="next"'
        return FakeResponse(200, page, headers)

    def _compile(self, kind: str, query: Mapping[str, list[str]]) -> tuple[Predicate, int]:
        tests: list[Predicate] = []
        per_page = DEFAULT_PER_PAGE
        for param, values in query.items():
            if len(values) != 1:
                raise BadParam(f"{param}: given more than once")
            value = values[0]
            if param == "per_page":
                if not value.isdigit() or not 1 <= int(value) <= MAX_PER_PAGE:
                    raise BadParam(f"per_page must be between 1 and {MAX_PER_PAGE}")
                per_page = int(value)
            elif param == "ids":
                items = value.split(",")
                if not all(item.isdigit() for item in items) or len(items) > MAX_IDS:
                    raise BadParam(f"ids: up to {MAX_IDS} comma-separated integers")
                wanted = {int(item) for item in items}
                tests.append(lambda r, wanted=wanted: int(r["id"]) in wanted)
            elif param == "status" and kind == "jobs":
                if value not in ("open", "closed", "draft"):
                    raise BadParam("status: open, closed or draft")
                tests.append(lambda r, value=value: r.get("status") == value)
            elif param in _TIME_FILTERS[kind]:
                tests.append(_time_test(param, value))
            else:
                raise BadParam(f"{param}: unknown parameter")
        return (lambda record: all(test(record) for test in tests)), per_page

    def _create_candidate(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return FakeResponse(401, {"errors": ["Unauthorized"]})
        body = request.json()
        if not isinstance(body, dict):
            return FakeResponse(400, {"errors": [{"message": "a JSON object is required"}]})
        missing = [f for f in ("first_name", "last_name") if not str(body.get(f) or "").strip()]
        if missing:
            return FakeResponse(
                422,
                {"errors": [{"message": "Missing required field", "field": f} for f in missing]},
            )
        with self._lock:
            candidate_id = max([5_000_000, *self.candidates]) + 1
        application = body.pop("application", None)
        record = self.add_candidate(
            candidate_id,
            **body,
            created_at=self.now,
            updated_at=self.now,
            last_activity_at=self.now,
            application_ids=[9_000_000 + candidate_id] if application else [],
        )
        return FakeResponse(201, record)


class FakeGreenhouseBoard:
    """The public Job Board API of one board (``board_token``)."""

    def __init__(self, board_token: str = "acme") -> None:
        self.board_token = board_token
        self.posts: dict[int, dict[str, Any]] = {}
        self.server = FakeHTTPServer()
        self.server.route("GET", r"/v1/boards/([^/]+)/jobs")(self._jobs)

    def start(self) -> FakeGreenhouseBoard:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeGreenhouseBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v1"

    @property
    def requests(self) -> list[FakeRequest]:
        return self.server.requests

    def fail_next(self, status: int, **options: Any) -> None:
        self.server.fail_next(status, **options)

    def add_post(self, post_id: int, **fields: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": post_id,
            "internal_job_id": 1000 + post_id,
            "title": f"Post {post_id}",
            "updated_at": BASE_TIME,
            "requisition_id": f"REQ-{post_id}",
            "location": {"name": "Paris, France"},
            "absolute_url": f"https://boards.greenhouse.io/{self.board_token}/jobs/{post_id}",
            "language": "en",
            "metadata": None,
            "content": "&lt;p&gt;Join us &amp;amp; build things.&lt;/p&gt;",
            "departments": [{"id": 10, "name": "Engineering", "parent_id": None, "child_ids": []}],
            "offices": [
                {"id": 20, "name": "Paris", "location": "Paris, France", "parent_id": None}
            ],
        }
        record.update(fields)
        self.posts[post_id] = _jsonable(record)
        return self.posts[post_id]

    def _jobs(self, request: FakeRequest) -> FakeResponse:
        assert request.match is not None
        if request.match.group(1) != self.board_token:
            return FakeResponse(404, {"status": 404, "error": "Job board not found"})
        content = request.arg("content") == "true"
        hidden = () if content else ("content", "departments", "offices")
        jobs = [{k: v for k, v in post.items() if k not in hidden} for post in self.posts.values()]
        return FakeResponse(200, {"jobs": jobs, "meta": {"total": len(jobs)}})


# -- helpers --------------------------------------------------------------------------------------


def _jsonable(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in record.items()}


def _time_test(field: str, value: str) -> Predicate:
    """``gte|T1|lte|T2`` → a predicate on ``field``; `BadParam` when malformed."""
    parts = value.split("|")
    if len(parts) % 2 or not parts:
        raise BadParam(f"{field}: expected operator|time pairs such as gte|2024-01-01T00:00:00Z")
    checks: list[tuple[str, datetime]] = []
    for op, text in zip(parts[::2], parts[1::2], strict=True):
        if op not in _OPERATORS:
            raise BadParam(f"{field}: unknown operator {op!r}")
        try:
            checks.append((op, _as_time(text)))
        except ValueError:
            raise BadParam(f"{field}: {text!r} is not an ISO-8601 time") from None

    def test(record: Mapping[str, Any]) -> bool:
        raw = record.get(field)
        if not isinstance(raw, str):
            return False
        moment = _as_time(raw)
        for op, bound in checks:
            if op == "gte" and not moment >= bound:
                return False
            if op == "gt" and not moment > bound:
                return False
            if op == "lte" and not moment <= bound:
                return False
            if op == "lt" and not moment < bound:
                return False
        return True

    return test


def _encode_cursor(after: int | None, query: Mapping[str, list[str]]) -> str:
    state = {"after": after, "query": {k: list(v) for k, v in query.items()}}
    return base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int | None, dict[str, list[str]]]:
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("invalid cursor") from None
    if not isinstance(state, dict) or not isinstance(state.get("query"), dict):
        raise ValueError("invalid cursor")
    after = state.get("after")
    if after is not None and not isinstance(after, int):
        raise ValueError("invalid cursor")
    return after, {str(k): [str(x) for x in v] for k, v in state["query"].items()}


def _unprocessable(message: str) -> FakeResponse:
    return FakeResponse(422, {"errors": [message]})
