"""The demo's conversations with complainants: reply templates, e-mails sent when complaints were
acknowledged and answered, the customers' replies, and the post-complaint surveys' ratings."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from feedback import demo
from feedback.demo.replies import reminder_moment, reply_wording
from feedback.models import (
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ReplyTemplate,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.reply_placeholders import placeholder_errors
from tests.feedback.demo import SEED

pytestmark = pytest.mark.django_db

Kind = ComplaintEvent.Kind


def test_the_wording_holds_templates_whose_placeholders_are_known() -> None:
    wording = reply_wording()

    purposes = {text.purpose for text in wording.templates}
    texts = [(text.subject, text.body) for text in [*wording.templates, *wording.retired]]

    assert purposes == set(ReplyTemplate.Purpose.values)
    assert all(
        placeholder_errors(subject) + placeholder_errors(body) == [] for subject, body in texts
    )


def test_the_quality_team_keeps_templates_from_before_the_year(counts: dict[str, int]) -> None:
    templates = ReplyTemplate.objects.all()
    year_start = timezone.now() - timedelta(days=365)

    assert counts["reply templates"] == templates.count() == 6
    assert templates.filter(is_active=False).count() == 1
    assert not ReplyTemplate.history.filter(history_date__gt=year_start).exists()
    assert not ReplyTemplate.history.filter(history_user=None).exists()


def test_many_customers_left_an_address_under_example_net(counts: dict[str, int]) -> None:
    complaints = Complaint.objects.all()
    addressed = complaints.exclude(contact_email="")
    by_email = complaints.filter(channel=Complaint.Channel.EMAIL)

    assert 0.35 <= addressed.count() / complaints.count() <= 0.75
    assert by_email.exclude(contact_email="").count() > 0.9 * by_email.count()
    assert all(
        re.fullmatch(r"[a-z]+\.[a-z]+\d*@example\.net", address)
        for address in addressed.values_list("contact_email", flat=True)
    )


def test_acknowledgements_and_answers_were_emailed_when_they_were_given(
    counts: dict[str, int],
) -> None:
    messages = ComplaintMessage.objects.select_related("complaint", "template")
    sent = messages.filter(direction=ComplaintMessage.Direction.OUTBOUND)
    purposes = Counter(sent.values_list("template__purpose", flat=True))

    assert counts["complaint messages"] == messages.count()
    assert purposes["acknowledgement"] > 300
    assert purposes["response"] > 300
    assert purposes["update"] > 20
    assert not sent.filter(sent_at__isnull=True).exists()
    assert not sent.filter(complaint__contact_email="").exists()
    for message in sent.filter(template__purpose="acknowledgement")[:200]:
        assert (
            message.created_at == message.complaint.acknowledged_at
            or message.complaint.reopen_count
        )
        assert message.complaint.reference in message.subject + message.body
        assert "{" not in message.subject + message.body


def test_each_message_is_on_its_timeline_in_time_order(counts: dict[str, int]) -> None:
    for complaint in Complaint.objects.filter(messages__isnull=False).distinct()[:300]:
        events = list(complaint.events.order_by("id"))
        kinds = Counter(event.kind for event in events)
        directions = Counter(complaint.messages.values_list("direction", flat=True))

        assert [event.at for event in events] == sorted(event.at for event in events)
        assert kinds[Kind.MESSAGE_SENT] == directions["outbound"]
        assert kinds[Kind.REPLY_RECEIVED] == directions["inbound"]


def test_some_customers_replied_by_mail_or_by_phone(counts: dict[str, int]) -> None:
    replies = ComplaintMessage.objects.filter(direction=ComplaintMessage.Direction.INBOUND)
    via = Counter(replies.values_list("inbound_via", flat=True))

    assert replies.count() > 50
    assert via["mailbox"] > via["pasted"] > 0
    assert not replies.filter(inbound_via="pasted", author=None).exists()


def test_the_closure_surveys_close_the_records(counts: dict[str, int]) -> None:
    """Answered post-complaint surveys are the complaints' satisfaction, each with its entry;
    e-mailed invitations left unanswered were reminded once, the morning they came due."""
    answers = SurveyResponse.objects.filter(invitation__complaint__isnull=False)
    ratings = ComplaintEvent.objects.filter(kind=Kind.SATISFACTION)
    invitations = SurveyInvitation.objects.filter(complaint__isnull=False)
    reminded = invitations.filter(reminded_at__isnull=False)

    assert counts["satisfaction ratings"] == ratings.count() == answers.count() > 50
    for answer in answers.select_related("invitation__complaint")[:200]:
        assert answer.invitation is not None
        complaint = answer.invitation.complaint
        assert complaint is not None
        assert complaint.customer_satisfaction == answer.score
        event = complaint.events.get(kind=Kind.SATISFACTION)
        assert (event.at, event.text) == (
            answer.responded_at,
            f"Customer rated the handling {answer.score}/5 (survey).",
        )
    assert invitations.exclude(email="").count() > 100
    assert not invitations.filter(~Q(email=""), ~Q(email=F("complaint__contact_email"))).exists()
    assert reminded.count() > 20
    assert not reminded.filter(email="").exists()
    for invitation in reminded.select_related("response")[:100]:
        assert invitation.sent_at is not None
        assert invitation.reminded_at == reminder_moment(invitation.sent_at)
        if hasattr(invitation, "response"):
            assert invitation.response.responded_at > invitation.reminded_at
    assert settings.SURVEY_REMINDER_AFTER_DAYS == 3


def test_complaints_with_several_messages_exist(counts: dict[str, int]) -> None:
    busy = Complaint.objects.annotate(messages_count=Count("messages")).filter(
        messages_count__gte=3
    )

    assert busy.exists()


def test_loading_again_adds_no_conversation(counts: dict[str, int]) -> None:
    models = [ReplyTemplate, ComplaintMessage, ComplaintEvent, SurveyInvitation]
    before = [model._default_manager.count() for model in models]
    reminded = SurveyInvitation.objects.filter(reminded_at__isnull=False).count()

    again = demo.load(seed=SEED)

    assert again["reply templates"] == again["complaint messages"] == 0
    assert again["satisfaction ratings"] == 0
    assert [model._default_manager.count() for model in models] == before
    assert SurveyInvitation.objects.filter(reminded_at__isnull=False).count() == reminded
