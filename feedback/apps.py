"""App configuration for feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback app: complaints, ideas and recognition (surveys and insights follow)."""

    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from core import audit
        from core.home_panels import HomePanel
        from core.home_panels import register as register_panel
        from core.navigation import NavItem, register
        from core.roles import Role

        from . import (
            importers,  # noqa: F401 - registers the importers of this app
            selectors,
        )
        from .models import Complaint, ImprovementIdea, ReplyTemplate, Survey

        audit.register(
            audit.ControlledRecord(
                key="complaint",
                model=Complaint,
                permission="feedback.view_complaint",
                selector=selectors.complaints_visible_to,
                retire=_("close it instead; a closed complaint stays on record."),
            ),
            audit.ControlledRecord(
                key="idea",
                model=ImprovementIdea,
                permission="feedback.view_improvementidea",
                retire=_("decline it instead; a declined idea stays on record."),
            ),
            audit.ControlledRecord(
                key="survey",
                model=Survey,
                permission="feedback.view_survey",
                retire=_("close it instead (set “open until”); a closed survey keeps its answers."),
            ),
            # What customers are told: a controlled document, retired rather than deleted.
            audit.ControlledRecord(
                key="reply-template",
                model=ReplyTemplate,
                permission="feedback.add_complaint",
                retire=_("retire it instead; the messages sent from it keep naming it."),
            ),
        )

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
                group="improve",
            ),
            NavItem(
                label=_("Recognition"),
                url_name="feedback:recognition-feed",
                icon="award",
                order=320,
                permission="feedback.view_recognition",
                active_prefixes=("/feedback/recognition/",),
                group="improve",
            ),
        )
        register_panel(
            HomePanel(
                key="capture",
                template="feedback/complaints/panels/capture.html",
                order=-10,  # above the welcome: logging a complaint is why frontline staff come
                roles=(Role.FRONTLINE,),
                context=lambda request: {"mine": selectors.my_open_counts(request.user)},
            ),
            HomePanel(
                key="complaint-queue",
                template="feedback/complaints/panels/queue.html",
                order=20,
                roles=(Role.QUALITY_MANAGER,),
                context=lambda request: {
                    "counts": selectors.queue_counts(request.user),
                    "ideas_waiting": selectors.ideas_awaiting_review_count(),
                },
            ),
            HomePanel(
                key="recognitions",
                template="feedback/recognition/panels/recognitions.html",
                order=30,
                roles=(Role.FRONTLINE, Role.QUALITY_MANAGER),
                context=lambda request: {
                    "recognitions": list(selectors.recognitions_for(request.user)[:3])
                },
            ),
        )
