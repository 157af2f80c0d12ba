"""What the feedback app tells people: assignments, escalations, recognition and the news of
ideas (notifications, also e-mailed, through core.notifications) and customers' survey
invitations (plain e-mails).

Staff e-mails carry the "[LoyaltyQMS]" subject prefix; a customer's survey invitation does not.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from core.mail import site_link, staff_email_text
from core.models import Notification
from core.notifications.services import notify
from core.roles import Role

from .models import (
    Complaint,
    ComplaintMessage,
    IdeaComment,
    ImprovementIdea,
    Recognition,
    SurveyInvitation,
)

User = get_user_model()


def notify_assignment(complaints: list[Complaint], assignee: Any, *, key: str) -> None:
    """Tell the assignee which complaints are now theirs (one notification listing them)."""
    if len(complaints) == 1:
        title = f"{complaints[0].reference} is assigned to you"
        link = complaints[0].get_absolute_url()
    else:
        title = f"{len(complaints)} complaints are assigned to you"
        link = reverse("feedback:complaint-queue")
    rows = [{"complaint": row, "url": site_link(row.get_absolute_url())} for row in complaints]
    body = staff_email_text(
        "feedback/complaints/emails/assigned.txt", {"assignee": assignee, "rows": rows}
    )
    notify(
        [assignee],
        kind=Notification.Kind.ASSIGNMENT,
        title=title,
        body=body,
        link=link,
        key=key,
    )


def notify_escalation(complaint: Complaint, *, key: str) -> None:
    """Tell the quality managers that frontline staff escalated a complaint to them."""
    managers = User.objects.filter(groups__name=Role.QUALITY_MANAGER.value, is_active=True)
    body = staff_email_text(
        "feedback/complaints/emails/escalated.txt",
        {"complaint": complaint, "url": site_link(complaint.get_absolute_url())},
    )
    notify(
        managers.order_by("pk"),
        kind=Notification.Kind.ESCALATION,
        title=f"{complaint.reference} escalated ({complaint.get_severity_display()})",
        body=body,
        link=complaint.get_absolute_url(),
        key=key,
    )


def notify_recognition(recognition: Recognition) -> None:
    """Tell an employee they received recognition."""
    giver = recognition.given_by
    name = (giver.get_full_name() or giver.get_username()) if giver else "A colleague"
    link = reverse("feedback:my-submissions") + "?tab=recognitions"
    body = staff_email_text(
        "feedback/recognition/emails/recognition.txt",
        {"recognition": recognition, "giver": name, "url": site_link(link)},
    )
    notify(
        [recognition.recipient],
        kind=Notification.Kind.RECOGNITION,
        title=f"{name} recognised your work",
        body=body,
        link=link,
        key=f"recognition:{recognition.pk}",
    )


def invitation_url(invitation: SurveyInvitation, request: HttpRequest | None = None) -> str:
    """Return the full address of the invitation's personal survey page.

    Under SITE_URL; when SITE_URL is unset, a page shows it under the address it was opened at.
    """
    path = reverse("public-survey:answer", args=[invitation.token])
    if request is not None and settings.SITE_URL_FROM_REQUEST:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def send_invitation_email(invitation: SurveyInvitation) -> int:
    """Send the customer the personal link of their invitation."""
    if invitation.complaint is not None:
        subject = f"How did we handle your complaint {invitation.complaint.reference}?"
    else:
        subject = "A quick question: how did we do?"
    body = render_to_string(
        "feedback/surveys/emails/invitation.txt",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "url": invitation_url(invitation),
        },
    )
    return send_mail(subject, body, None, [invitation.email])


def send_invitation_reminder(invitation: SurveyInvitation) -> int:
    """Remind the customer, once, of their invitation's personal link."""
    if invitation.complaint is not None:
        subject = f"Reminder: how did we handle your complaint {invitation.complaint.reference}?"
    else:
        subject = "Reminder: a quick question about your experience"
    body = render_to_string(
        "feedback/surveys/emails/reminder.txt",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "url": invitation_url(invitation),
        },
    )
    return send_mail(subject, body, None, [invitation.email])


# Complaints: what staff write to the complainant, and who hears of the customer's reply.


def reply_address(message: ComplaintMessage) -> str:
    """Return the address a customer's answer to the message goes to (replies+<token>@...), or
    "" when COMPLAINT_REPLY_ADDRESS is unset (they answer the From address)."""
    mailbox, at, domain = settings.COMPLAINT_REPLY_ADDRESS.rpartition("@")
    if not (mailbox and at and domain):
        return ""
    return f"{mailbox}+{message.reply_token}@{domain}"


def send_complaint_message(message: ComplaintMessage) -> int:
    """Send the customer a message staff wrote about their complaint, as they wrote it."""
    reply_to = reply_address(message)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.address],
        reply_to=[reply_to] if reply_to else None,
    )
    return email.send()


def notify_reply(message: ComplaintMessage, recipients: list[Any], *, key: str) -> None:
    """Tell who handles the complaint that the customer's reply was logged on it."""
    complaint = message.complaint
    body = staff_email_text(
        "feedback/complaints/emails/reply.txt",
        {
            "complaint": complaint,
            "message": message,
            "url": site_link(complaint.get_absolute_url()),
        },
    )
    notify(
        recipients,
        kind=Notification.Kind.OTHER,
        title=f"{complaint.reference}: the customer replied",
        body=body,
        link=complaint.get_absolute_url(),
        key=key,
    )


# Ideas: their submitter and supporters hear of each status change; the people in an idea's
# conversation hear of each new comment.

# A decision (or what a cycle made of the idea) is e-mailed too; taking an idea into review is
# news for the bell only.
IDEA_NEWS_EMAILED = frozenset({"accepted", "declined", "implemented", "outcome"})
IDEA_NEWS = {
    "under_review": ("is under review", "Taken into review"),
    "accepted": ("was accepted", "Why"),
    "declined": ("was declined", "Why"),
    "implemented": ("is implemented", "What changed"),
    "outcome": ("has an outcome", "What became of it"),
}


def idea_status_key(idea: ImprovementIdea, news: str, text: str = "") -> str:
    """Return the key that tells each person a piece of news about an idea once.

    A status is news once (`idea:<pk>:<status>`); an outcome written without a status change is
    news once per wording (a follow-up cycle's outcome is news again).
    """
    if news == "outcome":
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return f"idea:{idea.pk}:outcome:{digest}"
    return f"idea:{idea.pk}:{news}"


def idea_status_title(idea: ImprovementIdea, news: str) -> str:
    """Return the notification title of a piece of news about an idea."""
    return f"{idea.reference} {IDEA_NEWS[news][0]}: {idea.title}"


def idea_status_body(idea: ImprovementIdea, news: str, text: str, *, supporter: bool) -> str:
    """Return the text of the news (the e-mail's, word for word) for its submitter or for a
    supporter, with the reason, note or outcome."""
    return staff_email_text(
        "feedback/ideas/emails/status.txt",
        {
            "idea": idea,
            "supporter": supporter,
            "news": IDEA_NEWS[news][0],
            "text_label": IDEA_NEWS[news][1],
            "text": text,
            "url": site_link(idea.get_absolute_url()),
        },
    )


def idea_submitters_to_tell(idea: ImprovementIdea) -> list[Any]:
    """Return the submitter of the idea to tell, if any.

    A customer's idea from a survey is submitted by the "customer voice" system user (inactive,
    `services.surveys`), for whom nobody reads; a customer's idea a colleague passed on is
    submitted by that colleague, who is told.
    """
    submitter = idea.submitted_by
    if idea.source == ImprovementIdea.Source.CUSTOMER and not submitter.is_active:
        return []
    return [submitter]


def notify_idea_status(idea: ImprovementIdea, news: str, *, actor: Any, text: str) -> None:
    """Tell the idea's submitter and each supporter (not the one who acted) its news, once."""
    supporters = list(
        User.objects.filter(idea_votes__idea=idea, is_active=True).order_by("pk").distinct()
    )
    submitters = idea_submitters_to_tell(idea)
    actor_pk = actor.pk if actor is not None else None
    audiences = [
        (False, [person for person in submitters if person.pk != actor_pk]),
        (
            True,
            [
                person
                for person in supporters
                if person.pk != actor_pk and person.pk != idea.submitted_by_id
            ],
        ),
    ]
    for supporter, people in audiences:
        if not people:
            continue
        notify(
            people,
            kind=Notification.Kind.OUTCOME,
            title=idea_status_title(idea, news),
            body=idea_status_body(idea, news, text, supporter=supporter),
            link=idea.get_absolute_url(),
            key=idea_status_key(idea, news, text),
            email=news in IDEA_NEWS_EMAILED,
        )


def idea_comment_title(comment: IdeaComment) -> str:
    """Return the notification title of a new comment on an idea."""
    author = comment.author
    name = (author.get_full_name() or author.get_username()) if author else "A colleague"
    return f"{name} commented on {comment.idea.reference}: {comment.idea.title}"


def idea_comment_link(comment: IdeaComment) -> str:
    """Return the address of a comment in its idea's conversation."""
    return f"{comment.idea.get_absolute_url()}#comment-{comment.pk}"


def idea_comment_body(comment: IdeaComment, *, submitter: bool) -> str:
    """Return the text of a new comment's notification."""
    return staff_email_text(
        "feedback/ideas/emails/comment.txt",
        {
            "comment": comment,
            "idea": comment.idea,
            "title": idea_comment_title(comment),
            "submitter": submitter,
            "url": site_link(idea_comment_link(comment)),
        },
    )


def notify_idea_comment(comment: IdeaComment) -> None:
    """Tell the idea's submitter, its supporters and the earlier commenters (not the author)
    of a new comment, in the notification centre only: a conversation would flood inboxes."""
    idea = comment.idea
    commenters = IdeaComment.objects.filter(idea=idea, author__isnull=False).values("author")
    others = User.objects.filter(
        Q(idea_votes__idea=idea) | Q(pk__in=commenters), is_active=True
    ).exclude(pk__in=[comment.author_id] if comment.author_id else [])
    submitters = [
        person for person in idea_submitters_to_tell(idea) if person.pk != comment.author_id
    ]
    followers = list(others.exclude(pk=idea.submitted_by_id).order_by("pk").distinct())
    for submitter, people in ((True, submitters), (False, followers)):
        if not people:
            continue
        notify(
            people,
            kind=Notification.Kind.OTHER,
            title=idea_comment_title(comment),
            body=idea_comment_body(comment, submitter=submitter),
            link=idea_comment_link(comment),
            key=f"idea-comment:{comment.pk}",
            email=False,
        )
