"""Sending staff e-mails: the one way to render and send them, and what sending can raise that
is worth trying again, for every task that mails."""

import smtplib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

# A refused, reset or timed-out connection to the mail server and the server's own refusals:
# transient as far as a task can tell, so tasks retry them with backoff. SMTPException is an
# OSError already; it is named for the reader. Anything else is a bug and must surface.
MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


def site_link(path: str) -> str:
    """Return the address of a page of the site, as an e-mail links to it."""
    return f"{settings.SITE_URL}{path}"


def send_staff_email(
    subject: str, template: str, context: dict[str, Any], recipients: list[str]
) -> int:
    """Send a staff e-mail (subject prefixed "[LoyaltyQMS]") rendered from a text template;
    return how many were sent (none without recipients)."""
    if not recipients:
        return 0
    return send_mail(
        f"[LoyaltyQMS] {subject}", staff_email_text(template, context), None, recipients
    )


def staff_email_text(template: str, context: dict[str, Any]) -> str:
    """Render the text of a staff e-mail (a notification's text is the e-mail's, word for word)."""
    return render_to_string(template, {**context, "site_url": settings.SITE_URL})


def send_once(row: QuerySet[Any], send: Callable[[], int], *, field: str = "sent_at") -> int:
    """Send the e-mail of one row (an alert, an invitation, a digest) at most once; return how
    many were sent.

    `row` selects the row. Its `sent_at` (or the time `field` names, such as an invitation's
    `reminded_at`) is claimed with a conditional UPDATE (committed before the mail server is
    called: no transaction or row lock is held through the SMTP conversation), so a row already
    sent, or claimed by another run of the task, sends nothing. A failure to send releases the
    claim, so that the task's retry sends it; a worker dying between the claim and the mail
    loses that one e-mail rather than risking it twice.
    """
    claimed_at = timezone.now()
    if not row.filter(**{f"{field}__isnull": True}).update(**{field: claimed_at}):
        return 0
    try:
        return send()
    except Exception:
        # Not sent: the row is free again (the task retries mail-server errors).
        row.filter(**{field: claimed_at}).update(**{field: None})
        raise
