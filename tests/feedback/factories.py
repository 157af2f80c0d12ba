"""factory_boy factories of the feedback records, made through the feedback services.

Whoever acts is a new user in the role the service asks for: frontline staff log complaints and
submit ideas, quality managers create surveys, themes and checklists and give recognition.
"""

from datetime import date
from typing import Any

import factory

from core.roles import Role
from feedback import services
from feedback.models import (
    Audit,
    ChecklistTemplate,
    Complaint,
    ImprovementIdea,
    Insight,
    Recognition,
    ReplyTemplate,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
)
from tests.core.factories import UserFactory
from tests.journeys.factories import TouchpointFactory


class ComplaintFactory(factory.Factory[Complaint]):
    """A medium complaint taken by phone, logged by frontline staff, at no touchpoint."""

    class Meta:
        model = Complaint

    logged_by = factory.SubFactory(UserFactory, role=Role.FRONTLINE)
    description = factory.Sequence(lambda number: f"Parcel {number} was left in the rain.")

    @classmethod
    def _create(cls, model_class: type[Complaint], *args: Any, **kwargs: Any) -> Complaint:
        return services.complaint_log(**kwargs)


class IdeaFactory(factory.Factory[ImprovementIdea]):
    """An improvement idea submitted by frontline staff, for no touchpoint."""

    class Meta:
        model = ImprovementIdea

    submitted_by = factory.SubFactory(UserFactory, role=Role.FRONTLINE)
    title = factory.Sequence(lambda number: f"Idea {number}")
    problem = "Customers dispute deliveries."
    proposal = "Ask the courier for a photo at the door."

    @classmethod
    def _create(
        cls, model_class: type[ImprovementIdea], *args: Any, **kwargs: Any
    ) -> ImprovementIdea:
        return services.idea_submit(**kwargs)


class RecognitionFactory(factory.Factory[Recognition]):
    """A quality manager's recognition of frontline staff for a behaviour."""

    class Meta:
        model = Recognition

    given_by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    recipient = factory.SubFactory(UserFactory, role=Role.FRONTLINE)
    behaviour = "Rebooked the engineer the same day."

    @classmethod
    def _create(cls, model_class: type[Recognition], *args: Any, **kwargs: Any) -> Recognition:
        return services.recognition_give(**kwargs)


class SurveyFactory(factory.Factory[Survey]):
    """A customer CSAT survey, open from now on, about no touchpoint in particular.

    `kind=Survey.Kind.ENPS, recurrence_weeks=6` makes a staff pulse instead.
    """

    class Meta:
        model = Survey

    created_by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    name = factory.Sequence(lambda number: f"Survey {number}")
    kind = Survey.Kind.CSAT

    @classmethod
    def _create(cls, model_class: type[Survey], *args: Any, **kwargs: Any) -> Survey:
        return services.survey_create(**kwargs)


class InvitationFactory(factory.Factory[SurveyInvitation]):
    """An invitation to a new survey without an e-mail address (its link is handed over)."""

    class Meta:
        model = SurveyInvitation

    survey = factory.SubFactory(SurveyFactory)

    @classmethod
    def _create(
        cls, model_class: type[SurveyInvitation], *args: Any, **kwargs: Any
    ) -> SurveyInvitation:
        return services.invitation_create(**kwargs)


class ResponseFactory(factory.Factory[SurveyResponse]):
    """An answer of 4 to a new survey, by link and without comment."""

    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory)
    score = 4

    @classmethod
    def _create(
        cls, model_class: type[SurveyResponse], *args: Any, **kwargs: Any
    ) -> SurveyResponse:
        return services.survey_respond(**kwargs)


class ThemeFactory(factory.Factory[Theme]):
    """An active theme with a unique name, created by a quality manager."""

    class Meta:
        model = Theme

    by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    name = factory.Sequence(lambda number: f"Theme {number}")

    @classmethod
    def _create(cls, model_class: type[Theme], *args: Any, **kwargs: Any) -> Theme:
        return services.theme_create(**kwargs)


class InsightFactory(factory.Factory[Insight]):
    """A note of what a customer told frontline staff, at no touchpoint and without themes."""

    class Meta:
        model = Insight

    author = factory.SubFactory(UserFactory, role=Role.FRONTLINE)
    text = factory.Sequence(lambda number: f"The box of order {number} was crushed.")

    @classmethod
    def _create(cls, model_class: type[Insight], *args: Any, **kwargs: Any) -> Insight:
        return services.insight_note(**kwargs)


class ChecklistFactory(factory.Factory[ChecklistTemplate]):
    """A mystery-shopping checklist of a touchpoint with two weighted items."""

    class Meta:
        model = ChecklistTemplate

    by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    touchpoint = factory.SubFactory(TouchpointFactory)
    name = factory.Sequence(lambda number: f"Checklist {number}")
    items = (("Parcel handed over in person", 3), ("Box undamaged", 2))

    @classmethod
    def _create(
        cls, model_class: type[ChecklistTemplate], *args: Any, **kwargs: Any
    ) -> ChecklistTemplate:
        return services.checklist_create(**kwargs)


class AuditFactory(factory.Factory[Audit]):
    """A quality manager's audit of a new checklist, scoring every item 3, on 2 November 2026."""

    class Meta:
        model = Audit

    template = factory.SubFactory(ChecklistFactory)
    auditor = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    visited_on = date(2026, 11, 2)
    scores = factory.LazyAttribute(
        lambda audit: {item.pk: 3 for item in audit.template.items.all()}
    )

    @classmethod
    def _create(cls, model_class: type[Audit], *args: Any, **kwargs: Any) -> Audit:
        return services.audit_record(**kwargs)


class ReplyTemplateFactory(factory.Factory[ReplyTemplate]):
    """A quality manager's acknowledgement template naming the reference and the due date."""

    class Meta:
        model = ReplyTemplate

    by = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    name = factory.Sequence(lambda number: f"Acknowledgement {number}")
    purpose = ReplyTemplate.Purpose.ACKNOWLEDGEMENT
    subject = "Your complaint {reference}"
    body = "Dear customer,\n\nWe will answer by {due_date}.\n\n{handler}, {organisation}"

    @classmethod
    def _create(cls, model_class: type[ReplyTemplate], *args: Any, **kwargs: Any) -> ReplyTemplate:
        return services.reply_template_create(**kwargs)
