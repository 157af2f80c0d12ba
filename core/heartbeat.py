"""Heartbeats of long jobs (recompute runs, imports), so that a job whose worker died is noticed.

A running job's row has a `heartbeat_at` that its worker refreshes while it works: `beating()`
refreshes it from a thread every JOB_HEARTBEAT_SECONDS for as long as a block of work runs, however
long one query or one pandas computation takes. The thread dies with its process, so a worker
killed (SIGKILL, out of memory, its machine gone) leaves a heartbeat that ages; a watchdog (each
job kind has its own, run every minute by Celery beat) treats a running job silent for longer
than JOB_STALE_AFTER_SECONDS as interrupted and queues its remaining work again.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import dateformat, timezone

logger = logging.getLogger(__name__)


def stale_before(now: datetime | None = None) -> datetime:
    """Return the moment before which a running job's last heartbeat means its worker died."""
    return (now or timezone.now()) - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)


def stopped_words(last_seen: datetime, now: datetime) -> str:
    """Say when a job's worker stopped: "The worker stopped at 14:02 (no heartbeat for 3 min)".

    The time is local, with its date when it is not today's.
    """
    local = timezone.localtime(last_seen)
    same_day = local.date() == timezone.localtime(now).date()
    clock = dateformat.format(local, "H:i" if same_day else "j M Y H:i")
    seconds = round((now - last_seen).total_seconds())
    silence = f"{seconds} s" if seconds < 120 else f"{round(seconds / 60)} min"
    return f"The worker stopped at {clock} (no heartbeat for {silence})"


def beat(rows: QuerySet[Any]) -> int:
    """Refresh the heartbeat of the given rows that nobody holds locked; return how many.

    A row locked by its own job's transaction is skipped rather than waited for (SKIP LOCKED):
    the job's own write refreshes it, and a heartbeat must never wait on the work it reports.
    """
    with transaction.atomic():
        free = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
        return rows.filter(pk__in=free).update(heartbeat_at=timezone.now())


@contextmanager
def beating(rows: QuerySet[Any]) -> Iterator[None]:
    """Refresh the rows' heartbeat from a thread every JOB_HEARTBEAT_SECONDS while the block runs.

    `rows` names the job's row with its "still running" condition, so that a job taken over by
    the watchdog is not kept alive by a worker that came back.
    """
    every = settings.JOB_HEARTBEAT_SECONDS
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                try:
                    beat(rows.all())
                except DatabaseError as error:
                    # A missed beat is harmless; several fit in the stale window.
                    logger.warning("Heartbeat of %s missed: %r", rows.model.__name__, error)
                    connection.close()
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # The thread checks `stop` between beats; a beat in progress takes a moment at most.
        thread.join(timeout=every)
