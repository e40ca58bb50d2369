"""Warehouse B: the reference bearer-token connector (keyset pages, lists sorted by id only)."""

from hrtech_etl.connectors.warehouse_b.connector import WarehouseBConnector, WarehouseBSettings
from hrtech_etl.connectors.warehouse_b.models import (
    WarehouseBEvent,
    WarehouseBJob,
    WarehouseBProfile,
)
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

CONNECTOR = ConnectorMeta(
    name=WarehouseBConnector.name,
    label=WarehouseBConnector.label,
    warehouse_type=WarehouseType.JOBBOARD,
    connector_cls=WarehouseBConnector,
    description=(
        "Reference HTTP connector: bearer token, opaque Link-header cursor, records sorted by id "
        "only, epoch-millisecond time filters."
    ),
)

__all__ = [
    "CONNECTOR",
    "WarehouseBConnector",
    "WarehouseBEvent",
    "WarehouseBJob",
    "WarehouseBProfile",
    "WarehouseBSettings",
]
