"""A fake Warehouse B on 127.0.0.1: exactly the API documented in
``hrtech_etl/connectors/warehouse_b/actions.py``.

Records live in ``jobs`` / ``profiles`` (id → JSON dict, times as ISO-8601 strings). Lists are
always sorted by id, paginated by an opaque keyset cursor in a ``Link`` header; the cursor
carries the original filters and is refused when sent with any other param. Unknown params and
malformed values get 400, a wrong token 401; faults (429, 5xx) come from the underlying
`FakeHTTPServer` (``fail_next``). Usage::

    with FakeWarehouseB() as fake:
        fake.seed_jobs(300)
        connector = WarehouseBConnector(auth=BearerAuth(base_url=fake.base_url, token=fake.token))
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from tests.fakes.base import FakeHTTPServer, FakeRequest, FakeResponse

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)

_tokens = itertools.count(1)

# resource path segment (also the bulk body key) -> (id field, text field searched by q)
_KINDS = {
    "jobs": ("job_id", "title"),
    "profiles": ("profile_id", "full_name"),
}
# EQ params: param name -> record field, per kind.
_EQ_PARAMS = {
    "jobs": {
        "job_id": "job_id",
        "title": "title",
        "department": "department",
        "employment_type": "employment_type",
    },
    "profiles": {"profile_id": "profile_id", "full_name": "full_name", "email": "email"},
}
_TIME_PARAMS = {
    "created_since": ("created_at", True),
    "created_until": ("created_at", False),
    "updated_since": ("updated_at", True),
    "updated_until": ("updated_at", False),
}
_CSV_PARAMS = {"ids": None, "departments": "jobs"}  # param -> the kind taking it (None: both)


def iso(moment: datetime) -> str:
    """A time as B's records carry it: ISO-8601 UTC, millisecond precision, ``Z``."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def epoch_ms(moment: datetime | str) -> int:
    return (_as_time(moment) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def _as_time(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- q: a tiny boolean query language ------------------------------------------------------------


class QueryError(ValueError):
    pass


_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<quoted>[^"]*)"|(?P<word>[^\s()"]+))')


def parse_query(text: str) -> Callable[[str], bool]:
    """``(data) AND (science OR ml)`` → a predicate on a title.

    Terms match as case-insensitive substrings; adjacent words form one phrase
    (``(machine learning)``), ``"quoted text"`` too. ``AND`` binds tighter than ``OR``; the
    operators are upper case (``and`` is a term).
    """
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise QueryError(f"cannot read the query at {text[position:]!r}")
        position = match.end()
        if match["paren"]:
            tokens.append((match["paren"], match["paren"]))
        elif match["quoted"] is not None:
            tokens.append(("term", match["quoted"]))
        elif match["word"] in ("AND", "OR"):
            tokens.append((match["word"], match["word"]))
        else:
            tokens.append(("word", match["word"]))
    if not tokens:
        raise QueryError("empty query")
    parser = _QueryParser(tokens)
    predicate = parser.expression()
    if parser.index != len(tokens):
        raise QueryError(f"unexpected {tokens[parser.index][1]!r}")
    return predicate


class _QueryParser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def _peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def expression(self) -> Callable[[str], bool]:
        parts = [self._conjunction()]
        while self._peek() == "OR":
            self.index += 1
            parts.append(self._conjunction())
        return parts[0] if len(parts) == 1 else (lambda title: any(p(title) for p in parts))

    def _conjunction(self) -> Callable[[str], bool]:
        parts = [self._atom()]
        while self._peek() == "AND":
            self.index += 1
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else (lambda title: all(p(title) for p in parts))

    def _atom(self) -> Callable[[str], bool]:
        kind = self._peek()
        if kind == "(":
            self.index += 1
            inner = self.expression()
            if self._peek() != ")":
                raise QueryError("missing ')'")
            self.index += 1
            return inner
        if kind == "term":
            phrase = self.tokens[self.index][1]
            self.index += 1
        elif kind == "word":
            words = []
            while self._peek() == "word":
                words.append(self.tokens[self.index][1])
                self.index += 1
            phrase = " ".join(words)
        else:
            raise QueryError(f"expected a term, got {kind or 'the end of the query'}")
        needle = phrase.casefold()
        if not needle:
            raise QueryError("empty term")
        return lambda title: needle in title.casefold()


# -- the fake ------------------------------------------------------------------------------------


@dataclass
class BadParam(Exception):
    param: str
    message: str


Predicate = Callable[[Mapping[str, Any]], bool]

_DEPARTMENTS = ["Engineering", "Data", "Product", "Sales", "People"]
_LEVELS = ["Junior", "Senior", "Staff", "Lead"]
_ROLES = [
    "Data Scientist",
    "Data Engineer",
    "Backend Engineer",
    "ML Engineer",
    "Product Manager",
    "Frontend Developer",
    "Account Executive",
    "Talent Partner",
]
_LOCATIONS = ["Paris, France", "Berlin, Germany", "Remote", "London, UK", "Lyon, France"]
_TAGS = ["python", "sql", "remote", "ml", "react", "go", "sales"]
_EMPLOYMENT = ["full_time", "part_time", "contract", "internship", "full_time", "seasonal"]
_FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara"]
_LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov"]
_HEADLINES = ["Data scientist", "Backend engineer", "Product designer", "ML researcher"]


class FakeWarehouseB:
    def __init__(self, token: str | None = None) -> None:
        # A fresh token per fake: the HTTP policy keys rate-limit buckets by credential.
        self.token = token or f"b-token-{next(_tokens):04d}"
        self.jobs: dict[str, dict[str, Any]] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.now = datetime(2025, 1, 1, tzinfo=UTC)  # what PATCH stamps as updated_at
        self.link_base: str | None = None  # overrides the host in Link headers (tests)
        # A broken paginator: the next link always points back at the first page.
        self.repeat_first_page = False
        self.server = FakeHTTPServer()
        self.server.route("GET", r"/api/(jobs|profiles)")(self._list)
        self.server.route("PUT", r"/api/(jobs|profiles)/bulk")(self._bulk_upsert)
        self.server.route("DELETE", r"/api/(jobs|profiles)")(self._delete)
        self.server.route("PATCH", r"/api/(jobs|profiles)/([^/]+)")(self._patch)

    # -- lifecycle and inspection --------------------------------------------------------------
    def start(self) -> FakeWarehouseB:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeWarehouseB:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def requests(self) -> list[FakeRequest]:
        return self.server.requests

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[FakeRequest]:
        found = self.server.requests_to(path_prefix)
        return [r for r in found if method is None or r.method == method]

    def fail_next(self, status: int, **options: Any) -> None:
        self.server.fail_next(status, **options)

    # -- seeding ---------------------------------------------------------------------------------
    def add_job(self, **fields: Any) -> dict[str, Any]:
        """Store (or replace) a job; datetimes become ISO strings, other fields are defaulted."""
        job_id = str(fields["job_id"])
        record: dict[str, Any] = {
            "job_id": job_id,
            "title": f"Job {job_id}",
            "department": None,
            "location": None,
            "tags": [],
            "employment_type": None,
            "archived": False,
            "created_at": BASE_TIME,
            "updated_at": fields.get("created_at", BASE_TIME),
            "payload": {},
        }
        record.update(fields)
        self.jobs[job_id] = _jsonable(record)
        return self.jobs[job_id]

    def add_profile(self, **fields: Any) -> dict[str, Any]:
        profile_id = str(fields["profile_id"])
        record: dict[str, Any] = {
            "profile_id": profile_id,
            "full_name": f"Candidate {profile_id}",
            "email": None,
            "headline": None,
            "tags": [],
            "archived": False,
            "created_at": BASE_TIME,
            "updated_at": fields.get("created_at", BASE_TIME),
            "payload": {},
        }
        record.update(fields)
        self.profiles[profile_id] = _jsonable(record)
        return self.profiles[profile_id]

    def update_job(self, job_id: str, **changes: Any) -> dict[str, Any]:
        return self.add_job(**{**self.jobs[job_id], **changes})

    def update_profile(self, profile_id: str, **changes: Any) -> dict[str, Any]:
        return self.add_profile(**{**self.profiles[profile_id], **changes})

    def seed_jobs(self, count: int, *, first: int = 1) -> list[dict[str, Any]]:
        """``count`` realistic jobs ``J-00001``... created 7 min apart from `BASE_TIME`.

        Deterministic. ``updated_at`` is not in id order (B lists by id, so a time cursor sees
        its values jumbled), and times carry milliseconds.
        """
        made = []
        for i in range(first, first + count):
            created = BASE_TIME + timedelta(minutes=7 * i, milliseconds=(i * 137) % 1000)
            made.append(
                self.add_job(
                    job_id=f"J-{i:05d}",
                    title=f"{_LEVELS[i % 4]} {_ROLES[(i * 3) % len(_ROLES)]}",
                    department=_DEPARTMENTS[i % len(_DEPARTMENTS)],
                    location=_LOCATIONS[(i * 2) % len(_LOCATIONS)],
                    tags=sorted({_TAGS[i % len(_TAGS)], _TAGS[(i * 5 + 1) % len(_TAGS)]}),
                    employment_type=_EMPLOYMENT[i % len(_EMPLOYMENT)],
                    archived=i % 17 == 0,
                    created_at=created,
                    updated_at=created + timedelta(hours=(i * 37) % 101, seconds=i % 60),
                    payload={"requisition": f"REQ-{i:04d}", "openings": 1 + i % 3},
                )
            )
        return made

    def seed_profiles(self, count: int, *, first: int = 1) -> list[dict[str, Any]]:
        made = []
        for i in range(first, first + count):
            created = BASE_TIME + timedelta(minutes=11 * i, milliseconds=(i * 211) % 1000)
            first_name, last_name = _FIRST[i % len(_FIRST)], _LAST[(i * 3) % len(_LAST)]
            made.append(
                self.add_profile(
                    profile_id=f"P-{i:05d}",
                    full_name=f"{first_name} {last_name}",
                    email=f"{first_name}.{last_name}.{i}@example.org".lower(),
                    headline=_HEADLINES[i % len(_HEADLINES)],
                    tags=[_TAGS[i % len(_TAGS)]],
                    archived=i % 13 == 0,
                    created_at=created,
                    updated_at=created + timedelta(hours=(i * 29) % 97),
                    payload={"source": "referral" if i % 2 else "career-site"},
                )
            )
        return made

    # -- routes ----------------------------------------------------------------------------------
    def _authorized(self, request: FakeRequest) -> bool:
        return request.header("Authorization") == f"Bearer {self.token}"

    def _store(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.jobs if kind == "jobs" else self.profiles

    def _list(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return _unauthorized()
        assert request.match is not None
        kind = request.match.group(1)
        query = request.query
        after: str | None = None
        if "cursor" in query:
            if set(query) != {"cursor"} or len(query["cursor"]) != 1:
                return _bad_param("cursor", "the cursor must be the only param")
            try:
                after, query = _decode_cursor(query["cursor"][0])
            except ValueError:
                return _bad_param("cursor", "invalid cursor")
        try:
            matches, per_page = self._compile(kind, query)
        except BadParam as exc:
            return _bad_param(exc.param, exc.message)
        id_field = _KINDS[kind][0]
        rows = sorted(
            (r for r in self._store(kind).values() if matches(r)), key=lambda r: r[id_field]
        )
        if after is not None and not self.repeat_first_page:
            rows = [r for r in rows if r[id_field] > after]
        page = rows[:per_page]
        headers: dict[str, str] = {}
        if len(rows) > per_page:
            last = rows[0][id_field] if self.repeat_first_page else page[-1][id_field]
            cursor = _encode_cursor(last, query)
            base = self.link_base or self.base_url
            headers["Link"] = f'<{base}/api/{kind}?cursor={cursor}>; rel="next"'
        return FakeResponse(200, {"items": page}, headers)

    def _compile(self, kind: str, query: Mapping[str, list[str]]) -> tuple[Predicate, int]:
        """The filter a list request asks for, and its page size; `BadParam` when malformed."""
        id_field, text_field = _KINDS[kind]
        tests: list[Predicate] = []
        per_page = DEFAULT_PER_PAGE
        for param, values in query.items():
            if param != "tag" and len(values) != 1:
                raise BadParam(param, "given more than once")
            value = values[-1]
            if param == "per_page":
                if not value.isdigit() or not 1 <= int(value) <= MAX_PER_PAGE:
                    raise BadParam(param, f"must be an integer from 1 to {MAX_PER_PAGE}")
                per_page = int(value)
            elif param in _TIME_PARAMS:
                field, lower = _TIME_PARAMS[param]
                if not value.lstrip("-").isdigit():
                    raise BadParam(param, "must be epoch milliseconds")
                tests.append(_time_test(field, int(value), lower))
            elif param == "q":
                try:
                    search = parse_query(value)
                except QueryError as exc:
                    raise BadParam(param, str(exc)) from None
                tests.append(_text_test(text_field, search))
            elif param in _CSV_PARAMS and _CSV_PARAMS[param] in (None, kind):
                items = {item for item in value.split(",") if item}
                if not items:
                    raise BadParam(param, "must list at least one value")
                field = id_field if param == "ids" else "department"
                tests.append(_one_of_test(field, items))
            elif param == "tag":
                if not all(values):
                    raise BadParam(param, "must not be empty")
                tests.append(_any_tag_test(set(values)))
            elif param in _EQ_PARAMS[kind]:
                tests.append(_one_of_test(_EQ_PARAMS[kind][param], {value}))
            else:
                raise BadParam(param, "unknown param")
        return (lambda record: all(test(record) for test in tests)), per_page

    def _bulk_upsert(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return _unauthorized()
        assert request.match is not None
        kind = request.match.group(1)
        id_field, text_field = _KINDS[kind]
        try:
            body = request.json()
        except ValueError:
            return FakeResponse(400, {"error": "invalid_body", "message": "not JSON"})
        if not isinstance(body, dict) or not isinstance(body.get(kind), list):
            return FakeResponse(400, {"error": "invalid_body", "message": f"expected {kind!r}"})
        upserted = 0
        errors: list[dict[str, Any]] = []
        for item in body[kind]:
            record_id = item.get(id_field) if isinstance(item, dict) else None
            problem = _record_problem(item, id_field, text_field)
            if problem is not None:
                errors.append({"id": record_id, "message": problem})
                continue
            self._store(kind)[str(record_id)] = item
            upserted += 1
        return FakeResponse(200, {"upserted": upserted, "errors": errors})

    def _delete(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return _unauthorized()
        assert request.match is not None
        store = self._store(request.match.group(1))
        if set(request.query) != {"ids"} or not request.arg("ids"):
            return _bad_param("ids", "DELETE takes exactly one param: ids")
        ids = [item for item in (request.arg("ids") or "").split(",") if item]
        deleted = sum(1 for record_id in ids if store.pop(record_id, None) is not None)
        return FakeResponse(200, {"deleted": deleted})

    def _patch(self, request: FakeRequest) -> FakeResponse:
        if not self._authorized(request):
            return _unauthorized()
        assert request.match is not None
        store = self._store(request.match.group(1))
        record_id = unquote(request.match.group(2))
        body = request.json()
        if not isinstance(body, dict) or set(body) != {"archived"}:
            return FakeResponse(400, {"error": "invalid_body", "message": "expected archived"})
        if not isinstance(body["archived"], bool):
            return FakeResponse(400, {"error": "invalid_body", "message": "archived: a bool"})
        record = store.get(record_id)
        if record is None:
            return FakeResponse(404, {"error": "not_found"})
        record["archived"] = body["archived"]
        record["updated_at"] = iso(self.now)
        return FakeResponse(200, record)


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in record.items()}


def _text_test(field: str, search: Callable[[str], bool]) -> Predicate:
    return lambda record: search(str(record.get(field) or ""))


def _one_of_test(field: str, values: set[str]) -> Predicate:
    return lambda record: record.get(field) in values


def _any_tag_test(tags: set[str]) -> Predicate:
    def test(record: Mapping[str, Any]) -> bool:
        held = record.get("tags")
        return isinstance(held, list) and not tags.isdisjoint(held)

    return test


def _time_test(field: str, bound_ms: int, lower: bool) -> Predicate:
    def test(record: Mapping[str, Any]) -> bool:
        # A stored time the fake cannot read matches no time filter (as a bad row in a real
        # database would compare), rather than crashing the request.
        try:
            moment = epoch_ms(record[field])
        except (KeyError, TypeError, ValueError):
            return False
        return moment >= bound_ms if lower else moment <= bound_ms

    return test


def _record_problem(item: Any, id_field: str, text_field: str) -> str | None:
    if not isinstance(item, dict):
        return "a record must be an object"
    if not isinstance(item.get(id_field), str) or not item[id_field]:
        return f"{id_field} is required"
    if not isinstance(item.get(text_field), str) or not item[text_field].strip():
        return f"{text_field} is required"
    for field in ("created_at", "updated_at"):
        try:
            _as_time(item[field])
        except (KeyError, TypeError, ValueError):
            return f"{field} must be an ISO-8601 time"
    return None


def _encode_cursor(after: str, query: Mapping[str, list[str]]) -> str:
    state = {"v": 1, "after": after, "query": {k: list(v) for k, v in query.items()}}
    return base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, dict[str, list[str]]]:
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("invalid cursor") from None
    if (
        not isinstance(state, dict)
        or state.get("v") != 1
        or not isinstance(state.get("after"), str)
    ):
        raise ValueError("invalid cursor")
    query = state.get("query")
    if not isinstance(query, dict) or "cursor" in query:
        raise ValueError("invalid cursor")
    return state["after"], {str(k): [str(x) for x in v] for k, v in query.items()}


def _unauthorized() -> FakeResponse:
    return FakeResponse(401, {"error": "invalid_token"})


def _bad_param(param: str, message: str) -> FakeResponse:
    return FakeResponse(400, {"error": "invalid_param", "param": param, "message": message})
