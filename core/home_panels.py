"""The home-page panel registry: each app registers the panels its users see on the home page.

A panel is a template include plus a visibility rule and an optional context function, so the
home page grows with the apps without core importing them.
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
