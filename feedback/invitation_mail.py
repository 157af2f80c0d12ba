"""The e-mail inviting a customer to answer a survey."""

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from .models import SurveyInvitation


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
        "feedback/email/survey_invitation.txt",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "url": invitation_url(invitation),
        },
    )
    return send_mail(subject, body, None, [invitation.email])
