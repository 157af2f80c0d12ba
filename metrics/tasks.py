"""Celery tasks of the metrics app: the nightly recompute, its per-indicator fan-out, alerts.

Each task imports its service inside its body: the services import this module at their top, to
queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task

from core.mail import MAIL_ERRORS

from .models import RecomputeRun


@shared_task
def recompute_nightly_task() -> int:
    """Recompute the cells changed since the last run (Celery beat, 02:00 local time)."""
    from .recompute import recompute_start

    run = recompute_start(mode=RecomputeRun.Mode.INCREMENTAL, trigger=RecomputeRun.Trigger.SCHEDULE)
    return run.pk


# acks_late: the work is idempotent (upserts compare before writing), so a redelivery after a
# worker crash redoes it harmlessly instead of leaving the run waiting for a lost task.
@shared_task(acks_late=True)
def recompute_indicator_task(run_id: int, indicator_id: int, days: list[str] | None) -> int:
    """Recompute one indicator's dirty periods (all when `days` is None) within a run."""
    from .recompute import recompute_indicator

    return len(recompute_indicator(run_id, indicator_id, days))


# acks_late: a refresh rewrites whole days from the answers, so running it twice is harmless.
@shared_task(acks_late=True)
def recompute_survey_days_task(run_id: int, ranges: list[list[str]] | None) -> int:
    """Refresh the survey pages' per-day counts for a run's changed days (all when None)."""
    from .recompute import recompute_survey_days

    return recompute_survey_days(run_id, ranges)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_alert_email_task(alert_id: int) -> int:
    """E-mail an alert to the indicator's owner, once however often the task runs."""
    from .services import alert_send

    return alert_send(alert_id=alert_id)
