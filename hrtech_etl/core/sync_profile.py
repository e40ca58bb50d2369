"""Sync profiles: saved runs as TOML files (DESIGN §5).

A `SyncProfile` is exactly what the file says, ``${VAR}`` references included; nothing is
resolved until a run is built (`resolve_env`). Loading validates in three steps, and every
mistake becomes one `ProfileError` line naming the file, the key and its line:

1. TOML syntax (``tomllib``);
2. shape: unknown keys (with "did you mean"), types, enums;
3. meaning, against the connectors: connector names, their options and auth, WHERE fields and
   operators allowed by the origin's metadata, value coercion (dates, numbers, enums),
   formatter specs.

Saving writes only what the user set, and never a secret value: secret auth fields must be
``${VAR}`` references (see `to_toml`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hrtech_etl.core.errors import ConfigError, HrtechEtlError, did_you_mean
from hrtech_etl.core.types import (
    Condition,
    Cursor,
    CursorMode,
    Operator,
    PushMode,
    Resource,
    SortOrder,
)

__all__ = [
    "ConditionConfig",
    "CursorConfig",
    "EndpointConfig",
    "FormatterConfig",
    "LoadedProfile",
    "PlaceholderEnv",
    "ProfileError",
    "SyncProfile",
    "find_profile",
    "list_profiles",
    "literal_secrets",
    "load_profile",
    "loaded_from_model",
    "profile_json_schema",
    "resolve_env",
    "save_profile",
    "to_toml",
]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PROFILE_DIR_VAR = "PROFILE_DIR"


class ProfileError(ConfigError):
    """A sync profile is wrong. ``str()`` is ``file:line: key: message``."""

    def __init__(
        self, message: str, *, path: Path | None = None, key: str = "", line: int | None = None
    ) -> None:
        self.path = path
        self.key = key
        self.line = line
        where = str(path) if path else "profile"
        if line:
            where += f":{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


# -- the schema ---------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndpointConfig(_Strict):
    """One side of a sync: a connector, its options and its auth."""

    connector: str = Field(..., description="Registered connector name, e.g. 'greenhouse'")
    options: dict[str, Any] = Field(default_factory=dict, description="Connector settings")
    auth: dict[str, Any] | None = Field(
        None,
        description="{type = 'api_key'|'bearer'|'basic'|'oauth2_client_credentials'|'none', ...};"
        " secrets as ${VAR}",
    )


class CursorConfig(_Strict):
    mode: CursorMode = CursorMode.UPDATED_AT
    start: str | None = Field(None, description="First run only; later runs resume from state")
    sort_by: SortOrder = SortOrder.ASC

    @field_validator("start", mode="before")
    @classmethod
    def _start_as_text(cls, value: object) -> object:
        # TOML dates and datetimes arrive as objects; keep the text form the file means.
        if value is not None and not isinstance(value, str):
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
        return value


class ConditionConfig(_Strict):
    field: str
    op: Operator
    value: Any = None

    def condition(self) -> Condition:
        return Condition(field=self.field, op=self.op, value=self.value)


class FormatterConfig(_Strict):
    mapping: list[dict[str, Any]] | None = Field(
        None, description="[{from = 'title', to = 'name'}, ...]"
    )
    callable: str | None = Field(None, description="'package.module.function'")


class SyncProfile(_Strict):
    """A saved run. Field names are the TOML keys."""

    name: str = Field("", description="State key; defaults to the file stem")
    description: str | None = None
    operation: Literal["pull", "push"] = "pull"
    resource: Resource
    batch_size: int = Field(500, ge=1, le=100_000)
    origin: EndpointConfig
    target: EndpointConfig
    cursor: CursorConfig = Field(default_factory=CursorConfig)
    where: list[ConditionConfig] = Field(default_factory=list)
    having: list[ConditionConfig] = Field(default_factory=list)
    formatter: FormatterConfig | None = None
    until: str | None = Field(None, description="Window end (ISO-8601); default now - lag")
    lag: int = Field(0, ge=0, description="Seconds subtracted from now for the window end")
    max_rejected: int | None = Field(None, ge=0, description="Stop past this many rejections")
    dead_letter: str | None = Field(None, description="JSONL file for rejected records")
    mode: PushMode | None = Field(None, description="push only: resources | events")
    input: str | None = Field(None, description="push only: JSONL file of resources or events")

    @field_validator("until", mode="before")
    @classmethod
    def _until_as_text(cls, value: object) -> object:
        if value is not None and not isinstance(value, str):
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
        return value

    def where_conditions(self) -> list[Condition]:
        return [c.condition() for c in self.where]

    def having_conditions(self) -> list[Condition]:
        return [c.condition() for c in self.having]

    def initial_cursor(self) -> Cursor:
        return Cursor(mode=self.cursor.mode, start=self.cursor.start, sort_by=self.cursor.sort_by)


def profile_json_schema() -> dict[str, Any]:
    """JSON Schema of the sync profile format (`hrtech-etl profiles schema`)."""
    schema = SyncProfile.model_json_schema()
    schema["title"] = "hrtech-etl sync profile"
    return schema


# -- locating keys in the file (for error lines) ------------------------------------------------


class _KeyLines:
    """Maps dotted key paths (``where.0.op``) to the line they are written on.

    TOML parsers do not keep positions, so this walks the text: table headers (``[origin]``,
    ``[[where]]``) set the prefix, ``key = value`` lines (and keys inside inline tables) are
    recorded under it. Good enough to point at the right line of a hand-written profile.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+(?:\s*\.\s*[A-Za-z0-9_\-\"]+)*)\s*=")
    _INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        arrays: dict[tuple[str, ...], int] = {}
        prefix: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                parts = tuple(p.strip().strip('"') for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = arrays.get(parts, -1) + 1
                    arrays[parts] = index
                    prefix = (*parts, str(index))
                else:
                    prefix = parts
                self.lines.setdefault(prefix, number)
                continue
            key = self._KEY.match(line)
            if not key:
                continue
            parts = tuple(p.strip().strip('"') for p in key.group(1).split("."))
            full = (*prefix, *parts)
            self.lines.setdefault(full, number)
            rest = line[key.end() :]
            if "{" in rest:  # keys of an inline table on the same line
                for inner in self._INLINE_KEY.finditer(rest):
                    self.lines.setdefault((*full, inner.group(1)), number)
            if "[" in rest and "{" in rest:  # an inline array of tables: items by position
                for index, _ in enumerate(re.finditer(r"\{", rest)):
                    self.lines.setdefault((*full, str(index)), number)

    def find(self, path: Sequence[str | int]) -> int | None:
        parts = tuple(str(p) for p in path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None


def _key_text(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += (
            f"[{part}]"
            if isinstance(part, int) or str(part).isdigit()
            else (f".{part}" if text else str(part))
        )
    return text


# -- ${VAR} references --------------------------------------------------------------------------


def resolve_env(
    value: Any,
    env: Mapping[str, str],
    *,
    on_missing: Any = None,
    path: tuple[str | int, ...] = (),
) -> Any:
    """Replace ``${VAR}`` in every string of ``value`` (dicts and lists walked).

    An unset variable calls ``on_missing(name, path)`` (which should raise) or raises
    `ConfigError` naming it. ``$${`` escapes a literal ``${``.
    """
    if isinstance(value, str):
        if "${" not in value:
            return value

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                if on_missing is not None:
                    on_missing(name, path)
                raise ConfigError(f"environment variable {name} is not set")
            return env[name]

        parts = value.split("$${")
        return "${".join(_VAR.sub(substitute, part) for part in parts)
    if isinstance(value, Mapping):
        return {
            k: resolve_env(v, env, on_missing=on_missing, path=(*path, k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            resolve_env(v, env, on_missing=on_missing, path=(*path, i)) for i, v in enumerate(value)
        ]
    return value


class PlaceholderEnv(dict[str, str]):
    """An environment where unset variables read as ``<VAR unset>`` and are remembered.

    For explaining a profile (which params it would send) on a machine without its secrets:
    nothing is sent anywhere, so a placeholder is as good as the value.
    """

    def __init__(self, base: Mapping[str, str]) -> None:
        super().__init__(base)
        self.missing: list[str] = []

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> str:
        if name not in self.missing:
            self.missing.append(name)
        return f"<{name} unset>"


def has_reference(value: Any) -> bool:
    return isinstance(value, str) and bool(_VAR.search(value))


# -- finding, loading, validating ---------------------------------------------------------------


def profile_dirs() -> list[Path]:
    """Where bare profile names are looked up: ./profiles, then the user config dir's."""
    from hrtech_etl.core.state import default_config_dir

    return [Path.cwd() / "profiles", default_config_dir() / "profiles"]


def find_profile(name: str | os.PathLike[str]) -> Path:
    """``NAME``: a path as given, else ``./profiles/NAME.toml``, else the user config dir's."""
    text = os.fspath(name)
    given = Path(text).expanduser()
    if given.is_file():
        return given
    stem = text[:-5] if text.endswith(".toml") else text
    looked = [given]
    if "/" not in stem and os.sep not in stem:
        for folder in profile_dirs():
            candidate = folder / f"{stem}.toml"
            looked.append(candidate)
            if candidate.is_file():
                return candidate
    known = [p.stem for p in list_profiles()]
    raise ConfigError(
        f"no sync profile {text!r}{did_you_mean(stem, known)}; looked in "
        + ", ".join(str(p) for p in looked)
    )


def list_profiles() -> list[Path]:
    """Every ``*.toml`` in the lookup folders (the first folder wins on equal names)."""
    seen: dict[str, Path] = {}
    for folder in profile_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                seen.setdefault(path.stem, path)
    return sorted(seen.values(), key=lambda p: p.stem)


@dataclass
class LoadedProfile:
    """A validated profile, the file it came from, and its raw (unresolved) TOML data."""

    profile: SyncProfile
    path: Path | None
    raw: dict[str, Any]
    lines: _KeyLines = field(repr=False, default_factory=lambda: _KeyLines(""))

    def error(self, key_path: Sequence[str | int], message: str) -> ProfileError:
        return ProfileError(
            message, path=self.path, key=_key_text(key_path), line=self.lines.find(key_path)
        )

    @property
    def name(self) -> str:
        return self.profile.name

    def env(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The variables ``${...}`` may use: the process environment plus ``PROFILE_DIR``."""
        base: dict[str, str] = (
            environ  # keeps its placeholder behaviour
            if isinstance(environ, PlaceholderEnv)
            else dict(os.environ if environ is None else environ)
        )
        if self.path is not None:
            base.setdefault(PROFILE_DIR_VAR, str(self.path.resolve().parent))
        else:
            base.setdefault(PROFILE_DIR_VAR, str(Path.cwd()))
        return base

    def resolved(self, key: str, environ: Mapping[str, str] | None = None) -> Any:
        """A top-level section with its ``${VAR}`` references resolved."""
        env = self.env(environ)

        def missing(name: str, path: tuple[str | int, ...]) -> None:
            raise self.error((key, *path), f"environment variable {name} is not set")

        return resolve_env(self.raw.get(key), env, on_missing=missing)


def loaded_from_model(
    profile: SyncProfile,
    *,
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    check_connectors: bool = True,
) -> LoadedProfile:
    """Validate a profile built in memory (TUI, REPL, flags) exactly as a file would be.

    Secret values typed literally become ``${VAR}`` references (as saving writes them); their
    values are added to ``environ`` for this validation only.
    """
    text, _ = to_toml(profile)
    env: dict[str, str]
    if isinstance(environ, PlaceholderEnv):
        env = environ
        env.update(literal_secrets(profile))
    else:
        env = {**(os.environ if environ is None else environ), **literal_secrets(profile)}
    return parse_profile(text, path=path, environ=env, check_connectors=check_connectors)


def load_profile(
    name: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    check_connectors: bool = True,
) -> LoadedProfile:
    """Find, parse and validate a sync profile. Raises `ProfileError` (one line) when wrong."""
    path = find_profile(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read: {exc}", path=path) from None
    return parse_profile(text, path=path, environ=environ, check_connectors=check_connectors)


def parse_profile(
    text: str,
    *,
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    check_connectors: bool = True,
) -> LoadedProfile:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(match.group(1)) if match else None
        raise ProfileError(f"invalid TOML: {message}", path=path, line=line) from None
    lines = _KeyLines(text)
    data = dict(raw)
    if not data.get("name") and path is not None:
        data["name"] = path.stem
    try:
        profile = SyncProfile.model_validate(data)
    except ValidationError as exc:
        raise _shape_error(exc, path, lines) from None
    loaded = LoadedProfile(profile=profile, path=path, raw=raw, lines=lines)
    _check_meaning(loaded, environ, check_connectors)
    return loaded


def _shape_error(exc: ValidationError, path: Path | None, lines: _KeyLines) -> ProfileError:
    def rank(error: Any) -> tuple[int, int]:
        # A typo shows up both as an unknown key and as a missing one: report the typo first,
        # then whatever comes first in the file.
        line = lines.find([str(p) for p in error["loc"]])
        return (error["type"] != "extra_forbidden", line if line is not None else 1 << 30)

    first = min(exc.errors(), key=rank)
    loc = [p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    key = _key_text(loc)
    line = lines.find(loc)
    if first["type"] == "extra_forbidden":
        parent = _model_at(loc[:-1])
        hint = did_you_mean(str(loc[-1]), parent.model_fields) if parent else ""
        return ProfileError(f"unknown key{hint}", path=path, key=key, line=line)
    if first["type"] == "missing":
        return ProfileError("missing required key", path=path, key=key, line=line)
    message = first["msg"]
    if first["type"] == "enum":
        expected = first.get("ctx", {}).get("expected", "")
        message = f"{first['input']!r} is not one of {expected}"
        if isinstance(first["input"], str):
            options = re.findall(r"'([^']+)'", expected)
            message += did_you_mean(first["input"], options)
    return ProfileError(message, path=path, key=key, line=line)


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    model: type[BaseModel] = SyncProfile
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        from hrtech_etl.core.metadata import leaf_type

        inner, _ = leaf_type(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def _check_meaning(
    loaded: LoadedProfile, environ: Mapping[str, str] | None, check_connectors: bool
) -> None:
    """Validate the profile against its connectors, formatter and value types."""
    from hrtech_etl.core.auth import auth_from_config
    from hrtech_etl.core.filters import compile_conditions
    from hrtech_etl.core.metadata import model_meta
    from hrtech_etl.core.registry import get_connector_class
    from hrtech_etl.formatters.base import load_callable, normalise_mapping

    profile = loaded.profile
    if profile.operation == "push":
        if profile.mode is None:
            raise loaded.error(("mode",), "push profiles need mode = 'resources' or 'events'")
        if not profile.input:
            raise loaded.error(("input",), "push profiles need input = a JSONL file")
    elif profile.mode is not None or profile.input is not None:
        key = "mode" if profile.mode is not None else "input"
        raise loaded.error((key,), "only push profiles take this key")
    if profile.formatter is not None:
        fmt = profile.formatter
        if (fmt.mapping is None) == (fmt.callable is None):
            raise loaded.error(("formatter",), "give exactly one of mapping or callable")
        try:
            if fmt.mapping is not None:
                normalise_mapping(fmt.mapping)
            elif check_connectors and fmt.callable:
                load_callable(fmt.callable)
        except ConfigError as exc:
            raise loaded.error(("formatter",), str(exc)) from None
    for when in ("until", "cursor"):
        try:
            if when == "until" and profile.until is not None:
                Cursor(mode=CursorMode.UPDATED_AT, start=profile.until)
            if when == "cursor" and profile.cursor.start is not None:
                Cursor(mode=profile.cursor.mode, start=profile.cursor.start)
        except ValidationError as exc:
            key_path = ("until",) if when == "until" else ("cursor", "start")
            value = profile.until if when == "until" else profile.cursor.start
            raise loaded.error(
                key_path, f"cannot read {value!r} as a timestamp ({_first(exc)})"
            ) from None
    if not check_connectors:
        return

    classes = {}
    for side in ("origin", "target"):
        endpoint: EndpointConfig = getattr(profile, side)
        try:
            cls = get_connector_class(endpoint.connector)
        except HrtechEtlError as exc:
            raise loaded.error((side, "connector"), str(exc)) from None
        classes[side] = cls
        options = loaded.resolved(side, environ) or {}
        try:
            cls.settings_cls(**options.get("options", {}))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [str(p) for p in err["loc"]]
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown option" + did_you_mean(loc[-1], cls.settings_cls.model_fields)
            raise loaded.error((side, "options", *loc), message) from None
        if options.get("auth") is not None:
            try:
                auth_from_config(options["auth"])
            except ConfigError as exc:
                raise loaded.error((side, "auth"), str(exc)) from None
        try:
            cls.native_cls(profile.resource)
        except ConfigError as exc:
            raise loaded.error(("resource",), str(exc)) from None

    model = classes["origin"].native_cls(profile.resource)
    meta = model_meta(model)
    try:
        meta.cursor_field(profile.cursor.mode)
    except ConfigError as exc:
        raise loaded.error(("cursor", "mode"), str(exc)) from None
    origin_cls = classes["origin"]
    for index, cond in enumerate(profile.where):
        try:
            value = resolve_env(cond.value, loaded.env(environ))
            origin_cls.check_where(
                profile.resource, [Condition(field=cond.field, op=cond.op, value=value)]
            )
        except ConfigError as exc:
            raise loaded.error(("where", index, _bad_part(exc)), str(exc)) from None
    for index, cond in enumerate(profile.having):
        try:
            compile_conditions(model, [cond.condition()])
        except ConfigError as exc:
            raise loaded.error(("having", index, _bad_part(exc)), str(exc)) from None


def _bad_part(exc: ConfigError) -> str:
    from hrtech_etl.core.errors import CoercionError, UnknownFieldError, UnsupportedOperatorError

    if isinstance(exc, UnknownFieldError):
        return "field"
    if isinstance(exc, UnsupportedOperatorError):
        return "op"
    if isinstance(exc, CoercionError):
        return "value"
    return "field"


def _first(exc: ValidationError) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


# -- saving -------------------------------------------------------------------------------------


def _secret_keys(auth: Mapping[str, Any]) -> tuple[str, ...]:
    from hrtech_etl.core.auth import auth_class

    cls = auth_class(str(auth.get("type", "")))
    return cls.secret_fields() if cls is not None else ()


def _secret_var(prefix: str, side: str, key: str) -> str:
    return f"{prefix}_{side}_{key}".upper()


def literal_secrets(
    profile: SyncProfile, *, secret_env_prefix: str = "HRTECH_ETL"
) -> dict[str, str]:
    """Secret auth values written literally (typed in a UI), under the variable names `to_toml`
    will reference them by. Keep them in memory only, e.g. as extra environment for a run."""
    found: dict[str, str] = {}
    for side in ("origin", "target"):
        auth = getattr(profile, side).auth or {}
        for key in _secret_keys(auth):
            value = auth.get(key)
            if isinstance(value, str) and value and not has_reference(value):
                found[_secret_var(secret_env_prefix, side, key)] = value
    return found


def to_toml(
    profile: SyncProfile, *, secret_env_prefix: str = "HRTECH_ETL"
) -> tuple[str, list[str]]:
    """The profile as TOML text, and the env vars it expects for secrets.

    Only keys the user set are written. A secret auth field holding a literal value is never
    written: it becomes ``${PREFIX_SIDE_FIELD}`` and the variable is listed so the caller can
    tell the user to export it.
    """
    # Python mode keeps TOML dates as dates (a JSON dump would turn them into strings).
    data = _toml_values(profile.model_dump(exclude_unset=True, exclude_none=True))
    needed: list[str] = []
    for side in ("origin", "target"):
        auth = data.get(side, {}).get("auth")
        if not auth:
            continue
        for key in _secret_keys(auth):
            value = auth.get(key)
            if value is None:
                continue
            if isinstance(value, str) and has_reference(value):
                needed.extend(m.group(1) for m in _VAR.finditer(value))
                continue
            var = _secret_var(secret_env_prefix, side, key)
            auth[key] = f"${{{var}}}"
            needed.append(var)
    ordered = {k: data[k] for k in SyncProfile.model_fields if k in data}
    return tomli_w.dumps(ordered), needed


def _toml_values(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _toml_values(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_toml_values(v) for v in value]
    return value


def save_profile(profile: SyncProfile, path: Path) -> list[str]:
    """Write ``profile`` to ``path`` atomically (temp file + rename); return the env vars needed."""
    text, needed = to_toml(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return needed
