"""Celery tasks of the metrics app: the nightly recompute, its fan-out, its watchdog, alerts.

Each task imports its service inside its body: the services import this module at their top, to
queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task

from .models import RecomputeRun


@shared_task
def recompute_nightly_task() -> int:
    """Recompute the cells changed since the last run (Celery beat, 02:00 local time)."""
    from .recompute import recompute_start

    run = recompute_start(mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.SCHEDULE)
    return run.pk


# acks_late with reject_on_worker_lost: a task whose worker dies goes back to the queue rather
# than being lost. That is safe because it is idempotent: an item is finished once, in the same
# transaction as its cells, so a second delivery of a finished item does nothing.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_item_task(item_id: int) -> int:
    """Do one item of a run: an indicator's dirty periods, or the survey pages' day counts."""
    from .recompute import recompute_item

    return recompute_item(item_id)


@shared_task
def recompute_recover_task() -> int:
    """Take over the runs whose worker died (Celery beat, every minute); return how many."""
    from .recompute import recompute_recover

    return len(recompute_recover())


@shared_task
def alert_dispatch_task(alert_id: int) -> int:
    """Tell an alert's subscribers (or its indicator's owner), once however often it runs."""
    from .services_alerts import alert_dispatch

    return alert_dispatch(alert_id=alert_id)


@shared_task
def alert_digest_task(frequency: str) -> int:
    """E-mail the daily or weekly alert digests (Celery beat, 07:00); return the alerts told."""
    from .services_alerts import alert_digests_send

    return alert_digests_send(frequency=frequency)
