"""E-mails of the metrics app: an indicator's alert to its owner."""

from core.mail import send_staff_email

from .models import Alert


def send_alert_email(alert: Alert) -> int:
    """Tell the indicator's owner what the alert found."""
    if alert.recipient is None or not alert.recipient.email:
        return 0
    return send_staff_email(
        alert.message, "metrics/emails/alert.txt", {"alert": alert}, [alert.recipient.email]
    )
