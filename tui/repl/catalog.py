"""The metadata the REPL completes and parses against, read from the registry and the `Draft`.

Model names are the native models of the registered connectors (``LocalJob``,
``WarehouseAJob``, ...). Field lists come from the core schema export, with each operator's
pushdown described by the connector that owns the model, so completion says the same thing as
``hrtech-etl schema``. Everything is read lazily and cached per model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from functools import cached_property

from pydantic import BaseModel

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import ConfigError
from hrtech_etl.core.metadata import FieldMeta, model_meta
from hrtech_etl.core.sync_profile import list_profiles
from hrtech_etl.core.types import Operator, Resource
from hrtech_etl.core.ui_schema import export_model_fields
from tui.repl.completion import FieldInfo
from tui.session import Draft, connector_names

__all__ = ["DraftCatalog"]


class DraftCatalog:
    """A `tui.repl.completion.Catalog` over the registered connectors and the current draft."""

    def __init__(self, current: Callable[[], Draft]) -> None:
        self._current = current
        self._fields: dict[tuple[type[BaseModel], type[BaseConnector]], list[FieldInfo]] = {}

    @cached_property
    def _connectors(self) -> list[tuple[str, str, type[BaseConnector]]]:
        return [(m.name, m.label, m.connector_cls) for m in connector_names()]

    @cached_property
    def _owners(self) -> dict[str, list[tuple[str, type[BaseConnector], Resource]]]:
        """Model name → the connectors (and resource) that read or write it."""
        owners: dict[str, list[tuple[str, type[BaseConnector], Resource]]] = {}
        for name, _, cls in self._connectors:
            for resource in cls.resources():
                model = cls.native_cls(resource)
                owners.setdefault(model.__name__, []).append((name, cls, resource))
        return owners

    def model_classes(self) -> dict[str, type[BaseModel]]:
        """Every model name an expression may use, and its class."""
        return self._model_classes

    @cached_property
    def _model_classes(self) -> dict[str, type[BaseModel]]:
        return {
            name: owners[0][1].native_cls(owners[0][2]) for name, owners in self._owners.items()
        }

    def owner_names(self, model: str) -> list[str]:
        return [name for name, _, _ in self._owners.get(model, [])]

    def origin_model(self) -> type[BaseModel] | None:
        draft = self._current()
        if draft.origin is None:
            return None
        try:
            return draft.origin_model()
        except ConfigError:
            return None

    # -- the Catalog protocol --
    def models(self) -> Sequence[tuple[str, str]]:
        origin = self.origin_model()
        first: list[tuple[str, str]] = []
        others: list[tuple[str, str]] = []
        for name, owners in sorted(self._owners.items()):
            resources = sorted({r.value for _, _, r in owners})
            where = f"{', '.join(self.owner_names(name))} · {', '.join(resources)}"
            if origin is not None and origin.__name__ == name:
                first.append((name, f"the origin's model · {where}"))
            else:
                others.append((name, where))
        return first + others

    def fields(self, model: str | None) -> Sequence[FieldInfo]:
        found = self._model_and_connector(model)
        if found is None:
            return []
        key = found
        if key not in self._fields:
            self._fields[key] = _field_infos(*found)
        return self._fields[key]

    def cursor_modes(self) -> Sequence[str]:
        model = self.origin_model()
        if model is None:
            return ["id", "created_at", "updated_at"]
        return [mode.value for mode in model_meta(model).cursor_modes]

    def connectors(self) -> Sequence[tuple[str, str]]:
        resource = self._current().resource
        return [
            (name, label) for name, label, cls in self._connectors if resource in cls.resources()
        ]

    def profiles(self) -> Sequence[str]:
        return [path.stem for path in list_profiles()]

    def _model_and_connector(
        self, model: str | None
    ) -> tuple[type[BaseModel], type[BaseConnector]] | None:
        draft = self._current()
        origin = self.origin_model()
        if model is None or (origin is not None and origin.__name__ == model):
            if origin is None or draft.origin is None:
                return None
            return origin, _connector_class(self._connectors, draft.origin.connector)
        owners = self._owners.get(model)
        if not owners:
            return None
        _, cls, resource = owners[0]
        return cls.native_cls(resource), cls


def _connector_class(
    connectors: list[tuple[str, str, type[BaseConnector]]], name: str
) -> type[BaseConnector]:
    for known, _, cls in connectors:
        if known == name:
            return cls
    raise ConfigError(f"unknown connector {name!r}")


def _field_infos(model: type[BaseModel], cls: type[BaseConnector]) -> list[FieldInfo]:
    resource = next(r for r in cls.resources() if cls.native_cls(r) is model)

    def pushdown(meta: FieldMeta, op: Operator) -> str:
        return cls.describe_pushdown(resource, meta, op)

    metas = model_meta(model).fields
    infos = []
    for entry in export_model_fields(model, pushdown=pushdown):
        value_type = metas[entry["name"]].value_type
        choices: tuple[str, ...] = ()
        if isinstance(value_type, type) and issubclass(value_type, Enum):
            choices = tuple(str(member.value) for member in value_type)
        prefilter = entry.get("prefilter") or {}
        infos.append(
            FieldInfo(
                name=entry["name"],
                type_name=entry["type"],
                operators=tuple(prefilter.get("operators", ())),
                pushdown=dict(entry.get("params") or {}),
                choices=choices,
                cursor=entry.get("cursor"),
            )
        )
    return infos
