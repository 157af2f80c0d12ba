"""Celery tasks of the stakeholders app: the e-mails its services send after commit."""

from celery import shared_task

from core.mail import MAIL_ERRORS

from . import emails
from .models import PartnerContact


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def send_partner_invitation_task(contact_id: int) -> int:
    """E-mail an invited partner contact the link that sets their password."""
    # A contact revoked or already signed up before the mail goes out gets no link.
    contact = (
        PartnerContact.objects.select_related("user", "partner", "invited_by")
        .filter(pk=contact_id, user__is_active=True, accepted_at__isnull=True)
        .first()
    )
    if contact is None:
        return 0
    return emails.send_partner_invitation(contact)
