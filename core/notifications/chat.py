"""Messages to Slack and Microsoft Teams channels through their incoming webhooks.

Slack takes Block Kit (blocks, with a plain `text` for notifications and old clients). Teams
takes an Adaptive Card in the envelope of the Workflows template "Post to a channel when a
webhook request is received"; the Office 365 connectors' MessageCard is retired and not used.
A message is queued with `chat_post` (through the outbox) and sent by `chat_post_task`, which
retries what may pass (network errors, 5xx, 429) and records the outcome on the channel.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.models import ChatChannel
from core.network_targets import RefusedTarget, post_json
from core.tasks import chat_post_task

Facts = Iterable[Sequence[str]]
# How much of a refusal's body is kept on the channel and shown: enough for Slack's one-word
# reasons and Teams' error objects, not a whole HTML error page.
BODY_SHOWN = 200


class ChatSendError(Exception):
    """A message did not reach its channel; `message` says why, for the quality manager."""

    transient = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ChatSendTransient(ChatSendError):
    """A failure that may pass (network, 5xx, 429): the task tries again later."""

    transient = True


def slack_payload(title: str, text: str, link: str = "", facts: Facts = ()) -> dict[str, Any]:
    """Return a Slack incoming-webhook message: Block Kit blocks and a plain-text fallback."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": True}}
    ]
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    fields = [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in facts][:10]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    if link:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"<{link}|{_('Open in LoyaltyQMS')}>"},
            }
        )
    fallback = "\n".join(part for part in (title, text, link) if part)
    return {"text": fallback, "blocks": blocks}


def teams_payload(title: str, text: str, link: str = "", facts: Facts = ()) -> dict[str, Any]:
    """Return a Teams Workflows webhook message: one Adaptive Card (1.4) attachment."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    if text:
        body.append({"type": "TextBlock", "text": text, "wrap": True})
    fact_rows = [{"title": name, "value": value} for name, value in facts]
    if fact_rows:
        body.append({"type": "FactSet", "facts": fact_rows})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": _("Open in LoyaltyQMS"), "url": link}
        ]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def chat_payload(
    channel: ChatChannel, *, title: str, text: str, link: str = "", facts: Facts = ()
) -> dict[str, Any]:
    """Return the message in the channel's format."""
    if channel.kind == ChatChannel.Kind.TEAMS:
        return teams_payload(title, text, link, facts)
    return slack_payload(title, text, link, facts)


def chat_post(
    channel: ChatChannel,
    *,
    title: str,
    text: str,
    link: str = "",
    facts: Sequence[tuple[str, str]] = (),
) -> None:
    """Queue one message to the channel (outbox); `link` must be absolute (core.mail.site_link)."""
    outbox.enqueue(
        chat_post_task, channel.pk, title, text, link, [[name, value] for name, value in facts]
    )


def chat_send(
    channel: ChatChannel,
    *,
    title: str,
    text: str,
    link: str = "",
    facts: Facts = (),
    timeout: float = 10,
) -> None:
    """Send one message now and record the outcome on the channel; raise ChatSendError on failure.

    Holds no transaction while the chat service answers; the outcome is written with an UPDATE of
    its two columns, so a quality manager's edit of the channel meanwhile is kept.
    """
    service = _short_name(channel)
    payload = chat_payload(channel, title=title, text=text, link=link, facts=facts)
    try:
        response = post_json(channel.url, payload, timeout=timeout)
    except RefusedTarget as refusal:
        _record(channel, str(refusal))
        raise ChatSendError(str(refusal)) from refusal
    except httpx.HTTPError as error:
        message = _("%(service)s could not be reached: %(error)s") % {
            "service": service,
            "error": str(error) or type(error).__name__,
        }
        _record(channel, message)
        raise ChatSendTransient(message) from error
    if response.is_success:
        _record(channel, "")
        return
    message = _("%(service)s answered %(status)s: %(body)s") % {
        "service": service,
        "status": response.status_code,
        "body": response.text.strip()[:BODY_SHOWN] or response.reason_phrase,
    }
    _record(channel, message)
    if response.status_code == 429 or response.status_code >= 500:
        raise ChatSendTransient(message)
    raise ChatSendError(message)


def _short_name(channel: ChatChannel) -> str:
    """Return the chat service's name as a sentence starts with it ("Slack", "Teams")."""
    return "Teams" if channel.kind == ChatChannel.Kind.TEAMS else "Slack"


def _record(channel: ChatChannel, error: str) -> None:
    """Write the outcome of a send on the channel (and the instance in hand)."""
    if error:
        ChatChannel.objects.filter(pk=channel.pk).update(last_error=error)
        channel.last_error = error
    else:
        now = timezone.now()
        ChatChannel.objects.filter(pk=channel.pk).update(last_sent_at=now, last_error="")
        channel.last_sent_at, channel.last_error = now, ""
