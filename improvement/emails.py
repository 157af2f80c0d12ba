"""What the improvement app tells people: what became of their submissions, and the daily
reminders (notifications, also e-mailed, through core.notifications)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from core.mail import site_link, staff_email_text
from core.models import Notification
from core.notifications.services import notify

from .models import PDCACycle, ReminderDigest


def notify_outcome(cycle: PDCACycle, people: list[Any], words: str) -> None:
    """Tell each person whose complaint started a cycle what became of it (an idea's submitter
    and supporters hear it from the idea: `feedback.services.idea_record_outcome`)."""
    link = reverse("feedback:my-submissions")
    for person in people:
        body = staff_email_text(
            "improvement/emails/outcome.txt",
            {"cycle": cycle, "person": person, "words": words, "url": site_link(link)},
        )
        notify(
            [person],
            kind=Notification.Kind.OUTCOME,
            title=f"What became of your submission: {cycle.title}",
            body=body,
            link=link,
            key=f"cycle-outcome:{cycle.pk}",
        )


def notify_reminders(digest: ReminderDigest) -> None:
    """Tell a person the day's digest of their actions and checks due."""
    person = digest.recipient
    count = len(digest.items)
    body = staff_email_text(
        "improvement/emails/reminders.txt",
        {
            "digest": digest,
            "person": person,
            "items": [{**item, "link": site_link(item["url"])} for item in digest.items],
        },
    )
    notify(
        [person],
        kind=Notification.Kind.REMINDER,
        title=ngettext(
            "%(count)s improvement item needs you today",
            "%(count)s improvement items need you today",
            count,
        )
        % {"count": count},
        body=body,
        link=digest.items[0]["url"] if count == 1 else reverse("improvement:board"),
        key=f"reminders:{digest.day.isoformat()}",
    )
