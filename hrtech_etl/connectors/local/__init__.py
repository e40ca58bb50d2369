"""Local connectors: a SQLite file (upserts, SQL filters, keyset pages) and JSON Lines files.

Both store the unified models as they are (`LocalJob` / `LocalProfile`), so they need no
mapping and every field can be filtered. ``CONNECTORS`` lists both (this package holds two).
"""

from hrtech_etl.connectors.local.jsonl import JsonlConnector, JsonlSettings
from hrtech_etl.connectors.local.models import LocalJob, LocalProfile
from hrtech_etl.connectors.local.sqlite import SqliteConnector, SqliteSettings
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

SQLITE_CONNECTOR = ConnectorMeta(
    name=SqliteConnector.name,
    label=SqliteConnector.label,
    warehouse_type=WarehouseType.DATABASE,
    connector_cls=SqliteConnector,
    description="A local SQLite file: upserts by id, WHERE pushed down as SQL, keyset pages.",
)

JSONL_CONNECTOR = ConnectorMeta(
    name=JsonlConnector.name,
    label=JsonlConnector.label,
    warehouse_type=WarehouseType.DATABASE,
    connector_cls=JsonlConnector,
    description="JSON Lines files (.jsonl, .jsonl.gz): streamed reads, appended writes.",
)

CONNECTORS = [SQLITE_CONNECTOR, JSONL_CONNECTOR]

__all__ = [
    "CONNECTORS",
    "JSONL_CONNECTOR",
    "SQLITE_CONNECTOR",
    "JsonlConnector",
    "JsonlSettings",
    "LocalJob",
    "LocalProfile",
    "SqliteConnector",
    "SqliteSettings",
]
