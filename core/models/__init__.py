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

__all__ = [
    "IdempotencyRecord",
    "ImportJob",
    "OutboxMessage",
    "ReferenceSequence",
    "SourceChange",
    "VersionAddress",
]
