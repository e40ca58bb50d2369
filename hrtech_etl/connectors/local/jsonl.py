"""`JsonlConnector`: jobs or profiles as JSON Lines files, one record per line.

Reading
    ``path`` is a file, or a folder whose files matching ``pattern`` (default ``*.jsonl``; use
    ``*.jsonl*`` to include ``.jsonl.gz``) are read in name order; a folder holds one
    resource. Files ending in ``.gz`` are gunzipped on the fly. Lines are streamed (memory
    stays flat), blank lines are skipped, and a line that is not a valid record becomes a
    rejected record whose error names the file and line (``jobs.jsonl:17: ...``); the run
    goes on. A path that does not exist is an error (a typo
    should not look like "no records"); an empty folder gives zero records.

    Files have no index and no order: every WHERE condition runs in memory (the query plan
    says so), and `is_sorted` is False, so the pipeline moves the cursor only when a run's
    window completes.

Writing — re-run semantics
    Each batch is one write + flush + fsync of one JSON line per record, to ``path`` (a file)
    or ``<path>/jobs.jsonl`` / ``<path>/profiles.jsonl`` (a folder: an existing folder, a path
    ending in ``/``, or a path without a suffix). Missing folders are created; new files get
    mode 0600 (HR data is personal data). A ``.gz`` file gets one gzip member per batch.

    - ``mode = "append"`` (default): lines are added at the end. A record written twice (a
      re-run, a retried batch, an updated record) appears twice; readers that want one
      record per id take the last line for it. Use the sqlite connector for upserts.
    - ``mode = "overwrite"``: the file is truncated at the first write this connector makes
      (one connector = one run); the run's later batches append. A run that writes nothing
      leaves the file as it was.

    JSON Lines cannot delete or archive in place: `delete_resources` and `archive_resources`
    raise. Events (``push`` in events mode) read unified event dicts; `fetch_resources_by_events`
    scans the files, and the last line for an id wins.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from hrtech_etl.connectors.local.models import LocalConnectorBase, check_local_where
from hrtech_etl.core.connector import ConnectorSettings, Page, ReadRequest, WriteResult
from hrtech_etl.core.errors import ConfigError, ConnectorError
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.params import ExplainEntry, QueryPlan
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    RecordError,
    Resource,
    SortOrder,
)

__all__ = ["JsonlConnector", "JsonlSettings"]

_FILE_NAMES = {Resource.JOB: "jobs.jsonl", Resource.PROFILE: "profiles.jsonl"}
_BOM = b"\xef\xbb\xbf"


class JsonlSettings(ConnectorSettings):
    path: str = Field(..., description="A .jsonl / .jsonl.gz file, or a folder of them; ~ expanded")
    pattern: str = Field("*.jsonl", description="Which files of a folder to read (name order)")
    mode: Literal["append", "overwrite"] = Field(
        "append", description="append: add lines; overwrite: truncate at the run's first write"
    )

    @field_validator("path")
    @classmethod
    def _expand_home(cls, value: str) -> str:
        return os.path.expanduser(value)


class JsonlConnector(LocalConnectorBase):
    """Records as JSON Lines files: streamed reads, appended (or overwritten) writes."""

    name: ClassVar[str] = "jsonl"
    label: ClassVar[str] = "JSON Lines files"
    settings_cls: ClassVar[type[ConnectorSettings]] = JsonlSettings
    settings: JsonlSettings

    def __init__(self, auth: Any = None, **options: Any) -> None:
        super().__init__(auth, **options)
        self._written: set[Path] = set()  # files this connector wrote (overwrite truncates once)

    # -- files ------------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(self.settings.path)

    def _is_folder(self) -> bool:
        raw = self.settings.path
        if self.path.is_dir() or raw.endswith(("/", os.sep)):
            return True
        return not self.path.exists() and not self.path.suffix

    def input_files(self) -> list[Path]:
        """The files a read goes through, in order."""
        if self.path.is_dir():
            return sorted(p for p in self.path.glob(self.settings.pattern) if p.is_file())
        if self.path.is_file():
            return [self.path]
        raise ConfigError(f"jsonl: no such file or folder: {self.settings.path}")

    def output_file(self, resource: Resource | str) -> Path:
        """Where writes of ``resource`` go."""
        if self._is_folder():
            return self.path / _FILE_NAMES[Resource(resource)]
        return self.path

    def _lines(self) -> Iterator[tuple[Path, int, bytes]]:
        """Every non-blank line of every input file, with its file and 1-based number."""
        for file in self.input_files():
            with _open_read(file) as handle:
                for number, line in enumerate(handle, start=1):
                    if number == 1 and line.startswith(_BOM):
                        line = line[len(_BOM) :]
                    if line.strip():
                        yield file, number, line

    # -- reading ----------------------------------------------------------------------------------
    def is_sorted(self, resource: Resource, mode: CursorMode, order: SortOrder) -> bool:
        return False  # lines come in file order

    def plan_read(
        self,
        resource: Resource,
        where: Sequence[Condition] | None,
        cursor: Cursor,
        window_end: str | None = None,
    ) -> QueryPlan:
        """Nothing can be pushed into a file: the cursor window and every condition run in
        memory (conditions are still validated and coerced here)."""
        model = self.native_cls(resource)
        fmeta = model_meta(model).cursor_field(cursor.mode)
        plan = QueryPlan(cursor_field=fmeta)
        ascending = cursor.sort_by is SortOrder.ASC
        subject = f"cursor {fmeta.name} {'>=' if ascending else '<='} {cursor.resume_value}"
        if window_end is not None:
            subject += f" and {'<=' if ascending else '>='} {window_end}"
        plan.entries.append(
            ExplainEntry(subject, "memory", {}, "jsonl files are read whole, in file order")
        )
        for cond, _ in check_local_where(model, where):
            plan.memory_where.append(cond)
            plan.entries.append(ExplainEntry(str(cond), "memory", {}, "jsonl files have no index"))
        return plan

    def read_pages(self, resource: Resource, request: ReadRequest) -> Iterator[Page]:
        """Pages of ``page_size`` lines; a page's token is ``file:line`` of its first line."""
        model = self.native_cls(resource)
        size = max(1, request.page_size)
        records: list[Any] = []
        errors: list[RecordError] = []
        token: str | None = None
        for file, number, line in self._lines():
            if token is None:
                token = f"{file.name}:{number}"
            try:
                records.append(model.model_validate_json(line))
            except ValidationError as exc:
                errors.append(_line_error(model, file, number, line, exc))
            if len(records) + len(errors) >= size:
                yield Page(records=records, token=token, errors=errors)
                records, errors, token = [], [], None
        if records or errors:
            yield Page(records=records, token=token, errors=errors)

    # -- writing ----------------------------------------------------------------------------------
    def write_resources_batch(self, resource: Resource, resources: Sequence[Any]) -> WriteResult:
        """Append one line per record: one write, flush and fsync for the batch."""
        resource = Resource(resource)
        if not resources:
            return WriteResult()
        data = "".join(
            self.as_native(resource, record).model_dump_json() + "\n" for record in resources
        ).encode()
        target = self.output_file(resource)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        if self.settings.mode == "overwrite" and target not in self._written:
            flags |= os.O_TRUNC
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(os.open(target, flags, 0o600), "ab") as handle:
                if target.name.endswith(".gz"):
                    with gzip.GzipFile(fileobj=handle, mode="ab") as packed:
                        packed.write(data)
                else:
                    handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ConnectorError(f"jsonl: cannot write {target}: {exc.strerror or exc}") from exc
        self._written.add(target)
        return WriteResult(written=len(resources))

    def delete_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError(
            f"jsonl cannot delete {Resource(resource).value}s (files are append-only); "
            "use sqlite as the target for deletions"
        )

    def archive_resources(self, resource: Resource, ids: Sequence[str]) -> WriteResult:
        raise ConnectorError(
            f"jsonl cannot archive {Resource(resource).value}s (files are append-only); "
            "use sqlite as the target for archivals"
        )

    # -- events -----------------------------------------------------------------------------------
    def fetch_resources_by_events(
        self, resource: Resource, events: Sequence[UnifiedJobEvent | UnifiedProfileEvent]
    ) -> list[Any]:
        """The records the events point at; for an id written several times, the last line."""
        model = self.native_cls(resource)
        wanted = {event.resource_id for event in events}
        last: dict[str, tuple[Path, int, bytes]] = {}
        for file, number, line in self._lines():
            try:
                raw = json.loads(line)
            except ValueError:
                continue  # not a record at all; reads report it, a lookup by id skips it
            record_id = raw.get("id") if isinstance(raw, dict) else None
            if record_id is not None and str(record_id) in wanted:
                last[str(record_id)] = (file, number, line)
        found: list[Any] = []
        for file, number, line in last.values():
            try:
                found.append(model.model_validate_json(line))
            except ValidationError as exc:
                raise ConnectorError(_line_error(model, file, number, line, exc).error) from None
        return found


def _open_read(file: Path) -> BinaryIO:
    if file.name.endswith(".gz"):
        return gzip.open(file, "rb")  # type: ignore[return-value]
    return file.open("rb")


def _line_error(
    model: type[BaseModel], file: Path, number: int, line: bytes, exc: ValidationError
) -> RecordError:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    where = f"{model.__name__}.{loc}: " if loc else ""
    try:
        raw = json.loads(line)
    except ValueError:
        raw = None
    record = raw if isinstance(raw, dict) else None
    record_id = record.get("id") if record is not None else None
    return RecordError(
        stage="validate",
        resource_id=None if record_id is None else str(record_id),
        error=f"{file.name}:{number}: {where}{first['msg']}",
        record=record,
    )
