"""Warehouse A webhooks → unified events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from hrtech_etl.connectors.warehouse_a.models import WarehouseAEvent
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.types import Resource


def parse_event(
    resource: Resource, raw: Mapping[str, Any]
) -> UnifiedJobEvent | UnifiedProfileEvent | None:
    """``{"event": "job.deleted", "id": "J-1", "occurred_at": "..."}`` → a unified event.

    Returns None for events about another resource, unknown event names or malformed bodies
    (webhook endpoints receive all sorts; the caller decides what to do with the rest).
    """
    try:
        event = WarehouseAEvent.model_validate(raw)
    except ValidationError:
        return None
    event_type = event.event_type
    if event.resource_name != resource.value or event_type is None:
        return None
    cls = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
    return cls(
        event_type=event_type,
        resource_id=event.id,
        occurred_at=event.occurred_at,
        source="warehouse_a",
        payload=dict(raw),
    )
