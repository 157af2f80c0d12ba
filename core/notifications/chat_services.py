"""Writes of chat channels: connect, change, remove, and the test message a quality manager sends.

A channel's URL is checked where it is typed (`target_refusal`): a URL pointing inside the
network is refused next to the field, before anything is sent to it.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.mail import site_link
from core.models import ChatChannel
from core.network_targets import target_refusal
from core.saving import UNCHANGED, Unchanged, given, validated_save

from .chat import ChatSendError, chat_send

# Seconds the test button waits for the chat service: the quality manager is watching the page.
TEST_TIMEOUT = 5


def _check_url(url: str) -> None:
    """Refuse a URL the server must not send to, next to the URL field."""
    reason = target_refusal(url)
    if reason:
        raise ValidationError({"url": reason})


@transaction.atomic
def chat_channel_create(
    *, name: str, kind: str, url: str, is_active: bool = True, by: User | None = None
) -> ChatChannel:
    """Connect a Slack or Teams channel by its incoming-webhook URL."""
    _check_url(url)
    return validated_save(
        ChatChannel(), name=name, kind=kind, url=url, is_active=is_active, created_by=by
    )


@transaction.atomic
def chat_channel_update(
    *,
    channel: ChatChannel,
    name: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    url: str | Unchanged = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> ChatChannel:
    """Rename a channel, change its URL, or switch it off or on."""
    if url is not UNCHANGED and url != channel.url:
        _check_url(url)
    return validated_save(channel, **given(name=name, kind=kind, url=url, is_active=is_active))


@transaction.atomic
def chat_channel_delete(*, channel: ChatChannel) -> None:
    """Remove a channel; messages already queued to it are dropped."""
    channel.delete()


def chat_channel_test(*, channel: ChatChannel, by: User) -> ChatChannel:
    """Send a test message now; raise ApplicationError saying why it did not arrive."""
    try:
        chat_send(
            channel,
            title=_("Test message from LoyaltyQMS"),
            text=_("%(name)s sent this to check that the channel “%(channel)s” is connected.")
            % {"name": by.get_full_name() or by.get_username(), "channel": channel.name},
            link=site_link("/"),
            facts=[(_("Channel"), channel.name), (_("Kind"), channel.get_kind_display())],
            timeout=TEST_TIMEOUT,
        )
    except ChatSendError as error:
        raise ApplicationError(error.message) from error
    return channel
