"""The notification service: one notification per person and key, e-mailed once, and the staff
news of every app (assignments, escalations, recognition, outcomes, reminders, reports) told
through it with the very text its e-mail carries."""

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import Notification, OutboxMessage
from core.notifications import emails as notification_emails
from core.notifications.emails import notification_email_send
from core.notifications.services import notification_mark_read, notify
from core.tasks import notification_email_task
from feedback import services as feedback_services
from feedback.models import Severity
from feedback.services import idea_accept
from improvement.services import actions, cycles
from improvement.services.reminders import reminders_send
from reports.services.monthly_reports import monthly_report_publish
from tests.feedback.factories import ComplaintFactory, IdeaFactory
from tests.improvement.factories import planned_cycle
from tests.improvement.test_closing_the_loop import adopted
from tests.reports.monthly_records import published_report

pytestmark = pytest.mark.django_db

KIND = Notification.Kind


def tell(people: list[Any], **fields: Any) -> list[Notification]:
    """Notify people of something, with the fields a caller would give."""
    fields.setdefault("kind", KIND.OTHER)
    fields.setdefault("title", "Something happened")
    fields.setdefault("body", "It happened today.")
    fields.setdefault("link", "/feedback/complaints/")
    return notify(people, **fields)


def only_email_of(person: Any) -> Any:
    """Return the one e-mail sent, checking it went to the person."""
    assert [message.to for message in mail.outbox] == [[person.email]]
    return mail.outbox[0]


# The service ------------------------------------------------------------------------------------


def test_notify_writes_one_notification_per_person_and_emails_each_once(
    make_user, django_capture_on_commit_callbacks
) -> None:
    ana = make_user("frontline", first_name="Ana")
    ben = make_user("quality_manager")

    with django_capture_on_commit_callbacks(execute=True):
        written = tell([ana, ben], title="C-1 is assigned to you")

    assert {row.recipient for row in written} == {ana, ben}
    assert all(row.email and row.read_at is None for row in written)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ana.email, ben.email])
    assert {message.subject for message in mail.outbox} == {"[LoyaltyQMS] C-1 is assigned to you"}
    assert all(row.sent_at is not None for row in Notification.objects.all())


def test_the_email_carries_the_text_and_the_full_link(
    make_user, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://qms.example.org"
    ana = make_user("frontline")

    with django_capture_on_commit_callbacks(execute=True):
        tell([ana], body="Three complaints wait for you.", link="/feedback/complaints/")

    message = only_email_of(ana)
    assert message.body == (
        "Three complaints wait for you.\n\nhttps://qms.example.org/feedback/complaints/\n"
    )


def test_the_same_key_tells_a_person_once(make_user, django_capture_on_commit_callbacks) -> None:
    ana = make_user("frontline")
    ben = make_user("frontline")
    with django_capture_on_commit_callbacks(execute=True):
        first = tell([ana], key="alert:7")

    with django_capture_on_commit_callbacks(execute=True):
        second = tell([ana, ben], key="alert:7")

    assert [row.recipient for row in first] == [ana]
    assert [row.recipient for row in second] == [ben]
    assert Notification.objects.filter(recipient=ana).count() == 1
    assert len(mail.outbox) == 2


def test_without_a_key_each_call_tells_again(make_user) -> None:
    ana = make_user("frontline")

    tell([ana], email=False)
    tell([ana], email=False)

    assert Notification.objects.filter(recipient=ana).count() == 2


def test_inactive_people_are_not_told(make_user, django_capture_on_commit_callbacks) -> None:
    gone = make_user("frontline", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        written = tell([gone])

    assert written == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_person_without_an_address_is_told_in_the_centre_only(
    make_user, django_capture_on_commit_callbacks
) -> None:
    ana = make_user("frontline", email="")

    with django_capture_on_commit_callbacks(execute=True):
        (row,) = tell([ana])

    assert row.email is False
    assert not OutboxMessage.objects.filter(task=notification_email_task.name).exists()
    assert mail.outbox == []


def test_email_false_writes_the_notification_and_sends_nothing(
    make_user, django_capture_on_commit_callbacks
) -> None:
    ana = make_user("executive")

    with django_capture_on_commit_callbacks(execute=True):
        (row,) = tell([ana], email=False)

    assert row.email is False
    assert mail.outbox == []


def test_a_rolled_back_change_leaves_no_notification_and_no_email(
    make_user, django_capture_on_commit_callbacks
) -> None:
    ana = make_user("frontline")

    def tell_then_fail() -> None:
        from django.db import transaction

        with transaction.atomic():
            tell([ana])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        tell_then_fail()

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_email_task_delivered_twice_sends_once(
    make_user, django_capture_on_commit_callbacks
) -> None:
    ana = make_user("frontline")
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = tell([ana])
    message = OutboxMessage.objects.get(task=notification_email_task.name)

    notification_email_task.apply(args=(row.pk,), task_id=outbox.task_id(message.pk))
    again = notification_email_send(notification_id=row.pk)

    assert again == 0
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_frees_the_email_for_the_retry(make_user, monkeypatch) -> None:
    ana = make_user("frontline")
    (row,) = tell([ana])

    def refuse(*_args: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr(notification_emails, "send_staff_email", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notification_email_send(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None

    assert notification_email_send(notification_id=row.pk) == 1
    assert len(mail.outbox) == 1


def test_the_email_task_retries_mail_server_errors() -> None:
    assert smtplib.SMTPException in getattr(notification_email_task, "autoretry_for", ())
    assert notification_email_task.max_retries == 5


def test_marking_read_touches_only_the_persons_own_unread_notifications(make_user) -> None:
    ana = make_user("frontline")
    ben = make_user("frontline")
    first, second = tell([ana], email=False)[0], tell([ana], email=False)[0]
    (bens,) = tell([ben], email=False)
    earlier = timezone.now() - timedelta(days=1)
    Notification.objects.filter(pk=second.pk).update(read_at=earlier)

    assert notification_mark_read(user=ana, ids=[first.pk, second.pk, bens.pk]) == 1
    assert notification_mark_read(user=ana) == 0

    second.refresh_from_db()
    bens.refresh_from_db()
    assert second.read_at == earlier
    assert bens.read_at is None
    assert notification_mark_read(user=ben) == 1


# The staff news of each app, told through the service ----------------------------------------


def told(person: Any, kind: str) -> Notification:
    """Return the one notification of that kind the person got."""
    return Notification.objects.get(recipient=person, kind=kind)


def assert_same_as_email(notification: Notification, person: Any) -> None:
    """The centre shows what the e-mail says: subject, text, and a link to the record."""
    message = only_email_of(person)
    assert message.subject == f"[LoyaltyQMS] {notification.title}"
    assert message.body == notification.body
    assert notification.link.startswith("/")


def test_an_assignment_tells_the_assignee_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    manager = make_user("quality_manager")
    assignee = make_user("frontline")
    complaint = ComplaintFactory.create(logged_by=make_user("frontline"))

    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.complaint_assign(complaint=complaint, assignee=assignee, by=manager)

    notification = told(assignee, KIND.ASSIGNMENT)
    assert notification.title == f"{complaint.reference} is assigned to you"
    assert notification.link == complaint.get_absolute_url()
    assert complaint.reference in notification.body
    assert_same_as_email(notification, assignee)


def test_an_escalation_tells_each_quality_manager_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    frontline = make_user("frontline")
    manager = make_user("quality_manager")
    complaint = ComplaintFactory.create(logged_by=frontline, severity=Severity.CRITICAL)

    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.complaint_escalate(complaint=complaint, by=frontline)

    notification = told(manager, KIND.ESCALATION)
    assert notification.title == f"{complaint.reference} escalated (Critical)"
    assert not Notification.objects.filter(recipient=frontline).exists()
    assert_same_as_email(notification, manager)


def test_recognition_tells_the_employee_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    giver = make_user("quality_manager", first_name="Grace", last_name="Giver")
    employee = make_user("frontline")

    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.recognition_give(
            given_by=giver, recipient=employee, behaviour="Stayed late to fix a boiler."
        )

    notification = told(employee, KIND.RECOGNITION)
    assert notification.title == "Grace Giver recognised your work"
    assert "Stayed late to fix a boiler." in notification.body
    assert_same_as_email(notification, employee)


def test_the_daily_reminders_tell_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    manager = make_user("quality_manager")
    owner = make_user("frontline")
    cycle = planned_cycle(manager)
    actions.action_add(
        cycle=cycle,
        by=manager,
        title="Brief the late shift",
        owner=owner,
        due_on=timezone.localdate() - timedelta(days=2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send()  # the same day again: nothing new

    notification = told(owner, KIND.REMINDER)
    assert notification.title == "1 improvement item needs you today"
    assert "2 days late" in notification.body
    assert notification.link == cycle.get_absolute_url()
    assert_same_as_email(notification, owner)


def test_a_decided_cycle_tells_the_ideas_submitter_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    """The adopted cycle implements the idea it came from: the idea's news (not a second one
    from the cycle) tells its submitter."""
    manager = make_user("quality_manager")
    clerk = make_user("frontline")
    idea = IdeaFactory.create(submitted_by=clerk, title="Call customers back")
    with django_capture_on_commit_callbacks(execute=True):
        idea_accept(idea=idea, by=manager)
    cycle = cycles.cycle_start_from_idea(idea=idea, by=manager)
    mail.outbox.clear()  # the acceptance's e-mail

    with django_capture_on_commit_callbacks(execute=True):
        cycle = adopted(cycle, manager)

    notification = Notification.objects.get(recipient=clerk, key=f"idea:{idea.pk}:implemented")
    assert notification.kind == KIND.OUTCOME
    assert notification.title == f"{idea.reference} is implemented: Call customers back"
    assert f"Changed for good in {cycle.reference}" in notification.body
    assert notification.link == idea.get_absolute_url()
    assert Notification.objects.filter(recipient=clerk).count() == 2  # accepted, implemented
    assert_same_as_email(notification, clerk)


def test_a_decided_cycle_tells_a_complaints_logger_what_the_email_says(
    make_user, django_capture_on_commit_callbacks
) -> None:
    manager = make_user("quality_manager")
    clerk = make_user("frontline")
    complaint = ComplaintFactory.create(logged_by=clerk)
    cycle = cycles.cycle_create(
        by=manager, title="Call customers back", owner=manager, problem_statement="Long waits."
    )
    cycles.cycle_update(cycle=cycle, by=manager, complaints=[complaint])

    with django_capture_on_commit_callbacks(execute=True):
        cycle = adopted(cycle, manager)

    notification = told(clerk, KIND.OUTCOME)
    assert notification.title == f"What became of your submission: {cycle.title}"
    assert f"Changed for good in {cycle.reference}" in notification.body
    assert notification.link == reverse("feedback:my-submissions")
    assert_same_as_email(notification, clerk)


def test_a_published_report_tells_each_recipient_without_a_second_email(
    make_user, django_capture_on_commit_callbacks
) -> None:
    executive = make_user("executive")
    report = published_report()

    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_publish(report=report)
    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_publish(report=report)  # published again: nothing new

    notification = told(executive, KIND.REPORT)
    assert notification.link == report.get_absolute_url()
    assert notification.email is False
    message = only_email_of(executive)  # the report's own e-mail, with the PDF
    assert message.subject == f"[LoyaltyQMS] {notification.title}"
    assert message.body == notification.body
    assert len(message.attachments) == 1
