"""The e-mail of a notification: the same title, text and link the notification centre shows."""

from django.db.models import Q

from core.mail import send_once, send_staff_email, site_link
from core.models import Notification


def notification_email_send(*, notification_id: int) -> int:
    """Send a notification's e-mail to its recipient at most once; return how many were sent."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, email=True, sent_at__isnull=True)
        .filter(Q(recipient__is_active=True) & ~Q(recipient__email=""))
        .first()
    )
    if notification is None:
        return 0
    address = notification.recipient.email
    context = {
        "notification": notification,
        "url": site_link(notification.link) if notification.link else "",
    }
    return send_once(
        Notification.objects.filter(pk=notification.pk),
        lambda: send_staff_email(
            notification.title, "core/emails/notification.txt", context, [address]
        ),
    )
