"""The connector registry: names → connector classes.

Built-in connectors and third-party ones are found the same way, through the
``hrtech_etl.connectors`` entry-point group (each entry point names a `ConnectorMeta`). When the
package runs from a source tree without installed metadata, the built-in subpackages of
``hrtech_etl.connectors`` are scanned instead. Nothing is imported until a name is asked for,
so ``hrtech-etl run`` only pays for the connectors its profile uses.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from hrtech_etl.core.connector import BaseConnector
from hrtech_etl.core.errors import MetadataError, UnknownConnectorError
from hrtech_etl.core.metadata import model_meta
from hrtech_etl.core.types import Resource, WarehouseType

__all__ = [
    "ConnectorMeta",
    "get_connector_class",
    "get_connector_instance",
    "get_connector_meta",
    "list_connectors",
    "register_connector",
]

ENTRY_POINT_GROUP = "hrtech_etl.connectors"
_BUILTIN_PACKAGE = "hrtech_etl.connectors"
logger = logging.getLogger("hrtech_etl.registry")


@dataclass(frozen=True)
class ConnectorMeta:
    """How a connector presents itself: name, label, kind of system, class, docs."""

    name: str
    label: str
    warehouse_type: WarehouseType
    connector_cls: type[BaseConnector]
    description: str = ""
    docs_url: str = ""
    resources: tuple[Resource, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "warehouse_type": self.warehouse_type.value,
            "resources": [r.value for r in (self.resources or self.connector_cls.resources())],
            "description": self.description,
        }


_registry: dict[str, ConnectorMeta] = {}
_lazy: dict[str, str] = {}  # name -> "module:attr" not yet imported
_discovered = False
_lock = threading.RLock()


def register_connector(meta: ConnectorMeta) -> ConnectorMeta:
    """Add a connector. Its models' metadata is validated now, so a bad binding fails at import."""
    if not meta.name or not meta.name.replace("_", "").replace("-", "").isalnum():
        raise MetadataError(f"connector name {meta.name!r} must be letters, digits, _ or -")
    if not (isinstance(meta.connector_cls, type) and issubclass(meta.connector_cls, BaseConnector)):
        raise MetadataError(f"connector {meta.name!r}: connector_cls must subclass BaseConnector")
    for resource in meta.connector_cls.resources():
        model_meta(meta.connector_cls.native_cls(resource))  # raises MetadataError when bad
    with _lock:
        existing = _registry.get(meta.name)
        if existing is not None and existing.connector_cls is not meta.connector_cls:
            raise MetadataError(
                f"connector name {meta.name!r} is taken by {existing.connector_cls.__qualname__}"
            )
        _registry[meta.name] = meta
        _lazy.pop(meta.name, None)
    return meta


def _discover() -> None:
    """Collect names of available connectors without importing them."""
    global _discovered
    with _lock:
        if _discovered:
            return
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            _lazy.setdefault(ep.name, ep.value)
        if not any(value.startswith(_BUILTIN_PACKAGE + ".") for value in _lazy.values()):
            _scan_builtins()  # running from a source tree without installed metadata
        _discovered = True


def _scan_builtins() -> None:
    """Import each built-in connector package and register what it exports."""
    package = importlib.import_module(_BUILTIN_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_BUILTIN_PACKAGE}.{info.name}")
        metas = getattr(module, "CONNECTORS", None) or [getattr(module, "CONNECTOR", None)]
        for meta in metas:
            if isinstance(meta, ConnectorMeta):
                register_connector(meta)


def _load(name: str) -> ConnectorMeta | None:
    target = _lazy.get(name)
    if target is None:
        return None
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    obj: Any = getattr(module, attr or "CONNECTOR", None)
    if obj is None:
        raise MetadataError(f"connector {name!r}: {module_name} defines no {attr or 'CONNECTOR'}")
    meta = obj() if callable(obj) and not isinstance(obj, ConnectorMeta) else obj
    if not isinstance(meta, ConnectorMeta):
        raise MetadataError(f"entry point {name!r} ({target}) is not a ConnectorMeta")
    return register_connector(meta)


def get_connector_meta(name: str) -> ConnectorMeta:
    with _lock:
        if name in _registry:
            return _registry[name]
        _discover()
        meta = _load(name)
        if meta is None:
            raise UnknownConnectorError(name, set(_registry) | set(_lazy))
        return meta


def get_connector_class(name: str) -> type[BaseConnector]:
    return get_connector_meta(name).connector_cls


def list_connectors() -> list[ConnectorMeta]:
    """Every available connector (imports them all), sorted by name.

    A connector that fails to load is left out with a warning, so one broken plug-in does not
    hide the others; `get_connector_meta` on its name raises the real error.
    """
    with _lock:
        _discover()
        for name in list(_lazy):
            try:
                _load(name)
            except Exception as exc:
                logger.warning("connector %r could not be loaded: %s", name, exc)
        return sorted(_registry.values(), key=lambda m: m.name)


def get_connector_instance(name: str, **settings: Any) -> BaseConnector:
    """A connector by registered name. ``auth`` may be an auth object or a config dict."""
    return get_connector_class(name)(**settings)
