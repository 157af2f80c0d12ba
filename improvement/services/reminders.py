"""The daily reminder digests: one e-mail per person per day with their actions and checks due.

A person's digest collects the open actions they own that are due within
IMPROVEMENT_REMINDER_DAYS_AHEAD days or overdue, and, for the cycles they own, the Checks whose
planned date has come and the Checks still waiting for data (with how many more periods they
need). `ReminderDigest` is unique per person and day: a second run on the same day creates and
tells nothing. The digest reaches its person as a notification (core.notifications), e-mailed
once to those with an address.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails
from ..lifecycle import OPEN_PHASES
from ..models import OPEN_ACTION, CycleAction, PDCACycle, ReminderDigest
from ..selectors import checks_due

# The kinds of item, most urgent first: the order a digest lists them in.
OVERDUE = "overdue"
DUE = "due"
CHECK_DUE = "check_due"
CHECK_WAITING = "check_waiting"
ITEM_ORDER = (OVERDUE, DUE, CHECK_DUE, CHECK_WAITING)


def _action_item(action: CycleAction, day: date) -> dict[str, Any]:
    cycle = action.cycle
    late = (day - action.due_on).days
    words = {
        "title": action.title,
        "reference": cycle.reference,
        "due": action.due_on.isoformat(),
        "days": late,
    }
    return {
        "kind": OVERDUE if late > 0 else DUE,
        "reference": cycle.reference,
        "cycle": cycle.title,
        "title": action.title,
        "due_on": action.due_on.isoformat(),
        "text": (
            _("%(title)s (%(reference)s) was due %(due)s: %(days)s days late.") % words
            if late > 0
            else _("%(title)s (%(reference)s) is due %(due)s.") % words
        ),
        "url": cycle.get_absolute_url(),
    }


def _check_item(cycle: PDCACycle) -> dict[str, Any]:
    if cycle.phase == PDCACycle.Phase.DO:
        assert cycle.planned_check_on is not None
        return {
            "kind": CHECK_DUE,
            "reference": cycle.reference,
            "cycle": cycle.title,
            "due_on": cycle.planned_check_on.isoformat(),
            "text": _(
                "%(reference)s %(title)s: its Check was planned for %(due)s. Finish the actions "
                "and move it to Check."
            )
            % {
                "reference": cycle.reference,
                "title": cycle.title,
                "due": cycle.planned_check_on.isoformat(),
            },
            "url": cycle.get_absolute_url(),
        }
    needed = int((cycle.check_result or {}).get("periods_needed") or 0)
    return {
        "kind": CHECK_WAITING,
        "reference": cycle.reference,
        "cycle": cycle.title,
        "periods_needed": needed,
        "text": _(
            "%(reference)s %(title)s: the Check is inconclusive so far; it needs %(count)s more "
            "complete periods of data and runs again each day."
        )
        % {"reference": cycle.reference, "title": cycle.title, "count": needed},
        "url": cycle.get_absolute_url(),
    }


def _reminder_items(day: date) -> dict[int, list[dict[str, Any]]]:
    """Return each person's reminder items for a day, by user id, most urgent first."""
    horizon = day + timedelta(days=settings.IMPROVEMENT_REMINDER_DAYS_AHEAD)
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    actions = (
        CycleAction.objects.filter(
            OPEN_ACTION,
            due_on__lte=horizon,
            cycle__phase__in=OPEN_PHASES,
            owner__is_active=True,
        )
        .select_related("cycle")
        .order_by("due_on", "id")
    )
    for action in actions:
        items[action.owner_id].append(_action_item(action, day))
    for cycle in checks_due(day).filter(owner__is_active=True).order_by("planned_check_on", "id"):
        items[cycle.owner_id].append(_check_item(cycle))
    for person_items in items.values():
        person_items.sort(key=lambda item: ITEM_ORDER.index(item["kind"]))
    return dict(items)


@transaction.atomic
def reminders_send(*, today: date | None = None) -> list[ReminderDigest]:
    """Write today's digest of each person with something due and notify them, once a day.

    The digests and their notifications (and the e-mails' outbox messages) commit together; a
    person who already has today's digest is skipped. Returns the digests created by this run.
    """
    day = today or timezone.localdate()
    items = _reminder_items(day)
    already = set(
        ReminderDigest.objects.filter(day=day, recipient_id__in=items).values_list(
            "recipient_id", flat=True
        )
    )
    people = User.objects.filter(pk__in=set(items) - already, is_active=True)
    created = []
    # One row per person with something due: a few hundred at most, in one transaction.
    for person in people.order_by("pk"):
        # The unique (recipient, day) constraint settles two runs meeting here (get_or_create
        # inserts in a savepoint and reads the other run's row).
        digest, new = ReminderDigest.objects.get_or_create(
            recipient=person, day=day, defaults={"items": items[person.pk]}
        )
        if new:
            emails.notify_reminders(digest)
            created.append(digest)
    return created
