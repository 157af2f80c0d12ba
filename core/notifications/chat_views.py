"""Pages where quality managers connect Slack and Teams channels and send them a test message."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.models import ChatChannel
from core.pagination import page_of
from core.roles import acting_user

from . import chat_selectors as selectors
from . import chat_services as services
from .chat_forms import ChatChannelForm


@permission_required("core.view_chatchannel", raise_exception=True)
def channel_list(request: HttpRequest) -> HttpResponse:
    """List the chat channels, their URLs masked, with the outcome of their last message."""
    page = page_of(request, selectors.chat_channel_list())
    rows = [(channel, selectors.masked_url(channel.url)) for channel in page]
    return render(request, "core/chat/channel_list.html", {"page_obj": page, "rows": rows})


@permission_required("core.add_chatchannel", raise_exception=True)
def channel_create(request: HttpRequest) -> HttpResponse:
    """Connect a channel by its incoming-webhook URL."""
    form = ChatChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            channel = services.chat_channel_create(**form.cleaned_data, by=acting_user(request))
        if call.ok:
            messages.success(
                request,
                _("Channel “%(name)s” connected: send it a test message.") % _named(channel),
            )
            return redirect("chat:channel-list")
    return render(request, "core/chat/channel_form.html", {"form": form})


@permission_required("core.change_chatchannel", raise_exception=True)
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a channel, replace its URL, or switch it off or on."""
    channel = get_object_or_404(ChatChannel, pk=pk)
    form = ChatChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not fields["url"]:
            del fields["url"]  # empty: the channel keeps its URL
        with service_errors(form) as call:
            services.chat_channel_update(channel=channel, **fields)
        if call.ok:
            messages.success(request, _("Channel “%(name)s” saved.") % _named(channel))
            return redirect("chat:channel-list")
    return render(request, "core/chat/channel_form.html", {"form": form, "channel": channel})


@permission_required("core.delete_chatchannel", raise_exception=True)
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then remove a channel."""
    channel = get_object_or_404(ChatChannel, pk=pk)
    if request.method == "POST":
        services.chat_channel_delete(channel=channel)
        messages.success(request, _("Channel “%(name)s” removed.") % _named(channel))
        return redirect("chat:channel-list")
    return render(request, "core/chat/channel_delete.html", {"channel": channel})


@permission_required("core.change_chatchannel", raise_exception=True)
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message now; the list shows whether it arrived or what the service answered."""
    channel = get_object_or_404(ChatChannel, pk=pk)
    with service_errors(request=request) as call:
        services.chat_channel_test(channel=channel, by=acting_user(request))
    if call.ok:
        messages.success(request, _("Test message sent to “%(name)s”.") % _named(channel))
    return redirect("chat:channel-list")


def _named(channel: ChatChannel) -> dict[str, Any]:
    return {"name": channel.name}
