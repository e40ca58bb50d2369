"""The sqlite connector on tmp files: WHERE pushed down as SQL with the in-memory semantics,
keyset pages, upserts in one transaction per batch, file modes, pulls and event pushes."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hrtech_etl.connectors.local import (
    CONNECTORS,
    JSONL_CONNECTOR,
    SQLITE_CONNECTOR,
    LocalJob,
    LocalProfile,
    SqliteConnector,
)
from hrtech_etl.core.connector import ReadRequest
from hrtech_etl.core.errors import ConfigError, UnknownFieldError, UnsupportedOperatorError
from hrtech_etl.core.filters import compile_conditions
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import JobStatus, UnifiedJob, UnifiedJobEvent
from hrtech_etl.core.pipeline import push, run_pull
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    EventType,
    Operator,
    PushMode,
    Resource,
    SortOrder,
    WarehouseType,
)
from tests.fakes.memory import MemoryConnector

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteConnector]:
    with SqliteConnector(path=str(tmp_path / "hr.db")) as connector:
        yield connector


def job(n: int, minutes: float | None = None, **fields: Any) -> LocalJob:
    moment = T0 + timedelta(minutes=n if minutes is None else minutes)
    data: dict[str, Any] = {
        "id": f"J{n:05d}",
        "title": f"Engineer {n}",
        "created_at": moment,
        "updated_at": moment,
        **fields,
    }
    return LocalJob.model_validate(data)


def read_ids(
    connector: SqliteConnector,
    where: list[Condition] | None = None,
    cursor: Cursor | None = None,
    page_size: int = 1000,
) -> list[str]:
    cursor = cursor or Cursor(mode=CursorMode.UID)
    request = ReadRequest(
        resource=Resource.JOB,
        cursor=cursor,
        plan=connector.plan_read(Resource.JOB, where, cursor),
        page_size=page_size,
    )
    return [r.id for page in connector.read_pages(Resource.JOB, request) for r in page.records]


# -- models ----------------------------------------------------------------------------------------


def test_local_models_are_the_unified_ones_with_every_sensible_operator() -> None:
    meta = model_meta(LocalJob)
    assert issubclass(LocalJob, UnifiedJob)
    assert {m.value for m in meta.cursor_modes} == {"id", "created_at", "updated_at"}
    ops = {name: {op.value for op in f.operators} for name, f in meta.fields.items()}
    everything = {o.value for o in Operator}
    assert ops["title"] == everything
    assert ops["status"] == everything  # a text enum: ranges compare values, contains is text
    assert ops["published_at"] == everything - {"contains"}
    assert ops["remote"] == {"eq", "ne", "in"}
    assert ops["tags"] == {"eq", "ne", "in", "not_in", "contains"}
    assert ops["location"] == set() and ops["extra"] == set()
    assert model_meta(LocalProfile).fields["emails"].operators >= {Operator.EQ, Operator.CONTAINS}
    # The unified model itself is untouched.
    assert model_meta(UnifiedJob).fields["title"].operators == {Operator.EQ, Operator.CONTAINS}


def test_local_models_keep_the_unified_validators_and_write_sortable_times() -> None:
    record = LocalJob(id=7, created_at="2024-01-01T02:00:00+02:00", tags=["a", "a", " "])
    assert record.id == "7" and record.tags == ["a"]
    assert record.created_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert '"created_at":"2024-01-01T00:00:00.000000Z"' in record.model_dump_json()
    assert LocalJob.model_validate_json(record.model_dump_json()) == record


def test_connectors_are_database_connectors() -> None:
    assert CONNECTORS == [SQLITE_CONNECTOR, JSONL_CONNECTOR]
    assert [m.name for m in CONNECTORS] == ["sqlite", "jsonl"]
    assert all(m.warehouse_type is WarehouseType.DATABASE for m in CONNECTORS)
    assert SqliteConnector.resources() == [Resource.JOB, Resource.PROFILE]


def test_settings_are_validated_and_home_is_expanded() -> None:
    assert SqliteConnector(path="~/hr.db").path == os.path.expanduser("~/hr.db")
    with pytest.raises(ConfigError, match="table_prefix"):
        SqliteConnector(path="x.db", table_prefix="a; DROP")
    with pytest.raises(ConfigError, match="did you mean 'table_prefix'"):
        SqliteConnector(path="x.db", table_prefx="a_")


# -- WHERE pushed down == WHERE in memory ----------------------------------------------------------

CITIES = ["Paris", "paris", "Lyon", "Zürich", None]
TITLES = ["Data Engineer", "data engineer II", "Ingénieur Données", "Straße Lead", "Designer", None]
TAGS = ["python", "sql", "Remote", "go"]


def varied_jobs(count: int = 160) -> list[LocalJob]:
    rng = random.Random(7)
    jobs = []
    for n in range(count):
        published = T0 + timedelta(hours=rng.randrange(48), microseconds=rng.choice([0, 0, 1500]))
        location = None
        if rng.random() < 0.8:
            location = {"city": rng.choice(CITIES), "lat": rng.choice([None, 48.85, 45.76])}
        salary = None
        if rng.random() < 0.7:
            salary = {"min": rng.choice([30000, 45000.5, 60000, None]), "currency": "EUR"}
        skills = [
            {"name": rng.choice(["Python", "SQL", "figma"]), "level": rng.choice([None, "senior"])}
            for _ in range(rng.randrange(3))
        ]
        jobs.append(
            job(
                n,
                title=rng.choice(TITLES),
                status=rng.choice([*JobStatus, None]),
                published_at=rng.choice([published, published, None]),
                tags=rng.sample(TAGS, rng.randrange(len(TAGS) + 1)),
                location=location,
                salary=salary,
                remote=rng.choice([True, False, None]),
                skills=skills,
                extra={"source": rng.choice(["ats", "board"])},
            )
        )
    return jobs


def _published(jobs: list[LocalJob], which: str) -> datetime:
    """ "first": the earliest published_at; "micro": the earliest with microseconds."""
    values = sorted({j.published_at for j in jobs if j.published_at is not None})
    return values[0] if which == "first" else next(v for v in values if v.microsecond)


MID = "2024-03-02T11:00:00+02:00"  # 09:00Z on day two, written with an offset

CASES: list[tuple[str, str, Any]] = [
    # str
    ("title", "eq", "Designer"),
    ("title", "eq", None),
    ("title", "ne", "Designer"),
    ("title", "ne", None),
    ("title", "gt", "Data"),
    ("title", "gte", "Data Engineer"),
    ("title", "lt", "Designer"),
    ("title", "lte", "Designer"),
    ("title", "in", ["Designer", "Data Engineer"]),
    ("title", "in", ["Designer", None]),
    ("title", "not_in", ["Designer"]),
    ("title", "not_in", ["Designer", None]),
    ("title", "contains", "ENGINEER"),
    ("title", "contains", "strasse"),  # casefold: ß matches ss, as in memory
    ("title", "contains", "INGÉNIEUR"),
    ("title", "contains", ["data", "ii"]),
    # datetime
    ("published_at", "eq", "first"),
    ("published_at", "ne", "first"),
    ("published_at", "eq", "micro"),
    ("published_at", "lt", "micro"),
    ("published_at", "gt", MID),
    ("published_at", "gte", "first"),
    ("published_at", "lt", MID),
    ("published_at", "lte", "first"),
    ("published_at", "in", ["first", MID]),
    ("published_at", "not_in", ["first"]),
    ("published_at", "eq", None),
    ("published_at", "ne", None),
    ("created_at", "gte", "2024-03-01T10:00:00Z"),  # the indexed column
    ("updated_at", "lt", "2024-03-01T14:00:00+03:00"),
    # number, nested
    ("salary.min", "eq", 45000.5),
    ("salary.min", "ne", 45000.5),
    ("salary.min", "gt", 40000),
    ("salary.min", "gte", "45000.5"),
    ("salary.min", "lt", 45000.5),
    ("salary.min", "lte", 30000),
    ("salary.min", "in", [30000, 60000]),
    ("salary.min", "not_in", [30000]),
    ("salary.min", "eq", None),
    ("location.lat", "gt", 46),
    # enum
    ("status", "eq", "open"),
    ("status", "ne", "open"),
    ("status", "eq", None),
    ("status", "gt", "closed"),
    ("status", "in", ["open", "draft"]),
    ("status", "in", ["open", None]),
    ("status", "not_in", ["closed"]),
    ("status", "contains", "OP"),
    # bool
    ("remote", "eq", True),
    ("remote", "ne", True),
    ("remote", "eq", None),
    ("remote", "in", [False, None]),
    # list of strings
    ("tags", "contains", "PY"),
    ("tags", "contains", ["py", "sq"]),
    ("tags", "eq", "sql"),
    ("tags", "ne", "sql"),
    ("tags", "in", ["go", "sql"]),
    ("tags", "not_in", ["go"]),
    # nested path
    ("location.city", "eq", "Paris"),
    ("location.city", "ne", "Paris"),
    ("location.city", "eq", None),
    ("location.city", "ne", None),
    ("location.city", "in", ["Paris", "Lyon"]),
    ("location.city", "not_in", ["Paris"]),
    ("location.city", "contains", "PAR"),
    ("location.city", "contains", "zür"),
    ("location.city", "gt", "M"),
    ("location.city", "lte", "Lyon"),
    # through a list of models
    ("skills.name", "eq", "Python"),
    ("skills.name", "ne", "Python"),
    ("skills.name", "in", ["SQL", "figma"]),
    ("skills.name", "not_in", ["SQL"]),
    ("skills.name", "contains", "py"),
    ("skills.level", "eq", None),
    ("skills.level", "ne", None),
    ("skills.level", "in", ["senior", None]),
    # the id column
    ("id", "gt", "J00100"),
    ("id", "in", ["J00001", "J00002", "J99999"]),
    ("id", "contains", "j0001"),
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SqliteConnector, list[Any]]]:
    path = tmp_path_factory.mktemp("where") / "where.db"
    jobs = varied_jobs()
    with SqliteConnector(path=str(path)) as connector:
        connector.write_resources_batch(Resource.JOB, jobs)
        yield connector, jobs


@pytest.mark.parametrize(
    ("field", "op", "value"), CASES, ids=[f"{f}-{o}-{v!r}" for f, o, v in CASES]
)
def test_pushed_where_matches_the_in_memory_filter(
    filled: tuple[SqliteConnector, list[LocalJob]], field: str, op: str, value: Any
) -> None:
    connector, jobs = filled
    if value in ("first", "micro"):
        value = _published(jobs, value)
    elif isinstance(value, list) and "first" in value:
        value = [_published(jobs, "first") if v == "first" else v for v in value]
    cond = Condition(field=field, op=op, value=value)
    plan = connector.plan_read(Resource.JOB, [cond], Cursor(mode="id"))
    assert [e.placement for e in plan.entries[1:]] == ["pushed"]
    assert plan.memory_where == []
    assert "sql" in plan.entries[1].params

    predicate = compile_conditions(LocalJob, [cond])
    assert predicate is not None
    expected = sorted(j.id for j in jobs if predicate(j))
    assert read_ids(connector, [cond]) == expected
    assert 0 < len(expected) < len(jobs)  # the case tells records apart


def test_several_conditions_are_and_ed(filled: tuple[SqliteConnector, list[LocalJob]]) -> None:
    connector, jobs = filled
    where = [
        Condition(field="title", op="contains", value="engineer"),
        Condition(field="tags", op="contains", value="python"),
        Condition(field="location.city", op="not_in", value=["Lyon"]),
    ]
    predicate = compile_conditions(LocalJob, where)
    assert predicate is not None
    assert read_ids(connector, where) == sorted(j.id for j in jobs if predicate(j))


def test_explain_shows_the_sql_and_what_runs_in_memory(
    filled: tuple[SqliteConnector, list[LocalJob]],
) -> None:
    connector, jobs = filled
    where = [
        Condition(field="title", op="eq", value="O'Brien"),
        Condition(field="extra.source", op="eq", value="ats"),
    ]
    plan = connector.plan_read(
        Resource.JOB, where, Cursor(mode="updated_at", start="2024-03-01T10:00:00+01:00")
    )
    cursor_entry, title, source = plan.entries
    assert cursor_entry.placement == "pushed+memory"
    assert cursor_entry.params["sql"] == "updated_at >= '2024-03-01T09:00:00.000000Z'"
    assert title.describe() == "pushed as sql=json_extract(record, '$.title') = 'O''Brien'"
    assert source.describe().startswith("applied in memory")
    assert plan.memory_where == [where[1]]
    assert plan.params["args"] == ["O'Brien"]  # bound, never interpolated
    assert "O'Brien" not in plan.params["where"]
    # The pipeline applies what stayed in memory.
    target = MemoryConnector()
    report = run_pull(Resource.JOB, connector, target, Cursor(mode="id"), [where[1]])
    assert sorted(target.stored) == sorted(j.id for j in jobs if j.extra["source"] == "ats")
    assert report.stats.filtered_where == len(jobs) - len(target.stored)


def test_operators_are_checked_for_dotted_paths(db: SqliteConnector) -> None:
    cursor = Cursor(mode="id")
    with pytest.raises(UnsupportedOperatorError, match="allowed: eq, ne, in, not_in, contains"):
        db.plan_read(Resource.JOB, [Condition(field="skills.name", op="gt", value="a")], cursor)
    with pytest.raises(UnknownFieldError, match=r"did you mean 'location\.city'"):
        db.plan_read(Resource.JOB, [Condition(field="location.cty", op="eq", value="a")], cursor)
    with pytest.raises(UnsupportedOperatorError):
        db.plan_read(Resource.JOB, [Condition(field="location", op="eq", value={})], cursor)


# -- keyset pagination -----------------------------------------------------------------------------


def tied_jobs() -> list[LocalJob]:
    rng = random.Random(3)
    jobs = [
        job(
            n,
            created_at=T0 + timedelta(minutes=rng.randrange(5)),
            updated_at=T0 + timedelta(minutes=rng.randrange(4), microseconds=rng.choice([0, 10])),
        )
        for n in rng.sample(range(1000), 57)
    ]
    jobs += [job(2000 + n, created_at=None) for n in range(3)]  # no created_at: served last
    return jobs


@pytest.mark.parametrize("order", [SortOrder.ASC, SortOrder.DESC])
@pytest.mark.parametrize("mode", list(CursorMode))
def test_keyset_pages_return_each_record_once_in_cursor_order(
    db: SqliteConnector, mode: CursorMode, order: SortOrder
) -> None:
    jobs = tied_jobs()
    db.write_resources_batch(Resource.JOB, jobs)
    cursor = Cursor(mode=mode, sort_by=order)
    request = ReadRequest(Resource.JOB, cursor, db.plan_read(Resource.JOB, None, cursor), 4)
    pages = list(db.read_pages(Resource.JOB, request))
    ids = [r.id for page in pages for r in page.records]
    assert sorted(ids) == sorted(j.id for j in jobs)  # each record exactly once
    assert all(len(page.records) <= 4 for page in pages)
    tokens = [page.token for page in pages]
    assert len(set(tokens)) == len(tokens)
    field = mode.value
    keyed = [(getattr(r, field), r.id) for page in pages for r in page.records if getattr(r, field)]
    assert keyed == sorted(keyed, reverse=order is SortOrder.DESC)
    if mode is CursorMode.CREATED_AT:
        assert ids[-3:] == ["J02000", "J02001", "J02002"]
    assert db.is_sorted(Resource.JOB, mode, order)


def test_pages_never_use_offset(db: SqliteConnector) -> None:
    db.write_resources_batch(Resource.JOB, [job(n) for n in range(10)])
    statements: list[str] = []
    conn = db._connection(create=False)
    assert conn is not None
    conn.set_trace_callback(statements.append)
    assert len(read_ids(db, cursor=Cursor(mode="updated_at"), page_size=3)) == 10
    selects = [s for s in statements if s.startswith("SELECT") and 'FROM "jobs"' in s]
    assert len(selects) == 4 + 1  # 4 keyset pages, then the (empty) null-cursor tail
    assert "(updated_at, id) > ('2024-03-01T09:08:00.000000Z', 'J00008')" in selects[3]
    assert not any("OFFSET" in s for s in selects)


# -- writes ----------------------------------------------------------------------------------------


def test_upsert_by_id_is_idempotent(db: SqliteConnector) -> None:
    jobs = [job(n) for n in range(100)]
    assert db.write_resources_batch(Resource.JOB, jobs).written == 100
    assert db.write_resources_batch(Resource.JOB, jobs).written == 100
    assert db.count(Resource.JOB) == 100
    edited = job(5, minutes=500, title="Engineer 5 (edited)")
    db.write_resources_batch(Resource.JOB, [edited])
    stored = db.read_all(Resource.JOB)
    assert len(stored) == 100 and stored[5] == edited
    assert stored == sorted([*jobs[:5], edited, *jobs[6:]], key=lambda j: j.id)


def _refuse(path: Path, record_id: str) -> None:
    """A trigger that makes the database refuse one id, mid-statement."""
    with sqlite3.connect(path) as raw:
        raw.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON jobs "
            f"WHEN NEW.id = '{record_id}' BEGIN SELECT RAISE(ABORT, 'refused {record_id}'); END"
        )
    raw.close()


def test_a_batch_is_one_transaction_and_a_bad_record_is_isolated(tmp_path: Path) -> None:
    path = tmp_path / "hr.db"
    with SqliteConnector(path=str(path)) as db:
        db.write_resources_batch(Resource.JOB, [job(100)])
        _refuse(path, "J00003")
        with pytest.raises(sqlite3.IntegrityError, match="refused J00003"):
            db.write_resources_batch(Resource.JOB, [job(1), job(2), job(3), job(4)])
        assert db.count(Resource.JOB) == 1  # J00001 and J00002 were rolled back with the batch

        report = run_pull(
            Resource.JOB,
            MemoryConnector([job(n) for n in range(10)]),
            db,
            Cursor(mode="updated_at"),
            batch_size=5,
        )
        assert [r.id for r in db.read_all(Resource.JOB)] == [
            f"J{n:05d}" for n in (*range(10), 100) if n != 3
        ]
        assert report.stats.written == 9 and report.stats.rejected == 1
        assert report.errors[0].stage == "write" and report.errors[0].resource_id == "J00003"


def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "hr.db"
    with SqliteConnector(path=str(path)) as db:
        db.write_resources_batch(Resource.JOB, [job(1)])
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600] * 3
        conn = db._connection(create=False)
        assert conn is not None
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reading_a_missing_file_or_table_gives_nothing_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "absent.db"
    with SqliteConnector(path=str(path)) as db:
        assert read_ids(db) == [] and db.count("job") == 0 and db.read_all("job") == []
        assert db.delete_resources(Resource.JOB, ["J1"]).written == 0
        assert not path.exists()
        db.write_resources_batch(Resource.PROFILE, [LocalProfile(id="P1")])
        assert read_ids(db) == [] and db.count("profile") == 1


def test_table_prefix_keeps_stores_apart(tmp_path: Path) -> None:
    path = str(tmp_path / "hr.db")
    with SqliteConnector(path=path, table_prefix="a_") as a, SqliteConnector(path=path) as b:
        a.write_resources_batch(Resource.JOB, [job(1), job(2)])
        b.write_resources_batch(Resource.JOB, [job(3)])
        assert (a.count("job"), b.count("job")) == (2, 1)
        assert a.table("job") == "a_jobs"


# -- pulls and pushes ------------------------------------------------------------------------------


def test_sqlite_to_sqlite_pull_is_incremental(tmp_path: Path) -> None:
    with (
        SqliteConnector(path=str(tmp_path / "a.db")) as origin,
        SqliteConnector(path=str(tmp_path / "b.db")) as target,
    ):
        jobs = [job(n, minutes=n // 3) for n in range(300)]  # ties across pages
        origin.write_resources_batch(Resource.JOB, jobs)
        first = run_pull(Resource.JOB, origin, target, Cursor(mode="updated_at"), batch_size=50)
        assert first.stats.written == 300 and first.stats.pages == 6
        assert target.read_all(Resource.JOB) == origin.read_all(Resource.JOB)

        changed = [job(n, minutes=1000 + n, title="moved") for n in (7, 8, 9, 150, 299)]
        origin.write_resources_batch(Resource.JOB, changed)
        second = run_pull(Resource.JOB, origin, target, first.cursor, batch_size=50)
        assert second.stats.written == 5
        assert second.stats.read == 7 and second.stats.already_delivered == 2  # tied at the bound
        assert target.read_all(Resource.JOB) == origin.read_all(Resource.JOB)

        third = run_pull(Resource.JOB, origin, target, second.cursor, batch_size=50)
        assert third.stats.written == 0


def test_push_events_delete_and_archive_rows(tmp_path: Path) -> None:
    with (
        SqliteConnector(path=str(tmp_path / "a.db")) as origin,
        SqliteConnector(path=str(tmp_path / "b.db")) as target,
    ):
        origin.write_resources_batch(Resource.JOB, [job(1, title="Edited"), job(2), job(3)])
        target.write_resources_batch(Resource.JOB, [job(1), job(2), job(3)])
        raw_events = [
            {"event_type": "updated", "resource_id": "J00001", "occurred_at": T0},
            {"event_type": "deleted", "resource_id": "J00002", "occurred_at": T0},
            {"event_type": "archived", "resource_id": "J00003", "occurred_at": T0},
            {
                "event_type": "updated",
                "resource_id": "P1",
                "occurred_at": T0,
                "resource": "profile",
            },
        ]
        events = [origin.parse_resource_event(Resource.JOB, e) for e in raw_events]
        assert events[-1] is None  # a profile event is not a job event
        parsed = [e for e in events if isinstance(e, UnifiedJobEvent)]
        assert [e.event_type for e in parsed] == [
            EventType.UPDATED,
            EventType.DELETED,
            EventType.ARCHIVED,
        ]
        result = push(Resource.JOB, origin, target, PushMode.EVENTS, events=parsed)
        assert (result.total_resources_pushed, result.deleted, result.archived) == (1, 1, 1)
        stored = {r.id: r for r in target.read_all(Resource.JOB)}
        assert sorted(stored) == ["J00001", "J00003"]  # the deleted row is gone
        assert stored["J00001"].title == "Edited"
        archived = stored["J00003"]
        assert archived.status is JobStatus.ARCHIVED and archived.archived_at is not None
        assert archived.updated_at == archived.archived_at  # a change later pulls see
        conn = target._connection(create=False)
        assert conn is not None
        assert conn.execute("SELECT archived FROM jobs WHERE id = 'J00003'").fetchone() == (1,)
        # Archiving again changes nothing.
        assert target.archive_resources(Resource.JOB, ["J00003"]).written == 0


def test_profiles_round_trip_and_archive_without_a_status(db: SqliteConnector) -> None:
    profile = LocalProfile(id="P1", first_name="Ada", last_name="Lovelace", emails=["a@x.io"])
    db.write_resources_batch(Resource.PROFILE, [profile])
    assert db.read_all(Resource.PROFILE) == [profile]
    assert profile.full_name == "Ada Lovelace"
    assert db.archive_resources(Resource.PROFILE, ["P1"]).written == 1
    [archived] = db.read_all(Resource.PROFILE)
    assert archived.archived_at is not None
    unified = db.to_unified(Resource.PROFILE, archived)
    assert db.from_unified(Resource.PROFILE, unified) == archived
