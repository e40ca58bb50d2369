"""Greenhouse webhooks → unified events, and their ``Signature`` check.

A delivery is ``POST {"action": "...", "payload": {...}}`` with a ``Signature: sha256 <hex>``
header: the HMAC-SHA256 of the raw body keyed with the webhook's secret key. Greenhouse signs
the body exactly as sent (unicode escaped), so the check needs the raw bytes, not re-encoded
JSON. The parsers take either form:

- the parsed body, ``{"action": ..., "payload": ...}``: only when no secret is configured;
- a *delivery*, ``{"body": <raw bytes or str>, "headers": {"Signature": ...}}``: verified
  against the secret when one is configured, then parsed.

A delivery whose signature is missing or wrong raises `InvalidSignatureError` (it is never
silently dropped: a bad secret would otherwise look like a quiet webhook). Events about another
resource or with unknown actions give ``None``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from hrtech_etl.core.errors import ConnectorError
from hrtech_etl.core.models import UnifiedJobEvent, UnifiedProfileEvent
from hrtech_etl.core.types import EventType, Resource, parse_timestamp

__all__ = [
    "BOARD_ACTIONS",
    "CANDIDATE_ACTIONS",
    "JOB_ACTIONS",
    "InvalidSignatureError",
    "parse_board_event",
    "parse_harvest_event",
    "sign",
    "unwrap_delivery",
    "verify_signature",
]

UnifiedEvent = UnifiedJobEvent | UnifiedProfileEvent
Clock = Callable[[], datetime]


class InvalidSignatureError(ConnectorError):
    """A webhook delivery's ``Signature`` header does not match its body and the secret."""


# action -> (event type, where the id is: paths tried in order under ``payload``)
JOB_ACTIONS: dict[str, tuple[EventType, tuple[tuple[str, ...], ...]]] = {
    "job_created": (EventType.CREATED, (("job", "id"),)),
    "job_updated": (EventType.UPDATED, (("job", "id"),)),
    "job_approved": (EventType.UPDATED, (("job", "id"),)),
    "job_deleted": (EventType.DELETED, (("job", "id"),)),
}
_CANDIDATE_PATHS = (("candidate", "id"), ("application", "candidate", "id"), ("person", "id"))
CANDIDATE_ACTIONS: dict[str, tuple[EventType, tuple[tuple[str, ...], ...]]] = {
    "update_candidate": (EventType.UPDATED, _CANDIDATE_PATHS),
    "candidate_anonymized": (EventType.UPDATED, _CANDIDATE_PATHS),
    # The person is gone: deleted, or merged into ``new_candidate_id`` (which another event
    # reports as updated).
    "delete_candidate": (EventType.DELETED, (("person", "id"),)),
    "merge_candidate": (EventType.DELETED, (("person", "id"),)),
    # Application events carry the candidate (or prospect) they belong to; a new application
    # may be the first Greenhouse hears of the person, so it is an upsert.
    "new_candidate_application": (EventType.UPSERTED, _CANDIDATE_PATHS),
    "new_prospect_application": (EventType.UPSERTED, _CANDIDATE_PATHS),
    "application_updated": (EventType.UPDATED, _CANDIDATE_PATHS),
    "delete_application": (EventType.UPDATED, _CANDIDATE_PATHS),
    "candidate_stage_change": (EventType.UPDATED, _CANDIDATE_PATHS),
    "hire_candidate": (EventType.UPDATED, _CANDIDATE_PATHS),
    "unhire_candidate": (EventType.UPDATED, _CANDIDATE_PATHS),
    "reject_candidate": (EventType.UPDATED, _CANDIDATE_PATHS),
    "unreject_candidate": (EventType.UPDATED, _CANDIDATE_PATHS),
}
# Job *post* events, for the Job Board connector (its records are posts).
BOARD_ACTIONS: dict[str, EventType] = {
    "job_post_created": EventType.CREATED,
    "job_post_updated": EventType.UPDATED,
    "job_post_deleted": EventType.DELETED,
}


# -- signatures -----------------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """The ``Signature`` header Greenhouse sends for ``body``: ``sha256 <hex HMAC>``."""
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` (``sha256 <hex>``) is the HMAC-SHA256 of ``body`` under ``secret``."""
    if not header:
        return False
    algorithm, _, digest = header.strip().partition(" ")
    if algorithm.lower() != "sha256" or not digest.strip():
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def unwrap_delivery(raw: Mapping[str, Any], secret: str | None) -> Mapping[str, Any] | None:
    """The webhook body of ``raw`` (a parsed body or a delivery), checked against ``secret``."""
    if not isinstance(raw, Mapping):
        return None
    if "body" in raw and "action" not in raw:
        body = raw["body"]
        data = body.encode() if isinstance(body, str) else body
        if not isinstance(data, bytes | bytearray):
            return None
        if secret is not None:
            headers = raw.get("headers") or {}
            header = next(
                (str(v) for k, v in dict(headers).items() if str(k).lower() == "signature"), None
            )
            if not verify_signature(bytes(data), header, secret):
                raise InvalidSignatureError(
                    "greenhouse: the webhook Signature does not match its body; "
                    "check webhook_secret (the delivery was not processed)"
                )
        try:
            parsed = json.loads(data)
        except ValueError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    if secret is not None:
        raise ConnectorError(
            "greenhouse: webhook_secret is set, so events must come as deliveries "
            "{'body': <raw body>, 'headers': {'Signature': ...}} to be verified"
        )
    return raw


# -- parsing --------------------------------------------------------------------------------------


def parse_harvest_event(
    resource: Resource,
    raw: Mapping[str, Any],
    secret: str | None = None,
    clock: Clock | None = None,
) -> UnifiedEvent | None:
    """A Harvest webhook (job or candidate/prospect event) as a unified event, or None."""
    body = unwrap_delivery(raw, secret)
    if body is None:
        return None
    action, payload = body.get("action"), body.get("payload")
    if not isinstance(action, str) or not isinstance(payload, Mapping):
        return None
    table = JOB_ACTIONS if resource is Resource.JOB else CANDIDATE_ACTIONS
    if action not in table:
        return None
    event_type, paths = table[action]
    record_id = _first_id(payload, paths)
    if record_id is None:
        return None
    return _event(resource, event_type, record_id, _now(clock), dict(body))


def parse_board_event(
    resource: Resource,
    raw: Mapping[str, Any],
    secret: str | None = None,
    clock: Clock | None = None,
) -> UnifiedEvent | None:
    """A job post webhook as an event about the post (the Job Board's record), or None.

    Prospect posts (no ``job_id``) are not on a job board and give None. A post switched off
    (``live: false``) leaves the board, so its update is reported as archived.
    """
    if resource is not Resource.JOB:
        return None
    body = unwrap_delivery(raw, secret)
    if body is None:
        return None
    action, payload = body.get("action"), body.get("payload")
    if action not in BOARD_ACTIONS or not isinstance(payload, Mapping):
        return None
    inner = payload.get("job_post")
    post: Mapping[str, Any] = inner if isinstance(inner, Mapping) else payload
    if not post.get("job_id"):
        return None
    record_id = _first_id(post, (("id",),))
    if record_id is None:
        return None
    event_type = BOARD_ACTIONS[str(action)]
    if event_type is EventType.UPDATED and post.get("live") is False:
        event_type = EventType.ARCHIVED
    when = _time(post.get("updated_at")) or _now(clock)
    return _event(resource, event_type, record_id, when, dict(body))


def _first_id(payload: Mapping[str, Any], paths: tuple[tuple[str, ...], ...]) -> str | None:
    for path in paths:
        node: Any = payload
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, int | str) and not isinstance(node, bool) and str(node).strip():
            return str(node).strip()
    return None


def _time(value: Any) -> datetime | None:
    try:
        return None if value is None else parse_timestamp(value)
    except ValueError:
        return None


def _now(clock: Clock | None) -> datetime:
    # Greenhouse bodies carry no event time: the delivery is taken as happening when parsed.
    return clock() if clock is not None else datetime.now(UTC)


def _event(
    resource: Resource,
    event_type: EventType,
    record_id: str,
    when: datetime,
    body: dict[str, Any],
) -> UnifiedEvent:
    cls = UnifiedJobEvent if resource is Resource.JOB else UnifiedProfileEvent
    source = "greenhouse_board" if body.get("action") in BOARD_ACTIONS else "greenhouse"
    return cls(
        event_type=event_type,
        resource_id=record_id,
        occurred_at=when,
        source=source,
        payload=body,
    )
