"""A fake HrFlow.ai API v1 on 127.0.0.1, implementing the contract documented in
``hrtech_etl/connectors/hrflow/actions.py``.

In-memory Boards (jobs) and Sources (profiles), keyed by 40-hex keys. What it implements:

- auth: ``X-API-KEY`` and ``X-USER-EMAIL`` must both match, else 401
  ``{"code": 401, "message": "Unauthorized. Invalid secret key"}``;
- ``GET /v1/storing/{jobs|profiles}``: ``board_keys`` / ``source_keys`` (JSON array string,
  required, every key must exist), ``return_job`` / ``return_profile`` (without it only keys,
  references and dates come back, as documented), ``page`` (1-based) / ``limit`` (1..100),
  ``sort_by`` (created_at | updated_at, default created_at), ``order_by`` (asc | desc, default
  desc), ``created_at_min`` / ``created_at_max`` (``YYYY-MM-DD`` or full ISO 8601; this fake
  treats both bounds as **inclusive** by default, which HrFlow does not document;
  ``exclusive_bounds`` flips them, to show the connector is right either way), ``key``,
  ``reference``, ``name`` (exact; a profile's name is ``info.full_name``). Ties in the sort
  are broken by key. An unknown param is a 400 (the real API may ignore it: the fake is strict
  so a misnamed param fails a test instead of being silently ignored);
- ``GET/POST/PUT /v1/{job|profile}/indexing`` and ``PATCH .../indexing/archive``: get by key
  or reference, create (201; a reference already in the container is a 400), edit (fields
  given replace the stored ones), archive / restore (``is_archive`` 1 | 0, which also moves
  ``updated_at``: assumed). Unknown objects: 400 "Invalid parameters. Unable to find object:
  job" (profile, board, source);
- errors are ``{code, message}``; with ``errors_in_body`` they come with HTTP 200 and only
  the body ``code`` says so. 429s and other faults come from `FakeHTTPServer.fail_next`;
- ``repeat_first_page``: a broken paginator serving page one for every page.

Times are stored and served as HrFlow writes them: ``2024-01-01T00:00:00+0000``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

API_KEY = "hrflow-fake-secret-0000"
USER_EMAIL = "etl@corp.example"
MAX_LIMIT = 100
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def hrflow_key(seed: str) -> str:
    """A deterministic 40-hex key, HrFlow's key shape."""
    return hashlib.sha1(seed.encode()).hexdigest()


BOARD_KEY = hrflow_key("board-main")
SOURCE_KEY = hrflow_key("source-main")


def stamp(moment: datetime) -> str:
    """A time as HrFlow serves it: ``2024-01-01T00:00:00+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


@functools.lru_cache(maxsize=4096)
def parse_time(text: str) -> datetime:
    """ISO 8601 (``Z``, ``+00:00`` or ``+0000``) or a bare ``YYYY-MM-DD`` (midnight UTC)."""
    value = text.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def make_job(index: int, **fields: Any) -> dict[str, Any]:
    """A job as HrFlow stores it (created_at = updated_at = T0 + index minutes by default)."""
    created = T0 + timedelta(minutes=index)
    job: dict[str, Any] = {
        "id": 1000 + index,
        "key": hrflow_key(f"job-{index}"),
        "reference": f"REF-{index:05d}",
        "board_key": BOARD_KEY,
        "board": {"key": BOARD_KEY, "name": "Main board", "type": "api"},
        "name": ["Data Engineer", "Nurse", "Sales Executive"][index % 3],
        "url": f"https://careers.example/jobs/{index}",
        "summary": f"Job number {index}.",
        "location": {"text": "Paris, France", "lat": 48.85, "lng": 2.35, "fields": []},
        "sections": [{"name": "description", "title": "Description", "description": "Do it."}],
        "culture": None,
        "skills": [{"name": "python", "type": "hard", "value": None}],
        "languages": [{"name": "French", "value": "Fluent"}],
        "tags": [{"name": "employment_type", "value": "full_time"}],
        "metadatas": [],
        "ranges_float": [
            {"name": "salary", "value_min": 40000.0, "value_max": 50000.0, "unit": "EUR"}
        ],
        "ranges_date": [],
        "created_at": stamp(created),
        "updated_at": stamp(created),
        "archived_at": None,
    }
    job.update(fields)
    return job


def make_profile(index: int, **fields: Any) -> dict[str, Any]:
    created = T0 + timedelta(minutes=index)
    profile: dict[str, Any] = {
        "id": 5000 + index,
        "key": hrflow_key(f"profile-{index}"),
        "reference": f"CAND-{index:05d}",
        "source_key": SOURCE_KEY,
        "source": {"key": SOURCE_KEY, "name": "Main source", "type": "api"},
        "info": {
            "full_name": f"Candidate {index}",
            "first_name": "Candidate",
            "last_name": str(index),
            "email": f"candidate{index}@mail.example",
            "phone": "+33 1 23 45 67 89",
            "location": {"text": "Lyon", "lat": None, "lng": None, "fields": {"city": "Lyon"}},
            "urls": [{"type": "linkedin", "url": f"https://linkedin.example/in/c{index}"}],
            "summary": "Engineer.",
        },
        "text_language": "en",
        "experiences": [
            {
                "company": "Acme",
                "title": "Engineer",
                "date_start": "2019-03-01",
                "date_end": None,
                "skills": [],
            }
        ],
        "educations": [
            {"school": "EPFL", "title": "MSc", "date_start": "2015", "date_end": "2017"}
        ],
        "skills": [{"name": "sql", "type": "hard", "value": None}],
        "tags": [],
        "metadatas": [],
        "attachments": [
            {
                "type": "original",
                "file_name": f"cv-{index}.pdf",
                "original_file_name": "cv.pdf",
                "public_url": f"https://files.example/cv/{index}.pdf",
            }
        ],
        "created_at": stamp(created),
        "updated_at": stamp(created),
        "archived_at": None,
    }
    profile.update(fields)
    return profile


class BadRequest(ValueError):
    pass


class _Kind:
    """What differs between jobs and profiles on the wire."""

    def __init__(self, singular: str, container: str, containers: str, container_name: str):
        self.singular = singular
        self.container = container
        self.containers = containers
        self.container_name = container_name
        self.return_full = f"return_{singular}"


KINDS = {
    "jobs": _Kind("job", "board_key", "board_keys", "board"),
    "profiles": _Kind("profile", "source_key", "source_keys", "source"),
}
BY_SINGULAR = {kind.singular: (plural, kind) for plural, kind in KINDS.items()}
_LIST_PARAMS = {
    "name",
    "key",
    "reference",
    "location_lat",
    "location_lon",
    "location_dist",
    "page",
    "limit",
    "order_by",
    "sort_by",
    "created_at_min",
    "created_at_max",
}
_SERVER_FIELDS = {"id", "key", "board", "source", "updated_at", "archived_at"}


class FakeHrFlow:
    """``with FakeHrFlow() as fake: fake.put_jobs(make_job(1)); fake.base_url + "/v1"``."""

    def __init__(
        self,
        api_key: str = API_KEY,
        user_email: str = USER_EMAIL,
        *,
        boards: tuple[str, ...] = (BOARD_KEY,),
        sources: tuple[str, ...] = (SOURCE_KEY,),
    ) -> None:
        self.api_key = api_key
        self.user_email = user_email
        self.server = FakeHTTPServer()
        self.lock = threading.Lock()
        # container key -> object key -> object
        self.store: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
            "jobs": {b: {} for b in boards},
            "profiles": {s: {} for s in sources},
        }
        self.repeat_first_page = False
        self.errors_in_body = False
        self.exclusive_bounds = False
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._serial = itertools.count(1)
        self.server.route("GET", r"/v1/storing/(jobs|profiles)")(self._list)
        self.server.route("GET", r"/v1/(job|profile)/indexing")(self._get)
        self.server.route("POST", r"/v1/(job|profile)/indexing")(self._create)
        self.server.route("PUT", r"/v1/(job|profile)/indexing")(self._edit)
        self.server.route("PATCH", r"/v1/(job|profile)/indexing/archive")(self._archive)

    # -- lifecycle and data ------------------------------------------------------------------
    def __enter__(self) -> FakeHrFlow:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        """The API root (``.../v1``), as the connector's ``auth.base_url`` takes it."""
        return f"{self.server.base_url}/v1"

    def jobs(self, board_key: str = BOARD_KEY) -> dict[str, dict[str, Any]]:
        return self.store["jobs"][board_key]

    def profiles(self, source_key: str = SOURCE_KEY) -> dict[str, dict[str, Any]]:
        return self.store["profiles"][source_key]

    def put_jobs(self, *jobs: dict[str, Any]) -> None:
        """Store jobs as they are (in their ``board_key``), replacing the same keys."""
        with self.lock:
            for job in jobs:
                self.store["jobs"][job["board_key"]][job["key"]] = dict(job)

    def put_profiles(self, *profiles: dict[str, Any]) -> None:
        with self.lock:
            for profile in profiles:
                self.store["profiles"][profile["source_key"]][profile["key"]] = dict(profile)

    def by_reference(self, kind: str, reference: str, container: str | None = None) -> Any:
        container = container or (BOARD_KEY if kind == "jobs" else SOURCE_KEY)
        return next(
            (o for o in self.store[kind][container].values() if o.get("reference") == reference),
            None,
        )

    def list_requests(self, kind: str = "jobs") -> list[FakeRequest]:
        return [r for r in self.server.requests if r.path == f"/v1/storing/{kind}"]

    def write_requests(self) -> list[FakeRequest]:
        return [r for r in self.server.requests if r.method in ("POST", "PUT", "PATCH")]

    # -- helpers -----------------------------------------------------------------------------
    def _error(self, code: int, message: str) -> FakeResponse:
        status = 200 if self.errors_in_body else code
        return FakeResponse(status, {"code": code, "message": message})

    def _denied(self, request: FakeRequest) -> FakeResponse | None:
        if (
            request.header("x-api-key") != self.api_key
            or request.header("x-user-email") != self.user_email
        ):
            return self._error(401, "Unauthorized. Invalid secret key")
        return None

    def _containers(self, kind: str, raw: str | None, name: str) -> list[str]:
        if raw is None:
            raise BadRequest(f"{name} is required")
        try:
            keys = json.loads(raw)
        except ValueError:
            raise BadRequest(f"{name} must be a JSON array of keys") from None
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            raise BadRequest(f"{name} must be a JSON array of keys")
        for key in keys:
            if key not in self.store[kind]:
                raise BadRequest(f"Unable to find object: {KINDS[kind].container_name}")
        return keys

    def _find(self, kind: str, container: str, key: str | None, reference: str | None) -> Any:
        objects = self.store[kind][container]
        if key:
            return objects.get(key)
        if reference:
            return next((o for o in objects.values() if o.get("reference") == reference), None)
        raise BadRequest("key or reference is required")

    def _container_of(self, kind: str, value: Any) -> str:
        if not isinstance(value, str) or value not in self.store[kind]:
            raise BadRequest(f"Unable to find object: {KINDS[kind].container_name}")
        return value

    # -- list --------------------------------------------------------------------------------
    def _list(self, request: FakeRequest) -> FakeResponse:
        denied = self._denied(request)
        if denied:
            return denied
        assert request.match is not None
        kind_name = request.match.group(1)
        kind = KINDS[kind_name]
        try:
            unknown = set(request.query) - _LIST_PARAMS - {kind.containers, kind.return_full}
            if unknown:
                raise BadRequest(f"unknown parameter {sorted(unknown)[0]!r}")
            containers = self._containers(kind_name, request.arg(kind.containers), kind.containers)
            full = (request.arg(kind.return_full) or "false").lower() in ("true", "1")
            page_no = int(request.arg("page", "1") or 1)
            limit = int(request.arg("limit", "30") or 30)
            if page_no < 1 or not 1 <= limit <= MAX_LIMIT:
                raise BadRequest(f"page must be >= 1 and 1 <= limit <= {MAX_LIMIT}")
            order = request.arg("order_by", "desc")
            sort_by = request.arg("sort_by", "created_at")
            if order not in ("asc", "desc"):
                raise BadRequest("order_by must be asc or desc")
            if sort_by not in ("created_at", "updated_at"):
                raise BadRequest("sort_by must be created_at or updated_at")
            low = self._bound(request, "created_at_min")
            high = self._bound(request, "created_at_max")
            with self.lock:
                records = [
                    dict(o)
                    for c in containers
                    for o in self.store[kind_name][c].values()
                    if self._keep(kind_name, o, request, low, high)
                ]
        except BadRequest as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        except ValueError as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        records.sort(key=lambda o: (parse_time(o[sort_by]), o["key"]), reverse=order == "desc")
        total = len(records)
        max_page = math.ceil(total / limit)
        if self.repeat_first_page:
            page_no, max_page = 1, 10**6
        chunk = records[(page_no - 1) * limit : page_no * limit]
        if not full:
            slim = ("key", "reference", "created_at", "updated_at", "archived_at")
            chunk = [{k: o.get(k) for k in slim} for o in chunk]
        body = {
            "code": 200,
            "message": f"List of {kind_name}",
            "meta": {"page": page_no, "maxPage": max_page, "count": len(chunk), "total": total},
            "data": chunk,
        }
        return FakeResponse(200, body)

    def _bound(self, request: FakeRequest, name: str) -> datetime | None:
        raw = request.arg(name)
        if raw is None:
            return None
        try:
            return parse_time(raw)
        except ValueError:
            raise BadRequest(f"{name}: not a date: {raw!r}") from None

    def _keep(
        self,
        kind: str,
        obj: dict[str, Any],
        request: FakeRequest,
        low: datetime | None,
        high: datetime | None,
    ) -> bool:
        created = parse_time(obj["created_at"])
        strict = self.exclusive_bounds
        if low is not None and (created <= low if strict else created < low):
            return False
        if high is not None and (created >= high if strict else created > high):
            return False
        for param in ("key", "reference"):
            value = request.arg(param)
            if value is not None and obj.get(param) != value:
                return False
        name = request.arg("name")
        if name is not None:
            actual = obj.get("name") if kind == "jobs" else (obj.get("info") or {}).get("full_name")
            if actual != name:
                return False
        return True

    # -- one object --------------------------------------------------------------------------
    def _kind_of(self, request: FakeRequest) -> tuple[str, _Kind]:
        assert request.match is not None
        return BY_SINGULAR[request.match.group(1)]

    def _get(self, request: FakeRequest) -> FakeResponse:
        denied = self._denied(request)
        if denied:
            return denied
        kind_name, kind = self._kind_of(request)
        try:
            container = self._container_of(kind_name, request.arg(kind.container))
            with self.lock:
                obj = self._find(kind_name, container, request.arg("key"), request.arg("reference"))
        except BadRequest as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        if obj is None:
            return self._error(400, f"Invalid parameters. Unable to find object: {kind.singular}")
        return FakeResponse(200, {"code": 200, "message": f"{kind.singular} details", "data": obj})

    def _create(self, request: FakeRequest) -> FakeResponse:
        denied = self._denied(request)
        if denied:
            return denied
        kind_name, kind = self._kind_of(request)
        body = request.json()
        try:
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            container = self._container_of(kind_name, body.get(kind.container))
            self._check(kind, body)
            now = stamp(self.now())
            with self.lock:
                reference = body.get("reference")
                if reference and self._find(kind_name, container, None, reference) is not None:
                    raise BadRequest(f"a {kind.singular} with reference {reference!r} exists")
                serial = next(self._serial)
                obj = {k: v for k, v in body.items() if k not in _SERVER_FIELDS}
                obj.update(
                    id=serial,
                    key=hrflow_key(f"{kind.singular}-created-{serial}"),
                    created_at=body.get("created_at") or now,
                    updated_at=now,
                    archived_at=None,
                )
                self.store[kind_name][container][obj["key"]] = obj
        except BadRequest as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        return FakeResponse(201, {"code": 201, "message": f"{kind.singular} created", "data": obj})

    def _edit(self, request: FakeRequest) -> FakeResponse:
        denied = self._denied(request)
        if denied:
            return denied
        kind_name, kind = self._kind_of(request)
        body = request.json()
        try:
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            container = self._container_of(kind_name, body.get(kind.container))
            self._check(kind, body)
            with self.lock:
                obj = self._find(kind_name, container, body.get("key"), body.get("reference"))
                if obj is None:
                    raise BadRequest(f"Unable to find object: {kind.singular}")
                obj.update({k: v for k, v in body.items() if k not in _SERVER_FIELDS})
                obj["updated_at"] = stamp(self.now())
        except BadRequest as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        return FakeResponse(200, {"code": 200, "message": f"{kind.singular} edited", "data": obj})

    def _archive(self, request: FakeRequest) -> FakeResponse:
        denied = self._denied(request)
        if denied:
            return denied
        kind_name, kind = self._kind_of(request)
        body = request.json()
        try:
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            container = self._container_of(kind_name, body.get(kind.container))
            flag = body.get("is_archive")
            if flag not in (0, 1):
                raise BadRequest("is_archive must be 0 or 1")
            with self.lock:
                obj = self._find(kind_name, container, body.get("key"), body.get("reference"))
                if obj is None:
                    raise BadRequest(f"Unable to find object: {kind.singular}")
                now = stamp(self.now())
                obj["archived_at"] = now if flag == 1 else None
                obj["updated_at"] = now
        except BadRequest as exc:
            return self._error(400, f"Invalid parameters. {exc}")
        return FakeResponse(
            200, {"code": 200, "message": f"{kind.singular} archived", "data": {"key": obj["key"]}}
        )

    def _check(self, kind: _Kind, body: dict[str, Any]) -> None:
        if kind.singular == "job" and not body.get("name"):
            raise BadRequest("name is required")
        if kind.singular == "profile" and not isinstance(body.get("info", {}), dict):
            raise BadRequest("info must be an object")
