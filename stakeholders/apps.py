"""App configuration for stakeholders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    """Stakeholders app."""

    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        from core import audit
        from core.changes import changes_follow_deletions
        from core.navigation import NavItem, register

        from . import importers  # noqa: F401 - registers the importers of this app
        from .models import Customer, Partner

        # The answers and complaints of a deleted customer lose it, and with it their segment
        # in the metrics: their days are logged for the recompute.
        changes_follow_deletions(Customer)

        audit.register(
            audit.ControlledRecord(
                key="partner",
                model=Partner,
                permission="stakeholders.view_partner",
                retire=_("set its status to Ended instead; an ended partner stays on record."),
            )
        )

        # One menu entry: departments, partners and segments are tabs of the stakeholder map.
        register(
            NavItem(
                label=_("Stakeholders"),
                url_name="stakeholders:stakeholder-map",
                icon="diagram-3",
                order=200,
                permission="stakeholders.view_partner",
                active_prefixes=("/stakeholders/",),
                group="system",
            )
        )
