"""Lever: the v1 data API (``lever``) and the public Postings API v0 (``lever_postings``)."""

from hrtech_etl.connectors.lever.connector import LeverConnector, LeverSettings
from hrtech_etl.connectors.lever.events import parse_event, sign, verify_signature
from hrtech_etl.connectors.lever.models import (
    LeverDeletedOpportunity,
    LeverOpportunity,
    LeverPosting,
    LeverPublicPosting,
    LeverWebhook,
)
from hrtech_etl.connectors.lever.postings import LeverPostingsConnector, LeverPostingsSettings
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

CONNECTOR = ConnectorMeta(
    name=LeverConnector.name,
    label=LeverConnector.label,
    warehouse_type=WarehouseType.ATS,
    connector_cls=LeverConnector,
    description=(
        "Lever v1: opportunities (profiles) and postings (jobs); Basic auth with the API key or "
        "an OAuth bearer token; limit + offset tokens; created/updated filters in epoch ms."
    ),
    docs_url="https://hire.lever.co/developer/documentation",
)

POSTINGS_CONNECTOR = ConnectorMeta(
    name=LeverPostingsConnector.name,
    label=LeverPostingsConnector.label,
    warehouse_type=WarehouseType.JOBBOARD,
    connector_cls=LeverPostingsConnector,
    description=(
        "Lever's public Postings API v0: one site's published postings, no auth, read-only; "
        "skip/limit pages, category filters as repeated keys, created_at cursor in memory."
    ),
    docs_url="https://github.com/lever/postings-api",
)

CONNECTORS = [CONNECTOR, POSTINGS_CONNECTOR]

__all__ = [
    "CONNECTOR",
    "CONNECTORS",
    "POSTINGS_CONNECTOR",
    "LeverConnector",
    "LeverDeletedOpportunity",
    "LeverOpportunity",
    "LeverPosting",
    "LeverPostingsConnector",
    "LeverPostingsSettings",
    "LeverPublicPosting",
    "LeverSettings",
    "LeverWebhook",
    "parse_event",
    "sign",
    "verify_signature",
]
