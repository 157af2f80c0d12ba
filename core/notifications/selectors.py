"""Reads of the notification centre: a person sees their own notifications and no one else's."""

from typing import Any

from django.db.models import QuerySet

from core.models import Notification


def notifications_visible_to(user: Any) -> QuerySet[Notification]:
    """Return the notifications the user may see: those addressed to them, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(user: Any) -> int:
    """Return how many of the user's notifications are unread (one COUNT on the partial index)."""
    return notifications_visible_to(user).filter(read_at__isnull=True).count()
