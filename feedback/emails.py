"""What the feedback app tells people: assignments, escalations and recognition (notifications,
also e-mailed, through core.notifications) and customers' survey invitations (plain e-mails).

Staff e-mails carry the "[LoyaltyQMS]" subject prefix; a customer's survey invitation does not.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from core.mail import site_link, staff_email_text
from core.models import Notification
from core.notifications.services import notify
from core.roles import Role

from .models import Complaint, Recognition, SurveyInvitation

User = get_user_model()


def notify_assignment(complaints: list[Complaint], assignee: Any, *, key: str) -> None:
    """Tell the assignee which complaints are now theirs (one notification listing them)."""
    if len(complaints) == 1:
        title = f"{complaints[0].reference} is assigned to you"
        link = complaints[0].get_absolute_url()
    else:
        title = f"{len(complaints)} complaints are assigned to you"
        link = reverse("feedback:complaint-queue")
    rows = [{"complaint": row, "url": site_link(row.get_absolute_url())} for row in complaints]
    body = staff_email_text(
        "feedback/complaints/emails/assigned.txt", {"assignee": assignee, "rows": rows}
    )
    notify(
        [assignee],
        kind=Notification.Kind.ASSIGNMENT,
        title=title,
        body=body,
        link=link,
        key=key,
    )


def notify_escalation(complaint: Complaint, *, key: str) -> None:
    """Tell the quality managers that frontline staff escalated a complaint to them."""
    managers = User.objects.filter(groups__name=Role.QUALITY_MANAGER.value, is_active=True)
    body = staff_email_text(
        "feedback/complaints/emails/escalated.txt",
        {"complaint": complaint, "url": site_link(complaint.get_absolute_url())},
    )
    notify(
        managers.order_by("pk"),
        kind=Notification.Kind.ESCALATION,
        title=f"{complaint.reference} escalated ({complaint.get_severity_display()})",
        body=body,
        link=complaint.get_absolute_url(),
        key=key,
    )


def notify_recognition(recognition: Recognition) -> None:
    """Tell an employee they received recognition."""
    giver = recognition.given_by
    name = (giver.get_full_name() or giver.get_username()) if giver else "A colleague"
    link = reverse("feedback:my-submissions") + "?tab=recognitions"
    body = staff_email_text(
        "feedback/recognition/emails/recognition.txt",
        {"recognition": recognition, "giver": name, "url": site_link(link)},
    )
    notify(
        [recognition.recipient],
        kind=Notification.Kind.RECOGNITION,
        title=f"{name} recognised your work",
        body=body,
        link=link,
        key=f"recognition:{recognition.pk}",
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
