"""App configuration for journeys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """Customer journeys app."""

    name = "journeys"
    verbose_name = _("Customer journeys")

    def ready(self) -> None:
        from core import audit
        from core.changes import changes_follow_deletions
        from core.navigation import NavItem, register

        from .models import Journey, QualityObjective, Stage, Touchpoint

        # The answers and ideas at a deleted touchpoint lose it, and with it their journey and
        # partner in the metrics: their days are logged for the recompute. (Stages and journeys
        # place nothing themselves: an indicator scoped to a journey protects it from deletion,
        # and complaints keep copies.)
        changes_follow_deletions(Touchpoint)

        audit.register(
            audit.ControlledRecord(
                key="journey",
                model=Journey,
                permission="journeys.view_journey",
                retire=_("set its status to Retired instead; a retired journey stays on record."),
            ),
            audit.ControlledRecord(
                key="objective",
                model=QualityObjective,
                permission="journeys.view_qualityobjective",
                retire=_("untick “active” instead; a retired objective stays on record."),
            ),
            # Parts of a journey's map: their editors delete them while nothing controlled
            # goes with them.
            audit.ControlledRecord(
                key="stage",
                model=Stage,
                permission="journeys.view_stage",
            ),
            audit.ControlledRecord(
                key="touchpoint",
                model=Touchpoint,
                permission="journeys.view_touchpoint",
            ),
        )

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
