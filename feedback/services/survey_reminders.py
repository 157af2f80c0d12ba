"""Reminders of survey invitations: an e-mailed invitation still unanswered a few days after it
was sent is reminded once (SURVEY_REMINDER_AFTER_DAYS), post-complaint ones included.

Celery beat queues the day's reminders (`invitation_reminders_queue`); each reminder's task
claims the invitation's `reminded_at` with a conditional UPDATE before mailing
(`core.mail.send_once`), so that a second beat run, a task delivered twice or two workers at once
remind nobody twice. No lock is needed for that: the claim is the guard.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core import outbox
from core.mail import send_once

from .. import emails, tasks
from ..models import SurveyInvitation
from ..selectors.survey_reminders import invitations_due_a_reminder, invitations_left_unanswered

# Invitations read and queued per transaction: the outbox publishes each batch as it commits, and
# a day of reminders at the scale DESIGN.md names (tens of thousands) stays a few dozen batches.
REMINDER_BATCH = 500


def invitation_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue a reminder for each invitation due one; return how many were queued.

    One transaction per batch, walking the due invitations by id, so that one run reaches every
    due invitation once even though each stays due until its task claims it.
    """
    now = now or timezone.now()
    queued = 0
    after = 0
    while True:
        with transaction.atomic():
            batch = list(
                invitations_due_a_reminder(now)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:REMINDER_BATCH]
            )
            for invitation_id in batch:
                outbox.enqueue(tasks.send_survey_reminder_task, invitation_id)
        queued += len(batch)
        if len(batch) < REMINDER_BATCH:
            return queued
        after = batch[-1]


def invitation_remind(*, invitation_id: int, now: datetime | None = None) -> int:
    """E-mail an invitation's reminder once; return how many were sent (0 or 1).

    An invitation answered, expired, closed or already reminded (by another run) in the meantime
    gets nothing. `reminded_at` is claimed before the mail server is called and released when
    sending fails (`core.mail.send_once`).
    """
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_related("survey", "complaint")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return 0
    return send_once(
        invitations_left_unanswered(now).filter(pk=invitation_id),
        lambda: emails.send_invitation_reminder(invitation),
        field="reminded_at",
    )
