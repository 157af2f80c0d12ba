"""The home-page registries: the panels of "My work", and the page each role lands on.

A panel is a template include plus a visibility rule and an optional context function, so the
home page grows with the apps without core importing them. A role's home is a URL name an upper
app registers (`register_home(Role.QUALITY_MANAGER, "reports:dashboard")`): signing in, or
opening "/", leads there; a role without one lands on "My work", the panels.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from . import health
from .roles import ROLE_DESCRIPTIONS, Role, has_role, user_roles


@dataclass(frozen=True)
class HomePanel:
    """One panel of the home page."""

    key: str
    template: str
    order: int
    roles: tuple[Role, ...] = ()
    context: Callable[[HttpRequest], dict[str, Any]] | None = None

    def visible_to(self, user: Any) -> bool:
        """Return whether the user sees the panel (no roles listed means everyone)."""
        return not self.roles or has_role(user, *self.roles)


_registry: dict[str, HomePanel] = {}


def register(*panels: HomePanel) -> None:
    """Add panels to the home page (the same key again replaces the panel)."""
    for panel in panels:
        _registry[panel.key] = panel


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the visible panels in order, each with its template and context."""
    shown = sorted(
        (panel for panel in _registry.values() if panel.visible_to(request.user)),
        key=lambda panel: panel.order,
    )
    return [
        {"key": panel.key, "template": panel.template, **(panel.context or _empty)(request)}
        for panel in shown
    ]


# Whose home wins for someone holding several roles: the widest view of the system first; staff
# who also hold the partner role keep their own home (the portal is for partner contacts only).
HOME_PRECEDENCE = (Role.QUALITY_MANAGER, Role.EXECUTIVE, Role.FRONTLINE, Role.PARTNER)

_homes: dict[Role, str] = {}


def register_home(role: Role, url_name: str) -> None:
    """Make a page (a URL name) the home of a role (registering the role again replaces it)."""
    _homes[role] = url_name


def home_for(user: Any) -> str | None:
    """Return the URL name of the user's home, or None to show them "My work".

    The first role the user holds in HOME_PRECEDENCE decides (frontline staff have no other
    home); only role groups count: a superuser without one lands on "My work".
    """
    held = user_roles(user)
    first = next((role for role in HOME_PRECEDENCE if role in held), None)
    return _homes.get(first) if first is not None else None


def _empty(request: HttpRequest) -> dict[str, Any]:
    return {}


def _welcome_context(request: HttpRequest) -> dict[str, Any]:
    roles = sorted(user_roles(request.user))
    return {
        "roles": [{"name": role.value, "description": ROLE_DESCRIPTIONS[role]} for role in roles],
        "is_administrator": request.user.is_superuser,
    }


def _status_context(request: HttpRequest) -> dict[str, Any]:
    return {"checks": {"database": health.check_database(), "broker": health.check_broker()}}


def register_core_panels() -> None:
    """Register the panels core owns."""
    register(
        HomePanel(
            key="welcome", template="core/panels/welcome.html", order=0, context=_welcome_context
        ),
        HomePanel(
            key="system-status",
            template="core/panels/system_status.html",
            order=900,
            roles=(Role.QUALITY_MANAGER,),
            context=_status_context,
        ),
        HomePanel(key="account", template="core/panels/account.html", order=1000),
    )
