"""Celery tasks of the improvement app: the daily round (suggestions, waiting Checks, reminder
digests; people hear of outcomes and reminders through core.notifications).

A task that writes imports its service inside its body: the services import this module at their
top, to queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task


@shared_task
def improvement_daily_task() -> dict[str, int]:
    """Re-run the waiting Checks, find suggestions, send the reminder digests (Celery beat)."""
    from .daily import daily_run

    return daily_run()
