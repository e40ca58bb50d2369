"""A fake Warehouse A API on 127.0.0.1, implementing the contract in
``hrtech_etl/connectors/warehouse_a/actions.py``: API-key auth, page/limit pagination with
``meta.maxPage``, sort_by/order_by, inclusive range params, eq/in/search filters, batch upsert,
delete and archive. Test fixture only.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

API_KEY = "test-key-a"
MAX_LIMIT = 500
ID_KEYS = {"jobs": "job_id", "profiles": "profile_id"}
NAME_KEYS = {"jobs": "title", "profiles": "full_name"}
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


class BadParam(ValueError):
    pass


@functools.lru_cache(maxsize=64)
def _time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadParam(f"{name}: not a date: {value!r}") from None
    if parsed.tzinfo is None:
        raise BadParam(f"{name}: timezone required")
    return parsed


def _record_time(record: dict[str, Any], key: str) -> datetime:
    return _parse_record_time(str(record[key]))


@functools.cache
def _parse_record_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- the boolean search the API accepts in `keywords`: (a AND b) OR (c) ----------------------


def _tokens(query: str) -> list[str]:
    out: list[str] = []
    for chunk in re.findall(r"\(|\)|[^()]+", query):
        if chunk in "()":
            out.append(chunk)
            continue
        for part in re.split(r"\s+(AND|OR)\s+|^\s*(AND|OR)\s+|\s+(AND|OR)\s*$", chunk):
            if part and part.strip():
                out.append(part.strip())
    return out


def search_matches(query: str, text: str) -> bool:
    tokens = _tokens(query)
    position = 0
    haystack = text.lower()

    def expr() -> bool:
        nonlocal position
        value = term()
        while position < len(tokens) and tokens[position] == "OR":
            position += 1
            right = term()
            value = value or right
        return value

    def term() -> bool:
        nonlocal position
        value = factor()
        while position < len(tokens) and tokens[position] == "AND":
            position += 1
            right = factor()
            value = value and right
        return value

    def factor() -> bool:
        nonlocal position
        if position >= len(tokens):
            raise BadParam("keywords: incomplete query")
        token = tokens[position]
        position += 1
        if token == "(":
            value = expr()
            if position >= len(tokens) or tokens[position] != ")":
                raise BadParam("keywords: unbalanced parentheses")
            position += 1
            return value
        return token.lower() in haystack

    result = expr()
    if position != len(tokens):
        raise BadParam("keywords: trailing tokens")
    return result


# -- data ------------------------------------------------------------------------------------

TITLES = [
    "Data Engineer",
    "Backend Engineer",
    "Data Scientist",
    "Product Manager",
    "Sales Executive",
    "Nurse",
    "Python Developer",
    "Recruiter",
    "UX Designer",
]
CITIES = ["Paris", "Berlin", "London", "Madrid", "Lisbon", "Amsterdam"]
SKILLS = ["python", "sql", "java", "excel", "figma", "negotiation", "spark", "care"]


def make_job(index: int, *, updated: datetime | None = None, **fields: Any) -> dict[str, Any]:
    created = BASE_TIME + timedelta(minutes=index)
    job = {
        "job_id": f"J{index:06d}",
        "title": TITLES[index % len(TITLES)],
        "description": f"Role {index} in our {CITIES[index % len(CITIES)]} office.",
        "skills": [SKILLS[index % len(SKILLS)], SKILLS[(index * 3 + 1) % len(SKILLS)]],
        "board_key": f"board-{index % 3}",
        "status": "open" if index % 5 else "closed",
        "location_city": CITIES[index % len(CITIES)],
        "location_country": "FR",
        "remote": index % 2 == 0,
        "salary_min": float(30000 + (index % 10) * 5000),
        "salary_max": float(40000 + (index % 10) * 5000),
        "salary_currency": "EUR",
        "tags": ["demo"],
        "url": f"https://jobs.example/{index}",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "updated_at": (updated or created).isoformat().replace("+00:00", "Z"),
        "payload": {"n": index},
    }
    job.update(fields)
    return job


def make_profile(index: int, *, updated: datetime | None = None, **fields: Any) -> dict[str, Any]:
    created = BASE_TIME + timedelta(minutes=index)
    profile = {
        "profile_id": f"P{index:06d}",
        "full_name": f"Candidate {index}",
        "first_name": "Candidate",
        "last_name": str(index),
        "email": f"candidate{index}@mail.example",
        "headline": TITLES[index % len(TITLES)],
        "location_city": CITIES[index % len(CITIES)],
        "skills": [SKILLS[index % len(SKILLS)]],
        "source_key": f"source-{index % 2}",
        "resume_url": f"https://files.example/cv/{index}.pdf",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "updated_at": (updated or created).isoformat().replace("+00:00", "Z"),
        "payload": {},
    }
    profile.update(fields)
    return profile


# -- the server ------------------------------------------------------------------------------


class FakeWarehouseA:
    """``with FakeWarehouseA() as fake: fake.add_jobs(...); fake.base_url``."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.server = FakeHTTPServer()
        self.store: dict[str, dict[str, dict[str, Any]]] = {"jobs": {}, "profiles": {}}
        self.lock = threading.Lock()
        # Hook for tests that change data between pages: called with (kind, page_no).
        self.on_page: Callable[[str, int], None] | None = None
        # Records the fake refuses on upsert (e.g. to test per-record write failures).
        self.reject_ids: set[str] = set()
        # A broken paginator: every request gets page one, and maxPage never ends.
        self.ignore_page_param = False
        self.server.route("GET", r"/v1/(jobs|profiles)")(self._list)
        self.server.route("POST", r"/v1/(jobs|profiles)/batch")(self._upsert)
        self.server.route("DELETE", r"/v1/(jobs|profiles)/([^/]+)")(self._delete)
        self.server.route("POST", r"/v1/(jobs|profiles)/([^/]+)/archive")(self._archive)

    def __enter__(self) -> FakeWarehouseA:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        return self.store["jobs"]

    @property
    def profiles(self) -> dict[str, dict[str, Any]]:
        return self.store["profiles"]

    def add(self, kind: str, *records: dict[str, Any]) -> None:
        with self.lock:
            for record in records:
                self.store[kind][record[ID_KEYS[kind]]] = dict(record)

    def add_jobs(self, *jobs: dict[str, Any]) -> None:
        self.add("jobs", *jobs)

    def add_profiles(self, *profiles: dict[str, Any]) -> None:
        self.add("profiles", *profiles)

    def list_requests(self, kind: str = "jobs") -> list[FakeRequest]:
        return [r for r in self.server.requests if r.method == "GET" and r.path == f"/v1/{kind}"]

    # -- handlers ----------------------------------------------------------------------------
    def _auth(self, request: FakeRequest) -> FakeResponse | None:
        if request.header("x-api-key") != self.api_key:
            return FakeResponse(401, {"code": 401, "message": "Unauthorized. Invalid secret key"})
        return None

    def _list(self, request: FakeRequest) -> FakeResponse:
        denied = self._auth(request)
        if denied:
            return denied
        assert request.match is not None
        kind = request.match.group(1)
        try:
            page_no = int(request.arg("page", "1") or 1)
            limit = int(request.arg("limit", "30") or 30)
            if page_no < 1 or not 1 <= limit <= MAX_LIMIT:
                raise BadParam("page must be >= 1 and 1 <= limit <= 500")
            with self.lock:
                records = [r for r in self.store[kind].values() if self._keep(kind, r, request)]
            records = self._sort(kind, records, request)
        except BadParam as exc:
            return FakeResponse(400, {"code": 400, "message": f"Invalid parameters. {exc}"})
        if self.on_page is not None:
            self.on_page(kind, page_no)
        total = len(records)
        max_page = math.ceil(total / limit)
        if self.ignore_page_param:
            page_no, max_page = 1, 10**6
        chunk = records[(page_no - 1) * limit : page_no * limit]
        body = {
            "code": 200,
            "message": "ok",
            "data": chunk,
            "meta": {"page": page_no, "maxPage": max_page, "count": len(chunk), "total": total},
        }
        return FakeResponse(200, body)

    def _sort(
        self, kind: str, records: list[dict[str, Any]], request: FakeRequest
    ) -> list[dict[str, Any]]:
        id_key = ID_KEYS[kind]
        sort_by = request.arg("sort_by", "created_at")
        order = request.arg("order_by", "asc")
        if order not in ("asc", "desc"):
            raise BadParam("order_by must be asc or desc")
        if sort_by in ("created_at", "updated_at"):
            key: Callable[[dict[str, Any]], Any] = lambda r: (_record_time(r, sort_by), r[id_key])  # noqa: E731
        elif sort_by in ("job_id", "profile_id"):
            key = lambda r: r[id_key]  # noqa: E731
        else:
            raise BadParam(f"sort_by: unknown field {sort_by!r}")
        return sorted(records, key=key, reverse=order == "desc")

    def _keep(self, kind: str, record: dict[str, Any], request: FakeRequest) -> bool:
        id_key = ID_KEYS[kind]
        arg = request.arg
        if (ids := arg("ids")) is not None and record[id_key] not in ids.split(","):
            return False
        if (value := arg(id_key)) is not None and record[id_key] != value:
            return False
        if (value := arg("id_min")) is not None and record[id_key] < value:
            return False
        if (value := arg("id_max")) is not None and record[id_key] > value:
            return False
        for field in ("created_at", "updated_at"):
            if (value := arg(f"{field}_min")) is not None and _record_time(record, field) < _time(
                value, f"{field}_min"
            ):
                return False
            if (value := arg(f"{field}_max")) is not None and _record_time(record, field) > _time(
                value, f"{field}_max"
            ):
                return False
        for param, field in (
            ("title", "title"),
            ("city", "location_city"),
            ("status", "status"),
            ("email", "email"),
        ):
            if (value := arg(param)) is not None and record.get(field) != value:
                return False
        if (value := arg("status_not")) is not None and record.get("status") == value:
            return False
        if request.args("status__in") and record.get("status") not in request.args("status__in"):
            return False
        if (value := arg("remote")) is not None:
            if value not in ("true", "false"):
                raise BadParam("remote must be true or false")
            if record.get("remote") is not (value == "true"):
                return False
        for param, field in (("board_keys", "board_key"), ("source_keys", "source_key")):
            if (value := arg(param)) is not None:
                try:
                    wanted = json.loads(value)
                except ValueError:
                    raise BadParam(f"{param} must be a JSON array string") from None
                if not isinstance(wanted, list):
                    raise BadParam(f"{param} must be a JSON array string")
                if record.get(field) not in wanted:
                    return False
        if request.args("skills") and not set(request.args("skills")) & set(
            record.get("skills", [])
        ):
            return False
        for param, compare in (
            ("salary_from", lambda v, b: v >= b),
            ("salary_to", lambda v, b: v <= b),
        ):
            if (value := arg(param)) is not None:
                try:
                    bound = float(value)
                except ValueError:
                    raise BadParam(f"{param} must be a number") from None
                salary = record.get("salary_min")
                if salary is None or not compare(salary, bound):
                    return False
        if (query := arg("keywords")) is not None:
            text = " ".join(
                [
                    str(record.get(NAME_KEYS[kind], "")),
                    str(record.get("description") or ""),
                    *record.get("skills", []),
                ]
            )
            if not search_matches(query, text):
                return False
        return True

    def _upsert(self, request: FakeRequest) -> FakeResponse:
        denied = self._auth(request)
        if denied:
            return denied
        assert request.match is not None
        kind = request.match.group(1)
        items = (request.json() or {}).get("items")
        if not isinstance(items, list):
            return FakeResponse(400, {"code": 400, "message": "items must be a list"})
        written = 0
        failed = []
        with self.lock:
            for index, item in enumerate(items):
                record_id = item.get(ID_KEYS[kind]) if isinstance(item, dict) else None
                if not record_id or not item.get(NAME_KEYS[kind]) or record_id in self.reject_ids:
                    failed.append({"index": index, "id": record_id, "error": "invalid record"})
                    continue
                self.store[kind][record_id] = item
                written += 1
        return FakeResponse(200, {"code": 200, "data": {"written": written, "failed": failed}})

    def _delete(self, request: FakeRequest) -> FakeResponse:
        denied = self._auth(request)
        if denied:
            return denied
        assert request.match is not None
        kind, record_id = request.match.group(1), request.match.group(2)
        with self.lock:
            if self.store[kind].pop(record_id, None) is None:
                return FakeResponse(404, {"code": 404, "message": "not found"})
        return FakeResponse(200, {"code": 200, "message": "deleted"})

    def _archive(self, request: FakeRequest) -> FakeResponse:
        denied = self._auth(request)
        if denied:
            return denied
        assert request.match is not None
        kind, record_id = request.match.group(1), request.match.group(2)
        with self.lock:
            record = self.store[kind].get(record_id)
            if record is None:
                return FakeResponse(404, {"code": 404, "message": "not found"})
            record["archived_at"] = datetime.now(UTC).isoformat()
            if kind == "jobs":
                record["status"] = "archived"
        return FakeResponse(200, {"code": 200, "message": "archived"})
