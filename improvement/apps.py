"""App configuration for improvement."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """PDCA improvement cycles and corrective / preventive actions (CAPA)."""

    name = "improvement"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        from core import audit
        from core.home_panels import HomePanel
        from core.home_panels import register as register_panel
        from core.navigation import NavItem, register

        from . import selectors
        from .models import CycleAction, PDCACycle

        audit.register(
            audit.ControlledRecord(
                key="cycle",
                model=PDCACycle,
                permission="improvement.view_pdcacycle",
                selector=selectors.cycles_visible_to,
                lookup="reference",
                retire=_("abandon it with the reason instead; an abandoned cycle stays on record."),
            ),
            # A part of its cycle: planners remove an action added by mistake while in Plan or Do.
            audit.ControlledRecord(
                key="cycle-action",
                model=CycleAction,
                permission="improvement.view_cycleaction",
                selector=selectors.actions_visible_to,
            ),
        )

        register(
            NavItem(
                label=_("PDCA cycles"),
                url_name="improvement:board",
                icon="arrow-repeat",
                order=360,
                permission="improvement.view_pdcacycle",
                active_prefixes=("/improvement/",),
                group="improve",
            ),
            NavItem(
                label=_("Suggested cycles"),
                url_name="improvement:suggestion-list",
                icon="lightbulb",
                order=370,
                permission="improvement.view_suggestion",
                active_prefixes=("/improvement/suggestions/",),
                group="improve",
            ),
        )
        # Anyone who owns open actions sees them first thing; the panel hides when there are none.
        register_panel(
            HomePanel(
                key="my-actions",
                template="improvement/panels/my_actions.html",
                order=15,
                context=lambda request: {
                    "my_actions": list(selectors.my_open_actions(request.user)[:5]),
                    "my_actions_count": selectors.my_open_actions(request.user).count(),
                },
            ),
        )
