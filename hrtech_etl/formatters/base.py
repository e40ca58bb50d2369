"""Mapping formatters, the formatter registry and loading formatters by dotted name.

A mapping is a list of items, each ``{"to": path}`` plus one source:

- ``{"from": "location.city", "to": "address.city"}`` copies a (nested) value;
- ``{"from": "title", "to": "name", "default": "untitled"}`` falls back when the source is
  missing or None;
- ``{"value": "open", "to": "status"}`` writes a constant.

Dotted ``from`` paths read attributes or dict keys; dotted ``to`` paths build nested dicts. The
result is a dict the pipeline validates against the target's native model.
"""

from __future__ import annotations

import importlib
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from hrtech_etl.core.errors import ConfigError

__all__ = [
    "FORMATTER_REGISTRY",
    "FormatterRegistry",
    "JobFormatter",
    "MappingItem",
    "ProfileFormatter",
    "build_mapping_formatter",
    "load_callable",
    "normalise_mapping",
]

MappingItem = dict[str, Any]
_MISSING = object()
_ITEM_KEYS = frozenset({"from", "to", "default", "value"})


class JobFormatter(Protocol):
    def __call__(self, job: Any, /) -> BaseModel | dict[str, Any]: ...


class ProfileFormatter(Protocol):
    def __call__(self, profile: Any, /) -> BaseModel | dict[str, Any]: ...


def _read(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if obj is None:
            return _MISSING
        obj = obj.get(part, _MISSING) if isinstance(obj, Mapping) else getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def _write(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        child = data.get(part)
        if not isinstance(child, dict):
            child = data[part] = {}
        data = child
    data[path[-1]] = value


def normalise_mapping(mapping: Sequence[Mapping[str, Any]]) -> list[MappingItem]:
    """Validate a mapping spec; errors name the item (1-based) and the key."""
    items: list[MappingItem] = []
    targets: set[str] = set()
    for index, raw in enumerate(mapping, start=1):
        if not isinstance(raw, Mapping):
            raise ConfigError(f"mapping item {index}: expected a table with 'from' and 'to'")
        unknown = sorted(set(raw) - _ITEM_KEYS)
        if unknown:
            raise ConfigError(
                f"mapping item {index}: unknown key {unknown[0]!r}; keys: from, to, default, value"
            )
        to = raw.get("to")
        if not isinstance(to, str) or not to.strip():
            raise ConfigError(f"mapping item {index}: 'to' must be a field name")
        if ("from" in raw) == ("value" in raw):
            raise ConfigError(f"mapping item {index}: give exactly one of 'from' or 'value'")
        if "from" in raw and (not isinstance(raw["from"], str) or not raw["from"].strip()):
            raise ConfigError(f"mapping item {index}: 'from' must be a field name")
        if to in targets:
            raise ConfigError(f"mapping item {index}: {to!r} is mapped twice")
        targets.add(to)
        items.append(dict(raw))
    return items


def build_mapping_formatter(
    mapping: Sequence[Mapping[str, Any]],
) -> Callable[[Any], dict[str, Any]]:
    """A formatter that builds a target dict from ``mapping`` (validated now, not per record)."""
    compiled: list[tuple[tuple[str, ...], tuple[str, ...] | None, Any, Any]] = []
    for item in normalise_mapping(mapping):
        source = tuple(item["from"].split(".")) if "from" in item else None
        compiled.append(
            (tuple(item["to"].split(".")), source, item.get("value"), item.get("default", _MISSING))
        )

    def formatter(origin_obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for to, source, constant, default in compiled:
            if source is None:
                _write(data, to, constant)
                continue
            value = _read(origin_obj, source)
            if value is _MISSING or value is None:
                if default is not _MISSING:
                    _write(data, to, default)
                elif value is None:
                    _write(data, to, None)
                continue
            _write(data, to, value)
        return data

    formatter.mapping = [dict(item) for item in mapping]  # type: ignore[attr-defined]
    return formatter


def load_callable(dotted: str) -> Callable[..., Any]:
    """``package.module:function`` or ``package.module.function`` → the callable."""
    module_name, sep, attr = dotted.partition(":")
    if not sep:
        module_name, _, attr = dotted.rpartition(".")
    if not module_name or not attr:
        raise ConfigError(f"formatter {dotted!r}: expected 'package.module.function'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"formatter {dotted!r}: cannot import {module_name!r} ({exc})") from None
    obj = getattr(module, attr, None)
    if not callable(obj):
        raise ConfigError(f"formatter {dotted!r}: {module_name} has no callable {attr!r}")
    return obj  # type: ignore[no-any-return]


class FormatterRegistry:
    """Mapping specs stored under an id, rebuilt into formatters on demand (thread-safe)."""

    def __init__(self) -> None:
        self._specs: dict[str, list[MappingItem]] = {}
        self._lock = threading.Lock()

    def register(
        self, mapping: Sequence[Mapping[str, Any]], formatter_id: str | None = None
    ) -> str:
        items = normalise_mapping(mapping)
        formatter_id = formatter_id or uuid.uuid4().hex[:12]
        with self._lock:
            self._specs[formatter_id] = items
        return formatter_id

    def get(self, formatter_id: str) -> list[MappingItem]:
        with self._lock:
            try:
                return [dict(i) for i in self._specs[formatter_id]]
            except KeyError:
                raise ConfigError(f"no formatter with id {formatter_id!r}") from None

    def build(self, formatter_id: str) -> Callable[[Any], dict[str, Any]]:
        return build_mapping_formatter(self.get(formatter_id))

    def __contains__(self, formatter_id: object) -> bool:
        return formatter_id in self._specs

    def __len__(self) -> int:
        return len(self._specs)

    def clear(self) -> None:
        with self._lock:
            self._specs.clear()


FORMATTER_REGISTRY = FormatterRegistry()
