"""E-mails of the improvement app: what became of people's submissions, and daily reminders."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from .models import PDCACycle, ReminderDigest


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(subject: str, template: str, context: dict[str, Any], recipients: list[str]) -> int:
    if not recipients:
        return 0
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    return send_mail(f"[LoyaltyQMS] {subject}", body, None, recipients)


def send_outcome_email(cycle: PDCACycle, person: Any, words: str) -> int:
    """Tell one person whose complaint or idea started a cycle what became of it."""
    if not person.email:
        return 0
    return _send(
        f"What became of your submission: {cycle.title}",
        "improvement/emails/outcome.txt",
        {
            "cycle": cycle,
            "person": person,
            "words": words,
            "url": _link(reverse("feedback:my-submissions")),
        },
        [person.email],
    )


def send_reminder_email(digest: ReminderDigest) -> int:
    """Send a person the day's digest of their actions and checks due."""
    person = digest.recipient
    if not person.email:
        return 0
    count = len(digest.items)
    return _send(
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
            "items": [{**item, "link": _link(item["url"])} for item in digest.items],
        },
        [person.email],
    )
