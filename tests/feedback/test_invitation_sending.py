"""Survey invitations are mailed once: claimed by a conditional UPDATE, mailed outside any lock."""

import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import emails, services
from feedback.models import Survey, SurveyInvitation
from feedback.tasks import send_survey_invitation_task


def unsent_invitation(email: str = "customer@example.com") -> SurveyInvitation:
    """Return an invitation to an open NPS survey, not mailed yet."""
    author = User.objects.create_user(username=f"author-{User.objects.count()}")
    survey = services.survey_create(
        created_by=author,
        name=f"Survey {Survey.objects.count() + 1}",
        kind=Survey.Kind.NPS,
        starts_at=timezone.now() - timedelta(days=1),
    )
    return services.invitation_create(survey=survey, email=email, send=False)


@pytest.mark.django_db
def test_invitation_task_run_twice_mails_one_e_mail() -> None:
    invitation = unsent_invitation()

    first = send_survey_invitation_task(invitation.pk)
    second = send_survey_invitation_task(invitation.pk)

    invitation.refresh_from_db()
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["customer@example.com"]
    assert invitation.token in mail.outbox[0].body
    assert invitation.sent_at is not None


@pytest.mark.django_db
def test_invitation_claimed_by_another_run_is_not_mailed() -> None:
    invitation = unsent_invitation()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())

    sent = services.invitation_send(invitation_id=invitation.pk)

    assert sent == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_invitation_without_an_address_or_gone_sends_nothing() -> None:
    invitation = unsent_invitation(email="")

    without_address = services.invitation_send(invitation_id=invitation.pk)
    gone = services.invitation_send(invitation_id=invitation.pk + 1000)

    invitation.refresh_from_db()
    assert (without_address, gone) == (0, 0)
    assert invitation.sent_at is None
    assert not mail.outbox


@pytest.mark.django_db
def test_invitation_is_claimed_by_a_conditional_update_not_a_row_lock() -> None:
    invitation = unsent_invitation()

    with CaptureQueriesContext(connection) as queries:
        services.invitation_send(invitation_id=invitation.pk)

    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("FOR UPDATE" in statement for statement in statements)
    claim = next(statement for statement in statements if statement.startswith("UPDATE"))
    assert '"sent_at" IS NULL' in claim


@pytest.mark.django_db
def test_failed_send_releases_the_claim_so_that_the_retry_mails_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invitation = unsent_invitation()
    send_invitation_email = emails.send_invitation_email

    def disconnect(invitation: SurveyInvitation) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(emails, "send_invitation_email", disconnect)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None

    monkeypatch.setattr(emails, "send_invitation_email", send_invitation_email)
    retried = services.invitation_send(invitation_id=invitation.pk)

    assert retried == 1
    assert len(mail.outbox) == 1


# Transactional: only without the test's own transaction can "no transaction open" be observed.
@pytest.mark.django_db(transaction=True)
def test_invitation_is_mailed_outside_any_transaction_after_its_claim_is_committed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invitation = unsent_invitation()
    seen: dict[str, object] = {}
    send_invitation_email = emails.send_invitation_email

    def watch(invitation: SurveyInvitation) -> int:
        seen["in_transaction"] = connection.in_atomic_block
        seen["claimed"] = SurveyInvitation.objects.get(pk=invitation.pk).sent_at is not None
        return send_invitation_email(invitation)

    monkeypatch.setattr(emails, "send_invitation_email", watch)

    send_survey_invitation_task(invitation.pk)

    assert seen == {"in_transaction": False, "claimed": True}
    assert len(mail.outbox) == 1
