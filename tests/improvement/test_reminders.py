"""Reminder digests and the daily round: one e-mail per person per day, never two."""

import smtplib
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core import outbox
from core.models import Notification, OutboxMessage
from core.notifications import emails as notification_emails
from core.notifications.emails import notification_email_send
from core.tasks import notification_email_task
from improvement import tasks
from improvement.daily import daily_run, round_lock
from improvement.models import PDCACycle, ReminderDigest, Suggestion
from improvement.services import actions, phases
from improvement.services.reminders import reminders_send
from metrics.models import Indicator
from tests.improvement.factories import cycle_in_check, indicator_with_data, planned_cycle

pytestmark = pytest.mark.django_db


def today() -> date:
    """Return the organisation's local date."""
    return timezone.localdate()


def in_days(days: int) -> date:
    """Return the date `days` from today (negative: in the past)."""
    return today() + timedelta(days=days)


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    """A quality manager owning a cycle in Plan, and two frontline action owners."""
    manager = make_user("quality_manager", email="manager@example.org")
    return {
        "manager": manager,
        "ana": make_user("frontline", email="ana@example.org", first_name="Ana"),
        "ben": make_user("frontline", email="ben@example.org", first_name="Ben"),
        "cycle": planned_cycle(manager),
    }


def add_action(people: dict[str, Any], owner: str, title: str, due_in: int) -> Any:
    """Plan an action of the people's cycle owned by one of them, due in `due_in` days."""
    return actions.action_add(
        cycle=people["cycle"],
        by=people["manager"],
        title=title,
        owner=people[owner],
        due_on=in_days(due_in),
    )


def test_each_person_gets_one_digest_of_their_due_and_overdue_actions(
    people, django_capture_on_commit_callbacks
) -> None:
    """Ana: one due in 3 days (the horizon) and one 2 days late; Ben: one due in 4 days (beyond
    the 3-day horizon) and one done: only Ana is reminded, overdue first."""
    add_action(people, "ana", "Print the new script", 3)
    add_action(people, "ana", "Brief the late shift", -2)
    add_action(people, "ben", "Order headsets", 4)
    done = add_action(people, "ben", "Book the room", 0)
    actions.action_complete(action=done, by=people["ben"])

    with django_capture_on_commit_callbacks(execute=True):
        digests = reminders_send(today=today())

    assert [digest.recipient for digest in digests] == [people["ana"]]
    assert [item["kind"] for item in digests[0].items] == ["overdue", "due"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert "Brief the late shift" in message.body
    assert "2 days late" in message.body
    assert "Print the new script" in message.body
    assert people["cycle"].get_absolute_url() in message.body
    assert "Order headsets" not in message.body


def test_a_second_run_on_the_same_day_creates_and_sends_nothing(
    people, django_capture_on_commit_callbacks
) -> None:
    """Never two digests for one person on one day."""
    add_action(people, "ana", "Brief the late shift", 1)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=today())

    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_send(today=today())

    assert len(first) == 1
    assert second == []
    assert ReminderDigest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_digest_delivered_twice_is_mailed_once(
    people, django_capture_on_commit_callbacks
) -> None:
    """A redelivered e-mail task (or a second worker) finds the notification's e-mail claimed
    and sends nothing."""
    add_action(people, "ana", "Brief the late shift", 1)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=today())
    notification = Notification.objects.get(recipient=people["ana"])
    message = OutboxMessage.objects.get(task=notification_email_task.name)

    notification_email_task.apply(args=(notification.pk,), task_id=outbox.task_id(message.pk))
    direct = notification_email_send(notification_id=notification.pk)

    assert direct == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.kind == Notification.Kind.REMINDER
    assert mail.outbox[0].subject == f"[LoyaltyQMS] {notification.title}"


def test_a_mail_server_failure_frees_the_digest_for_the_retry(people, monkeypatch) -> None:
    """The claim is released when sending fails, so the retry sends it."""
    add_action(people, "ana", "Brief the late shift", 1)
    reminders_send(today=today())
    notification = Notification.objects.get(recipient=people["ana"])

    def refuse(*_args: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr(notification_emails, "send_staff_email", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None

    assert notification_email_send(notification_id=notification.pk) == 1
    assert len(mail.outbox) == 1
    assert "Brief the late shift" in mail.outbox[0].body


def test_a_due_check_and_a_waiting_check_remind_their_owners(make_user) -> None:
    """A cycle in Do whose planned check date has come, and a Check with one month of three:
    the owner is told to move it to Check, and that the other needs 2 more periods."""
    owner = make_user("quality_manager", email="owner@example.org")
    in_do = planned_cycle(owner, planned_check_on=in_days(-1))
    phases.cycle_start_do(cycle=in_do, by=owner)
    waiting = cycle_in_check(owner, indicator_with_data(after=[79.0]))
    assert waiting.verdict == PDCACycle.Verdict.INCONCLUSIVE

    (digest,) = reminders_send(today=today())

    kinds = {item["reference"]: item for item in digest.items}
    assert kinds[in_do.reference]["kind"] == "check_due"
    assert kinds[waiting.reference]["kind"] == "check_waiting"
    assert kinds[waiting.reference]["periods_needed"] == 2
    assert "2 more complete periods" in kinds[waiting.reference]["text"]


# The daily round ---------------------------------------------------------------------------------


def test_a_second_run_of_the_reminder_and_suggestion_tasks_sends_and_creates_nothing_new(
    people, django_capture_on_commit_callbacks
) -> None:
    """The daily task run twice on one day: the first makes the suggestion and the digests
    and sends them; the second makes and sends nothing."""
    add_action(people, "ana", "Brief the late shift", 0)
    add_action(people, "ben", "Order headsets", -1)
    indicator = indicator_with_data()
    latest = indicator.snapshots.order_by("period").last()
    assert latest is not None
    latest.signals = ["WE1"]
    latest.save(update_fields=["signals"])
    Indicator.objects.filter(pk=indicator.pk).update(
        variation=Indicator.Variation.SPECIAL_DETERIORATING, latest_period=latest.period
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.improvement_daily_task.apply().get()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.improvement_daily_task.apply().get()

    assert first["suggestions"] == 1
    assert first["digests"] == 2
    assert sent == 2
    assert second == {
        "skipped": 0,
        "checks": 0,
        "check_failures": 0,
        "suggestions": 0,
        "digests": 0,
    }
    assert len(mail.outbox) == 2
    assert Suggestion.objects.count() == 1
    assert ReminderDigest.objects.count() == 2


def test_the_daily_round_reruns_waiting_checks_before_reminding(make_user, monkeypatch) -> None:
    """A Check waiting for data runs again each day (here it still waits: one of 3 months)."""
    owner = make_user("quality_manager", email="owner@example.org")
    waiting = cycle_in_check(owner, indicator_with_data(after=[79.0]))
    checked_before = waiting.checked_at

    counts = daily_run(today=today())

    waiting.refresh_from_db()
    assert counts["checks"] == 1
    assert waiting.checked_at is not None
    assert checked_before is not None
    assert waiting.checked_at > checked_before
    assert counts["digests"] == 1


def test_the_daily_round_does_not_overlap_with_itself(people) -> None:
    """While another round holds the lock (here: another thread), a round does nothing."""
    add_action(people, "ana", "Brief the late shift", 0)
    holding, release = threading.Event(), threading.Event()

    def other_round() -> None:
        try:
            with round_lock() as alone:
                assert alone
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_round)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        counts = daily_run(today=today())
    finally:
        release.set()
        thread.join()

    assert counts["skipped"] == 1
    assert ReminderDigest.objects.count() == 0
    assert daily_run(today=today())["digests"] == 1
