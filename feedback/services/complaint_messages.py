"""Writes of what passes between staff and the complainant (ISO 10002: acknowledge the complaint,
tell the decision): the customer's e-mail address, messages sent to it, replies logged back.

A message to the customer is kept (`ComplaintMessage`, outbound), written on the timeline and
e-mailed once after commit by a Celery task (`core.mail.send_once` claims its `sent_at`). When
COMPLAINT_REPLY_ADDRESS is set, its Reply-To carries the message's token (replies+<token>@...), by
which a mail provider's inbound webhook logs the customer's answer back on the complaint; staff
may also paste an answer in. Either way the reply is kept (inbound), written on the timeline, and
whoever handles the complaint is told.

A reply that arrives twice (a provider retrying its webhook, a double click) is logged once: the
same sender, subject and text on the same complaint within REPLY_REPEAT_WINDOW is the same reply.
"""

import secrets
from datetime import datetime, timedelta
from email.utils import getaddresses, parseaddr

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import outbox
from core.exceptions import ApplicationError
from core.mail import send_once
from core.saving import validated_save
from core.validation import LONG_TEXT

from .. import emails, lifecycle, tasks
from ..models import Complaint, ComplaintEvent, ComplaintMessage, ReplyTemplate
from ..reply_placeholders import fill, placeholder_errors, placeholder_values
from ..selectors.policies import policy_for

# Mail providers retry an inbound webhook for hours (Mailgun 8 h) or days (SendGrid 3 days): a
# reply with the same sender, subject and text on the same complaint within this window is the
# same reply arriving again.
REPLY_REPEAT_WINDOW = timedelta(days=3)
SUBJECT_LENGTH = 200  # ComplaintMessage.subject's
CUT_MARK = "\n\n[…] (the rest of the e-mail was longer than LoyaltyQMS keeps)"


def _require(by: User, complaint: Complaint, action: str) -> None:
    """Refuse whoever may not take the step on the complaint ("respond": write to the
    customer, as those who resolve it; "comment": log a reply, set the address)."""
    policy = policy_for(complaint.severity)
    if lifecycle.may_act(by, complaint, action, frontline_may_resolve=policy.frontline_may_resolve):
        return
    if action == "respond" and lifecycle.is_owner(by, complaint):
        raise PermissionDenied(
            _(
                "%(severity)s complaints are answered by quality managers: escalate it, and "
                "they write to the customer."
            )
            % {"severity": complaint.get_severity_display()}
        )
    raise PermissionDenied(_("You may not do this on %(reference)s.") % complaint.__dict__)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _timeline_text(subject: str, body: str) -> str:
    return Truncator(f"{subject}\n\n{body}").chars(LONG_TEXT)


@transaction.atomic
def complaint_contact_update(*, complaint: Complaint, by: User, contact_email: str) -> Complaint:
    """Set or clear the customer's e-mail address, kept on this complaint only."""
    locked = _locked(complaint)
    _require(by, locked, "comment")
    validated_save(locked, contact_email=contact_email.strip())
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_message_send(
    *,
    complaint: Complaint,
    by: User,
    subject: str,
    body: str,
    template: ReplyTemplate | None = None,
    at: datetime | None = None,
) -> ComplaintMessage:
    """Write to the customer about their open complaint: fill the text's placeholders, keep the
    message, put it on the timeline and e-mail it after commit."""
    locked = _locked(complaint)
    _require(by, locked, "respond")
    if not locked.is_open:
        raise ApplicationError(
            _("%(reference)s is closed: reopen it to write to the customer.") % locked.__dict__
        )
    if not locked.contact_email:
        raise ValidationError(
            {"contact_email": _("Add the customer's e-mail address to write to them.")}
        )
    if template is not None and not template.is_active:
        raise ValidationError({"template": _("This template is retired: choose another.")})
    texts = {"subject": subject.strip(), "body": body.strip()}
    missing = {"subject": _("Write the e-mail's subject."), "body": _("Write the e-mail's text.")}
    errors: dict[str, list[str]] = {}
    for name, text in texts.items():
        if not text:
            errors[name] = [missing[name]]
        elif placeholder_errors(text):
            errors[name] = placeholder_errors(text)
    if errors:
        raise ValidationError(errors)
    values = placeholder_values(locked, by)
    at = at or timezone.now()
    message = validated_save(
        ComplaintMessage(
            complaint=locked,
            direction=ComplaintMessage.Direction.OUTBOUND,
            # Lower case: some mail servers fold the case of the reply address's local part.
            reply_token=secrets.token_hex(16),
        ),
        template=template,
        address=locked.contact_email,
        subject=fill(texts["subject"], values),
        body=fill(texts["body"], values),
        author=by,
        created_at=at,
    )
    ComplaintEvent.objects.create(
        complaint=locked,
        kind=ComplaintEvent.Kind.MESSAGE_SENT,
        actor=by,
        at=at,
        text=_timeline_text(message.subject, message.body),
    )
    outbox.enqueue(tasks.send_complaint_message_task, message.pk)
    return message


def complaint_message_deliver(*, message_id: int) -> int:
    """E-mail a message to the customer once: a message already sent, being sent by another run
    of the task, or gone sends nothing (`core.mail.send_once` claims its `sent_at`)."""
    outbound = ComplaintMessage.objects.filter(
        pk=message_id, direction=ComplaintMessage.Direction.OUTBOUND
    )
    message = outbound.first()
    if message is None:
        return 0
    return send_once(outbound, lambda: emails.send_complaint_message(message))


def _told_of_reply(complaint: Complaint, by: User) -> list[User]:
    """Return who hears of a reply: the assignee, else whoever logged the complaint, unless they
    logged the reply themselves."""
    handler = complaint.assignee or complaint.logged_by
    return [] if handler is None or handler.pk == by.pk else [handler]


@transaction.atomic
def complaint_reply_log(
    *,
    complaint: Complaint,
    by: User,
    subject: str,
    body: str,
    address: str = "",
    via: str = ComplaintMessage.Inbound.PASTED,
    at: datetime | None = None,
) -> ComplaintMessage:
    """Log the customer's reply on the complaint, put it on the timeline and tell its handler.

    The address defaults to the complaint's; the subject to "Re:" the last message sent. The same
    reply logged again within REPLY_REPEAT_WINDOW returns the one already logged.
    """
    locked = _locked(complaint)  # one reply at a time: two deliveries of it cannot both log it
    _require(by, locked, "comment")
    address = address.strip() or locked.contact_email
    body = body.strip()
    errors = {}
    if not address:
        errors["address"] = [_("Say which address the customer wrote from.")]
    if not body:
        errors["body"] = [_("Paste the customer's reply.")]
    if errors:
        raise ValidationError(errors)
    subject = subject.strip()
    if not subject:
        last = locked.messages.filter(direction=ComplaintMessage.Direction.OUTBOUND).last()
        subject = Truncator(f"Re: {last.subject if last else locked.reference}").chars(
            SUBJECT_LENGTH
        )
    at = at or timezone.now()
    again = ComplaintMessage.objects.filter(
        complaint=locked,
        direction=ComplaintMessage.Direction.INBOUND,
        address__iexact=address,
        subject=subject,
        body=body,
        created_at__gte=at - REPLY_REPEAT_WINDOW,
    ).first()
    if again is not None:
        return again
    message = validated_save(
        ComplaintMessage(complaint=locked, direction=ComplaintMessage.Direction.INBOUND),
        inbound_via=via,
        address=address,
        subject=subject,
        body=body,
        author=by,
        created_at=at,
    )
    ComplaintEvent.objects.create(
        complaint=locked,
        kind=ComplaintEvent.Kind.REPLY_RECEIVED,
        actor=by,
        at=at,
        text=_timeline_text(subject, body),
    )
    recipients = _told_of_reply(locked, by)
    if recipients:
        emails.notify_reply(message, recipients, key=f"complaint-reply:{message.pk}")
    return message


def _reply_token(recipient: str) -> str:
    """Return the token of a reply address (replies+<token>@domain), or ""."""
    for _name, address in getaddresses([recipient]):
        mailbox, _at, _domain = address.rpartition("@")
        _base, plus, token = mailbox.partition("+")
        if plus and token:
            return token.lower()
    return ""


@transaction.atomic
def complaint_reply_receive(
    *, by: User, to_address: str, sender: str, subject: str, text: str
) -> ComplaintMessage:
    """Log a reply that reached the inbound address: the token of the address it was sent to
    names the message it answers, and so the complaint. Over-long subjects and texts are cut,
    not refused (the mail provider cannot shorten them). Errors name the inbound e-mail's fields
    as the inbound route takes them (`recipient`, `sender`, `text`)."""
    token = _reply_token(to_address)
    answered = (
        ComplaintMessage.objects.select_related("complaint")
        .filter(reply_token=token, direction=ComplaintMessage.Direction.OUTBOUND)
        .first()
        if token
        else None
    )
    if answered is None:
        raise ValidationError(
            {"recipient": _("No message to a customer was sent with this reply address.")}
        )
    address = parseaddr(sender)[1]
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"sender": _("Give the customer's e-mail address.")}) from None
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The reply has no text.")})
    if len(text) > LONG_TEXT:
        text = text[: LONG_TEXT - len(CUT_MARK)] + CUT_MARK
    return complaint_reply_log(
        complaint=answered.complaint,
        by=by,
        address=address,
        subject=Truncator(subject.strip()).chars(SUBJECT_LENGTH),
        body=text,
        via=ComplaintMessage.Inbound.MAILBOX,
    )
