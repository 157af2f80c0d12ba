"""E-mails of the stakeholders app: a partner contact's invitation to the portal."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.mail import send_staff_email, site_link

from .models import PartnerContact


def invitation_path(contact: PartnerContact) -> str:
    """Return the path of the contact's set-password link, valid for PASSWORD_RESET_TIMEOUT.

    The token is Django's password-reset token: made when the e-mail is written (never stored),
    it stops working once the password is set, a new invitation is sent or the time runs out.
    """
    user = contact.user
    return reverse(
        "stakeholders:contact-accept",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


def send_partner_invitation(contact: PartnerContact) -> int:
    """Invite a partner contact to the portal with a link that sets their password."""
    inviter = contact.invited_by
    return send_staff_email(
        f"Your access to {contact.partner.name}'s partner portal",
        "stakeholders/emails/partner_invitation.txt",
        {
            "contact": contact,
            "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
            "url": site_link(invitation_path(contact)),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        [contact.user.email],
    )
