"""Public value types shared by the whole library.

Everything here is a small, serialisable value: enums, the `Cursor` that carries the resume
point between runs, `Condition` (one WHERE/HAVING filter) and the results of a push.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "BOUNDARY_IDS_CAP",
    "BoolJoin",
    "Condition",
    "Cursor",
    "CursorMode",
    "EventType",
    "Formatter",
    "Operator",
    "PushMode",
    "PushResult",
    "RecordError",
    "Resource",
    "SortOrder",
    "WarehouseType",
    "format_timestamp",
    "parse_timestamp",
]

# How many ids at the resume value a Cursor remembers. Beyond this many records sharing one
# cursor value, the overflow may be delivered again on the next run (targets upsert by id).
BOUNDARY_IDS_CAP = 10_000


class _LowercaseEnum(StrEnum):
    """A str enum that also accepts its values in any letter case."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            folded = value.strip().lower()
            for member in cls:
                if member.value.lower() == folded or member.name.lower() == folded:
                    return member
        return None


class Resource(_LowercaseEnum):
    """What moves: a job posting or a candidate profile."""

    JOB = "job"
    PROFILE = "profile"


class WarehouseType(_LowercaseEnum):
    """The kind of system a connector talks to."""

    ATS = "ats"
    CRM = "crm"
    JOBBOARD = "jobboard"
    HCM = "hcm"
    DATABASE = "database"


class CursorMode(_LowercaseEnum):
    """Which field drives incremental pulls. `UID` has the value ``"id"``; ``"uid"`` is accepted."""

    UID = "id"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"

    @property
    def is_time(self) -> bool:
        return self is not CursorMode.UID


class SortOrder(_LowercaseEnum):
    ASC = "asc"
    DESC = "desc"


class Operator(_LowercaseEnum):
    """Filter operators. WHERE allows a per-field subset (field metadata); HAVING allows all."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"

    @property
    def is_range(self) -> bool:
        return self in (Operator.GT, Operator.GTE, Operator.LT, Operator.LTE)

    @property
    def takes_list(self) -> bool:
        return self in (Operator.IN, Operator.NOT_IN)


class BoolJoin(_LowercaseEnum):
    """How search terms are joined. ``BoolJoin.AND`` and ``"and"`` are the same thing."""

    AND = "AND"
    OR = "OR"


class PushMode(_LowercaseEnum):
    RESOURCES = "resources"
    EVENTS = "events"


class EventType(_LowercaseEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    ARCHIVED = "archived"
    UPSERTED = "upserted"

    @property
    def removes(self) -> bool:
        """True for events that take the resource away from the target."""
        return self in (EventType.DELETED, EventType.ARCHIVED)


# A formatter turns one native origin record into a target record (a model or a plain dict).
Formatter: TypeAlias = Callable[[Any], "BaseModel | dict[str, Any]"]


def parse_timestamp(value: object) -> datetime:
    """Read a timestamp as an aware UTC datetime.

    Accepts datetimes, dates, ISO-8601 strings (``Z`` or any offset) and epoch numbers (seconds,
    or milliseconds when the number is too large to be seconds). Naive input is taken as UTC.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    elif isinstance(value, int | float):
        seconds = float(value) / 1000 if abs(value) > 100_000_000_000 else float(value)
        return datetime.fromtimestamp(seconds, tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty timestamp")
        if text.lstrip("-").isdigit():
            return parse_timestamp(int(text))
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"not an ISO-8601 timestamp: {value!r} (expected e.g. 2024-01-01T00:00:00Z)"
            ) from None
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix, the form state and cursors store."""
    value = parse_timestamp(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _cursor_text(value: object, mode: CursorMode) -> str | None:
    if value is None:
        return None
    if mode.is_time:
        return format_timestamp(parse_timestamp(value))
    if isinstance(value, datetime):
        raise ValueError("an id cursor takes an id, not a datetime")
    return str(value)


class Cursor(BaseModel):
    """Where an incremental pull starts and where the next one resumes.

    ``pull`` returns ``Cursor(mode, start=<input start>, end=<resume point>)`` whose
    ``boundary_ids`` are the ids already delivered at the ``end`` value. Pass the returned cursor
    (or ``cursor.resume()``) to the next ``pull`` and it continues without losing or repeating
    records; an input cursor with an ``end`` resumes from that ``end``.

    Time cursors are stored as ISO-8601 UTC strings (``...Z``); datetimes, other offsets and
    epoch numbers are accepted and normalised.
    """

    model_config = ConfigDict(frozen=True)

    mode: CursorMode
    start: str | None = None
    end: str | None = None
    sort_by: SortOrder = SortOrder.ASC
    boundary_ids: tuple[str, ...] = Field(default=(), repr=False)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _keep_raw(cls, value: object) -> object:
        # Normalised in the model validator below, once the mode is known.
        if isinstance(value, datetime | date | int | float) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, datetime | date) else str(value)
        return value

    @field_validator("boundary_ids", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, list | tuple | set | frozenset):
            return tuple(str(item) for item in value)[:BOUNDARY_IDS_CAP]
        return value

    @model_validator(mode="after")
    def _normalise(self) -> Cursor:
        start = _cursor_text(self.start, self.mode)
        end = _cursor_text(self.end, self.mode)
        if start != self.start:
            object.__setattr__(self, "start", start)
        if end != self.end:
            object.__setattr__(self, "end", end)
        return self

    @property
    def resume_value(self) -> str | None:
        """Where the next run starts: ``end`` when known, else ``start``."""
        return self.end if self.end is not None else self.start

    def resume(self) -> Cursor:
        """The cursor for the next run: starts at this one's resume point, same ids at the bound."""
        return Cursor(
            mode=self.mode,
            start=self.resume_value,
            sort_by=self.sort_by,
            boundary_ids=self.boundary_ids,
        )


class Condition(BaseModel):
    """One filter: ``field op value``. ``field`` may be a dotted path (``location.city``)."""

    model_config = ConfigDict(frozen=True)

    field: str
    op: Operator
    value: Any = None

    @field_validator("field")
    @classmethod
    def _field_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("field must not be empty")
        return value

    def __str__(self) -> str:
        return f"{self.field} {self.op.value} {_show_value(self.value)}"


def _show_value(value: Any) -> str:
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return repr(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_show_value(v) for v in value) + "]"
    return repr(value)


class RecordError(BaseModel):
    """A record the run could not move, and why. These go to the dead-letter file."""

    stage: Literal["read", "validate", "filter", "format", "write", "fetch", "delete"]
    resource_id: str | None = None
    cursor_value: str | None = None
    error: str
    record: dict[str, Any] | None = Field(default=None, repr=False)

    def __str__(self) -> str:
        where = f" {self.resource_id}" if self.resource_id else ""
        return f"[{self.stage}]{where}: {self.error}"


class PushResult(BaseModel):
    """What a push did. Counts are true: a dry run pushes nothing and says what it would push."""

    dry_run: bool = False
    total_events: int = 0
    total_resources_fetched: int = 0
    total_resources_pushed: int = 0
    would_push: int = 0
    deleted: int = 0
    archived: int = 0
    skipped_missing: int = 0
    skipped_having: int = 0
    errors: list[RecordError] = Field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)
