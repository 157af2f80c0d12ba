"""Talking to the complainant (ISO 10002): their address on the complaint, reply templates with
placeholders, e-mails sent once from the outbox, replies logged back (pasted or through the
inbound address), and one customer's complaints together."""

import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.exceptions import ApplicationError
from core.models import Notification, OutboxMessage
from feedback import emails, selectors, services
from feedback.models import Complaint, ComplaintEvent, ComplaintMessage, ReplyTemplate, Severity
from feedback.reply_placeholders import fill, placeholder_errors, placeholder_values, prefill
from feedback.tasks import send_complaint_message_task
from stakeholders.models import Customer
from tests.core.queries import assert_queries_flat
from tests.feedback.factories import ReplyTemplateFactory

pytestmark = pytest.mark.django_db

ADDRESS = "anouk.claassen@example.net"


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    """Quinn, a quality manager, who writes to customers."""
    return make_user("quality_manager", first_name="Quinn", last_name="Okafor")


@pytest.fixture
def addressed(log_complaint: Callable[..., Complaint]) -> Complaint:
    """A complaint whose customer left their e-mail address."""
    return log_complaint(contact_email=ADDRESS, customer_reference="CRM-000001")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send_queued(django_capture_on_commit_callbacks: Any, write: Callable[[], Any]) -> Any:
    """Run a write and the tasks it queued once it committed (the outbox relays them)."""
    with django_capture_on_commit_callbacks(execute=True):
        return write()


# Placeholders -----------------------------------------------------------------------------------


def test_unknown_and_malformed_placeholders_are_named() -> None:
    assert placeholder_errors("Your complaint {reference}, due {due_date}. {{braces}}") == []
    assert placeholder_errors("Dear {first_name}") == [
        "Unknown placeholder {first_name}. Use one of {reference}, {customer_reference}, "
        "{received_on}, {acknowledge_due}, {due_date}, {decision}, {handler}, {organisation}."
    ]
    assert placeholder_errors("Due {due_date:%d %B}") == [
        "Write the placeholder {due_date:%d %B} plainly, as {due_date}."
    ]
    assert "brace" in placeholder_errors("Dear {reference")[0]
    assert "Unknown placeholder {}" in placeholder_errors("Dear {}")[0]


def test_placeholders_fill_with_the_complaints_facts(addressed: Complaint, manager: User) -> None:
    values = placeholder_values(addressed, manager)

    text = fill("{reference} for {customer_reference}: {handler} of {organisation}", values)

    assert text == f"{addressed.reference} for CRM-000001: Quinn of Brightline Home Services"
    assert values["due_date"] == timezone.localtime(addressed.resolve_due_at).strftime("%-d %B %Y")


def test_prefill_keeps_the_decision_and_literal_braces_for_the_second_fill(
    addressed: Complaint, manager: User
) -> None:
    values = placeholder_values(addressed, manager)
    template = "{reference}: {decision} {{not a placeholder}}"

    shown = prefill(template, values, keep=frozenset({"decision"}))
    sent = fill(shown, {**values, "decision": "Refund {all} of it."})

    assert shown == f"{addressed.reference}: {{decision}} {{{{not a placeholder}}}}"
    assert sent == f"{addressed.reference}: Refund {{all}} of it. {{not a placeholder}}"


# Reply templates --------------------------------------------------------------------------------


def test_quality_manager_keeps_templates_and_their_history(manager: User) -> None:
    template = services.reply_template_create(
        by=manager,
        name="Acknowledgement",
        purpose="acknowledgement",
        subject="  Your complaint {reference} ",
        body="We answer by {due_date}.",
    )

    services.reply_template_update(template=template, by=manager, is_active=False)

    assert template.subject == "Your complaint {reference}"
    assert template.created_by == manager
    assert not template.is_active
    assert template.history.count() == 2
    assert list(selectors.active_reply_templates()) == []


def test_template_with_an_unknown_placeholder_is_refused_on_its_field(manager: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.reply_template_create(
            by=manager,
            name="Broken",
            purpose="response",
            subject="About {reference}",
            body="Dear {customer_name}, {decision}",
        )

    assert list(refused.value.message_dict) == ["body"]
    assert "{customer_name}" in refused.value.message_dict["body"][0]
    assert not ReplyTemplate.objects.exists()


def test_only_quality_managers_keep_templates(make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionDenied):
        services.reply_template_create(
            by=make_user("frontline"), name="Mine", purpose="update", subject="Hi", body="Hello"
        )


def test_template_pages_list_edit_and_retire(manager: User, make_user: Callable[..., User]) -> None:
    template = ReplyTemplateFactory.create(by=manager, name="Acknowledgement")
    client = signed_in(manager)

    listed = client.get(reverse("feedback:reply-template-list"))
    refused = client.post(
        reverse("feedback:reply-template-edit", args=[template.pk]),
        {"name": "Acknowledgement", "purpose": "acknowledgement", "subject": "Hi {refrence}",
         "body": "Hello", "is_active": "on"},
    )  # fmt: skip
    retired = client.post(reverse("feedback:reply-template-retire", args=[template.pk]))
    frontline = signed_in(make_user("frontline"))

    assert listed.status_code == 200
    assert 'data-template="Acknowledgement"' in listed.content.decode()
    assert refused.status_code == 400
    assert "Unknown placeholder {refrence}" in refused.content.decode()
    assert retired.status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    assert frontline.get(reverse("feedback:reply-template-list")).status_code == 200
    assert frontline.get(reverse("feedback:reply-template-create")).status_code == 403


def test_template_list_is_paginated_with_flat_queries(manager: User) -> None:
    ReplyTemplateFactory.create(by=manager)
    client = signed_in(manager)
    url = reverse("feedback:reply-template-list")

    def grow() -> None:
        for _number in range(30):
            ReplyTemplateFactory.create(by=manager)

    assert_queries_flat(lambda: client.get(url), grow)
    assert "Page 1 of 2" in client.get(url).content.decode()


def test_template_api_reads_for_handlers_and_writes_for_quality_managers(
    manager: User, make_user: Callable[..., User]
) -> None:
    created = api_as(manager).post(
        "/api/v1/reply-templates/",
        {"name": "Update", "purpose": "update", "subject": "About {reference}", "body": "Soon."},
        format="json",
    )
    refused = api_as(manager).patch(
        f"/api/v1/reply-templates/{created.json()['id']}/", {"body": "{oops"}, format="json"
    )
    retired = api_as(manager).patch(
        f"/api/v1/reply-templates/{created.json()['id']}/", {"is_active": False}, format="json"
    )
    frontline = api_as(make_user("frontline"))

    assert created.status_code == 201, created.content
    assert created.json()["created_by"] == manager.username
    assert refused.status_code == 400
    assert list(refused.json()) == ["body"]
    assert retired.json()["is_active"] is False
    assert frontline.get("/api/v1/reply-templates/").json()["count"] == 1
    assert frontline.post("/api/v1/reply-templates/", {}, format="json").status_code == 403
    assert api_as(make_user("executive")).get("/api/v1/reply-templates/").status_code == 403


# Writing to the customer ------------------------------------------------------------------------


def test_message_is_kept_on_the_timeline_and_mailed_once_with_a_reply_address(
    addressed: Complaint,
    manager: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    settings.COMPLAINT_REPLY_ADDRESS = "replies@brightline.example"
    template = ReplyTemplateFactory.create(by=manager, purpose="update")

    message = send_queued(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_message_send(
            complaint=addressed,
            by=manager,
            subject="News about {reference}",
            body="Dear customer, we answer by {due_date}. {handler}",
            template=template,
        ),
    )
    again = send_complaint_message_task(message.pk)

    message.refresh_from_db()
    event = addressed.events.get(kind=ComplaintEvent.Kind.MESSAGE_SENT)
    due = placeholder_values(addressed, manager)["due_date"]
    assert message.direction == ComplaintMessage.Direction.OUTBOUND
    assert message.subject == f"News about {addressed.reference}"
    assert message.body == f"Dear customer, we answer by {due}. Quinn"
    assert message.template == template
    assert message.sent_at is not None
    assert again == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ADDRESS]
    assert mailoutbox[0].subject == message.subject
    assert mailoutbox[0].reply_to == [f"replies+{message.reply_token}@brightline.example"]
    assert event.actor == manager
    assert event.text == f"{message.subject}\n\n{message.body}"


def test_without_a_reply_address_the_customer_answers_the_sender(
    addressed: Complaint, manager: User, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    send_queued(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_message_send(
            complaint=addressed, by=manager, subject="Hello", body="On it."
        ),
    )

    assert mailoutbox[0].reply_to == []
    assert mailoutbox[0].from_email == "LoyaltyQMS <qms@localhost>"


def test_message_is_queued_through_the_outbox_not_sent_in_the_request(
    addressed: Complaint, manager: User, mailoutbox: Any
) -> None:
    message = services.complaint_message_send(
        complaint=addressed, by=manager, subject="Hello", body="On it."
    )

    assert not mailoutbox  # sent only once the transaction commits
    assert OutboxMessage.objects.get().args == [message.pk]


def test_failed_send_releases_the_message_for_the_retry(
    addressed: Complaint, manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = services.complaint_message_send(
        complaint=addressed, by=manager, subject="Hello", body="On it."
    )

    def disconnect(message: ComplaintMessage) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    send = emails.send_complaint_message
    monkeypatch.setattr(emails, "send_complaint_message", disconnect)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.complaint_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.sent_at is None

    monkeypatch.setattr(emails, "send_complaint_message", send)
    assert services.complaint_message_deliver(message_id=message.pk) == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"body": "Dear {name}"}, "body"),
        ({"subject": "{reference"}, "subject"),
    ],
)
def test_bad_message_is_refused_on_its_field_and_nothing_is_kept(
    addressed: Complaint, manager: User, change: dict[str, str], field: str
) -> None:
    texts = {"subject": "Hi", "body": "Hello", **change}

    with pytest.raises(ValidationError) as refused:
        services.complaint_message_send(
            complaint=addressed, by=manager, subject=texts["subject"], body=texts["body"]
        )

    assert list(refused.value.message_dict) == [field]
    assert not ComplaintMessage.objects.exists()


def test_no_message_without_an_address_or_once_closed(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    without = log_complaint()
    closed = log_complaint(contact_email=ADDRESS)
    services.complaint_acknowledge(complaint=closed, by=manager)
    services.complaint_respond(complaint=closed, by=manager, decision="Refunded.")
    services.complaint_close(complaint=closed, by=manager, customer_accepted=True)

    with pytest.raises(ValidationError) as no_address:
        services.complaint_message_send(complaint=without, by=manager, subject="a", body="b")
    with pytest.raises(ApplicationError):
        services.complaint_message_send(complaint=closed, by=manager, subject="a", body="b")

    assert list(no_address.value.message_dict) == ["contact_email"]


def test_frontline_writes_only_where_they_may_resolve(
    log_complaint: Callable[..., Complaint], make_user: Callable[..., User]
) -> None:
    frontline = make_user("frontline")
    medium = log_complaint(logged_by=frontline, contact_email=ADDRESS)
    high = log_complaint(logged_by=frontline, contact_email=ADDRESS, severity=Severity.HIGH)

    services.complaint_message_send(complaint=medium, by=frontline, subject="a", body="b")
    with pytest.raises(PermissionDenied, match="quality managers"):
        services.complaint_message_send(complaint=high, by=frontline, subject="a", body="b")


def test_acknowledging_and_responding_email_the_customer_with_the_decision(
    addressed: Complaint, manager: User, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    send_queued(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_acknowledge(
            complaint=addressed,
            by=manager,
            email_subject="We received {reference}",
            email_body="Answer by {due_date}.",
        ),
    )
    send_queued(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_respond(
            complaint=addressed,
            by=manager,
            decision="We refund the delivery fee.",
            email_subject="Our answer",
            email_body="What we decided: {decision}",
        ),
    )

    kinds = list(selectors.complaint_timeline(addressed).values_list("kind", flat=True))
    assert kinds == ["logged", "acknowledged", "message_sent", "responded", "message_sent"]
    assert [email.subject for email in mailoutbox] == [
        f"We received {addressed.reference}",
        "Our answer",
    ]
    assert mailoutbox[1].body == "What we decided: We refund the delivery fee."


def test_a_refused_email_leaves_the_step_undone(addressed: Complaint, manager: User) -> None:
    with pytest.raises(ValidationError):
        services.complaint_acknowledge(
            complaint=addressed, by=manager, email_subject="Hi", email_body="Dear {name}"
        )

    addressed.refresh_from_db()
    assert addressed.status == Complaint.Status.RECEIVED


# The complaint's page ---------------------------------------------------------------------------


def test_page_offers_the_acknowledgement_filled_from_the_first_template(
    addressed: Complaint, manager: User
) -> None:
    ReplyTemplateFactory.create(
        by=manager, name="A", subject="Received: {reference}", body="By {due_date}. {handler}"
    )

    html = signed_in(manager).get(addressed.get_absolute_url()).content.decode()

    assert f'value="Received: {addressed.reference}"' in html
    assert "Quinn</textarea>" in html
    assert 'id="reply-fills"' in html
    assert "js/reply_templates.js" in html
    assert f'data-testid="contact-email">{ADDRESS}<' in html


def test_acknowledging_on_the_page_sends_the_edited_email(
    addressed: Complaint, manager: User, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    client = signed_in(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:complaint-action", args=[addressed.pk, "acknowledge"]),
            {"note": "", "send_email": "on", "subject": "Got it", "body": "Edited by hand."},
        )

    addressed.refresh_from_db()
    assert response.status_code == 302
    assert addressed.status == Complaint.Status.ACKNOWLEDGED
    assert [(email.subject, email.body) for email in mailoutbox] == [("Got it", "Edited by hand.")]


def test_unticking_the_email_acknowledges_without_writing(
    addressed: Complaint, manager: User
) -> None:
    response = signed_in(manager).post(
        reverse("feedback:complaint-action", args=[addressed.pk, "acknowledge"]),
        {"note": "Called them", "subject": "", "body": ""},
    )

    assert response.status_code == 302
    assert not ComplaintMessage.objects.exists()


def test_a_bad_placeholder_keeps_the_complaint_as_it_was_and_the_text_typed(
    addressed: Complaint, manager: User
) -> None:
    response = signed_in(manager).post(
        reverse("feedback:complaint-action", args=[addressed.pk, "acknowledge"]),
        {"note": "", "send_email": "on", "subject": "Got it", "body": "Dear {first_name}"},
    )

    html = response.content.decode()
    addressed.refresh_from_db()
    assert response.status_code == 400
    assert addressed.status == Complaint.Status.RECEIVED
    assert "Unknown placeholder {first_name}" in html
    assert "Dear {first_name}</textarea>" in html


def test_use_this_template_fills_the_form_without_javascript(
    addressed: Complaint, manager: User
) -> None:
    urgent = ReplyTemplateFactory.create(by=manager, name="B", subject="Urgent: {reference}")

    response = signed_in(manager).post(
        reverse("feedback:complaint-action", args=[addressed.pk, "acknowledge"]),
        {"fill": "1", "template": urgent.pk, "subject": "", "body": "", "send_email": "on"},
    )

    addressed.refresh_from_db()
    assert response.status_code == 200
    assert f'value="Urgent: {addressed.reference}"' in response.content.decode()
    assert addressed.status == Complaint.Status.RECEIVED


def test_writing_an_update_from_the_page(
    addressed: Complaint, manager: User, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(manager).post(
            reverse("feedback:complaint-write", args=[addressed.pk]),
            {"subject": "News on {reference}", "body": "Still on it."},
        )

    page = signed_in(manager).get(addressed.get_absolute_url()).content.decode()
    assert response.status_code == 302
    assert mailoutbox[0].subject == f"News on {addressed.reference}"
    assert 'data-testid="message-state"' in page
    assert "sent " in page


def test_executives_read_the_timeline_but_never_see_the_address(
    addressed: Complaint, manager: User, make_user: Callable[..., User]
) -> None:
    services.complaint_message_send(complaint=addressed, by=manager, subject="Hi", body="Hello")
    executive = signed_in(make_user("executive"))

    page = executive.get(addressed.get_absolute_url()).content.decode()
    written = executive.post(
        reverse("feedback:complaint-write", args=[addressed.pk]), {"subject": "a", "body": "b"}
    )

    assert "E-mailed the customer" in page
    assert ADDRESS not in page.split('data-section="history"')[0]
    assert written.status_code == 403


def test_contact_email_is_kept_on_the_complaint_only_and_left_out_of_exports(
    log_complaint: Callable[..., Complaint], manager: User
) -> None:
    complaint = log_complaint()
    client = signed_in(manager)

    refused = client.post(
        reverse("feedback:complaint-contact", args=[complaint.pk]), {"contact_email": "nope"}
    )
    saved = client.post(
        reverse("feedback:complaint-contact", args=[complaint.pk]), {"contact_email": ADDRESS}
    )
    export = client.get(reverse("feedback:complaint-export")).getvalue()

    complaint.refresh_from_db()
    assert refused.status_code == 400
    assert saved.status_code == 302
    assert complaint.contact_email == ADDRESS
    assert ADDRESS.encode() not in export


def test_log_form_takes_the_customers_address(make_user: Callable[..., User]) -> None:
    frontline = make_user("frontline")

    signed_in(frontline).post(
        reverse("feedback:complaint-log"),
        {"description": "Late", "severity": "2", "channel": "email", "contact_email": ADDRESS},
    )

    assert Complaint.objects.get().contact_email == ADDRESS


def test_complaint_api_shows_the_address_only_to_those_who_handle_it(
    manager: User, make_user: Callable[..., User]
) -> None:
    logged = api_as(manager).post(
        "/api/v1/complaints/",
        {"description": "Parcel lost", "contact_email": ADDRESS},
        format="json",
    )
    pk = logged.json()["id"]
    changed = api_as(manager).post(
        f"/api/v1/complaints/{pk}/contact-email/", {"contact_email": "new@example.net"}
    )
    executive = api_as(make_user("executive"))

    assert logged.json()["contact_email"] == ADDRESS
    assert changed.json()["contact_email"] == "new@example.net"
    assert "contact_email" not in executive.get(f"/api/v1/complaints/{pk}/").json()
    assert "contact_email" not in executive.get("/api/v1/complaints/").json()["results"][0]
    assert api_as(manager).get("/api/v1/complaints/").json()["results"][0]["contact_email"]


# Replies ----------------------------------------------------------------------------------------


def test_pasted_reply_is_logged_and_the_assignee_told(
    addressed: Complaint, manager: User, make_user: Callable[..., User]
) -> None:
    assignee = make_user("frontline")
    services.complaint_assign(complaint=addressed, assignee=assignee, by=manager)

    reply = services.complaint_reply_log(
        complaint=addressed, by=manager, subject="", body="Thanks, it arrived."
    )

    event = addressed.events.get(kind=ComplaintEvent.Kind.REPLY_RECEIVED)
    told = Notification.objects.get(recipient=assignee, kind=Notification.Kind.OTHER)
    assert reply.direction == ComplaintMessage.Direction.INBOUND
    assert reply.inbound_via == ComplaintMessage.Inbound.PASTED
    assert reply.address == ADDRESS
    assert reply.subject == f"Re: {addressed.reference}"
    assert event.text == f"Re: {addressed.reference}\n\nThanks, it arrived."
    assert told.link == addressed.get_absolute_url()
    assert "Thanks, it arrived." in told.body


def test_whoever_logs_a_reply_is_not_told_of_it(addressed: Complaint) -> None:
    services.complaint_reply_log(
        complaint=addressed, by=addressed.logged_by, subject="Re", body="Thanks."
    )

    assert not Notification.objects.exists()


def test_reply_form_on_the_page(addressed: Complaint, manager: User) -> None:
    client = signed_in(manager)

    empty = client.post(reverse("feedback:complaint-reply", args=[addressed.pk]), {"body": ""})
    logged = client.post(
        reverse("feedback:complaint-reply", args=[addressed.pk]),
        {"address": "", "subject": "Re: your answer", "body": "I do not agree."},
    )

    assert empty.status_code == 400
    assert logged.status_code == 302
    assert ComplaintMessage.objects.get().address == ADDRESS


def inbound(token: str, text: str = "Thank you, that is fair.") -> dict[str, str]:
    return {
        "recipient": f"Brightline <replies+{token}@brightline.example>",
        "sender": f"Anouk Claassen <{ADDRESS}>",
        "subject": "Re: Our answer",
        "text": text,
    }


def test_inbound_reply_finds_its_complaint_by_the_token_and_is_logged_once(
    addressed: Complaint, manager: User, make_user: Callable[..., User]
) -> None:
    sent = services.complaint_message_send(
        complaint=addressed, by=manager, subject="Our answer", body="Refunded."
    )
    mailbox = api_as(make_user("quality_manager"))

    first = mailbox.post("/api/v1/complaint-replies/", inbound(sent.reply_token), format="json")
    again = mailbox.post(
        "/api/v1/complaint-replies/", inbound(sent.reply_token.upper()), format="json"
    )

    reply = ComplaintMessage.objects.get(direction=ComplaintMessage.Direction.INBOUND)
    assert first.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]
    assert (reply.complaint, reply.inbound_via, reply.address) == (addressed, "mailbox", ADDRESS)
    assert addressed.events.filter(kind=ComplaintEvent.Kind.REPLY_RECEIVED).count() == 1


def test_inbound_reply_to_an_unknown_address_is_a_400_naming_the_recipient(
    make_user: Callable[..., User],
) -> None:
    answer = api_as(make_user("quality_manager")).post(
        "/api/v1/complaint-replies/", inbound("0" * 32), format="json"
    )

    assert answer.status_code == 400
    assert list(answer.json()) == ["recipient"]


def test_inbound_route_is_for_those_who_handle_every_complaint(
    make_user: Callable[..., User],
) -> None:
    answer = api_as(make_user("frontline")).post(
        "/api/v1/complaint-replies/", inbound("0" * 32), format="json"
    )

    assert answer.status_code == 403


def test_an_over_long_inbound_email_is_cut_not_refused(addressed: Complaint, manager: User) -> None:
    sent = services.complaint_message_send(complaint=addressed, by=manager, subject="a", body="b")

    answer = api_as(manager).post(
        "/api/v1/complaint-replies/", inbound(sent.reply_token, "x" * 20_000), format="json"
    )

    body = ComplaintMessage.objects.get(pk=answer.json()["id"]).body
    assert answer.status_code == 201
    assert len(body) == 10_000
    assert body.endswith("longer than LoyaltyQMS keeps)")


def test_messages_api_lists_sends_and_logs_for_handlers(
    addressed: Complaint, manager: User, make_user: Callable[..., User], mailoutbox: Any
) -> None:
    template = ReplyTemplateFactory.create(by=manager, purpose="update")
    api = api_as(manager)
    url = f"/api/v1/complaints/{addressed.pk}/messages/"

    sent = api.post(url, {"direction": "outbound", "template": template.pk}, format="json")
    logged = api.post(url, {"direction": "inbound", "body": "Thanks!"}, format="json")
    listed = api.get(url)
    executive = api_as(make_user("executive")).get(url)
    stranger = api_as(make_user("frontline")).get(url)

    assert sent.status_code == 201, sent.content
    assert sent.json()["subject"] == f"Your complaint {addressed.reference}"
    assert logged.json()["inbound_via"] == "pasted"
    assert [row["direction"] for row in listed.json()] == ["outbound", "inbound"]
    assert executive.status_code == 403
    assert stranger.status_code == 404


# A customer's complaints ------------------------------------------------------------------------


def test_customer_page_lists_only_the_complaints_the_user_may_see(
    log_complaint: Callable[..., Complaint],
    customer: Customer,
    manager: User,
    make_user: Callable[..., User],
) -> None:
    frontline = make_user("frontline")
    mine = log_complaint(logged_by=frontline, customer_reference=customer.external_reference)
    other = log_complaint(customer_reference=customer.external_reference, contact_email=ADDRESS)
    url = reverse("feedback:customer-complaints", args=[customer.pk])

    as_manager = signed_in(manager).get(url).content.decode()
    as_frontline = signed_in(frontline).get(url).content.decode()
    detail = signed_in(manager).get(other.get_absolute_url()).content.decode()

    assert f'data-complaint="{mine.reference}"' in as_manager
    assert f'data-complaint="{other.reference}"' in as_manager
    assert "Households" in as_manager
    assert ADDRESS not in as_manager
    assert f'data-complaint="{mine.reference}"' in as_frontline
    assert f'data-complaint="{other.reference}"' not in as_frontline
    assert url in detail


def test_customer_page_queries_stay_flat(
    log_complaint: Callable[..., Complaint], customer: Customer, manager: User
) -> None:
    client = signed_in(manager)
    url = reverse("feedback:customer-complaints", args=[customer.pk])

    def grow() -> None:
        for _number in range(3):
            log_complaint(customer_reference=customer.external_reference)

    log_complaint(customer_reference=customer.external_reference)
    assert_queries_flat(lambda: client.get(url), grow)


def test_complaint_page_queries_stay_flat_as_messages_grow(
    addressed: Complaint, manager: User
) -> None:
    ReplyTemplateFactory.create(by=manager)
    client = signed_in(manager)
    url = addressed.get_absolute_url()

    def grow() -> None:
        for number in range(3):
            services.complaint_message_send(
                complaint=addressed, by=manager, subject=f"News {number}", body="Soon."
            )
            services.complaint_reply_log(
                complaint=addressed,
                by=manager,
                subject=f"Re: News {number}",
                body="Thanks.",
                at=timezone.now() + timedelta(seconds=number),
            )

    assert_queries_flat(lambda: client.get(url), grow)
