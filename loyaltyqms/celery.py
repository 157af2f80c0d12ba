"""The Celery application: configured from Django settings, tasks found in every app."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaltyqms.settings")

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
