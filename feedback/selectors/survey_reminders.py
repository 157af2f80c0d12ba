"""Reads of the survey invitations that wait for a reminder."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from ..models import SurveyInvitation


def invitations_left_unanswered(now: datetime) -> QuerySet[SurveyInvitation]:
    """Return the invitations e-mailed more than SURVEY_REMINDER_AFTER_DAYS ago that are still
    unanswered, whose link and survey still work (reminded or not)."""
    sent_before = now - timedelta(days=settings.SURVEY_REMINDER_AFTER_DAYS)
    return SurveyInvitation.objects.filter(
        ~Q(email=""),
        sent_at__lte=sent_before,
        response__isnull=True,
        expires_at__gt=now,
        survey__starts_at__lte=now,
    ).filter(Q(survey__ends_at__isnull=True) | Q(survey__ends_at__gt=now))


def invitations_due_a_reminder(now: datetime) -> QuerySet[SurveyInvitation]:
    """Return the invitations to remind now: left unanswered, and never reminded (each is
    reminded once)."""
    return invitations_left_unanswered(now).filter(reminded_at__isnull=True)
