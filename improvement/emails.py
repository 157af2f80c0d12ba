"""E-mails of the improvement app: what became of people's submissions, and daily reminders."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from core.mail import send_staff_email, site_link

from .models import PDCACycle, ReminderDigest


def send_outcome_email(cycle: PDCACycle, person: Any, words: str) -> int:
    """Tell one person whose complaint or idea started a cycle what became of it."""
    if not person.email:
        return 0
    return send_staff_email(
        f"What became of your submission: {cycle.title}",
        "improvement/emails/outcome.txt",
        {
            "cycle": cycle,
            "person": person,
            "words": words,
            "url": site_link(reverse("feedback:my-submissions")),
        },
        [person.email],
    )


def send_reminder_email(digest: ReminderDigest) -> int:
    """Send a person the day's digest of their actions and checks due."""
    person = digest.recipient
    if not person.email:
        return 0
    count = len(digest.items)
    return send_staff_email(
        ngettext(
            "%(count)s improvement item needs you today",
            "%(count)s improvement items need you today",
            count,
        )
        % {"count": count},
        "improvement/emails/reminders.txt",
        {
            "digest": digest,
            "person": person,
            "items": [{**item, "link": site_link(item["url"])} for item in digest.items],
        },
        [person.email],
    )
