"""Celery tasks of the reports app: the partner scorecards' nightly refresh.

A task imports its service inside its body: the services import this module at their top, to
queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task


@shared_task
def scorecards_refresh_task(rescore: bool = False) -> int:
    """Score the recent complete months (Celery beat, 05:30); `rescore`: every stored one too.

    Returns how many partner months were written. Idempotent: the rows are upserted.
    """
    from .selectors.scorecards import months_to_refresh, stored_months
    from .services.scorecards import scorecards_refresh

    periods = sorted(set(stored_months()) | set(months_to_refresh())) if rescore else None
    return len(scorecards_refresh(periods=periods))
