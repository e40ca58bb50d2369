"""HrFlow.ai: jobs in a Board, profiles in a Source (API v1, ``X-API-KEY`` + ``X-USER-EMAIL``).

Profile form of the auth (secrets as ``${VAR}``)::

    auth = { type = "api_key", header_name = "X-API-KEY", api_key = "${HRFLOW_API_KEY}",
             extra_headers = { X-USER-EMAIL = "me@corp.example" } }

See ``docs/connectors/hrflow.md`` for settings, cursor modes, pushdown and caveats.
"""

from hrtech_etl.connectors.hrflow.connector import HrFlowConnector, HrFlowSettings
from hrtech_etl.connectors.hrflow.models import (
    HrFlowJob,
    HrFlowProfile,
    HrFlowWebhook,
)
from hrtech_etl.core.registry import ConnectorMeta
from hrtech_etl.core.types import WarehouseType

CONNECTOR = ConnectorMeta(
    name=HrFlowConnector.name,
    label=HrFlowConnector.label,
    warehouse_type=WarehouseType.CRM,
    connector_cls=HrFlowConnector,
    description=(
        "HrFlow.ai Boards (jobs) and Sources (profiles): Storing API lists with created_at "
        "bounds and updated_at sorting, upserts by reference, archive instead of delete, "
        "storing/parsing webhooks."
    ),
    docs_url="https://developers.hrflow.ai",
)

__all__ = [
    "CONNECTOR",
    "HrFlowConnector",
    "HrFlowJob",
    "HrFlowProfile",
    "HrFlowSettings",
    "HrFlowWebhook",
]
