"""E-mails of the feedback app: assignments, escalations and recognition."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string

from core.roles import Role

from .models import Complaint, Recognition

User = get_user_model()


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(subject: str, template: str, context: dict[str, Any], recipients: list[str]) -> int:
    if not recipients:
        return 0
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    return send_mail(f"[LoyaltyQMS] {subject}", body, None, recipients)


def send_assignment_email(complaints: list[Complaint], assignee: Any) -> int:
    """Tell the assignee which complaints are now theirs."""
    if len(complaints) == 1:
        subject = f"{complaints[0].reference} is assigned to you"
    else:
        subject = f"{len(complaints)} complaints are assigned to you"
    rows = [{"complaint": row, "url": _link(row.get_absolute_url())} for row in complaints]
    return _send(
        subject,
        "feedback/email/assigned.txt",
        {"assignee": assignee, "rows": rows},
        [assignee.email],
    )


def send_escalation_email(complaint: Complaint) -> int:
    """Tell the quality managers that frontline staff escalated a complaint to them."""
    recipients = list(
        User.objects.filter(groups__name=Role.QUALITY_MANAGER.value, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return _send(
        f"{complaint.reference} escalated ({complaint.get_severity_display()})",
        "feedback/email/escalated.txt",
        {"complaint": complaint, "url": _link(complaint.get_absolute_url())},
        recipients,
    )


def send_recognition_email(recognition: Recognition) -> int:
    """Tell an employee they received recognition."""
    giver = recognition.given_by
    name = (giver.get_full_name() or giver.get_username()) if giver else "A colleague"
    return _send(
        f"{name} recognised your work",
        "feedback/email/recognition.txt",
        {
            "recognition": recognition,
            "giver": name,
            "url": _link("/feedback/mine/?tab=recognitions"),
        },
        [recognition.recipient.email] if recognition.recipient.email else [],
    )
