"""The notification centre: a person's notifications, newest first, to open and mark read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.pagination import COUNT_LIMIT, page_of
from core.roles import acting_user

from . import selectors, services

SHOW_UNREAD = "unread"


def _centre(request: HttpRequest) -> str:
    """Return the address of the centre as the request showed it (filter and page kept)."""
    back = request.POST.get("next", "")
    if back.startswith(reverse("notifications")) and url_has_allowed_host_and_scheme(
        back, allowed_hosts=None
    ):
        return back
    return reverse("notifications")


def is_local_link(link: str) -> bool:
    """Return whether a notification's link is a path on this site (never another host)."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """List the user's notifications, newest first, the unread ones highlighted."""
    user = acting_user(request)
    unread_only = request.GET.get("show") == SHOW_UNREAD
    rows = selectors.notifications_visible_to(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = page_of(request, rows, counted_up_to=COUNT_LIMIT)  # a years-old account holds many
    return render(
        request,
        "core/notifications/notification_list.html",
        {"page_obj": page, "unread_only": unread_only},
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and go to the page it links to (a page of this site only)."""
    user = acting_user(request)
    notification = get_object_or_404(selectors.notifications_visible_to(user), pk=pk)
    services.notification_mark_read(user=user, ids=[notification.pk])
    if notification.link and is_local_link(notification.link):
        return redirect(notification.link)
    if notification.link:
        messages.error(request, _("This notification links to another site: it is not opened."))
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read."""
    user = acting_user(request)
    notification = get_object_or_404(selectors.notifications_visible_to(user), pk=pk)
    services.notification_mark_read(user=user, ids=[notification.pk])
    return redirect(_centre(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all the user's notifications read."""
    count = services.notification_mark_read(user=acting_user(request))
    text = ngettext(
        "%(count)s notification marked as read.", "%(count)s notifications marked as read.", count
    )
    messages.success(request, text % {"count": count})
    return redirect(_centre(request))
