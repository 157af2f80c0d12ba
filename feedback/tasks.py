"""Celery tasks of the feedback app: the customers' survey invitations its services send after
commit (staff hear of assignments, escalations and recognition through core.notifications).

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
