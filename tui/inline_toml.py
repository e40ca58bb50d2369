"""Connector options and auth as one-line TOML inline tables, the way a profile writes them.

``{ path = "jobs.jsonl", timeout = 30 }`` is what a user sees and types in the pickers.
Secret auth values are shown masked (`MASK`); submitting the mask keeps the value it stands for.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

from hrtech_etl.core.auth import auth_class
from hrtech_etl.core.errors import ConfigError

__all__ = ["MASK", "dumps_inline", "loads_inline", "mask_secrets", "unmask_secrets"]

MASK = "********"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return dumps_inline(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)


def _key(name: str) -> str:
    bare = name.replace("_", "").replace("-", "").isalnum()
    return name if bare else json.dumps(name)


def dumps_inline(table: Mapping[str, Any] | None) -> str:
    if not table:
        return ""
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in table.items()) + " }"


def loads_inline(text: str, what: str) -> dict[str, Any]:
    """Parse ``{ k = v, ... }`` (braces optional); an empty text is an empty table."""
    text = text.strip()
    if not text:
        return {}
    if not text.startswith("{"):
        text = "{ " + text + " }"
    try:
        return dict(tomllib.loads(f"value = {text}")["value"])
    except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        detail = str(exc).split(" (at line")[0]
        raise ConfigError(
            f'{what}: not a TOML inline table ({detail}); e.g. {{ path = "jobs.jsonl" }}'
        ) from None


def _secret_keys(auth: Mapping[str, Any]) -> tuple[str, ...]:
    cls = auth_class(str(auth.get("type", "")))
    return cls.secret_fields() if cls is not None else ()


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def mask_secrets(auth: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The auth table with literal secret values replaced by `MASK` (references stay visible)."""
    if auth is None:
        return None
    shown = dict(auth)
    for name in _secret_keys(auth):
        if name in shown and not _is_reference(shown[name]):
            shown[name] = MASK
    return shown


def unmask_secrets(typed: dict[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """Put back the secret values a `MASK` stands for."""
    for name, value in list(typed.items()):
        if value == MASK and current is not None and name in current:
            typed[name] = current[name]
    return typed
