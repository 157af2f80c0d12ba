"""App configuration for feedback."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _capture_context(request: Any) -> dict[str, Any]:
    from .models import Complaint

    mine = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES)
    return {
        "open_count": mine.filter(logged_by=request.user).count(),
        "assigned_count": mine.filter(assignee=request.user).count(),
    }


def _recognitions_context(request: Any) -> dict[str, Any]:
    from .selectors import recognitions_for

    return {"recognitions": list(recognitions_for(request.user)[:3])}


def _queue_context(request: Any) -> dict[str, Any]:
    from .models import ImprovementIdea
    from .selectors import queue_counts

    return {
        "counts": queue_counts(request.user),
        "ideas_waiting": ImprovementIdea.objects.filter(
            status__in=[ImprovementIdea.Status.SUBMITTED, ImprovementIdea.Status.UNDER_REVIEW]
        ).count(),
    }


class FeedbackConfig(AppConfig):
    """Feedback app: complaints, ideas and recognition (surveys and insights follow)."""

    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from core.home_panels import HomePanel
        from core.home_panels import register as register_panel
        from core.navigation import NavItem, register
        from core.roles import Role

        from . import importers  # noqa: F401 - registers the importers of this app

        # The voice-of-customer pages share one drop-down menu.
        register(
            NavItem(
                label=_("Surveys"),
                url_name="feedback:survey-list",
                icon="clipboard-data",
                order=330,
                permission="feedback.view_survey",
                active_prefixes=("/feedback/surveys/",),
                group="voice",
            ),
            NavItem(
                label=_("Insights"),
                url_name="feedback:insight-list",
                icon="chat-quote",
                order=340,
                permission="feedback.view_insight",
                active_prefixes=("/feedback/insights/", "/feedback/themes/"),
                group="voice",
            ),
            NavItem(
                label=_("Mystery shopping"),
                url_name="feedback:mystery-shopping",
                icon="incognito",
                order=350,
                permission="feedback.view_audit",
                active_prefixes=("/feedback/mystery-shopping/",),
                group="voice",
            ),
        )

        register(
            NavItem(
                label=_("My submissions"),
                url_name="feedback:my-submissions",
                icon="person-lines-fill",
                order=50,
                roles=(Role.FRONTLINE, Role.QUALITY_MANAGER),
                active_prefixes=("/feedback/mine/",),
            ),
            NavItem(
                label=_("Complaints"),
                url_name="feedback:complaint-queue",
                icon="inboxes",
                order=300,
                permission="feedback.view_complaint",
                active_prefixes=("/feedback/complaints/", "/feedback/sla/"),
            ),
            NavItem(
                label=_("Ideas"),
                url_name="feedback:idea-list",
                icon="lightbulb",
                order=310,
                permission="feedback.view_improvementidea",
                active_prefixes=("/feedback/ideas/",),
            ),
            NavItem(
                label=_("Recognition"),
                url_name="feedback:recognition-feed",
                icon="award",
                order=320,
                permission="feedback.view_recognition",
                active_prefixes=("/feedback/recognition/",),
            ),
        )
        register_panel(
            HomePanel(
                key="capture",
                template="feedback/complaints/panels/capture.html",
                order=-10,  # above the welcome: logging a complaint is why frontline staff come
                roles=(Role.FRONTLINE,),
                context=_capture_context,
            ),
            HomePanel(
                key="complaint-queue",
                template="feedback/complaints/panels/queue.html",
                order=20,
                roles=(Role.QUALITY_MANAGER,),
                context=_queue_context,
            ),
            HomePanel(
                key="recognitions",
                template="feedback/recognition/panels/recognitions.html",
                order=30,
                roles=(Role.FRONTLINE, Role.QUALITY_MANAGER),
                context=_recognitions_context,
            ),
        )
