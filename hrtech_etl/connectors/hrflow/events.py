"""HrFlow webhooks → unified events.

HrFlow POSTs ``{"type": "profile.storing.success", "origin": "api", "message": "...",
"profile": {...}}`` (a job event carries ``"job"`` instead). Names are
``<object>.<family>.<outcome>``; the families that mean the stored object changed are
``storing`` and ``parsing`` (a parsed file becomes a stored profile). Outcomes: ``success`` is
the first save (CREATED), ``update`` a later one (UPDATED), ``error`` a failure (no event).
No delete or archive event is documented, and job event names are by symmetry with the
profile ones (unconfirmed). The event id is the object's ``key`` (its ``reference`` when no key
is given); HrFlow's payload has no timestamp, so the object's ``updated_at`` (else
``created_at``) dates the event.

The ``HTTP-HRFLOW-SIGNATURE`` header is not checked here: verify it where the webhook is
received, before the body reaches this parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from hrtech_etl.connectors.hrflow.models import HrFlowWebhook
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.types import EventType, Resource, parse_timestamp

__all__ = ["event_type_of", "parse_event"]

_CHANGE_FAMILIES = frozenset({"storing", "parsing"})
_OUTCOMES = {"success": EventType.CREATED, "update": EventType.UPDATED}


def event_type_of(name: str) -> tuple[Resource, EventType] | None:
    """``profile.storing.update`` → (profile, UPDATED); None for names that change nothing."""
    parts = name.strip().lower().split(".")
    if len(parts) != 3:
        return None
    obj, family, outcome = parts
    if obj not in ("job", "profile") or family not in _CHANGE_FAMILIES:
        return None
    event_type = _OUTCOMES.get(outcome)
    return None if event_type is None else (Resource(obj), event_type)


def _occurred_at(obj: Mapping[str, Any]) -> datetime:
    for field in ("updated_at", "created_at"):
        value = obj.get(field)
        if value:
            try:
                return parse_timestamp(value)
            except ValueError:
                continue
    return datetime.now(UTC)


def parse_event(
    resource: Resource, raw: Mapping[str, Any]
) -> UnifiedJobEvent | UnifiedProfileEvent | None:
    """One HrFlow webhook body as a unified event about ``resource``, or None.

    None for events about the other resource, names that change nothing (errors, searching,
    scoring, ...), and malformed bodies: webhook endpoints receive all sorts.
    """
    if not isinstance(raw, Mapping):
        return None
    try:
        webhook = HrFlowWebhook.model_validate(dict(raw))
    except ValidationError:
        return None
    known = event_type_of(webhook.type)
    if known is None or known[0] is not resource:
        return None
    obj = webhook.job if resource is Resource.JOB else webhook.profile
    if not obj:
        return None
    resource_id = obj.get("key") or obj.get("reference")
    if not isinstance(resource_id, str) or not resource_id:
        return None
    cls = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
    return cls(
        event_type=known[1],
        resource_id=resource_id,
        occurred_at=_occurred_at(obj),
        source="hrflow",
        payload=dict(raw),
    )
