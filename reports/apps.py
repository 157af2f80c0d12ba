"""App configuration for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports app."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from core import audit
        from core.home_panels import register_home
        from core.navigation import NavItem, register
        from core.roles import Role

        from .models import (
            ManagementReview,
            PartnerExpectation,
            ReviewAction,
            ReviewDecision,
            ScorecardCriterion,
        )
        from .selectors.monthly_reports import management_reviews_visible_to

        # The system-health dashboard: first in the bar for whoever reads indicators, and where
        # quality managers and executives land ("My work" keeps their queue and actions).
        register(
            NavItem(
                label=_("Dashboard"),
                url_name="reports:dashboard",
                icon="speedometer2",
                order=-10,
                permission="metrics.view_indicator",
            ),
        )
        # The monthly loyalty-health report: top level, right after the dashboard, where
        # executives look for it.
        register(
            NavItem(
                label=_("Monthly report"),
                url_name="reports:monthly-list",
                icon="file-earmark-bar-graph",
                order=-9,
                permission="reports.view_monthlyreport",
                active_prefixes=("/reports/monthly/",),
            ),
        )
        register_home(Role.QUALITY_MANAGER, "reports:dashboard")
        # Executives: the dashboard opens on the balance; the monthly report is next in the bar.
        register_home(Role.EXECUTIVE, "reports:dashboard")

        # Pareto views: in Improve, where the vital few causes turn into PDCA cycles.
        register(
            NavItem(
                label=_("Pareto"),
                url_name="reports:pareto",
                icon="bar-chart-line",
                order=355,
                permission="feedback.view_complaint",
                active_prefixes=("/reports/pareto/",),
                group="improve",
            ),
        )

        # Partner scorecards: in System beside the stakeholders, for staff who read them all.
        register(
            NavItem(
                label=_("Scorecards"),
                url_name="reports:scorecard-list",
                icon="clipboard-data",
                order=210,
                permission="reports.view_all_scorecards",
                active_prefixes=("/reports/scorecards/",),
                group="system",
            ),
        )
        # The scoring rules and the agreed expectations are controlled information: every
        # change is kept. Criteria are fixed (a weight of 0 leaves one out); an expectation is
        # a part of its partner's scorecard, cleared to fall back on the default.
        audit.register(
            audit.ControlledRecord(
                key="scorecard-criterion",
                model=ScorecardCriterion,
                permission="reports.view_scorecardcriterion",
                lookup="key",
                retire=_("set its weight to 0 instead; the six criteria stay on record."),
            ),
            audit.ControlledRecord(
                key="partner-expectation",
                model=PartnerExpectation,
                permission="reports.view_partnerexpectation",
            ),
            # The management review's record (ISO 9001 §9.3.3 asks that its results be kept as
            # documented information): the review, its decisions and its actions.
            audit.ControlledRecord(
                key="management-review",
                model=ManagementReview,
                permission="reports.view_managementreview",
                selector=management_reviews_visible_to,
                retire=_("a signed-off review stays on record; a draft is corrected, not deleted."),
            ),
            audit.ControlledRecord(
                key="review-decision",
                model=ReviewDecision,
                permission="reports.view_reviewdecision",
            ),
            audit.ControlledRecord(
                key="review-action",
                model=ReviewAction,
                permission="reports.view_reviewaction",
            ),
        )

        # The partner portal: a partner contact's home and the only entries they see.
        register_home(Role.PARTNER, "reports:portal-home")
        register(
            NavItem(
                label=_("Scorecard"),
                url_name="reports:portal-home",
                icon="clipboard-data",
                order=10,
                portal=True,
                active_prefixes=("/reports/portal/", "/reports/scorecards/"),
            ),
            NavItem(
                label=_("Complaints"),
                url_name="reports:portal-complaint-list",
                icon="chat-left-text",
                order=20,
                portal=True,
                active_prefixes=("/reports/portal/complaints/",),
            ),
            NavItem(
                label=_("Account"),
                url_name="account",
                icon="person-gear",
                order=30,
                portal=True,
                active_prefixes=("/accounts/",),
            ),
        )
