"""The navigation registry: each app registers its menu entries in its AppConfig.ready().

An entry is shown to a user who holds its permission (if any) and one of its roles (if any);
superusers see every entry. Partner contacts are the exception both ways: they see only the
partner portal's entries (`portal=True`), which nobody else sees. The lower apps never import the
upper ones: they register here.
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Role, has_role, is_portal_user


@dataclass(frozen=True, eq=False)
class NavItem:
    """One menu entry, registered once: two entries are the same only if they are one object
    (the menu compares each entry with the page's; comparing fields translated every label)."""

    label: str | Promise
    url_name: str
    icon: str
    order: int
    permission: str | None = None
    roles: tuple[Role, ...] = ()
    superuser_only: bool = False
    active_prefixes: tuple[str, ...] = field(default=())
    group: str = ""  # a key of MENU_GROUPS: shown in that group's drop-down menu
    portal: bool = False  # an entry of the partner portal: for partner contacts only

    @property
    def items(self) -> list["NavItem"]:
        """A single entry has no drop-down items (templates test for them)."""
        return []

    def visible_to(self, user: Any) -> bool:
        """Return whether the user may see this entry."""
        if not user.is_authenticated:
            return False
        if self.portal or is_portal_user(user):
            return self.portal and is_portal_user(user)
        if user.is_superuser:
            return True
        if self.superuser_only:
            return False
        if self.permission and not user.has_perm(self.permission):
            return False
        return not self.roles or has_role(user, *self.roles)

    @property
    def url(self) -> str:
        """Return the entry's URL."""
        return reverse(self.url_name)


# Drop-down menus of the navigation bar: key -> (label, icon). Entries join one by `group`.
MENU_GROUPS: dict[str, tuple[str | Promise, str]] = {
    "system": (_("System"), "diagram-3"),
    "improve": (_("Improve"), "arrow-repeat"),  # ideas, PDCA cycles and the recognition after
    "voice": (_("Voice"), "megaphone"),  # of customers and employees
    "tools": (_("Tools"), "tools"),
}


@dataclass(frozen=True)
class NavGroup:
    """A drop-down menu of the navigation bar and the entries in it, in menu order."""

    key: str
    label: str | Promise
    icon: str
    items: list[NavItem]


def menu_for(items: list[NavItem]) -> list[NavItem | NavGroup]:
    """Return the menu: single entries and drop-down groups, each where its first entry is."""
    menu: list[NavItem | NavGroup] = []
    groups: dict[str, NavGroup] = {}
    for item in items:
        if not item.group:
            menu.append(item)
            continue
        if item.group not in groups:
            label, icon = MENU_GROUPS[item.group]
            groups[item.group] = NavGroup(key=item.group, label=label, icon=icon, items=[])
            menu.append(groups[item.group])
        groups[item.group].items.append(item)
    return menu


_registry: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add entries to the menu (registering the same URL name again replaces the entry)."""
    for item in items:
        _registry[item.url_name] = item


def items_for(user: Any) -> list[NavItem]:
    """Return the entries the user may see, in menu order."""
    return sorted(
        (item for item in _registry.values() if item.visible_to(user)),
        key=lambda item: item.order,
    )


def register_core_items() -> None:
    """Register the entries core owns."""
    register(
        # The panels of one's own work; "/" leads to the role's home, which may be another page.
        NavItem(
            label=_("My work"),
            url_name="my-work",
            icon="house",
            order=0,
        ),
        NavItem(
            label=_("Imports"),
            url_name="imports:job-list",
            icon="upload",
            order=800,
            permission="core.add_importjob",
            active_prefixes=("/imports/",),
            group="tools",
        ),
        NavItem(
            label=_("Chat channels"),
            url_name="chat:channel-list",
            icon="chat-dots",
            order=850,
            permission="core.view_chatchannel",
            active_prefixes=("/settings/chat-channels/",),
            group="tools",
        ),
        NavItem(
            label=_("Webhooks"),
            url_name="webhooks:endpoint-list",
            icon="broadcast",
            order=870,
            permission="core.view_webhookendpoint",
            active_prefixes=("/integrations/webhooks/",),
            group="tools",
        ),
        NavItem(
            label=_("API"),
            url_name="api-docs",
            icon="braces",
            order=900,
            roles=(Role.QUALITY_MANAGER,),
            active_prefixes=("/api/",),
            group="tools",
        ),
        NavItem(
            label=_("Administration"),
            url_name="admin:index",
            icon="gear",
            order=1000,
            superuser_only=True,
            group="tools",
        ),
    )
