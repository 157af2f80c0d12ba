"""Celery tasks of the feedback app: the customers' survey invitations its services send after
commit (staff hear of assignments, escalations and recognition through core.notifications), and
the recurring pulses that beat opens and whose audience is then invited once.

A task that writes imports its service inside its body: the services import this module at their
top, to queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task

from core.mail import MAIL_ERRORS


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_survey_invitation_task(invitation_id: int) -> int:
    """E-mail a customer their survey invitation (once, however often the task runs)."""
    from .services.surveys import invitation_send

    return invitation_send(invitation_id=invitation_id)


@shared_task
def pulse_open_task() -> int:
    """Open the pulses due today and queue their invitations (Celery beat, every hour)."""
    from .services.pulses import pulses_open

    return len(pulses_open())


@shared_task(acks_late=True)
def pulse_send_task(pulse_id: int) -> int:
    """Invite a pulse's audience (once, however often the task runs)."""
    from .services.pulses import pulse_send

    return pulse_send(pulse_id=pulse_id)


@shared_task
def survey_reminders_task() -> int:
    """Queue one reminder per invitation left unanswered (Celery beat, daily); return how many."""
    from .services.survey_reminders import invitation_reminders_queue

    return invitation_reminders_queue()


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_survey_reminder_task(invitation_id: int) -> int:
    """E-mail a customer the reminder of their invitation (once, however often it runs)."""
    from .services.survey_reminders import invitation_remind

    return invitation_remind(invitation_id=invitation_id)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_complaint_message_task(message_id: int) -> int:
    """E-mail a customer the message staff wrote about their complaint (once)."""
    from .services.complaint_messages import complaint_message_deliver

    return complaint_message_deliver(message_id=message_id)
