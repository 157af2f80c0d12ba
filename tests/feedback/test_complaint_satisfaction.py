"""Post-complaint satisfaction closes the complaint's record: the answer to the CSAT survey sent
at closure becomes the complaint's satisfaction (answering again updates it), the complaint's
page shows it and where the survey stands, and an unanswered invitation is reminded once."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Complaint, ComplaintEvent, Survey, SurveyInvitation
from feedback.services.survey_reminders import invitation_remind, invitation_reminders_queue
from feedback.tasks import survey_reminders_task

pytestmark = pytest.mark.django_db

ADDRESS = "anouk.claassen@example.net"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Start every test with fresh rate-limit counters (the public survey page counts)."""
    cache.clear()


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user("quality_manager")


def closed_with_survey(
    log_complaint: Callable[..., Complaint], manager: User, satisfaction: int | None = None
) -> tuple[Complaint, SurveyInvitation]:
    """Log, answer and close a complaint, inviting its customer to rate the handling."""
    complaint = log_complaint(contact_email=ADDRESS)
    services.complaint_acknowledge(complaint=complaint, by=manager)
    services.complaint_respond(complaint=complaint, by=manager, decision="Refunded.")
    services.complaint_close(
        complaint=complaint,
        by=manager,
        customer_accepted=True,
        satisfaction=satisfaction,
        send_csat_to=ADDRESS,
    )
    return complaint, SurveyInvitation.objects.get(complaint=complaint)


def test_answer_to_the_closure_survey_records_the_satisfaction_on_the_complaint(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint, invitation = closed_with_survey(log_complaint, manager)

    response = services.invitation_respond(invitation=invitation, score=4, comment="Quick.")

    complaint.refresh_from_db()
    event = complaint.events.get(kind=ComplaintEvent.Kind.SATISFACTION)
    assert complaint.customer_satisfaction == 4
    assert event.text == "Customer rated the handling 4/5 (survey)."
    assert event.at == response.responded_at
    assert event.actor is None


def test_answering_again_updates_the_satisfaction(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint, invitation = closed_with_survey(log_complaint, manager, satisfaction=5)

    services.invitation_respond(invitation=invitation, score=4)
    services.invitation_respond(invitation=invitation, score=4, comment="Only a comment.")
    services.invitation_respond(invitation=invitation, score=2)

    complaint.refresh_from_db()
    texts = list(
        complaint.events.filter(kind=ComplaintEvent.Kind.SATISFACTION).values_list(
            "text", flat=True
        )
    )
    assert complaint.customer_satisfaction == 2
    assert texts == [
        "Customer rated the handling 4/5 (survey).",
        "Customer changed their rating of the handling to 2/5 (survey).",
    ]


def test_answers_to_other_surveys_leave_complaints_alone(
    log_complaint: Callable[..., Complaint], manager: User, colleague: User
) -> None:
    complaint = log_complaint()
    nps = services.survey_create(
        created_by=colleague,
        name="Relationship NPS",
        kind=Survey.Kind.NPS,
        starts_at=timezone.now() - timedelta(days=1),
    )
    invitation = services.invitation_create(survey=nps, complaint=complaint, send=False)

    services.invitation_respond(invitation=invitation, score=9)

    complaint.refresh_from_db()
    assert complaint.customer_satisfaction is None
    assert not complaint.events.filter(kind=ComplaintEvent.Kind.SATISFACTION).exists()


def test_customer_answers_on_the_public_page_and_the_complaint_shows_it(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint, invitation = closed_with_survey(log_complaint, manager)

    posted = Client().post(reverse("public-survey:answer", args=[invitation.token]), {"score": "5"})

    client = Client()
    client.force_login(manager)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert posted.status_code == 302
    assert 'data-testid="satisfaction">Satisfaction 5/5.' in page
    assert 'data-invitation-state="answered"' in page
    assert "Customer rated the handling 5/5 (survey)." in page


def test_page_shows_a_sent_and_reminded_invitation_as_such(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint, invitation = closed_with_survey(log_complaint, manager)
    now = timezone.now()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=now, reminded_at=now)

    client = Client()
    client.force_login(manager)
    page = client.get(complaint.get_absolute_url()).content.decode()

    assert 'data-invitation-state="reminded"' in page
    assert "not answered yet" in page


def test_closing_offers_the_survey_to_the_complaints_address(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint = log_complaint(contact_email=ADDRESS)
    services.complaint_acknowledge(complaint=complaint, by=manager)
    services.complaint_respond(complaint=complaint, by=manager, decision="Refunded.")
    client = Client()
    client.force_login(manager)

    page = client.get(complaint.get_absolute_url()).content.decode()

    assert f'name="send_csat_to" value="{ADDRESS}"' in page


# Reminders --------------------------------------------------------------------------------------


def sent_days_ago(invitation: SurveyInvitation, days: float) -> None:
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=days)
    )


def test_beat_reminds_an_unanswered_invitation_once(
    log_complaint: Callable[..., Complaint],
    manager: User,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    _complaint, invitation = closed_with_survey(log_complaint, manager)
    sent_days_ago(invitation, 4)

    with django_capture_on_commit_callbacks(execute=True):
        first = survey_reminders_task()
    with django_capture_on_commit_callbacks(execute=True):
        second = survey_reminders_task()

    invitation.refresh_from_db()
    assert (first, second) == (1, 0)
    assert invitation.reminded_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ADDRESS]
    assert mailoutbox[0].subject.startswith("Reminder: how did we handle your complaint")
    assert invitation.token in mailoutbox[0].body


def test_a_reminder_delivered_twice_mails_once(
    log_complaint: Callable[..., Complaint], manager: User, mailoutbox: list[Any]
) -> None:
    _complaint, invitation = closed_with_survey(log_complaint, manager)
    sent_days_ago(invitation, 4)

    sent = [invitation_remind(invitation_id=invitation.pk) for _twice in range(2)]

    assert sent == [1, 0]
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "case", ["too recent", "answered", "expired", "no address", "closed survey"]
)
def test_no_reminder_where_none_is_due(
    log_complaint: Callable[..., Complaint], manager: User, case: str, settings: Any
) -> None:
    settings.SURVEY_REMINDER_AFTER_DAYS = 3
    _complaint, invitation = closed_with_survey(log_complaint, manager)
    sent_days_ago(invitation, 2 if case == "too recent" else 4)
    if case == "answered":
        services.invitation_respond(invitation=invitation, score=3)
    elif case == "expired":
        SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif case == "no address":
        SurveyInvitation.objects.filter(pk=invitation.pk).update(email="")
    elif case == "closed survey":
        Survey.objects.filter(pk=invitation.survey_id).update(ends_at=timezone.now())

    assert invitation_reminders_queue() == 0
    assert invitation_remind(invitation_id=invitation.pk) == 0


def test_reminders_reach_every_customer_invitation_with_an_address(
    colleague: User, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    survey = services.survey_create(
        created_by=colleague,
        name="Delivery CSAT",
        kind=Survey.Kind.CSAT,
        starts_at=timezone.now() - timedelta(days=10),
    )
    invitations = [
        services.invitation_create(survey=survey, email=f"c{number}@example.net", send=False)
        for number in range(3)
    ]
    for invitation in invitations:
        sent_days_ago(invitation, 5)

    with django_capture_on_commit_callbacks(execute=True):
        queued = invitation_reminders_queue()

    assert queued == 3
    assert sorted(email.to[0] for email in mailoutbox) == [
        "c0@example.net",
        "c1@example.net",
        "c2@example.net",
    ]
    assert mailoutbox[0].subject == "Reminder: a quick question about your experience"
