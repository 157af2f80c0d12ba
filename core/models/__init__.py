"""Core's tables: infrastructure (references, replays, imports, the change log, the outbox), the
notification centre and chat channels, and outbound webhooks. No domain models (DESIGN.md)."""

from .infrastructure import (
    IdempotencyRecord,
    ImportJob,
    OutboxMessage,
    ReferenceSequence,
    SourceChange,
    VersionAddress,
)
from .notifications import ChatChannel, Notification
from .webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ChatChannel",
    "IdempotencyRecord",
    "ImportJob",
    "Notification",
    "OutboxMessage",
    "ReferenceSequence",
    "SourceChange",
    "VersionAddress",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
