"""Celery tasks of the improvement app: outcome e-mails and the daily round (suggestions,
waiting Checks, reminder digests).

A task that writes imports its service inside its body: the services import this module at their
top, to queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task

from core.mail import MAIL_ERRORS

from . import emails
from .models import PDCACycle


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_cycle_outcome_email_task(cycle_id: int) -> int:
    """E-mail each person whose complaint or idea the cycle came from, once, its outcome."""
    from .services.phases import outcome_words

    cycle = PDCACycle.objects.filter(pk=cycle_id).first()
    if cycle is None or not cycle.outcome:
        return 0
    people = {
        complaint.logged_by
        for complaint in cycle.complaints.select_related("logged_by")
        if complaint.logged_by and complaint.logged_by.is_active
    } | {
        idea.submitted_by
        for idea in cycle.ideas.select_related("submitted_by")
        if idea.submitted_by and idea.submitted_by.is_active
    }
    words = outcome_words(cycle)
    return sum(
        emails.send_outcome_email(cycle, person, words)
        for person in sorted(people, key=lambda person: person.pk)
    )


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_reminder_digest_task(digest_id: int) -> int:
    """E-mail a person's reminder digest of the day, once however often the task runs."""
    from .services.reminders import reminder_send

    return reminder_send(digest_id=digest_id)


@shared_task
def improvement_daily_task() -> dict[str, int]:
    """Re-run the waiting Checks, find suggestions, send the reminder digests (Celery beat)."""
    from .daily import daily_run

    return daily_run()
