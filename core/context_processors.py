"""Template context shared by every page."""

import functools
from typing import Any

from django.http import HttpRequest

from . import navigation
from .roles import is_portal_user, user_roles


def navigation_context(request: HttpRequest) -> dict[str, Any]:
    """Return the menu entries and roles of the current user."""
    user = request.user
    items = navigation.items_for(user)
    path = request.path
    active = None
    for item in items:
        prefixes = item.active_prefixes or (item.url,)
        if any(path.startswith(prefix) for prefix in prefixes) and (
            active is None or len(item.url) > len(active.url)
        ):
            active = item
    if path == "/":  # "/" shows "My work" to those whose role has no other home
        active = next((item for item in items if item.url_name == "my-work"), active)
    return {
        "nav_items": items,
        "nav_menu": navigation.menu_for(items),
        "nav_active": active,
        "user_role_names": sorted(role.value for role in user_roles(user)),
    }


def notifications_context(request: HttpRequest) -> dict[str, Any]:
    """Return the user's unread notification count for the bell, counted only when a page
    shows it (one COUNT on the partial index; public pages and the API never ask)."""
    user = request.user
    if not user.is_authenticated or is_portal_user(user):
        return {}
    from .notifications.selectors import notification_unread_count

    return {"unread_notifications": functools.cache(lambda: notification_unread_count(user))}
