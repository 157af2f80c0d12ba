"""App configuration for journeys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """Customer journeys app."""

    name = "journeys"
    verbose_name = _("Customer journeys")

    def ready(self) -> None:
        from core.navigation import NavItem, register

        register(
            NavItem(
                label=_("Journeys"),
                url_name="journeys:journey-list",
                icon="signpost-split",
                order=100,
                permission="journeys.view_journey",
                active_prefixes=("/journeys/",),
                group="system",
            )
        )
