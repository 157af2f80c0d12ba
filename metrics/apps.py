"""App configuration for metrics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Metrics app: indicators, snapshots, control charts, drivers and recompute runs."""

    name = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from core import audit
        from core.navigation import NavItem, register

        from . import importers  # noqa: F401 - registers the importers of this app
        from .models import Indicator

        audit.register(
            audit.ControlledRecord(
                key="indicator",
                model=Indicator,
                permission="metrics.view_indicator",
                lookup="code",
                retire=_(
                    "untick “active” instead; a retired indicator keeps its history and charts."
                ),
            )
        )

        register(
            NavItem(
                label=_("Indicators"),
                url_name="metrics:indicator-list",
                icon="graph-up",
                order=400,
                permission="metrics.view_indicator",
                active_prefixes=("/metrics/",),
            ),
            NavItem(
                label=_("Recompute runs"),
                url_name="metrics:run-list",
                icon="arrow-repeat",
                order=850,  # after Imports: both are the data's plumbing
                permission="metrics.view_recomputerun",
                active_prefixes=("/metrics/runs/",),
                group="tools",
            ),
            # Every member of staff subscribes to alert rules; the page links to the rules.
            NavItem(
                label=_("Alerts"),
                url_name="metrics:alert-mine",
                icon="bell",
                order=860,  # beside the chat channels and webhooks that alerts also go to
                permission="metrics.view_alertsubscription",
                active_prefixes=("/metrics/alerts/",),
                group="tools",
            ),
        )
