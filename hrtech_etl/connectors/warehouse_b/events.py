"""Warehouse B webhooks → unified events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from hrtech_etl.connectors.warehouse_b.models import WarehouseBEvent
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.types import Resource


def parse_event(
    resource: Resource, raw: Mapping[str, Any]
) -> UnifiedJobEvent | UnifiedProfileEvent | None:
    """``{"resource": "job", "action": "deleted", "id": "J-1", "timestamp": <ms>}`` → an event.

    Returns None for events about another resource, unknown actions or malformed bodies
    (webhook endpoints receive all sorts; the caller decides what to do with the rest).
    """
    if not isinstance(raw, Mapping):
        return None
    try:
        event = WarehouseBEvent.model_validate(dict(raw))
    except ValidationError:
        return None
    if event.resource_kind is not resource:
        return None
    cls = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
    return cls(
        event_type=event.event_type,
        resource_id=event.id,
        occurred_at=event.occurred_at,
        source="warehouse_b",
        payload=dict(raw),
    )
