"""Warehouse A: the reference API-key connector. Every binding the engine knows is used here."""

from hrtech_etl.connectors.warehouse_a.connector import WarehouseAConnector, WarehouseASettings
from hrtech_etl.connectors.warehouse_a.models import (
    WarehouseAEvent,
    WarehouseAJob,
    WarehouseAJobEvent,
    WarehouseAProfile,
    WarehouseAProfileEvent,
)
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

CONNECTOR = ConnectorMeta(
    name=WarehouseAConnector.name,
    label=WarehouseAConnector.label,
    warehouse_type=WarehouseType.ATS,
    connector_cls=WarehouseAConnector,
    description="Reference HTTP connector: API-key auth, page/limit pagination, every binding.",
)

__all__ = [
    "CONNECTOR",
    "WarehouseAConnector",
    "WarehouseAEvent",
    "WarehouseAJob",
    "WarehouseAJobEvent",
    "WarehouseAProfile",
    "WarehouseAProfileEvent",
    "WarehouseASettings",
]
