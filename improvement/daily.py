"""The improvement app's daily round: waiting Checks, suggested cycles, reminder digests.

Celery beat starts it every morning (`improvement.tasks.improvement_daily_task`). The waiting
Checks run first, so that the reminders say how many periods each still needs; then the
suggestions, then the digests. Every step is idempotent on its own (unique evidence keys, one
digest per person and day); the lock keeps two rounds from running side by side, e.g. a beat
firing while a slow round or a manual run is still going.
"""

import fcntl
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError

from .models import PDCACycle
from .services.phases import cycle_check_run
from .services.reminders import reminders_send
from .services.suggestions import suggestions_find

logger = logging.getLogger(__name__)

LOCK_NAME = "improvement-daily"


def _advisory_key() -> int:
    """Return the 64-bit advisory lock number of the round (a hash of its name)."""
    digest = hashlib.blake2b(LOCK_NAME.encode(), digest_size=8).digest()
    return int.from_bytes(digest, signed=True)


@contextmanager
def round_lock() -> Iterator[bool]:
    """Hold the daily round's lock for the block; yield False when another round holds it.

    PostgreSQL: a session advisory lock, shared by every worker on the database. SQLite (the
    embedded default, one machine): an exclusive lock on a file in VAR_DIR. Both end with the
    process holding them, so a worker killed mid-round never leaves the lock taken. Neither is a
    transaction: the round's steps commit as they go.
    """
    if connection.vendor == "postgresql":
        key = _advisory_key()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            row = cursor.fetchone()
        held = bool(row and row[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    path = Path(settings.VAR_DIR) / f"{LOCK_NAME}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def checks_rerun() -> tuple[int, int]:
    """Run again each Check still inconclusive; return (how many ran, how many failed)."""
    waiting = PDCACycle.objects.filter(
        phase=PDCACycle.Phase.CHECK, verdict=PDCACycle.Verdict.INCONCLUSIVE
    ).order_by("pk")
    ran = failed = 0
    for cycle in waiting:
        try:
            cycle_check_run(cycle=cycle)
        except ApplicationError:
            continue  # decided or moved since the list was read: nothing to check
        except Exception:  # one cycle's bad data must not stop everyone's reminders
            logger.exception("The Check of %s failed", cycle.reference)
            failed += 1
            continue
        ran += 1
    return ran, failed


def daily_run(*, today: date | None = None) -> dict[str, int]:
    """Run the daily round once (skipped while another runs); return what it did, in counts."""
    day = today or timezone.localdate()
    with round_lock() as alone:
        if not alone:
            logger.info("Another improvement round is running; this one did nothing")
            return {"skipped": 1, "checks": 0, "check_failures": 0, "suggestions": 0, "digests": 0}
        checks, failures = checks_rerun()
        suggestions = suggestions_find(today=day)
        digests = reminders_send(today=day)
    return {
        "skipped": 0,
        "checks": checks,
        "check_failures": failures,
        "suggestions": len(suggestions),
        "digests": len(digests),
    }
