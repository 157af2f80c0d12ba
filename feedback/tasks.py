"""Celery tasks of the feedback app: the e-mails its services send after commit.

A task that writes imports its service inside its body: the services import this module at their
top, to queue these tasks (STYLE.md, "Celery").
"""

from celery import shared_task
from django.contrib.auth import get_user_model

from core.mail import MAIL_ERRORS

from . import emails
from .models import Complaint, Recognition

User = get_user_model()


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_assignment_email_task(complaint_ids: list[int], assignee_id: int) -> int:
    """E-mail the assignee the complaints assigned to them (still assigned to them)."""
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None or not assignee.email:
        return 0
    # A complaint reassigned before the mail goes out is not announced to the wrong person.
    complaints = list(
        Complaint.objects.filter(pk__in=complaint_ids, assignee=assignee).order_by("reference")
    )
    if not complaints:
        return 0
    return emails.send_assignment_email(complaints, assignee)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_escalation_email_task(complaint_id: int) -> int:
    """E-mail quality managers about an escalated complaint."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return 0
    return emails.send_escalation_email(complaint)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_recognition_email_task(recognition_id: int) -> int:
    """E-mail an employee the recognition they received."""
    recognition = (
        Recognition.objects.select_related("recipient", "given_by")
        .filter(pk=recognition_id)
        .first()
    )
    if recognition is None:
        return 0
    return emails.send_recognition_email(recognition)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_survey_invitation_task(invitation_id: int) -> int:
    """E-mail a customer their survey invitation (once, however often the task runs)."""
    from .services.surveys import invitation_send

    return invitation_send(invitation_id=invitation_id)
