"""The demo's conversations with complainants (issue 18): the reply templates the quality team
keeps, the e-mails sent when complaints were acknowledged, updated and answered, the customers'
replies, and what became of the satisfaction surveys sent at closure.

Each planned complaint draws from its own random stream (seed and receipt time), so that these
additions leave the rest of the year as it was. Many customers left an e-mail address (most of
those who wrote in, fewer of those who called); their addresses are made up under example.net.
Messages and replies are inserted into the complaint's timeline at their moment, sent when they
were written. The post-complaint survey answers (feedback.demo.surveys) then close the record:
the score becomes the complaint's satisfaction with its timeline entry, and invitations left
unanswered for SURVEY_REMINDER_AFTER_DAYS were reminded once, in the morning, as beat does.
"""

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from core.history import recorded_as
from core.validation import LONG_TEXT
from feedback import services
from feedback.models import (
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ReplyTemplate,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.reply_placeholders import fill, placeholder_values

from .handling import ComplaintDraft
from .planning import DAYS, People
from .texts import read_wording, record

BATCH_SIZE = 500  # rows per INSERT: well under SQLite's limit on query parameters
REPLY_COUNT_NAMES = ["reply templates", "complaint messages", "satisfaction ratings"]

# Who leaves an e-mail address, by how they complained.
CONTACT_SHARES: dict[str, float] = {
    Complaint.Channel.EMAIL: 0.95,
    Complaint.Channel.WEB_FORM: 0.95,
    Complaint.Channel.CHAT: 0.6,
    Complaint.Channel.PHONE: 0.45,
    Complaint.Channel.SOCIAL: 0.3,
    Complaint.Channel.IN_PERSON: 0.3,
    Complaint.Channel.LETTER: 0.15,
}
ACKNOWLEDGEMENT_MAILED = 0.92  # the rest were acknowledged by phone
RESPONSE_MAILED = 0.95
UPDATE_SHARE = 0.35  # of long investigations (UPDATE_AFTER or more until the answer)
UPDATE_AFTER = timedelta(days=4)
REPLY_TO_ACKNOWLEDGEMENT = 0.12
REPLY_TO_RESPONSE = 0.2
REPLY_BY_MAILBOX = 0.7  # through the inbound address; the rest pasted in by the handler
SENDING_TAKES = timedelta(seconds=20)  # from the message's writing to the mail server
# The quality team set the templates up before the year began, and reviewed them once.
TEMPLATES_WRITTEN_DAYS_AGO = DAYS + 20
TEMPLATES_REVIEWED_DAYS_AGO = DAYS + 10
REMINDER_HOUR = 9  # beat's survey-reminders run (loyaltyqms/settings.py)


@dataclass(frozen=True)
class TemplateText:
    """A reply template as the quality team wrote it."""

    name: str
    purpose: str
    subject: str
    body: str


@dataclass(frozen=True)
class CustomerReplies:
    """What customers write back: adding to their complaint, accepting or refusing an answer."""

    after_acknowledgement: tuple[str, ...]
    accepting: tuple[str, ...]
    refusing: tuple[str, ...]


@dataclass(frozen=True)
class ReplyWording:
    """The wording of the demo's conversations with complainants (wording/replies.toml)."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    templates: tuple[TemplateText, ...]
    retired: tuple[TemplateText, ...]
    replies: CustomerReplies


@cache
def reply_wording() -> ReplyWording:
    """Return the wording of the demo's conversations with complainants."""
    table = read_wording("replies.toml")
    where = "replies.toml"
    return record(
        ReplyWording,
        table,
        where,
        templates=tuple(record(TemplateText, row, where) for row in table["templates"]),
        retired=tuple(record(TemplateText, row, where) for row in table.get("retired", [])),
        replies=record(CustomerReplies, table["replies"], f"{where}, [replies]"),
    )


# The templates --------------------------------------------------------------------------------


def _office_moment(now: datetime, days_ago: int, hour: int) -> datetime:
    day = timezone.localtime(now - timedelta(days=days_ago))
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def load_reply_templates(*, people: People, now: datetime) -> dict[str, int]:
    """Create the quality team's reply templates (before the year began), unless there are any:
    those offered, and one retired in their review."""
    if ReplyTemplate.objects.exists():
        return {"reply templates": 0}
    wording = reply_wording()
    author = people.quality_login
    written = _office_moment(now, TEMPLATES_WRITTEN_DAYS_AGO, 10)
    reviewed = _office_moment(now, TEMPLATES_REVIEWED_DAYS_AGO, 15)
    made = []
    with recorded_as(author, at=written - timedelta(days=30)):
        for text in wording.retired:
            made.append(_template(author, text))
    with recorded_as(author, at=written):
        for text in wording.templates:
            made.append(_template(author, text))
    with recorded_as(author, at=reviewed):
        for retired in made[: len(wording.retired)]:
            services.reply_template_update(template=retired, by=author, is_active=False)
    # Each version was saved at the moment of the story it is dated with.
    for template in made:
        changed = reviewed if not template.is_active else written
        ReplyTemplate.objects.filter(pk=template.pk).update(updated_at=changed)
    return {"reply templates": len(made)}


def _template(author: User, text: TemplateText) -> ReplyTemplate:
    return services.reply_template_create(
        by=author, name=text.name, purpose=text.purpose, subject=text.subject, body=text.body
    )


# The messages of the year's complaints --------------------------------------------------------


class ConversationPlanner:
    """Plan each complaint's e-mails to and from the customer, from its own random stream."""

    def __init__(self, *, seed: int, now: datetime) -> None:
        self.seed = seed
        self.now = now
        self.wording = reply_wording()
        templates = ReplyTemplate.objects.filter(is_active=True).order_by("pk")
        self.templates: dict[str, list[ReplyTemplate]] = {}
        for template in templates:
            self.templates.setdefault(template.purpose, []).append(template)
        self.random = random.Random()  # noqa: S311 - demo data; reseeded per complaint

    def address(self, complaint: Complaint) -> str:
        """Return a made-up address such as anouk.claassen@example.net."""
        first = self.random.choice(self.wording.first_names)
        last = self.random.choice(self.wording.last_names).replace(" ", "")
        number = str(self.random.randrange(10, 99)) if self.random.random() < 0.3 else ""
        local = f"{first}.{last}{number}".lower()
        local = local.translate(str.maketrans("ëéćï", "eeci"))
        return f"{local}@example.net"

    def token(self, complaint: Complaint, number: int) -> str:
        """Return a message's reply token: deterministic for the seed, unique per message."""
        key = f"{self.seed}:{complaint.reference}:{number}".encode()
        return hashlib.blake2b(key, digest_size=16).hexdigest()

    def plan(self, draft: ComplaintDraft) -> list[ComplaintMessage]:
        """Give the complaint its customer's address and its messages; put the messages on its
        timeline at their moment and return them."""
        complaint = draft.complaint
        self.random.seed(f"{self.seed}:conversation-{draft.received_at.isoformat()}")
        if self.random.random() >= CONTACT_SHARES.get(complaint.channel, 0.3):
            return []
        # On the complaint only: its field history leaves the address out.
        complaint.contact_email = self.address(complaint)
        if complaint.resolved_at_first_contact:
            return []  # settled there and then: nothing to write
        planned: list[tuple[ComplaintMessage, ComplaintEvent]] = []
        events = draft.events
        for index, event in enumerate(events):
            later = events[index + 1 :]
            if event.kind == ComplaintEvent.Kind.ACKNOWLEDGED:
                planned += self.acknowledged(complaint, event, later)
            elif event.kind == ComplaintEvent.Kind.INVESTIGATING:
                planned += self.investigated(complaint, event, later)
            elif event.kind == ComplaintEvent.Kind.RESPONDED:
                planned += self.responded(complaint, event, later)
        for number, (message, _event) in enumerate(planned):
            message.reply_token = self.token(complaint, number)
        added = [event for _message, event in planned]
        # Each message after the entries of its moment; the timeline stays in time order.
        ranked = [(event.at, 0, number) for number, event in enumerate(events)]
        ranked += [(event.at, 1, number) for number, event in enumerate(added)]
        ranked.sort()
        draft.events = [(events if new == 0 else added)[number] for _at, new, number in ranked]
        return [message for message, _event in planned]

    def acknowledged(
        self, complaint: Complaint, event: ComplaintEvent, later: Sequence[ComplaintEvent]
    ) -> list[tuple[ComplaintMessage, ComplaintEvent]]:
        """Return the acknowledgement e-mail (most are) and now and then the customer's reply."""
        if self.random.random() >= ACKNOWLEDGEMENT_MAILED:
            return []
        sent = self.outbound(complaint, event, self.acknowledgement(complaint))
        if self.random.random() >= REPLY_TO_ACKNOWLEDGEMENT:
            return [sent]
        text = self.random.choice(self.wording.replies.after_acknowledgement)
        return [sent, *self.reply(complaint, sent[0], event, later, text)]

    def investigated(
        self, complaint: Complaint, event: ComplaintEvent, later: Sequence[ComplaintEvent]
    ) -> list[tuple[ComplaintMessage, ComplaintEvent]]:
        """Return a progress update, for some of the investigations that take long."""
        answer = next((step for step in later if step.kind == ComplaintEvent.Kind.RESPONDED), None)
        if answer is None or answer.at - event.at < UPDATE_AFTER:
            return []
        if self.random.random() >= UPDATE_SHARE:
            return []
        at = event.at + (answer.at - event.at) * self.random.uniform(0.35, 0.6)
        return [self.outbound(complaint, event, self.update(complaint), at=at)]

    def responded(
        self, complaint: Complaint, event: ComplaintEvent, later: Sequence[ComplaintEvent]
    ) -> list[tuple[ComplaintMessage, ComplaintEvent]]:
        """Return the e-mail telling the decision (most are) and now and then the reply."""
        if self.random.random() >= RESPONSE_MAILED:
            return []
        template = self.templates[ReplyTemplate.Purpose.RESPONSE][0]
        sent = self.outbound(complaint, event, template, decision=event.text)
        if self.random.random() >= REPLY_TO_RESPONSE:
            return [sent]
        replies = self.wording.replies
        refused = self.refused(later, complaint)
        text = self.random.choice(replies.refusing if refused else replies.accepting)
        return [sent, *self.reply(complaint, sent[0], event, later, text)]

    def acknowledgement(self, complaint: Complaint) -> ReplyTemplate:
        """Return the acknowledgement that fits: the urgent one when the customer is cold."""
        standard, *others = self.templates[ReplyTemplate.Purpose.ACKNOWLEDGEMENT]
        cold = any(word in complaint.description.lower() for word in ("heating", "hot water"))
        return others[0] if cold and others and complaint.severity >= 3 else standard

    def update(self, complaint: Complaint) -> ReplyTemplate:
        """Return the progress update that fits: waiting for a partner, or the usual one."""
        standard, *others = self.templates[ReplyTemplate.Purpose.UPDATE]
        return others[0] if others and complaint.owner_partner_id else standard

    def refused(self, later: Sequence[ComplaintEvent], complaint: Complaint) -> bool:
        """Return whether the customer refused the answer: it was reopened, or not accepted."""
        transition = next((event for event in later if event.to_status), None)
        if transition is not None:
            return transition.kind == ComplaintEvent.Kind.REOPENED
        return complaint.customer_accepted is False

    def outbound(
        self,
        complaint: Complaint,
        event: ComplaintEvent,
        template: ReplyTemplate,
        *,
        at: datetime | None = None,
        decision: str = "",
    ) -> tuple[ComplaintMessage, ComplaintEvent]:
        """Return an e-mail written from a template with a step, and its timeline entry."""
        at = at or event.at
        writer = event.actor or complaint.logged_by
        values = {**placeholder_values(complaint, writer), "decision": decision}
        message = ComplaintMessage(
            complaint=complaint,
            direction=ComplaintMessage.Direction.OUTBOUND,
            template=template,
            address=complaint.contact_email,
            subject=fill(template.subject, values),
            body=fill(template.body, values),
            author=writer,
            created_at=at,
            sent_at=min(at + SENDING_TAKES, self.now),
        )
        return message, ComplaintEvent(
            complaint=complaint,
            kind=ComplaintEvent.Kind.MESSAGE_SENT,
            actor=writer,
            at=at,
            text=Truncator(f"{message.subject}\n\n{message.body}").chars(LONG_TEXT),
        )

    def reply(
        self,
        complaint: Complaint,
        answered: ComplaintMessage,
        event: ComplaintEvent,
        later: Sequence[ComplaintEvent],
        text: str,
    ) -> list[tuple[ComplaintMessage, ComplaintEvent]]:
        """Return the customer's reply to an e-mail, before the complaint's next step."""
        until = next((step.at for step in later if step.at > event.at), self.now)
        at = event.at + (until - event.at) * self.random.uniform(0.15, 0.7)
        if at <= event.at:
            return []
        mailbox = self.random.random() < REPLY_BY_MAILBOX
        logger = None if mailbox else event.actor
        subject = Truncator(f"Re: {answered.subject}").chars(200)
        message = ComplaintMessage(
            complaint=complaint,
            direction=ComplaintMessage.Direction.INBOUND,
            inbound_via=(
                ComplaintMessage.Inbound.MAILBOX if mailbox else ComplaintMessage.Inbound.PASTED
            ),
            address=complaint.contact_email,
            subject=subject,
            body=text,
            author=logger,
            created_at=at,
        )
        return [
            (
                message,
                ComplaintEvent(
                    complaint=complaint,
                    kind=ComplaintEvent.Kind.REPLY_RECEIVED,
                    actor=logger,
                    at=at,
                    text=f"{subject}\n\n{text}",
                ),
            )
        ]


def plan_conversations(
    *, seed: int, now: datetime, drafts: Sequence[ComplaintDraft]
) -> list[ComplaintMessage]:
    """Plan the conversations of the year's complaints (their references reserved); return the
    messages to insert once the complaints are."""
    if not ReplyTemplate.objects.filter(is_active=True).exists():
        return []  # no templates: the complaints stay as they were planned
    planner = ConversationPlanner(seed=seed, now=now)
    return [message for draft in drafts for message in planner.plan(draft)]


# The satisfaction surveys sent at closure ------------------------------------------------------


def load_complaint_follow_up(*, now: datetime) -> dict[str, int]:
    """Close the records the post-complaint surveys answered, and note what was mailed.

    Each step touches only what it has not done yet: invitations get the complaint's address
    once, a complaint's survey rating is recorded once, an invitation is reminded once.
    """
    complaint_invitations = SurveyInvitation.objects.filter(complaint__isnull=False)
    # The surveys went to the address on the complaint, where there is one.
    complaint_invitations.filter(email="").exclude(complaint__contact_email="").update(
        email=Subquery(
            Complaint.objects.filter(pk=OuterRef("complaint_id")).values("contact_email")[:1]
        )
    )
    rated = _record_ratings(complaint_invitations)
    _mark_reminders(complaint_invitations.exclude(email=""), now)
    return {"satisfaction ratings": rated}


def _record_ratings(invitations: Any) -> int:
    """Record each post-complaint survey's score on its complaint (when not done yet), with the
    timeline entry and the version the survey's answer made."""
    answers = (
        SurveyResponse.objects.filter(invitation__in=invitations, survey__kind="csat")
        .exclude(
            invitation__complaint__events__kind=ComplaintEvent.Kind.SATISFACTION,
        )
        .values_list("invitation__complaint_id", "score", "responded_at")
        .order_by("responded_at", "pk")
    )
    latest = {complaint_id: (score, at) for complaint_id, score, at in answers}
    if not latest:
        return 0
    complaints = list(Complaint.objects.filter(pk__in=latest).order_by("pk"))
    events = []
    for complaint in complaints:
        score, at = latest[complaint.pk]
        complaint.customer_satisfaction = score
        complaint._history_date = at  # type: ignore[attr-defined]
        events.append(
            ComplaintEvent(
                complaint=complaint,
                kind=ComplaintEvent.Kind.SATISFACTION,
                at=at,
                text=f"Customer rated the handling {score}/5 (survey).",
            )
        )
    Complaint.objects.bulk_update(complaints, ["customer_satisfaction"], batch_size=BATCH_SIZE)
    Complaint.history.bulk_history_create(complaints, update=True, default_user=None)
    ComplaintEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    return len(events)


def _mark_reminders(invitations: Any, now: datetime) -> None:
    """Date the reminder of each e-mailed invitation still unanswered after the reminder delay,
    the morning after it came due (an answer given after it was reminded keeps it)."""
    rows = invitations.filter(reminded_at__isnull=True, sent_at__isnull=False).values_list(
        "pk", "sent_at", "expires_at", "response__responded_at"
    )
    reminded = []
    for pk, sent_at, expires_at, answered_at in rows:
        moment = reminder_moment(sent_at)
        if moment < min(now, expires_at) and (answered_at is None or answered_at > moment):
            reminded.append(SurveyInvitation(pk=pk, reminded_at=moment))
    SurveyInvitation.objects.bulk_update(reminded, ["reminded_at"], batch_size=BATCH_SIZE)


def reminder_moment(sent_at: datetime) -> datetime:
    """Return when beat reminded an invitation sent at `sent_at`: at its first morning run once
    the reminder delay had passed."""
    due = timezone.localtime(sent_at + timedelta(days=settings.SURVEY_REMINDER_AFTER_DAYS))
    moment = timezone.make_aware(datetime.combine(due.date(), time(REMINDER_HOUR)), due.tzinfo)
    return moment if moment >= due else moment + timedelta(days=1)
