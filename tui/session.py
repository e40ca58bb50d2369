"""`Draft`: the sync profile a user is building in the TUI or the REPL.

Both UIs hold one `Draft` and call only its methods, which in turn call the same core
services as the CLI (schema export, WHERE validation, explain, preview, run, load/save). So a
profile saved from either UI replays with `hrtech-etl run` exactly as it previewed.

Connection settings (options, auth) are kept exactly as written — ``${VAR}`` references
unresolved — so saving never turns a reference into a secret value.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.filters import compile_conditions
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.progress import ProgressCallback
from hrtech_etl.core.registry import ConnectorMeta, get_connector_class, list_connectors
from hrtech_etl.core.runner import RunOutcome, explain_profile, preview_profile, run_profile
from hrtech_etl.core.state import StateStore
from hrtech_etl.core.sync_profile import (
    ConditionConfig,
    CursorConfig,
    EndpointConfig,
    FormatterConfig,
    LoadedProfile,
    PlaceholderEnv,
    SyncProfile,
    literal_secrets,
    load_profile,
    loaded_from_model,
    save_profile,
)
from hrtech_etl.core.types import Condition, Cursor, CursorMode, Operator, Resource, SortOrder
from hrtech_etl.core.ui_schema import export_model_fields
from hrtech_etl.formatters.base import normalise_mapping

__all__ = ["Draft", "connector_names"]


def connector_names() -> list[ConnectorMeta]:
    """Every registered connector, for pickers."""
    return list_connectors()


@dataclass
class Draft:
    """A sync profile under construction. Every setter validates; mistakes raise `ConfigError`."""

    name: str = "untitled"
    resource: Resource = Resource.JOB
    origin: EndpointConfig | None = None
    target: EndpointConfig | None = None
    cursor: CursorConfig = field(default_factory=CursorConfig)
    where: list[Condition] = field(default_factory=list)
    having: list[Condition] = field(default_factory=list)
    mapping: list[dict[str, Any]] | None = None
    formatter_callable: str | None = None
    batch_size: int = 500
    path: Path | None = None
    dirty: bool = False
    # Everything else the loaded profile said (until, lag, dead_letter, ...), kept as is.
    extra: dict[str, Any] = field(default_factory=dict)

    # -- opening --
    @classmethod
    def open(cls, name: str | Path) -> Draft:
        return cls.from_loaded(load_profile(str(name)))

    @classmethod
    def from_loaded(cls, loaded: LoadedProfile) -> Draft:
        profile = loaded.profile
        kept = profile.model_dump(
            exclude_unset=True,
            exclude={
                "name",
                "resource",
                "origin",
                "target",
                "cursor",
                "where",
                "having",
                "formatter",
                "batch_size",
            },
        )
        return cls(
            name=profile.name,
            resource=profile.resource,
            origin=profile.origin,
            target=profile.target,
            cursor=profile.cursor,
            where=profile.where_conditions(),
            having=profile.having_conditions(),
            mapping=profile.formatter.mapping if profile.formatter else None,
            formatter_callable=profile.formatter.callable if profile.formatter else None,
            batch_size=profile.batch_size,
            path=loaded.path,
            extra=kept,
        )

    # -- connectors and models --
    def _cls(self, side: str) -> type[BaseConnector]:
        endpoint = self.origin if side == "origin" else self.target
        if endpoint is None:
            raise ConfigError(f"pick a{'n' if side == 'origin' else ''} {side} connector first")
        return get_connector_class(endpoint.connector)

    def set_connector(
        self,
        side: str,
        name: str,
        options: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
        *,
        clear_auth: bool = False,
    ) -> None:
        """Pick the origin or target connector (options/auth as they would be written).

        Picking the same connector again keeps its options and auth unless new ones are given;
        ``clear_auth`` removes the auth (a public API).
        """
        if side not in ("origin", "target"):
            raise ConfigError(f"side must be origin or target, not {side!r}")
        cls = get_connector_class(name)
        if self.resource not in cls.resources():
            supported = ", ".join(r.value for r in cls.resources())
            raise ConfigError(f"{name} handles {supported}, not {self.resource.value}s")
        current = getattr(self, side)
        if current is not None and current.connector == name:
            options = current.options if options is None else options
            auth = current.auth if auth is None and not clear_auth else auth
        setattr(self, side, EndpointConfig(connector=name, options=options or {}, auth=auth))
        if side == "origin":
            self._drop_invalid_conditions()
        self.dirty = True

    def set_resource(self, resource: Resource | str) -> None:
        try:
            self.resource = Resource(resource)
        except ValueError:
            raise ConfigError(f"unknown resource {resource!r}; use job or profile") from None
        for side in ("origin", "target"):
            endpoint = getattr(self, side)
            if (
                endpoint is not None
                and self.resource not in get_connector_class(endpoint.connector).resources()
            ):
                setattr(self, side, None)
        self._drop_invalid_conditions()
        self.dirty = True

    def origin_model(self) -> type[BaseModel]:
        return self._cls("origin").native_cls(self.resource)

    def target_model(self) -> type[BaseModel]:
        return self._cls("target").native_cls(self.resource)

    def fields(
        self, side: str = "origin", *, only_prefilterable: bool = False
    ) -> list[dict[str, Any]]:
        """The schema tree of a side's native model (name, type, cursor, operators → params)."""
        cls = self._cls(side)
        resource = self.resource

        def pushdown(meta: Any, op: Operator) -> str:
            return cls.describe_pushdown(resource, meta, op)

        return export_model_fields(
            cls.native_cls(resource), only_prefilterable=only_prefilterable, pushdown=pushdown
        )

    def where_operators(self, field_name: str) -> list[Operator]:
        """Operators WHERE allows on ``field_name`` (from the origin's metadata)."""
        return self._cls("origin").where_operators(self.resource, field_name)

    def cursor_modes(self) -> list[CursorMode]:
        return list(model_meta(self.origin_model()).cursor_modes)

    # -- conditions --
    def add_where(self, field_name: str, op: Operator | str, value: Any) -> Condition:
        """Validate against the origin's metadata (field, allowed operator, value type)."""
        condition = Condition(field=field_name, op=Operator(op), value=value)
        checked = self._cls("origin").check_where(self.resource, [condition])[0]
        self.where.append(condition)
        self.dirty = True
        return checked

    def add_having(self, field_name: str, op: Operator | str, value: Any) -> Condition:
        condition = Condition(field=field_name, op=Operator(op), value=value)
        compile_conditions(self.origin_model(), [condition])
        self.having.append(condition)
        self.dirty = True
        return condition

    def remove_where(self, index: int) -> Condition:
        removed = self.where.pop(index)
        self.dirty = True
        return removed

    def remove_having(self, index: int) -> Condition:
        removed = self.having.pop(index)
        self.dirty = True
        return removed

    def _drop_invalid_conditions(self) -> None:
        if self.origin is None:
            return
        cls = get_connector_class(self.origin.connector)
        if self.resource not in cls.resources():
            return
        kept = []
        for condition in self.where:
            try:
                cls.check_where(self.resource, [condition])
            except ConfigError:
                continue
            kept.append(condition)
        self.where = kept

    # -- cursor, mapping --
    def set_cursor(
        self,
        mode: CursorMode | str | None = None,
        start: str | None = None,
        sort_by: SortOrder | str | None = None,
        *,
        clear_start: bool = False,
    ) -> CursorConfig:
        mode = CursorMode(mode) if mode is not None else self.cursor.mode
        if self.origin is not None and mode not in self.cursor_modes():
            modes = ", ".join(m.value for m in self.cursor_modes()) or "none"
            raise ConfigError(f"{self.origin.connector} supports cursor modes: {modes}")
        new_start = None if clear_start else (start if start is not None else self.cursor.start)
        order = SortOrder(sort_by) if sort_by is not None else self.cursor.sort_by
        try:
            Cursor(mode=mode, start=new_start, sort_by=order)  # validates the start value
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"cursor start: {message}") from None
        self.cursor = CursorConfig(mode=mode, start=new_start, sort_by=order)
        self.dirty = True
        return self.cursor

    def set_mapping(self, mapping: Sequence[dict[str, Any]] | None) -> None:
        """A mapping formatter (validated), or None for the unified fallback."""
        self.mapping = normalise_mapping(mapping) if mapping else None
        self.formatter_callable = None
        self.dirty = True

    def suggest_mapping(self) -> list[dict[str, str]]:
        """Origin → target field pairs by (close) name, for a starting mapping."""
        origin = [f["name"] for f in self.fields("origin")]
        target = [f["name"] for f in self.fields("target")]
        pairs = []
        for name in target:
            match = difflib.get_close_matches(name, origin, n=1, cutoff=0.8)
            if match:
                pairs.append({"from": match[0], "to": name})
        return pairs

    # -- the profile --
    def to_profile(self) -> SyncProfile:
        if self.origin is None or self.target is None:
            raise ConfigError("pick an origin and a target connector first")
        data: dict[str, Any] = {
            **self.extra,
            "name": self.name,
            "resource": self.resource,
            "batch_size": self.batch_size,
            "origin": self.origin,
            "target": self.target,
            "cursor": self.cursor,
            "where": [ConditionConfig(field=c.field, op=c.op, value=c.value) for c in self.where],
            "having": [ConditionConfig(field=c.field, op=c.op, value=c.value) for c in self.having],
        }
        if self.mapping is not None or self.formatter_callable is not None:
            data["formatter"] = FormatterConfig(
                mapping=self.mapping, callable=self.formatter_callable
            )
        if not data["where"]:
            del data["where"]
        if not data["having"]:
            del data["having"]
        return SyncProfile.model_validate(data)

    def environ(self) -> dict[str, str]:
        """The environment runs see: the process's, plus secrets typed in this session (kept
        in memory only; saved profiles reference them as ``${VAR}``)."""
        return {**os.environ, **literal_secrets(self.to_profile())}

    def to_loaded(self) -> LoadedProfile:
        """Validated exactly like a profile file (connectors, operators, values, ${VAR}s)."""
        return loaded_from_model(self.to_profile(), path=self.path, environ=self.environ())

    def explain(self) -> dict[str, Any]:
        """What the source would receive. Sends nothing, so unset ${VAR}s are placeholders
        (listed under ``unset_variables``)."""
        env = PlaceholderEnv(self.environ())
        loaded = loaded_from_model(self.to_profile(), path=self.path, environ=env)
        explained = explain_profile(loaded, environ=env)
        if env.missing:
            explained["unset_variables"] = env.missing
        return explained

    def preview(self, limit: int = 200) -> tuple[list[Any], int]:
        """Up to ``limit`` records this profile would move, and how many were read. No writes."""
        return preview_profile(self.to_loaded(), limit=limit, environ=self.environ())

    def run(
        self,
        *,
        dry_run: bool = False,
        on_progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> RunOutcome:
        return run_profile(
            self.to_loaded(),
            dry_run=dry_run,
            on_progress=on_progress,
            should_stop=should_stop,
            environ=self.environ(),
        )

    def stored_cursor(self) -> Cursor | None:
        """The cursor the state store holds for this profile (what the next run resumes from)."""
        if self.origin is None or self.target is None:
            return None
        from hrtech_etl.core.state import StateKey

        key = StateKey(self.name, self.origin.connector, self.target.connector, self.resource.value)
        return StateStore().get_cursor(key)

    def save(self, path: Path | str | None = None) -> tuple[Path, list[str]]:
        """Write the profile (atomically); returns the path and the env vars its secrets need.

        Saving under a new path whose stem differs renames the profile (its state key) too.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ConfigError("no file yet: give a path (e.g. profiles/my-sync.toml)")
        if target.suffix != ".toml":
            target = target.with_suffix(".toml")
        if path is not None and (self.path is None or target.stem != self.path.stem):
            self.name = target.stem
        profile = self.to_profile()
        self.to_loaded()  # refuse to save what would not load
        needed = save_profile(profile, target)
        self.path = target
        self.dirty = False
        return target, needed
