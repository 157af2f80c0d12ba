"""The Celery application: configured from Django settings, tasks found in every app."""

import logging
import os
from datetime import UTC, datetime
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")

logger = logging.getLogger(__name__)

# When this process loaded the app: an import its node name ran with no sign of life since
# then belongs to the node's previous life (worker_ready below).
LOADED_AT = datetime.now(tz=UTC)

# Every task is an OutboxTask: a message from the transactional outbox runs to an end once.
app = Celery("loyaltyqms", task_cls="core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect(sender=app)
def prepare_var_dir(**kwargs: Any) -> None:
    """Create VAR_DIR's folders before a worker or beat uses them (broker folders, schedule).

    Celery sends import_modules when a worker or beat loads the task modules, before the worker
    reads a message and before beat opens its schedule file.
    """
    from core.var_dir import var_dir_prepare  # Django's settings are configured by now

    var_dir_prepare()


@signals.worker_ready.connect
def take_over_imports(sender: Any, **kwargs: Any) -> None:
    """Take over, as a worker starts, the imports whose run was lost: those its node name left
    running in its previous life at once, any other after the watchdog's silence.

    Without Celery beat (whose watchdog runs every minute) the next worker to start is then
    what takes a lost import over. A database that does not answer yet is no reason to stop the
    worker: beat's watchdog, or the next start, does it later.
    """
    from django.db import DatabaseError, connection

    from core.imports.services import import_jobs_recover

    try:
        requeued = import_jobs_recover(
            worker=getattr(sender, "hostname", "") or "", worker_started_at=LOADED_AT
        )
        if requeued:
            logger.warning("Took over %s interrupted imports as the worker started", len(requeued))
    except DatabaseError as error:
        logger.warning("Interrupted imports not checked as the worker started: %r", error)
    finally:
        # The worker's main process runs no task: it keeps no connection open.
        connection.close()
