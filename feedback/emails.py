"""E-mails of the feedback app: assignments, escalations, recognition and survey invitations.

Staff e-mails carry the "[LoyaltyQMS]" subject prefix; a customer's survey invitation does not.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from core.mail import send_staff_email, site_link
from core.roles import Role

from .models import Complaint, Recognition, SurveyInvitation

User = get_user_model()


def send_assignment_email(complaints: list[Complaint], assignee: Any) -> int:
    """Tell the assignee which complaints are now theirs."""
    if len(complaints) == 1:
        subject = f"{complaints[0].reference} is assigned to you"
    else:
        subject = f"{len(complaints)} complaints are assigned to you"
    rows = [{"complaint": row, "url": site_link(row.get_absolute_url())} for row in complaints]
    return send_staff_email(
        subject,
        "feedback/complaints/emails/assigned.txt",
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
    return send_staff_email(
        f"{complaint.reference} escalated ({complaint.get_severity_display()})",
        "feedback/complaints/emails/escalated.txt",
        {"complaint": complaint, "url": site_link(complaint.get_absolute_url())},
        recipients,
    )


def send_recognition_email(recognition: Recognition) -> int:
    """Tell an employee they received recognition."""
    giver = recognition.given_by
    name = (giver.get_full_name() or giver.get_username()) if giver else "A colleague"
    return send_staff_email(
        f"{name} recognised your work",
        "feedback/recognition/emails/recognition.txt",
        {
            "recognition": recognition,
            "giver": name,
            "url": site_link("/feedback/mine/?tab=recognitions"),
        },
        [recognition.recipient.email] if recognition.recipient.email else [],
    )


def invitation_url(invitation: SurveyInvitation, request: HttpRequest | None = None) -> str:
    """Return the full address of the invitation's personal survey page.

    Under SITE_URL; when SITE_URL is unset, a page shows it under the address it was opened at.
    """
    path = reverse("public-survey:answer", args=[invitation.token])
    if request is not None and settings.SITE_URL_FROM_REQUEST:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def send_invitation_email(invitation: SurveyInvitation) -> int:
    """Send the customer the personal link of their invitation."""
    if invitation.complaint is not None:
        subject = f"How did we handle your complaint {invitation.complaint.reference}?"
    else:
        subject = "A quick question: how did we do?"
    body = render_to_string(
        "feedback/surveys/emails/invitation.txt",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "url": invitation_url(invitation),
        },
    )
    return send_mail(subject, body, None, [invitation.email])
