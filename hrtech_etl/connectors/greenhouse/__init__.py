"""Greenhouse: Harvest v3 (`greenhouse`, OAuth2) and the public Job Board (`greenhouse_board`)."""

from hrtech_etl.connectors.greenhouse.board import GreenhouseBoardConnector, GreenhouseBoardSettings
from hrtech_etl.connectors.greenhouse.connector import GreenhouseConnector, GreenhouseSettings
from hrtech_etl.connectors.greenhouse.events import InvalidSignatureError
from hrtech_etl.connectors.greenhouse.models import (
    GreenhouseBoardJob,
    GreenhouseCandidate,
    GreenhouseJob,
)
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

CONNECTOR = ConnectorMeta(
    name=GreenhouseConnector.name,
    label=GreenhouseConnector.label,
    warehouse_type=WarehouseType.ATS,
    connector_cls=GreenhouseConnector,
    description=(
        "Greenhouse Harvest v3: jobs and candidates, OAuth2 client credentials, opaque Link "
        "cursor, created_at/updated_at operator filters, candidate creation, webhooks."
    ),
    docs_url="https://harvestdocs.greenhouse.io/",
)

BOARD_CONNECTOR = ConnectorMeta(
    name=GreenhouseBoardConnector.name,
    label=GreenhouseBoardConnector.label,
    warehouse_type=WarehouseType.JOBBOARD,
    connector_cls=GreenhouseBoardConnector,
    description="Greenhouse Job Board API: a company's public job posts, no auth, read only.",
    docs_url="https://developers.greenhouse.io/job-board.html",
)

CONNECTORS = [CONNECTOR, BOARD_CONNECTOR]

__all__ = [
    "BOARD_CONNECTOR",
    "CONNECTOR",
    "CONNECTORS",
    "GreenhouseBoardConnector",
    "GreenhouseBoardJob",
    "GreenhouseBoardSettings",
    "GreenhouseCandidate",
    "GreenhouseConnector",
    "GreenhouseJob",
    "GreenhouseSettings",
    "InvalidSignatureError",
]
