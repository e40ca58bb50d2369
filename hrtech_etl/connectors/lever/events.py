"""Lever webhooks → unified profile events.

Lever posts ``{"triggeredAt": <ms>, "event": "candidateStageChange", "token": "...",
"signature": "...", "data": {"opportunityId": "...", ...}}``. Every event is about an
opportunity (a candidate profile here); Lever sends no posting events.

======================== ==================================================================
Lever event              unified event
======================== ==================================================================
applicationCreated       CREATED
candidateStageChange     UPDATED
candidateHired           UPDATED
candidateArchiveChange   ARCHIVED when ``data.toArchived`` is set, else UPDATED (unarchived,
                         or a body without the key: the fetch brings the current state)
candidateDeleted         DELETED
interview*, contact*     ignored (None): no opportunity field changes, or not by opportunity
======================== ==================================================================

Signature (Secondary source, see HR-APIS.md): ``signature`` is the hex HMAC-SHA256 of
``token + str(triggeredAt)`` keyed with the webhook's signature token. Verification runs when
the connector is given ``webhook_signature_token``; a body that fails it is not an event.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr, ValidationError

from hrtech_etl.connectors.lever.models import LeverWebhook
from hrtech_etl.core.models import UnifiedProfileEvent
from hrtech_etl.core.types import EventType, Resource

__all__ = ["EVENT_TYPES", "parse_event", "sign", "verify_signature"]

logger = logging.getLogger("hrtech_etl.connectors.lever")

EVENT_TYPES: dict[str, EventType] = {
    "applicationCreated": EventType.CREATED,
    "candidateStageChange": EventType.UPDATED,
    "candidateHired": EventType.UPDATED,
    "candidateArchiveChange": EventType.UPDATED,  # ARCHIVED when data.toArchived is set
    "candidateDeleted": EventType.DELETED,
}


def sign(token: str, triggered_at: int, secret: str) -> str:
    """The signature Lever puts on a webhook body (hex HMAC-SHA256 of token + triggeredAt)."""
    message = f"{token}{triggered_at}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(raw: Mapping[str, Any], secret: str | SecretStr) -> bool:
    """Whether a webhook body carries the signature ``secret`` gives (constant-time compare)."""
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    token, signature, triggered_at = raw.get("token"), raw.get("signature"), raw.get("triggeredAt")
    if not (isinstance(token, str) and isinstance(signature, str)):
        return False
    if not isinstance(triggered_at, int) or isinstance(triggered_at, bool):
        return False
    return hmac.compare_digest(sign(token, triggered_at, key), signature.lower())


def parse_event(
    resource: Resource,
    raw: Mapping[str, Any],
    *,
    signature_token: str | SecretStr | None = None,
    source: str = "lever",
) -> UnifiedProfileEvent | None:
    """A Lever webhook body as a unified profile event, or None.

    None for job events (Lever has none), events that say nothing about an opportunity's data,
    malformed bodies and, when ``signature_token`` is given, bodies whose signature is wrong.
    """
    if Resource(resource) is not Resource.PROFILE or not isinstance(raw, Mapping):
        return None
    try:
        hook = LeverWebhook.model_validate(dict(raw))
    except ValidationError:
        return None
    event_type = EVENT_TYPES.get(hook.event)
    if event_type is None:
        return None
    if signature_token is not None and not verify_signature(raw, signature_token):
        logger.warning("lever: a %s webhook failed signature verification; ignored", hook.event)
        return None
    record_id = hook.data.opportunity_id or hook.data.candidate_id
    if not record_id:
        return None
    if hook.event == "candidateArchiveChange" and hook.data.to_archived:
        event_type = EventType.ARCHIVED
    return UnifiedProfileEvent(
        event_type=event_type,
        resource_id=record_id,
        occurred_at=hook.occurred_at,
        source=source,
        payload=dict(raw),
    )
