"""E-mails of the metrics app: an indicator's alert to its owner."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Alert


def send_alert_email(alert: Alert) -> int:
    """Tell the indicator's owner what the alert found."""
    if alert.recipient is None or not alert.recipient.email:
        return 0
    body = render_to_string(
        "metrics/emails/alert.txt", {"alert": alert, "site_url": settings.SITE_URL}
    )
    return send_mail(f"[LoyaltyQMS] {alert.message}", body, None, [alert.recipient.email])
